"""What today's ratings have used: the daily limits, and the concepts already rated today."""

from __future__ import annotations

from fsrs import State
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from studyapp.scheduling.queue.entries import DailyLimits
from studyapp.scheduling.study_context import StudyContext
from studyapp.storage.models import Card, ReviewLog


def daily_limits(session: Session, context: StudyContext) -> DailyLimits:
    """The user's limits with what today has used: new cards introduced, reviews done."""
    day = context.day
    new_today, reviews_today = session.execute(
        select(
            func.count(ReviewLog.id).filter(ReviewLog.before_state.is_(None)),
            func.count(ReviewLog.id).filter(ReviewLog.before_state == State.Review.value),
        ).where(
            ReviewLog.user_id == context.user_id,
            ReviewLog.reviewed_at >= day.starts_at,
            ReviewLog.reviewed_at < day.ends_at,
        )
    ).one()
    return DailyLimits(
        context.new_cards_per_day, context.max_reviews_per_day, new_today, reviews_today
    )


def concepts_rated_today(session: Session, context: StudyContext) -> set[int]:
    """Concepts with a card rated today: their other cards wait for another day."""
    day = context.day
    return set(
        session.scalars(
            select(Card.concept_id)
            .join(ReviewLog, ReviewLog.card_id == Card.id)
            .where(
                ReviewLog.user_id == context.user_id,
                ReviewLog.reviewed_at >= day.starts_at,
                ReviewLog.reviewed_at < day.ends_at,
            )
            .distinct()
        )
    )
