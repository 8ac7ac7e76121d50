"""The day's queue worked out from scratch, the slow and obvious way: the tests' reference.

Reads every due card and sorts in Python, exactly as the rules in
studyapp/scheduling/queue/__init__.py say. The kept queue must always agree with it.
"""

from __future__ import annotations

from fsrs import State
from sqlalchemy import case, select
from sqlalchemy.orm import Session

from studyapp.scheduling.memory import forgetting_curve
from studyapp.scheduling.queue.entries import (
    LEARN_AHEAD,
    DailyQueue,
    QueueEntry,
    QueueKind,
    QueueScope,
)
from studyapp.scheduling.queue.limits import concepts_rated_today, daily_limits
from studyapp.scheduling.queue.scope import restrict_to_scope
from studyapp.scheduling.study_context import StudyContext
from studyapp.storage.models import CARD_KIND_ORDER, Card, CardState, Concept


def reference_queue(
    session: Session, context: StudyContext, scope: QueueScope = QueueScope()
) -> DailyQueue:
    day, now, user_id = context.day, context.now, context.user_id
    limits = daily_limits(session, context)
    queue = DailyQueue(day=day, now=now, limits=limits)
    seen = concepts_rated_today(session, context)

    learning_rows = session.execute(
        restrict_to_scope(
            select(CardState.card_id, Card.concept_id, Concept.deck_id, CardState.due)
            .join(Card, Card.id == CardState.card_id)
            .where(
                CardState.user_id == user_id,
                CardState.state.in_([State.Learning.value, State.Relearning.value]),
                CardState.due < day.ends_at,
            )
            .order_by(CardState.due, CardState.card_id),
            user_id,
            scope,
            session,
        )
    ).all()
    for card_id, concept_id, deck_id, due in learning_rows:
        if due <= now:
            queue.learning.append(QueueEntry(card_id, concept_id, deck_id, QueueKind.LEARNING, due))
        else:
            queue.learning_later_today += 1
        seen.add(concept_id)

    curve = forgetting_curve(context.scheduler)
    review_rows = session.execute(
        restrict_to_scope(
            select(
                CardState.card_id,
                Card.concept_id,
                Concept.deck_id,
                CardState.due,
                CardState.stability_days,
                CardState.last_review,
            )
            .join(Card, Card.id == CardState.card_id)
            .where(
                CardState.user_id == user_id,
                CardState.state == State.Review.value,
                CardState.due < day.ends_at,
            ),
            user_id,
            scope,
            session,
        )
    ).all()
    due_reviews = sorted(
        (
            QueueEntry(
                card_id,
                concept_id,
                deck_id,
                QueueKind.REVIEW,
                due,
                curve.retrievability(stability, last_review, day.starts_at),
            )
            for card_id, concept_id, deck_id, due, stability, last_review in review_rows
        ),
        key=lambda entry: (entry.retrievability or 0.0, entry.due, entry.card_id),
    )
    for entry in due_reviews:
        if len(queue.review) >= limits.reviews_left:
            break
        if entry.concept_id not in seen:
            queue.review.append(entry)
            seen.add(entry.concept_id)

    if limits.new_left:
        kind_rank = case(
            {kind.value: rank for rank, kind in enumerate(CARD_KIND_ORDER)}, value=Card.kind
        )
        rows = session.execute(
            restrict_to_scope(
                select(Card.id, Card.concept_id, Concept.deck_id)
                .outerjoin(
                    CardState, (CardState.card_id == Card.id) & (CardState.user_id == user_id)
                )
                .where(CardState.id.is_(None))
                .order_by(Concept.deck_id, Concept.map_order, kind_rank),
                user_id,
                scope,
                session,
            )
        ).all()
        for card_id, concept_id, deck_id in rows:
            if len(queue.new) == limits.new_left:
                break
            if concept_id not in seen:
                queue.new.append(QueueEntry(card_id, concept_id, deck_id, QueueKind.NEW, None))
                seen.add(concept_id)

    if queue.is_done and queue.learning_later_today:
        queue.learning = [
            QueueEntry(card_id, concept_id, deck_id, QueueKind.LEARNING, due)
            for card_id, concept_id, deck_id, due in learning_rows
            if due <= now + LEARN_AHEAD
        ]
        queue.learning_ahead = bool(queue.learning)
        queue.learning_later_today -= len(queue.learning)
    return queue
