"""The forecast: how many cards fall due on each of the next study days.

Counts cards (any state) of the decks the user studies, live concepts only
(the queue's scope, :func:`studyapp.scheduling.queue.restrict_to_scope`), one
count per study day over :data:`FORECAST_DAYS` study days starting today; today
also counts every card already overdue. Days are study days, bounded in SQL by
:func:`studyapp.stats.study_days.day_bounds_table`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from studyapp.scheduling.queue.entries import QueueScope
from studyapp.scheduling.queue.scope import restrict_to_scope
from studyapp.scheduling.study_context import StudyContext
from studyapp.scheduling.study_day import study_day_for_date
from studyapp.stats.study_days import day_bounds_table
from studyapp.storage.models import Card, CardState

FORECAST_DAYS = 30
# Day 0 of the forecast starts here, so overdue cards are counted today.
_LONG_AGO = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class DayForecast:
    """Cards falling due on one study day (today also counts the overdue ones)."""

    date: date
    due: int


def forecast(
    session: Session, context: StudyContext, deck_id: int | None = None, days: int = FORECAST_DAYS
) -> list[DayForecast]:
    """Cards (any state) falling due on each of the next ``days`` study days, today first;
    today also counts everything overdue. Live cards of the user's decks only."""
    study_days = [
        study_day_for_date(
            context.day.date + timedelta(days=ahead), context.time_zone, context.day_rollover_hour
        )
        for ahead in range(days)
    ]
    bounds = day_bounds_table(study_days, first_starts_at=_LONG_AGO)
    query = (
        select(bounds.c.day_index, func.count(CardState.id))
        .select_from(bounds.table)
        .join(
            CardState,
            and_(
                CardState.user_id == context.user_id,
                CardState.due >= bounds.c.starts_at,
                CardState.due < bounds.c.ends_at,
            ),
        )
        .join(Card, Card.id == CardState.card_id)
        .group_by(bounds.c.day_index)
    )
    query = restrict_to_scope(query, context.user_id, QueueScope(deck_id=deck_id), session)
    found = dict(session.execute(query).all())
    return [DayForecast(day.date, found.get(index, 0)) for index, day in enumerate(study_days)]


__all__ = ["DayForecast"]
