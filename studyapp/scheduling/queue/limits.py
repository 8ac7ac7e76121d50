"""What today's ratings have used: the daily limits, and the concepts already rated today."""

from __future__ import annotations

from fsrs import State
from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from studyapp.scheduling.queue.entries import DailyLimits
from studyapp.scheduling.study_context import StudyContext
from studyapp.storage.models import Card, ReviewLog

_LOGS = ReviewLog.__table__
_MOMENT = ReviewLog.reviewed_at.type

_TODAYS_USE = select(
    func.count(_LOGS.c.id).filter(_LOGS.c.before_state.is_(None)),
    func.count(_LOGS.c.id).filter(_LOGS.c.before_state == State.Review.value),
).where(
    _LOGS.c.user_id == bindparam("user_id"),
    _LOGS.c.reviewed_at >= bindparam("day_starts_at", type_=_MOMENT),
    _LOGS.c.reviewed_at < bindparam("day_ends_at", type_=_MOMENT),
)

_CONCEPTS_RATED = (
    select(Card.concept_id)
    .join(_LOGS, _LOGS.c.card_id == Card.id)
    .where(
        _LOGS.c.user_id == bindparam("user_id"),
        _LOGS.c.reviewed_at >= bindparam("day_starts_at", type_=_MOMENT),
        _LOGS.c.reviewed_at < bindparam("day_ends_at", type_=_MOMENT),
    )
    .distinct()
)


def _today(context: StudyContext) -> dict[str, object]:
    return {
        "user_id": context.user_id,
        "day_starts_at": context.day.starts_at,
        "day_ends_at": context.day.ends_at,
    }


def daily_limits(session: Session, context: StudyContext) -> DailyLimits:
    """The user's limits with what today has used: new cards introduced, reviews done."""
    new_today, reviews_today = session.execute(_TODAYS_USE, _today(context)).one()
    return DailyLimits(
        context.new_cards_per_day, context.max_reviews_per_day, new_today, reviews_today
    )


def concepts_rated_today(session: Session, context: StudyContext) -> set[int]:
    """Concepts with a card rated today: their other cards wait for another day."""
    return set(session.scalars(_CONCEPTS_RATED, _today(context)))
