"""A deck version's concept tree and cards, with no user's state, cached per process.

The tree of a deck only changes when a new version is imported, and every
import gives ``Deck.content_version`` a fresh random token; so the outline of
(deck, version) never goes stale and needs no invalidation. Pages and API responses that show a
large deck to many learners read it once per process and then only fetch the
one thing that differs per learner: their card states.

Each app server (gunicorn worker) keeps its own cache, bounded by the number
of concepts it holds, so the servers stay stateless: a restart or a new worker
simply reads the outline again.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import case, select
from sqlalchemy.orm import Session

from studyapp.decks.map_order import branch_ends, parent_indexes
from studyapp.storage.models import CARD_KIND_ORDER, Card, Concept

# About 1 kB of text per concept: a bound of 100,000 concepts keeps the cache
# of one worker near 100 MB at most (twenty 5,000-concept decks).
MAX_CACHED_CONCEPTS = 100_000


class OutlineConcept(NamedTuple):
    """A live concept; ``depth`` is 1 for a root, ``parent_id`` None for a root."""

    id: int
    key: str
    title: str
    summary: str
    detail: str
    depth: int
    parent_id: int | None


# A card's FSRS state (None: never reviewed) as the pages and the API name it.
STATE_NAMES = {None: "new", 1: "learning", 2: "review", 3: "relearning"}


class CardView(NamedTuple):
    """A card with one user's memory of it (all None before the first review).

    A named tuple rather than a dataclass: a large deck's tree holds tens of
    thousands of them, and tuples are built faster. ``state`` is the FSRS state
    (``fsrs.State`` value, None for new); ``stability_days`` is FSRS stability in
    days, ``retrievability`` 0–1 at the moment the tree was built for. It has
    what :mod:`studyapp.map.mastery` reads of a card (``RememberedCard``).
    """

    id: int
    kind: str
    state: int | None
    stability_days: float | None
    difficulty: float | None
    due: datetime | None
    last_review: datetime | None
    retrievability: float | None
    reps: int
    lapses: int

    @property
    def state_name(self) -> str:
        """The state's name: new, learning, review or relearning."""
        return STATE_NAMES[self.state]

    @classmethod
    def new(cls, card_id: int, kind: str) -> CardView:
        """The view of a card nobody has reviewed: the same for every user."""
        return cls(card_id, kind, None, None, None, None, None, None, 0, 0)


@dataclass(frozen=True)
class DeckOutline:
    """Live concepts in map order (a parent before its children, each sub-tree one run),
    and each concept's cards in ``CARD_KIND_ORDER``, at ``cards[i]`` for ``concepts[i]``
    (their ids alone at ``card_ids[i]``).

    The cards are views as a learner who never reviewed them sees them, built once
    per outline because most of a large deck is new to most learners;
    ``card_id_range`` is the lowest and highest card id (None when the deck has no
    cards), which lets a user's card states be read without a join.
    """

    deck_id: int
    content_version: str
    concepts: tuple[OutlineConcept, ...]
    cards: tuple[tuple[CardView, ...], ...]
    card_ids: tuple[tuple[int, ...], ...]
    card_id_range: tuple[int, int] | None
    card_count: int
    # Each concept's parent as an index into ``concepts`` (None for a root), and the index
    # of its last descendant (studyapp/decks/map_order.py): the tree's shape, without lookups.
    parent_indexes: tuple[int | None, ...]
    branch_ends: tuple[int, ...]

    @property
    def size(self) -> int:
        """How many live concepts the deck has."""
        return len(self.concepts)


# A concept's cards in CARD_KIND_ORDER (recall, recognise, explain).
_KIND_RANK = case(
    {kind.value: rank for rank, kind in enumerate(CARD_KIND_ORDER)},
    value=Card.__table__.c.kind,
    else_=len(CARD_KIND_ORDER),
)


def read_outline(session: Session, deck_id: int, content_version: str) -> DeckOutline:
    """The outline straight from the database (two queries), bypassing the cache."""
    # Plain table columns, not ORM entities: building thousands of ORM objects
    # was most of the time of reading a large deck.
    concepts, cards = Concept.__table__, Card.__table__
    concept_rows = session.execute(
        select(
            concepts.c.id,
            concepts.c.key,
            concepts.c.title,
            concepts.c.summary,
            concepts.c.detail,
            concepts.c.depth,
            concepts.c.parent_id,
        )
        .where(concepts.c.deck_id == deck_id, concepts.c.retired_at.is_(None))
        .order_by(concepts.c.map_order)
    ).all()
    card_rows = session.execute(
        select(cards.c.concept_id, cards.c.id, cards.c.kind)
        .join(concepts, concepts.c.id == cards.c.concept_id)
        .where(concepts.c.deck_id == deck_id, concepts.c.retired_at.is_(None))
        .order_by(cards.c.concept_id, _KIND_RANK)
    ).all()
    cards_by_concept: dict[int, list[CardView]] = {}
    for concept_id, card_id, kind in card_rows:
        cards_by_concept.setdefault(concept_id, []).append(CardView.new(card_id, kind))
    cards = tuple(tuple(cards_by_concept.get(row.id, ())) for row in concept_rows)
    card_ids = [card_id for _, card_id, _ in card_rows]
    parents = parent_indexes([(row.id, row.parent_id) for row in concept_rows])
    return DeckOutline(
        deck_id=deck_id,
        content_version=content_version,
        concepts=tuple(OutlineConcept(*row) for row in concept_rows),
        cards=cards,
        card_ids=tuple(tuple(card.id for card in concept_cards) for concept_cards in cards),
        card_id_range=(min(card_ids), max(card_ids)) if card_ids else None,
        card_count=len(card_ids),
        parent_indexes=tuple(parents),
        branch_ends=tuple(branch_ends(parents)),
    )


class OutlineCache:
    """Least-recently-used outlines, holding at most ``max_concepts`` concepts in all."""

    def __init__(self, max_concepts: int = MAX_CACHED_CONCEPTS) -> None:
        self.max_concepts = max_concepts
        self._outlines: OrderedDict[tuple[int, str], DeckOutline] = OrderedDict()
        self._concepts = 0
        self._lock = threading.Lock()  # gunicorn's threaded workers share one cache

    def get(self, session: Session, deck_id: int, content_version: str) -> DeckOutline:
        key = (deck_id, content_version)
        with self._lock:
            outline = self._outlines.get(key)
            if outline is not None:
                self._outlines.move_to_end(key)
                return outline
        # Read outside the lock: two threads may both read a missing outline,
        # which costs a query but never blocks one request behind another.
        outline = read_outline(session, deck_id, content_version)
        with self._lock:
            if key not in self._outlines and outline.size <= self.max_concepts:
                self._outlines[key] = outline
                self._concepts += outline.size
                while self._concepts > self.max_concepts:
                    _, evicted = self._outlines.popitem(last=False)
                    self._concepts -= evicted.size
        return outline

    def clear(self) -> None:
        with self._lock:
            self._outlines.clear()
            self._concepts = 0


outline_cache = OutlineCache()


def deck_outline(session: Session, deck_id: int, content_version: str) -> DeckOutline:
    """The outline of this version of the deck, from this process's cache when it has it."""
    return outline_cache.get(session, deck_id, content_version)
