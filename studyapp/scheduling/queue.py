"""The day's review queue for one user, independent of any page or API.

Order, as in Anki: learning and relearning cards that are due now (earliest
first), then review cards due today (lowest retrievability first, up to the
daily review limit), then new cards in map order (a parent before its
children, earlier siblings first; up to the daily new-card limit).

Only the decks the user studies (:func:`studied_deck_clause`: visible to them
and added to their studies) fill the queue.

Siblings are buried: once any card of a concept has been rated today, or one
is already in today's queue, the concept's other review and new cards wait
for another day. Learning cards are never buried — they are mid-lesson.

When nothing is left but learning cards that fall due within
:data:`LEARN_AHEAD` (Anki's learn-ahead limit), they are shown early rather
than declaring the day done.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from fsrs import State
from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import Session

from studyapp.decks.catalogue import studied_deck_clause
from studyapp.scheduling.memory import SchedulerSettings, retrievability
from studyapp.scheduling.study_context import StudyContext
from studyapp.scheduling.study_day import StudyDay
from studyapp.storage.models import (
    CARD_KIND_ORDER,
    Card,
    CardState,
    Concept,
    Deck,
    ReviewLog,
)

LEARN_AHEAD = timedelta(minutes=20)


class QueueKind(enum.StrEnum):
    LEARNING = "learning"
    REVIEW = "review"
    NEW = "new"


@dataclass(frozen=True)
class QueueScope:
    """Which cards a session draws from; every field narrows it, None means no restriction.

    ``subtree_root_id`` is a concept id: that concept and all its descendants.
    """

    deck_id: int | None = None
    subtree_root_id: int | None = None


@dataclass(frozen=True)
class DailyLimits:
    """The user's limits and what today has already used of them."""

    new_cards_per_day: int
    max_reviews_per_day: int
    new_introduced_today: int
    reviews_done_today: int

    @property
    def new_left(self) -> int:
        return max(0, self.new_cards_per_day - self.new_introduced_today)

    @property
    def reviews_left(self) -> int:
        return max(0, self.max_reviews_per_day - self.reviews_done_today)


@dataclass(frozen=True)
class QueueEntry:
    card_id: int
    concept_id: int
    deck_id: int
    kind: QueueKind
    due: datetime | None
    retrievability: float | None = None


@dataclass
class DailyQueue:
    """Today's cards for one user and scope, in the order they will be shown."""

    day: StudyDay
    now: datetime
    limits: DailyLimits
    learning: list[QueueEntry] = field(default_factory=list)
    review: list[QueueEntry] = field(default_factory=list)
    new: list[QueueEntry] = field(default_factory=list)
    learning_later_today: int = 0
    learning_ahead: bool = False

    def __iter__(self) -> Iterator[QueueEntry]:
        yield from self.learning
        yield from self.review
        yield from self.new

    def next_entry(self) -> QueueEntry | None:
        return next(iter(self), None)

    def contains(self, card_id: int) -> bool:
        return any(entry.card_id == card_id for entry in self)

    @property
    def remaining(self) -> int:
        """Cards still to be answered today, counting learning cards due later today."""
        return len(self.learning) + len(self.review) + len(self.new) + self.learning_later_today

    @property
    def is_done(self) -> bool:
        return self.next_entry() is None


def build_queue(
    session: Session,
    *,
    user_id: int,
    now: datetime,
    day: StudyDay,
    new_cards_per_day: int,
    max_reviews_per_day: int,
    scheduler_settings: SchedulerSettings,
    scope: QueueScope = QueueScope(),
) -> DailyQueue:
    limits = _daily_limits(session, user_id, day, new_cards_per_day, max_reviews_per_day)
    queue = DailyQueue(day=day, now=now, limits=limits)
    seen_concepts = _concepts_rated_today(session, user_id, day)

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
        seen_concepts.add(concept_id)

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
                retrievability(stability, last_review, now, scheduler_settings),
            )
            for card_id, concept_id, deck_id, due, stability, last_review in review_rows
        ),
        key=lambda entry: (entry.retrievability or 0.0, entry.due, entry.card_id),
    )
    for entry in due_reviews:
        if len(queue.review) >= limits.reviews_left:
            break
        if entry.concept_id not in seen_concepts:
            queue.review.append(entry)
            seen_concepts.add(entry.concept_id)

    if limits.new_left:
        queue.new = _new_cards(session, user_id, scope, limits.new_left, seen_concepts)

    if queue.is_done and queue.learning_later_today:
        queue.learning = [
            QueueEntry(card_id, concept_id, deck_id, QueueKind.LEARNING, due)
            for card_id, concept_id, deck_id, due in learning_rows
            if due <= now + LEARN_AHEAD
        ]
        queue.learning_ahead = bool(queue.learning)
        queue.learning_later_today -= len(queue.learning)
    return queue


def _new_cards(
    session: Session, user_id: int, scope: QueueScope, wanted: int, seen_concepts: set[int]
) -> list[QueueEntry]:
    kind_rank = case(
        {kind.value: rank for rank, kind in enumerate(CARD_KIND_ORDER)}, value=Card.kind
    )
    query = restrict_to_scope(
        select(Card.id, Card.concept_id, Concept.deck_id)
        .outerjoin(CardState, (CardState.card_id == Card.id) & (CardState.user_id == user_id))
        .where(CardState.id.is_(None))
        .order_by(Concept.deck_id, Concept.map_order, kind_rank),
        user_id,
        scope,
        session,
    )
    # A concept has at most one card per kind, and every concept that is
    # skipped (buried) or picked can hold back at most that many rows.
    rows_needed = len(CARD_KIND_ORDER) * (wanted + len(seen_concepts))
    picked: list[QueueEntry] = []
    for card_id, concept_id, deck_id in session.execute(query.limit(rows_needed)).all():
        if concept_id not in seen_concepts:
            picked.append(QueueEntry(card_id, concept_id, deck_id, QueueKind.NEW, None))
            seen_concepts.add(concept_id)
            if len(picked) == wanted:
                break
    return picked


def restrict_to_scope(query: Select, user_id: int, scope: QueueScope, session: Session) -> Select:
    """Restrict a query over ``Card`` to live cards of the decks the user studies, within
    ``scope`` (see :func:`studied_deck_clause`)."""
    query = (
        query.join(Concept, Concept.id == Card.concept_id)
        .join(Deck, Deck.id == Concept.deck_id)
        .where(Concept.retired_at.is_(None), studied_deck_clause(user_id))
    )
    if scope.deck_id is not None:
        query = query.where(Concept.deck_id == scope.deck_id)
    if scope.subtree_root_id is not None:
        root = session.get(Concept, scope.subtree_root_id)
        if root is None:
            return query.where(Card.id.is_(None))
        query = query.where(
            Concept.deck_id == root.deck_id,
            Concept.map_order.between(root.map_order, root.subtree_last_order),
        )
    return query


def _daily_limits(
    session: Session, user_id: int, day: StudyDay, new_per_day: int, reviews_per_day: int
) -> DailyLimits:
    new_today, reviews_today = session.execute(
        select(
            func.count(ReviewLog.id).filter(ReviewLog.before_state.is_(None)),
            func.count(ReviewLog.id).filter(ReviewLog.before_state == State.Review.value),
        ).where(
            ReviewLog.user_id == user_id,
            ReviewLog.reviewed_at >= day.starts_at,
            ReviewLog.reviewed_at < day.ends_at,
        )
    ).one()
    return DailyLimits(new_per_day, reviews_per_day, new_today, reviews_today)


def _concepts_rated_today(session: Session, user_id: int, day: StudyDay) -> set[int]:
    return set(
        session.scalars(
            select(Card.concept_id)
            .join(ReviewLog, ReviewLog.card_id == Card.id)
            .where(
                ReviewLog.user_id == user_id,
                ReviewLog.reviewed_at >= day.starts_at,
                ReviewLog.reviewed_at < day.ends_at,
            )
            .distinct()
        )
    )


def todays_queue(
    session: Session, context: StudyContext, scope: QueueScope = QueueScope()
) -> DailyQueue:
    return build_queue(
        session,
        user_id=context.user_id,
        now=context.now,
        day=context.day,
        new_cards_per_day=context.new_cards_per_day,
        max_reviews_per_day=context.max_reviews_per_day,
        scheduler_settings=context.scheduler,
        scope=scope,
    )
