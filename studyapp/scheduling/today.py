"""What today looks like for one user: answered so far, still to do, and what tomorrow holds."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from fsrs import State
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from studyapp.scheduling.queue.daily import todays_queue
from studyapp.scheduling.queue.entries import DailyQueue, QueueScope
from studyapp.scheduling.queue.scope import restrict_to_scope
from studyapp.scheduling.study_context import StudyContext
from studyapp.storage.models import Card, CardState, ReviewLog


@dataclass(frozen=True)
class TodayCounts:
    """Counts for the current study day.

    All counts are within ``scope`` (a deck, a branch, or everything).
    ``reviewed``: ratings given today; ``new``: new cards still available
    today; ``learning``: learning and relearning cards still to answer today
    (including those due later today); ``due``: review cards still due today
    within the daily limit; ``time_spent_ms``: answer time recorded today;
    ``again_count``: today's ratings that were Again; ``due_tomorrow``: review
    cards falling due during the next study day; ``next_learning_due``: when the
    earliest learning card not yet showable comes due, if any.
    """

    reviewed: int
    new: int
    learning: int
    due: int
    time_spent_ms: int
    again_count: int
    due_tomorrow: int
    next_learning_due: datetime | None

    @property
    def remaining(self) -> int:
        return self.new + self.learning + self.due

    @property
    def progress(self) -> float:
        """Share of today's work done, 0–1 (1 when nothing was or is due)."""
        total = self.reviewed + self.remaining
        return 1.0 if total == 0 else self.reviewed / total


def today_counts(
    session: Session,
    context: StudyContext,
    scope: QueueScope = QueueScope(),
    queue: DailyQueue | None = None,
) -> TodayCounts:
    queue = queue or todays_queue(session, context, scope)
    day = context.day
    todays_logs = (
        select(
            func.count(ReviewLog.id),
            func.coalesce(func.sum(ReviewLog.duration_ms), 0),
            func.count(ReviewLog.id).filter(ReviewLog.rating == 1),
        )
        .join(Card, Card.id == ReviewLog.card_id)
        .where(
            ReviewLog.user_id == context.user_id,
            ReviewLog.reviewed_at >= day.starts_at,
            ReviewLog.reviewed_at < day.ends_at,
        )
    )
    reviewed, time_spent_ms, again_count = session.execute(
        restrict_to_scope(todays_logs, context.user_id, scope, session)
    ).one()
    tomorrow = context.next_day()
    due_tomorrow, next_learning_due = session.execute(
        restrict_to_scope(
            select(
                func.count(CardState.id).filter(
                    CardState.state == State.Review.value,
                    CardState.due >= tomorrow.starts_at,
                    CardState.due < tomorrow.ends_at,
                ),
                func.min(CardState.due).filter(
                    CardState.state != State.Review.value, CardState.due > context.now
                ),
            )
            .join(Card, Card.id == CardState.card_id)
            .where(CardState.user_id == context.user_id),
            context.user_id,
            scope,
            session,
        )
    ).one()
    return TodayCounts(
        reviewed=reviewed,
        new=len(queue.new),
        learning=len(queue.learning) + queue.learning_later_today,
        due=len(queue.review),
        time_spent_ms=int(time_spent_ms or 0),
        again_count=again_count,
        due_tomorrow=due_tomorrow or 0,
        next_learning_due=next_learning_due,
    )
