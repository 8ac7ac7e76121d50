"""How well one user knows a concept, defined once (docs/mastery.md explains it with formulas).

A concept's **level** comes from the FSRS states of its cards:

* ``not_started`` – none of its cards has been reviewed;
* ``learning`` – a card is in learning or relearning, or a reviewed card's
  stability is under :data:`LEARNING_STABILITY_DAYS`;
* ``familiar`` – every reviewed card is in review with stability of at least a
  day, but not all cards have been reviewed or the weakest is under
  :data:`PROFICIENT_STABILITY_DAYS`;
* ``proficient`` – every card is in review with stability of at least
  :data:`PROFICIENT_STABILITY_DAYS`;
* ``mastered`` – every card is in review with stability of at least
  :data:`MASTERED_STABILITY_DAYS` (Anki's "mature").

Beside the level: the concept's **retrievability** (mean FSRS probability of
recall of its reviewed cards at the moment asked about) and **fading** (that
retrievability has fallen below the user's desired retention, whatever the
level). Levels use stability, which only reviews change; retrievability and
fading decay with time, which is what "as of a date" shows.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Iterable, Sequence
from datetime import datetime
from itertools import accumulate
from operator import add, sub
from typing import NamedTuple, Protocol

from fsrs import State

from studyapp.decks.map_order import branch_ends, parent_indexes
from studyapp.scheduling.memory import SchedulerSettings, retrievability

LEARNING_STABILITY_DAYS = 1.0
PROFICIENT_STABILITY_DAYS = 7.0
MASTERED_STABILITY_DAYS = 21.0


class MasteryLevel(enum.StrEnum):
    NOT_STARTED = "not_started"
    LEARNING = "learning"
    FAMILIAR = "familiar"
    PROFICIENT = "proficient"
    MASTERED = "mastered"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


MASTERY_LEVELS: tuple[MasteryLevel, ...] = tuple(MasteryLevel)
_LEVEL_RANK = {level: rank for rank, level in enumerate(MASTERY_LEVELS)}
_NOT_STARTED_RANK = _LEVEL_RANK[MasteryLevel.NOT_STARTED]


class RememberedCard(Protocol):
    """What mastery reads of a card: its FSRS state for one user (``state`` None: never
    reviewed), stability in days, and when it was last reviewed and falls due (UTC)."""

    @property
    def state(self) -> int | None: ...
    @property
    def stability_days(self) -> float | None: ...
    @property
    def last_review(self) -> datetime | None: ...
    @property
    def due(self) -> datetime | None: ...


class CardMemory(NamedTuple):
    """One card's state for one user; ``state`` None means never reviewed (new).

    Named tuples (here and in :class:`ConceptMastery`) because a large deck's
    map builds thousands of them per request; they are immutable all the same.
    """

    state: int | None
    stability_days: float | None
    last_review: datetime | None
    due: datetime | None


class ConceptMastery(NamedTuple):
    """``retrievability`` is 0–1, None when no card has been reviewed; ``due_cards`` counts
    this concept's reviewed cards due before the moment the caller asked about."""

    level: MasteryLevel
    retrievability: float | None
    fading: bool
    due_cards: int


_NO_CONCEPTS = (0,) * len(MASTERY_LEVELS)


class SubtreeMastery(NamedTuple):
    """A concept and all its descendants: how many are at each level, and their mean
    retrievability (over the concepts that have one; None if none has).

    ``counts`` are per level in :data:`MASTERY_LEVELS` order; :attr:`levels` gives
    them by level. Immutable, so sub-trees that read the same may share one value.
    """

    counts: tuple[int, ...] = _NO_CONCEPTS
    retrievability_sum: float = 0.0
    retrievability_count: int = 0

    @property
    def levels(self) -> dict[MasteryLevel, int]:
        """How many of the sub-tree's concepts are at each level (every level present)."""
        return dict(zip(MASTERY_LEVELS, self.counts, strict=True))

    @property
    def concept_count(self) -> int:
        return sum(self.counts)

    @property
    def not_started(self) -> bool:
        """Whether no concept of the sub-tree has a reviewed card."""
        counts = self.counts
        return counts[_NOT_STARTED_RANK] == sum(counts)

    @property
    def mean_retrievability(self) -> float | None:
        if not self.retrievability_count:
            return None
        return self.retrievability_sum / self.retrievability_count

    def share(self, level: MasteryLevel) -> float:
        """The fraction (0–1) of the sub-tree's concepts at ``level``."""
        total = self.concept_count
        return self.counts[_LEVEL_RANK[level]] / total if total else 0.0

    @classmethod
    def together(cls, subtrees: Iterable[SubtreeMastery]) -> SubtreeMastery:
        """Disjoint sub-trees taken as one (e.g. all the roots of a deck)."""
        counts = _NO_CONCEPTS
        chance_sum, chance_count = 0.0, 0
        for subtree in subtrees:
            counts = tuple(map(add, counts, subtree.counts))
            chance_sum += subtree.retrievability_sum
            chance_count += subtree.retrievability_count
        return cls(counts, chance_sum, chance_count)


_REVIEW = State.Review.value


def mastery_level(cards: Sequence[RememberedCard]) -> MasteryLevel:
    reviewed = 0
    weakest_days = math.inf
    for card in cards:
        if card.state is None:
            continue
        reviewed += 1
        stability_days = card.stability_days
        if (
            card.state != _REVIEW
            or stability_days is None
            or stability_days < LEARNING_STABILITY_DAYS
        ):
            return _LEARNING
        if stability_days < weakest_days:
            weakest_days = stability_days
    return _level_of_firm_cards(reviewed, len(cards), weakest_days)


def _level_of_firm_cards(reviewed: int, total: int, weakest_days: float) -> MasteryLevel:
    """The level of ``total`` cards none of which is learning: ``reviewed`` of them have
    been reviewed, the weakest with a stability of ``weakest_days``."""
    if not reviewed:
        return _NOT_STARTED
    if reviewed < total:
        return _FAMILIAR
    if weakest_days >= MASTERED_STABILITY_DAYS:
        return _MASTERED
    if weakest_days >= PROFICIENT_STABILITY_DAYS:
        return _PROFICIENT
    return _FAMILIAR


# Module constants: looking a member up on an enum class is slow, and these are read
# for every concept of a large map.
_NOT_STARTED, _LEARNING, _FAMILIAR, _PROFICIENT, _MASTERED = MASTERY_LEVELS

# The mastery of every concept no card of which has been reviewed.
NOT_STARTED_MASTERY = ConceptMastery(
    level=MasteryLevel.NOT_STARTED, retrievability=None, fading=False, due_cards=0
)


def concept_mastery(
    cards: Sequence[RememberedCard],
    *,
    at: datetime,
    due_before: datetime,
    desired_retention: float,
    scheduler: SchedulerSettings,
    chances: Sequence[float | None] | None = None,
) -> ConceptMastery:
    """The concept's mastery at the moment ``at``, counting cards due before ``due_before``.

    ``chances`` may give each card's retrievability at ``at`` when the caller has
    already asked FSRS for it (one per card, in order); otherwise it is computed here.
    """
    if chances is None:
        chances = [
            retrievability(card.stability_days, card.last_review, at, scheduler)
            if card.state is not None
            else None
            for card in cards
        ]
    # One pass for the level (as mastery_level decides it), the recall chance and what is due.
    reviewed = 0
    learning = False
    weakest_days = math.inf
    chance_sum = 0.0
    chance_count = 0
    due_cards = 0
    for card, chance in zip(cards, chances, strict=True):
        state = card.state
        if state is None:
            continue
        reviewed += 1
        stability_days = card.stability_days
        if state != _REVIEW or stability_days is None or stability_days < LEARNING_STABILITY_DAYS:
            learning = True
        elif stability_days < weakest_days:
            weakest_days = stability_days
        if chance is not None:
            chance_sum += chance
            chance_count += 1
        due = card.due
        if due is not None and due < due_before:
            due_cards += 1
    if not reviewed:
        return NOT_STARTED_MASTERY  # never studied: the common case in a large deck
    level = _LEARNING if learning else _level_of_firm_cards(reviewed, len(cards), weakest_days)
    concept_retrievability = chance_sum / chance_count if chance_count else None
    fading = concept_retrievability is not None and concept_retrievability < desired_retention
    return ConceptMastery(level, concept_retrievability, fading, due_cards)


def subtree_masteries(
    concepts: Sequence[tuple[int, int | None]], masteries: dict[int, ConceptMastery]
) -> dict[int, SubtreeMastery]:
    """Aggregate each concept's sub-tree; ``concepts`` are (id, parent id) pairs in map order."""
    ends = branch_ends(parent_indexes(concepts))
    in_order = subtree_masteries_in_map_order(
        ends, [masteries[concept_id] for concept_id, _ in concepts]
    )
    ids = [concept_id for concept_id, _ in concepts]
    return dict(zip(ids, in_order, strict=True))


def subtree_masteries_in_map_order(
    ends: Sequence[int], masteries: Sequence[ConceptMastery]
) -> list[SubtreeMastery]:
    """Each concept's sub-tree, for concepts in map order given by where each one's branch
    ends (``ends``, from studyapp.decks.map_order.branch_ends) and their own masteries.

    Map order lists every sub-tree as one run, so a sub-tree's figures are
    differences of running totals over map order: no recursion, and no per-level
    work beyond one subtraction per node. A leaf's sub-tree is the leaf itself,
    which most concepts of a large deck are.
    """
    ranks = [_LEVEL_RANK[mastery.level] for mastery in masteries]
    # totals[i]: how many concepts are at each level among the first i in map order.
    runs = [
        list(accumulate(map(level_rank.__eq__, ranks), initial=0))
        for level_rank in range(len(MASTERY_LEVELS))
    ]
    totals = list(zip(*runs, strict=True))
    chances = [mastery.retrievability for mastery in masteries]
    chance_sum = list(accumulate((c or 0.0 for c in chances), initial=0.0))
    chance_count = list(accumulate((c is not None for c in chances), initial=0))
    subtrees: list[SubtreeMastery] = []
    for index, end in enumerate(ends):
        if end == index:  # a leaf
            chance = chances[index]
            subtrees.append(
                _LEAF_SUBTREES[ranks[index]]
                if chance is None
                else SubtreeMastery(_ONE_LEVEL[ranks[index]], chance, 1)
            )
            continue
        stop = end + 1
        subtrees.append(
            SubtreeMastery(
                tuple(map(sub, totals[stop], totals[index])),
                chance_sum[stop] - chance_sum[index],
                chance_count[stop] - chance_count[index],
            )
        )
    return subtrees


# A single concept at each level, and as a sub-tree of its own without a recall chance.
_ONE_LEVEL = tuple(
    tuple(int(rank == level_rank) for rank in range(len(MASTERY_LEVELS)))
    for level_rank in range(len(MASTERY_LEVELS))
)
_LEAF_SUBTREES = tuple(SubtreeMastery(counts) for counts in _ONE_LEVEL)
