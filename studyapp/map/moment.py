"""Which moment the map shows: today, or a later date the learner asks about.

``as_of=YYYY-MM-DD`` (the map page and ``GET /api/v1/decks/{id}/tree``) asks what
the learner will still know on that date if they stop reviewing now
(docs/mastery.md, "As of a date"). Today is the real now, counting cards due by
the end of the study day; a later date D is the start of D's study day, counting
cards due by its end. Earlier dates are refused: memory states are not kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from studyapp.errors import BadRequest, Invalid, StudyappError
from studyapp.scheduling.study_context import StudyContext
from studyapp.scheduling.study_day import study_day_for_date

MAX_YEARS_AHEAD = 10

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class AsOfError(StudyappError):
    """An ``as_of`` the map cannot show."""


class AsOfNotADate(AsOfError, BadRequest):
    code = "invalid_date"


class AsOfInPast(AsOfError, Invalid):
    code = "date_in_past"


class AsOfTooFarAhead(AsOfError, Invalid):
    code = "date_out_of_range"


@dataclass(frozen=True)
class MapMoment:
    """The moment mastery is computed for, and the end of the day whose due cards count."""

    day: date
    at: datetime
    due_before: datetime
    is_today: bool
    today: date

    @property
    def param(self) -> str | None:
        """``as_of`` for links: None for today, so links stay on "today" as days pass."""
        return None if self.is_today else self.day.isoformat()

    @property
    def latest(self) -> date:
        return _latest_date(self.today)


def _latest_date(today: date) -> date:
    try:
        return today.replace(year=today.year + MAX_YEARS_AHEAD)
    except ValueError:  # 29 February
        return today.replace(year=today.year + MAX_YEARS_AHEAD, day=28)


def today_moment(context: StudyContext) -> MapMoment:
    return MapMoment(
        day=context.day.date,
        at=context.now,
        due_before=context.day.ends_at,
        is_today=True,
        today=context.day.date,
    )


def map_moment(raw: str | None, context: StudyContext) -> MapMoment:
    """The moment for ``as_of`` (docs/mastery.md, "As of a date"); :class:`AsOfError` if none.

    Today (the learner's current study day) is the real now, counting cards
    due by the end of the study day; a later date D is the start of D's study
    day, counting cards due by its end. Earlier dates are refused: memory
    states are not kept, so the past cannot be shown.
    """
    if raw is None or not raw.strip():
        return today_moment(context)
    text = raw.strip()
    if not _DATE.fullmatch(text):
        raise AsOfNotADate(f"as_of must be a date written YYYY-MM-DD, not {raw[:40]!r}.")
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise AsOfNotADate(f"{text} is not a date on the calendar.") from None
    today = context.day.date
    if day < today:
        raise AsOfInPast(
            f"{_long_date(day)} is in the past. The map shows what you know today or will "
            "still know on a later date; earlier memory states are not kept.",
        )
    if day > _latest_date(today):
        raise AsOfTooFarAhead(
            f"{_long_date(day)} is too far ahead; choose a date within {MAX_YEARS_AHEAD} years.",
        )
    if day == today:
        return today_moment(context)
    study_day = study_day_for_date(day, context.time_zone, context.day_rollover_hour)
    return MapMoment(
        day=day,
        at=study_day.starts_at,
        due_before=study_day.ends_at,
        is_today=False,
        today=today,
    )


def _long_date(day: date) -> str:
    return f"{day:%a} {day.day} {day:%B %Y}"
