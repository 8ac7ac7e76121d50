"""The day's review order and first new cards, worked out once per learner, study day and scope.

Ordering the due reviews reads every due card, and finding the first new cards
in map order walks past every concept already studied; both cost time in
proportion to the collection. So they are worked out once, when a learner's
day (or a deck or branch session) starts, and kept in the database
(:class:`~studyapp.storage.models.DayQueue` and its entries), where every app
server finds them. Then:

- a rating removes every kept entry of the rated card's concept
  (:func:`remove_concept`, called where ratings are applied), so the first
  entry left is the next card, read through an index;
- undoing a rating forgets the learner's kept queues (:func:`forget`): the card
  comes back, and the next request builds them again;
- a kept queue whose study day has passed, or whose basis changed (the studied
  decks, their versions and visibility, the forgetting curve), is built again
  on its next use. When only the day changed, the search for new cards starts
  where the last one found the first new card: cards only ever stop being
  new, except through undo (which forgets the queues) and imports (which
  change the basis). Code that makes a studied card new again must call
  :func:`forget`.

Learning cards and the daily limits are not kept: they are read live
(``learning``, ``limits``). Writes here go into the caller's session; the
request that built a queue commits it (``studyapp.web.runtime``), and a rating
commits with its own transaction.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from fsrs import State
from sqlalchemy import Select, bindparam, delete, exists, func, select, tuple_, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from studyapp.decks.catalogue import studied_deck_clause
from studyapp.scheduling.memory import forgetting_curve
from studyapp.scheduling.queue.entries import DailyLimits, QueueEntry, QueueKind, QueueScope
from studyapp.scheduling.queue.learning import learning_cards
from studyapp.scheduling.queue.limits import concepts_rated_today
from studyapp.scheduling.queue.scope import ScopeShape, prepared, scope_parameters, scoped
from studyapp.scheduling.study_context import StudyContext
from studyapp.storage.bulk_rows import insert_rows
from studyapp.storage.models import (
    CARD_KIND_ORDER,
    Card,
    CardState,
    Concept,
    DayQueue,
    DayQueueEntry,
    Deck,
)

# Session.info key: set when a kept queue was written, so the request commits it.
WROTE_KEPT_QUEUE = "studyapp.kept_queue_written"

_QUEUES = DayQueue.__table__
_ENTRIES = DayQueueEntry.__table__
_MOMENT = DayQueue.day_starts_at.type
_REVIEW = QueueKind.REVIEW.value
# Where the first new card is when there is none: after every deck.
NO_NEW_CARDS = (2**31 - 1, 0)
_NEW = QueueKind.NEW.value


@dataclass(frozen=True)
class KeptQueue:
    """A kept queue's row: which learner and day it is for, and where its new cards end."""

    id: int
    user_id: int
    day_starts_at: datetime
    basis: str
    # The last kept new card's deck and map position; None when none is left beyond.
    new_after_deck_id: int | None
    new_after_map_order: int | None
    # The first concept with a new card when the queue was built (see DayQueue).
    new_from_deck_id: int | None
    new_from_map_order: int | None


_KEPT = select(
    _QUEUES.c.id,
    _QUEUES.c.user_id,
    _QUEUES.c.day_starts_at,
    _QUEUES.c.basis,
    _QUEUES.c.new_after_deck_id,
    _QUEUES.c.new_after_map_order,
    _QUEUES.c.new_from_deck_id,
    _QUEUES.c.new_from_map_order,
).where(_QUEUES.c.user_id == bindparam("user_id"), _QUEUES.c.scope_key == bindparam("scope_key"))

_STUDIED_DECKS = (
    select(Deck.id, Deck.content_version)
    .where(studied_deck_clause(bindparam("user_id")))
    .order_by(Deck.id)
)

_REVIEWS = (
    select(
        _ENTRIES.c.card_id,
        _ENTRIES.c.concept_id,
        _ENTRIES.c.deck_id,
        _ENTRIES.c.due,
        _ENTRIES.c.retrievability,
    )
    .where(_ENTRIES.c.queue_id == bindparam("queue_id"), _ENTRIES.c.kind == _REVIEW)
    .order_by(_ENTRIES.c.position)
    .limit(bindparam("limit"))
)

_NEW_ENTRIES = (
    select(_ENTRIES.c.card_id, _ENTRIES.c.concept_id, _ENTRIES.c.deck_id)
    .where(_ENTRIES.c.queue_id == bindparam("queue_id"), _ENTRIES.c.kind == _NEW)
    .order_by(_ENTRIES.c.position)
    .limit(bindparam("limit"))
)

_BEFORE = _ENTRIES.alias("before")
_REVIEW_RANK = select(
    select(func.count())
    .where(
        _BEFORE.c.queue_id == _ENTRIES.c.queue_id,
        _BEFORE.c.kind == _REVIEW,
        _BEFORE.c.position < _ENTRIES.c.position,
    )
    .scalar_subquery()
).where(
    _ENTRIES.c.user_id == bindparam("user_id"),
    _ENTRIES.c.concept_id == bindparam("concept_id"),
    _ENTRIES.c.queue_id == bindparam("queue_id"),
    _ENTRIES.c.kind == _REVIEW,
    _ENTRIES.c.card_id == bindparam("card_id"),
)

_REMOVE_CONCEPT = delete(_ENTRIES).where(
    _ENTRIES.c.user_id == bindparam("user_id"), _ENTRIES.c.concept_id == bindparam("concept_id")
)


def todays(session: Session, context: StudyContext, scope: QueueScope) -> KeptQueue:
    """The learner's kept queue for ``scope`` today, built now if there is none that holds."""
    basis = _basis(session, context)
    row = session.execute(
        _KEPT, {"user_id": context.user_id, "scope_key": scope.key}
    ).one_or_none()
    previous = KeptQueue(*row) if row is not None else None
    if previous is not None:
        if previous.day_starts_at == context.day.starts_at and previous.basis == basis:
            return previous
        if previous.basis != basis:
            previous = None  # decks changed: new cards may be anywhere
    return _build(session, context, scope, basis, previous)


def reviews(session: Session, kept: KeptQueue, *, limit: int) -> list[QueueEntry]:
    """The first ``limit`` review cards still in the kept queue, in the day's order."""
    if limit <= 0:
        return []
    rows = session.execute(_REVIEWS, {"queue_id": kept.id, "limit": limit}).all()
    return [
        QueueEntry(card_id, concept_id, deck_id, QueueKind.REVIEW, due, chance)
        for card_id, concept_id, deck_id, due, chance in rows
    ]


def review_rank(session: Session, kept: KeptQueue, card_id: int, concept_id: int) -> int | None:
    """How many kept reviews come before this card today; None if it is not one of them."""
    return session.scalar(
        _REVIEW_RANK,
        {
            "user_id": kept.user_id,
            "concept_id": concept_id,
            "queue_id": kept.id,
            "card_id": card_id,
        },
    )


def new_cards(
    session: Session,
    context: StudyContext,
    scope: QueueScope,
    kept: KeptQueue,
    limits: DailyLimits,
    shown_reviews: Sequence[QueueEntry],
    *,
    limit: int | None = None,
) -> list[QueueEntry]:
    """Today's new cards still to show, in map order: at most ``limits.new_left`` (and
    ``limit``), one per concept, none of a concept among ``shown_reviews``."""
    wanted = limits.new_left if limit is None else min(limit, limits.new_left)
    if wanted <= 0:
        return []
    buried = {entry.concept_id for entry in shown_reviews}
    while True:
        rows = session.execute(
            _NEW_ENTRIES, {"queue_id": kept.id, "limit": wanted + len(buried)}
        ).all()
        picked = [
            QueueEntry(card_id, concept_id, deck_id, QueueKind.NEW, None)
            for card_id, concept_id, deck_id in rows
            if concept_id not in buried
        ][:wanted]
        if len(picked) == wanted or kept.new_after_deck_id is None:
            return picked
        kept = _keep_more_new_cards(session, context, scope, kept, wanted - len(picked))


def remove_concept(session: Session, user_id: int, concept_id: int) -> None:
    """A card of this concept was rated: none of its cards is shown again today."""
    session.execute(_REMOVE_CONCEPT, {"user_id": user_id, "concept_id": concept_id})


def forget(session: Session, user_id: int) -> None:
    """Drop the learner's kept queues; the next request builds them again."""
    session.execute(delete(_ENTRIES).where(_ENTRIES.c.user_id == user_id))
    session.execute(delete(_QUEUES).where(_QUEUES.c.user_id == user_id))


def _basis(session: Session, context: StudyContext) -> str:
    """What a kept queue depends on besides the day: the decks the learner studies (each
    import renews a deck's version, which covers added, moved and retired concepts) and
    the forgetting curve that orders the reviews."""
    decks = session.execute(_STUDIED_DECKS, {"user_id": context.user_id}).all()
    curve = forgetting_curve(context.scheduler)
    text = f"{curve.factor!r}:{curve.decay!r}|" + ",".join(f"{i}:{v}" for i, v in decks)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


@prepared
def _due_reviews_statement(scope_shape: ScopeShape) -> Select:
    return scoped(
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
            CardState.user_id == bindparam("user_id"),
            CardState.state == State.Review.value,
            CardState.due < bindparam("day_ends_at", type_=_MOMENT),
        ),
        scope_shape,
    )


def _build(
    session: Session,
    context: StudyContext,
    scope: QueueScope,
    basis: str,
    previous: KeptQueue | None,
) -> KeptQueue:
    """Work out the day's review order and first new cards for ``scope`` and keep them;
    ``previous`` is an earlier day's queue of the same basis, whose first new card is
    where the search for new cards starts."""
    day = context.day
    seen = concepts_rated_today(session, context)
    seen.update(entry.concept_id for entry in learning_cards(session, context, scope))
    _drop_other_days(session, context)
    queue_id = _upsert_queue(session, context, scope, basis)
    session.execute(delete(_ENTRIES).where(_ENTRIES.c.queue_id == queue_id))

    rows = session.execute(
        _due_reviews_statement(scope),
        {**scope_parameters(context.user_id, scope), "day_ends_at": day.ends_at},
    ).all()
    curve = forgetting_curve(context.scheduler)
    ranked = sorted(
        (
            (curve.retrievability(stability, last_review, day.starts_at), due, card, concept, deck)
            for card, concept, deck, due, stability, last_review in rows
        ),
        key=lambda row: (row[0] or 0.0, row[1], row[2]),
    )
    entries = []
    for chance, due, card_id, concept_id, deck_id in ranked:
        if concept_id in seen:
            continue
        seen.add(concept_id)
        entries.append(
            {
                "queue_id": queue_id,
                "user_id": context.user_id,
                "kind": _REVIEW,
                "position": len(entries),
                "card_id": card_id,
                "concept_id": concept_id,
                "deck_id": deck_id,
                "due": due,
                "retrievability": chance,
            }
        )
    # Concepts with a due review do not bury their new cards here: only the reviews
    # within today's limit do, and that is known when the queue is read (new_cards).
    review_concepts = {entry["concept_id"] for entry in entries}
    if entries:
        insert_rows(session, _ENTRIES, entries)
    kept = KeptQueue(queue_id, context.user_id, day.starts_at, basis, None, None, None, None)
    start = None
    if previous is not None and previous.new_from_deck_id is not None:
        assert previous.new_from_map_order is not None
        start = (previous.new_from_deck_id, previous.new_from_map_order - 1)
    kept = _keep_new_cards(
        session,
        context,
        scope,
        kept,
        wanted=context.new_cards_per_day,
        exclude=seen - review_concepts,
        after=start,
        first_search=True,
    )
    session.info[WROTE_KEPT_QUEUE] = True
    return kept


def _drop_other_days(session: Session, context: StudyContext) -> None:
    """Queues the learner kept on earlier days (or under an earlier time zone) are no use."""
    stale = select(_QUEUES.c.id).where(
        _QUEUES.c.user_id == context.user_id, _QUEUES.c.day_starts_at != context.day.starts_at
    )
    session.execute(delete(_ENTRIES).where(_ENTRIES.c.queue_id.in_(stale)))
    session.execute(
        delete(_QUEUES).where(
            _QUEUES.c.user_id == context.user_id, _QUEUES.c.day_starts_at != context.day.starts_at
        )
    )


def _upsert_queue(session: Session, context: StudyContext, scope: QueueScope, basis: str) -> int:
    """The id of the learner's queue row for ``scope``, (re)stamped with today and ``basis``.

    Two requests building at once (two tabs, two servers) meet on the unique
    (user, scope) row: the second waits for the first and then rebuilds it.
    """
    values = {
        "user_id": context.user_id,
        "scope_key": scope.key,
        "day_starts_at": context.day.starts_at,
        "basis": basis,
        "built_at": context.now,
        "new_after_deck_id": None,
        "new_after_map_order": None,
    }
    dialect = session.get_bind().dialect.name
    upsert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    statement = upsert(_QUEUES).values(**values)
    statement = statement.on_conflict_do_update(
        index_elements=["user_id", "scope_key"],
        set_={name: statement.excluded[name] for name in values if name != "user_id"},
    ).returning(_QUEUES.c.id)
    return session.scalar(statement)


def _keep_more_new_cards(
    session: Session, context: StudyContext, scope: QueueScope, kept: KeptQueue, wanted: int
) -> KeptQueue:
    """Some kept new cards were buried since the queue was built: keep the next ones too."""
    exclude = concepts_rated_today(session, context)
    exclude.update(entry.concept_id for entry in learning_cards(session, context, scope))
    exclude.update(
        session.scalars(
            select(_ENTRIES.c.concept_id).where(
                _ENTRIES.c.queue_id == kept.id, _ENTRIES.c.kind == _NEW
            )
        )
    )
    after = (kept.new_after_deck_id, kept.new_after_map_order)
    return _keep_new_cards(
        session, context, scope, kept, wanted=wanted, exclude=exclude, after=after
    )


@prepared
def _new_cards_statement(scope_shape: ScopeShape) -> Select:
    return scoped(
        select(Card.id, Card.concept_id, Concept.deck_id, Concept.map_order, Card.kind)
        .where(
            # NOT EXISTS rather than an outer join and IS NULL: PostgreSQL then plans an
            # anti-join, walks concepts in map order and stops at the limit; with the
            # outer join it estimated one new card, read all 100,000 and sorted them.
            ~exists().where(
                CardState.card_id == Card.id, CardState.user_id == bindparam("user_id")
            ),
            tuple_(Concept.deck_id, Concept.map_order)
            > tuple_(bindparam("after_deck_id"), bindparam("after_map_order")),
        )
        .order_by(Concept.deck_id, Concept.map_order)
        .limit(bindparam("limit")),
        scope_shape,
    )


def _keep_new_cards(
    session: Session,
    context: StudyContext,
    scope: QueueScope,
    kept: KeptQueue,
    *,
    wanted: int,
    exclude: set[int],
    after: tuple[int | None, int | None] | None,
    first_search: bool = False,
) -> KeptQueue:
    """Keep the next ``wanted`` new cards in map order (one per concept, none of
    ``exclude``), after the concept ``after`` names (deck id, map order), if any;
    returns the queue with its new resume point (and, on the day's ``first_search``,
    where the first new card is)."""
    kind_rank = {kind.value: rank for rank, kind in enumerate(CARD_KIND_ORDER)}
    # Each concept has at most one card per kind, and every concept skipped or
    # picked holds back at most that many rows.
    rows_needed = len(CARD_KIND_ORDER) * (wanted + len(exclude)) + len(CARD_KIND_ORDER)
    after_deck_id, after_map_order = after if after is not None else (0, -1)
    rows = session.execute(
        _new_cards_statement(scope),
        {
            **scope_parameters(context.user_id, scope),
            "after_deck_id": after_deck_id,
            "after_map_order": after_map_order,
            "limit": rows_needed,
        },
    ).all()
    first_position = session.scalar(
        select(func.coalesce(func.max(_ENTRIES.c.position), -1) + 1).where(
            _ENTRIES.c.queue_id == kept.id, _ENTRIES.c.kind == _NEW
        )
    )
    best: dict[int, tuple] = {}
    order: list[int] = []
    for card_id, concept_id, deck_id, map_order, kind in rows:
        if concept_id in exclude:
            continue
        rank = kind_rank[kind]
        if concept_id not in best:
            order.append(concept_id)
            best[concept_id] = (rank, card_id, deck_id, map_order)
        elif rank < best[concept_id][0]:
            best[concept_id] = (rank, card_id, deck_id, map_order)
    # The last concept read may have more cards beyond the rows read: leave it for later.
    complete = order if len(rows) < rows_needed else order[:-1]
    picked = complete[:wanted]
    entries = [
        {
            "queue_id": kept.id,
            "user_id": context.user_id,
            "kind": _NEW,
            "position": first_position + index,
            "card_id": best[concept_id][1],
            "concept_id": concept_id,
            "deck_id": best[concept_id][2],
            "due": None,
            "retrievability": None,
        }
        for index, concept_id in enumerate(picked)
    ]
    if entries:
        insert_rows(session, _ENTRIES, entries)
    resume: tuple[int | None, int | None] = (None, None)
    exhausted = len(rows) < rows_needed and len(picked) == len(complete)
    if not exhausted and (picked or complete):
        # Carry on after the last kept concept (or, when every one read was excluded,
        # after the last complete one).
        last = picked[-1] if picked else complete[-1]
        resume = (best[last][2], best[last][3])
    first = (kept.new_from_deck_id, kept.new_from_map_order)
    if first_search:
        # Every concept before the first row read has no new card (nor had, if the search
        # started at an earlier day's first new card).
        if rows:
            first = (rows[0][2], rows[0][3])
        elif after is not None:
            first = (after[0], (after[1] or 0) + 1)  # none since the earlier day's first
        else:
            first = NO_NEW_CARDS
    session.execute(
        update(_QUEUES)
        .where(_QUEUES.c.id == kept.id)
        .values(
            new_after_deck_id=resume[0],
            new_after_map_order=resume[1],
            new_from_deck_id=first[0],
            new_from_map_order=first[1],
        )
    )
    session.info[WROTE_KEPT_QUEUE] = True
    return KeptQueue(kept.id, kept.user_id, kept.day_starts_at, kept.basis, *resume, *first)
