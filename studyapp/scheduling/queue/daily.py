"""Today's queue for a learner and scope: the whole of it, the next card, one card's place in it.

Learning cards come from :mod:`~studyapp.scheduling.queue.learning` (read
live), reviews and new cards from the kept day's queue
(:mod:`~studyapp.scheduling.queue.kept`), the limits from today's ratings
(:mod:`~studyapp.scheduling.queue.limits`). :func:`next_in_queue` and
:func:`is_in_queue` read only what they need, so showing and rating a card costs
a few indexed reads however many cards the learner has.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from fsrs import State
from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from studyapp.scheduling.queue import kept as kept_queue
from studyapp.scheduling.queue.entries import (
    LEARN_AHEAD,
    DailyQueue,
    QueueEntry,
    QueueScope,
)
from studyapp.scheduling.queue.learning import LEARNING_STATES, learning_cards
from studyapp.scheduling.queue.limits import daily_limits
from studyapp.scheduling.study_context import StudyContext
from studyapp.storage.models import Card, CardState


def todays_queue(
    session: Session, context: StudyContext, scope: QueueScope = QueueScope()
) -> DailyQueue:
    """Every card still to be shown today in ``scope``, in order (at most the limits' worth)."""
    limits = daily_limits(session, context)
    queue = DailyQueue(day=context.day, now=context.now, limits=limits)
    learning = learning_cards(session, context, scope)
    kept = kept_queue.todays(session, context, scope)
    queue.review = kept_queue.reviews(session, kept, limit=limits.reviews_left)
    queue.new = kept_queue.new_cards(session, context, scope, kept, limits, queue.review)
    for entry in learning:
        if _due_now(entry, context.now):
            queue.learning.append(entry)
        else:
            queue.learning_later_today += 1
    if queue.is_done and queue.learning_later_today:
        queue.learning = _learning_ahead(learning, context.now)
        queue.learning_ahead = bool(queue.learning)
        queue.learning_later_today -= len(queue.learning)
    return queue


def next_in_queue(
    session: Session, context: StudyContext, scope: QueueScope = QueueScope()
) -> QueueEntry | None:
    """The card to show now (the first of :func:`todays_queue`), or None when the day is done."""
    learning = learning_cards(session, context, scope)
    for entry in learning:
        if _due_now(entry, context.now):
            return entry
    limits = daily_limits(session, context)
    kept = kept_queue.todays(session, context, scope)
    first_review = kept_queue.reviews(session, kept, limit=min(1, limits.reviews_left))
    if first_review:
        return first_review[0]
    if limits.new_left:
        # No review is left within the limit, so none buries a new card.
        new = kept_queue.new_cards(session, context, scope, kept, limits, (), limit=1)
        if new:
            return new[0]
    ahead = _learning_ahead(learning, context.now)
    return ahead[0] if ahead else None


_CARD_PLACE = (
    select(Card.concept_id, CardState.state, CardState.due)
    .select_from(Card)
    .outerjoin(
        CardState,
        (CardState.card_id == Card.id) & (CardState.user_id == bindparam("user_id")),
    )
    .where(Card.id == bindparam("card_id"))
)


@dataclass(frozen=True)
class CardPlace:
    """What the queue needs to know of one card to place it: its concept and its state."""

    card_id: int
    concept_id: int
    state: int | None  # FSRS state; None while the card is new to the learner
    due: datetime | None


def is_in_queue(
    session: Session,
    context: StudyContext,
    card_id: int,
    scope: QueueScope = QueueScope(),
    *,
    place: CardPlace | None = None,
) -> bool:
    """Whether the card is in today's queue for ``scope`` now, worked out for that card alone
    (the whole queue is read only for a learning card shown early). ``place`` spares
    reading the card again when the caller has."""
    if place is None:
        row = session.execute(
            _CARD_PLACE, {"user_id": context.user_id, "card_id": card_id}
        ).one_or_none()
        if row is None:
            return False
        place = CardPlace(card_id, *row)
    if place.state in LEARNING_STATES:
        learning = learning_cards(session, context, scope)
        entry = next((entry for entry in learning if entry.card_id == card_id), None)
        if entry is None:
            return False
        if _due_now(entry, context.now):
            return True
        queue = todays_queue(session, context, scope)
        return queue.learning_ahead and queue.contains(card_id)
    limits = daily_limits(session, context)
    kept = kept_queue.todays(session, context, scope)
    if place.state is not None:
        if place.state != State.Review.value:
            return False
        rank = kept_queue.review_rank(session, kept, card_id, place.concept_id)
        return rank is not None and rank < limits.reviews_left
    if not limits.new_left:
        return False
    shown_reviews = kept_queue.reviews(session, kept, limit=limits.reviews_left)
    new = kept_queue.new_cards(session, context, scope, kept, limits, shown_reviews)
    return any(entry.card_id == card_id for entry in new)


def _due_now(entry: QueueEntry, now: datetime) -> bool:
    return entry.due is not None and entry.due <= now


def _learning_ahead(learning: list[QueueEntry], now: datetime) -> list[QueueEntry]:
    """Learning cards due within the learn-ahead limit, shown when nothing else is left."""
    return [entry for entry in learning if entry.due is not None and entry.due <= now + LEARN_AHEAD]
