"""Study days in SQL: the UTC bounds of local study days, and day arithmetic on moments.

Study days come from :mod:`studyapp.scheduling.study_day` only. Their UTC
bounds are computed here in Python, then sent to the database as a small
``VALUES`` table ``(day_index, starts_at, ends_at)`` (:func:`day_bounds_table`)
that the review log (or the card states) is joined to on
``starts_at <= moment < ends_at``. Each day is then one range scan of
``ix_review_logs_user_id_reviewed_at`` (or ``ix_card_states_user_id_due``), the
grouping happens in SQL, and no database time-zone function is needed — DST
days are 23 or 25 hours long because their bounds say so.

Two SQL constructs compile differently on SQLite and PostgreSQL:
:class:`at_least_days_apart` (a condition: one moment is at least N days after
another) and :class:`whole_days_between` (the whole days between two moments, an
integer, as fsrs counts elapsed days).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Boolean, Integer, bindparam, text
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql import column
from sqlalchemy.sql.functions import FunctionElement

from studyapp.scheduling.study_day import StudyDay, study_day_for_date
from studyapp.storage.db import UTCDateTime


def study_days_ending(
    day: StudyDay, count: int, time_zone: str, rollover_hour: int
) -> list[StudyDay]:
    """The ``count`` study days up to and including ``day``, oldest first."""
    return [
        study_day_for_date(day.date - timedelta(days=back), time_zone, rollover_hour)
        for back in range(count - 1, -1, -1)
    ]


def day_bounds_table(days: Sequence[StudyDay], *, first_starts_at: datetime | None = None):
    """A table ``study_days(day_index, starts_at, ends_at)`` of the days' UTC bounds.

    A CTE over a textual ``VALUES`` list of bound parameters. Textual, because
    SQLAlchemy's ``values()`` puts its rows in the statement cache key (every new
    day would compile the statement anew, ~30 ms for a year) and SQLite accepts no
    column aliases on a ``VALUES`` subquery; both SQLite and PostgreSQL name the
    columns ``column1``, ``column2``, ``column3``.
    """
    moment = UTCDateTime()
    rows, parameters = [], []
    for index, day in enumerate(days):
        starts_at = first_starts_at if index == 0 and first_starts_at else day.starts_at
        rows.append(f"(:d{index}, :s{index}, :e{index})")
        parameters += [
            bindparam(f"d{index}", index, type_=Integer()),
            bindparam(f"s{index}", starts_at, type_=moment),
            bindparam(f"e{index}", day.ends_at, type_=moment),
        ]
    table = (
        text("VALUES " + ", ".join(rows))
        .bindparams(*parameters)
        .columns(
            column("column1", Integer()),
            column("column2", moment),
            column("column3", moment),
        )
        .cte("study_days")
    )
    return _Bounds(table)


class _Bounds:
    """The day-bounds CTE with readable column names (``.c.day_index`` etc.)."""

    def __init__(self, table) -> None:
        self.table = table
        self.c = _BoundColumns(table.c.column1, table.c.column2, table.c.column3)


@dataclass(frozen=True)
class _BoundColumns:
    day_index: object
    starts_at: object
    ends_at: object


class at_least_days_apart(FunctionElement):
    """SQL condition: ``later`` is at least ``days`` whole days after ``earlier``.

    PostgreSQL compares ``later >= earlier + interval``. SQLite compares the stored
    text with ``datetime(earlier, '+N days')``, which drops the fraction of a second:
    exact for whole-second intervals (a scheduled interval has the same fraction at
    both ends), never off by more than a second. It is also the cheapest form on
    SQLite: ``julianday`` differences carry rounding error (an interval of exactly
    21 days could land on either side) and ``strftime('%s')`` is twice as slow.
    NULL when either moment is.
    """

    type = Boolean()
    inherit_cache = True


@compiles(at_least_days_apart, "sqlite")
def _at_least_days_apart_sqlite(element, compiler, **kw) -> str:
    earlier, later, days = element.clauses
    return (
        f"({compiler.process(later, **kw)} >= datetime({compiler.process(earlier, **kw)}, "
        f"'+' || {compiler.process(days, **kw)} || ' days'))"
    )


@compiles(at_least_days_apart)
def _at_least_days_apart_default(element, compiler, **kw) -> str:
    earlier, later, days = element.clauses
    return (
        f"({compiler.process(later, **kw)} >= {compiler.process(earlier, **kw)} "
        f"+ make_interval(days => {compiler.process(days, **kw)}))"
    )


class whole_days_between(FunctionElement):
    """Whole days from ``earlier`` to ``later`` (what fsrs calls the elapsed days,
    ``(later - earlier).days``), computed in SQL so the collection pass reads a small
    integer instead of converting a datetime per card.

    SQLite: ``julianday`` difference plus 1e-9 day (its rounding error is about 5e-10),
    truncated; a moment within a millisecond of a whole-day mark may land a day off.
    Negative differences (a review "after" now) are clamped to 0 by the caller.
    """

    type = Integer()
    inherit_cache = True


@compiles(whole_days_between, "sqlite")
def _whole_days_sqlite(element, compiler, **kw) -> str:
    earlier, later = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"CAST(julianday({later}) - julianday({earlier}) + 1e-9 AS INTEGER)"


@compiles(whole_days_between)
def _whole_days_default(element, compiler, **kw) -> str:
    earlier, later = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"CAST(FLOOR(EXTRACT(EPOCH FROM ({later} - {earlier})) / 86400) AS INTEGER)"
