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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from itertools import accumulate

from fsrs import State

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


@dataclass(frozen=True)
class CardMemory:
    """One card's state for one user; ``state`` None means never reviewed (new)."""

    state: int | None
    stability_days: float | None
    last_review: datetime | None
    due: datetime | None


@dataclass(frozen=True)
class ConceptMastery:
    """``retrievability`` is 0–1, None when no card has been reviewed; ``due_cards`` counts
    this concept's reviewed cards due before the moment the caller asked about."""

    level: MasteryLevel
    retrievability: float | None
    fading: bool
    due_cards: int


@dataclass
class SubtreeMastery:
    """A concept and all its descendants: how many are at each level, and their mean
    retrievability (over the concepts that have one; None if none has)."""

    levels: dict[MasteryLevel, int] = field(
        default_factory=lambda: dict.fromkeys(MASTERY_LEVELS, 0)
    )
    retrievability_sum: float = 0.0
    retrievability_count: int = 0

    @property
    def concept_count(self) -> int:
        return sum(self.levels.values())

    @property
    def mean_retrievability(self) -> float | None:
        if not self.retrievability_count:
            return None
        return self.retrievability_sum / self.retrievability_count

    def share(self, level: MasteryLevel) -> float:
        """The fraction (0–1) of the sub-tree's concepts at ``level``."""
        total = self.concept_count
        return self.levels[level] / total if total else 0.0

    def add_concept(self, mastery: ConceptMastery) -> None:
        self.levels[mastery.level] += 1
        if mastery.retrievability is not None:
            self.retrievability_sum += mastery.retrievability
            self.retrievability_count += 1

    def add_subtree(self, other: SubtreeMastery) -> None:
        for level, count in other.levels.items():
            self.levels[level] += count
        self.retrievability_sum += other.retrievability_sum
        self.retrievability_count += other.retrievability_count


def mastery_level(cards: Sequence[CardMemory]) -> MasteryLevel:
    reviewed = [card for card in cards if card.state is not None]
    if not reviewed:
        return MasteryLevel.NOT_STARTED
    if any(
        card.state != State.Review.value
        or card.stability_days is None
        or card.stability_days < LEARNING_STABILITY_DAYS
        for card in reviewed
    ):
        return MasteryLevel.LEARNING
    if len(reviewed) < len(cards):
        return MasteryLevel.FAMILIAR
    weakest = min(card.stability_days or 0.0 for card in reviewed)
    if weakest >= MASTERED_STABILITY_DAYS:
        return MasteryLevel.MASTERED
    if weakest >= PROFICIENT_STABILITY_DAYS:
        return MasteryLevel.PROFICIENT
    return MasteryLevel.FAMILIAR


_NOT_STARTED = ConceptMastery(
    level=MasteryLevel.NOT_STARTED, retrievability=None, fading=False, due_cards=0
)


def concept_mastery(
    cards: Sequence[CardMemory],
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
    if all(card.state is None for card in cards):
        return _NOT_STARTED  # never studied: the common case in a large deck
    if chances is None:
        chances = [
            retrievability(card.stability_days, card.last_review, at, scheduler)
            if card.state is not None
            else None
            for card in cards
        ]
    known = [
        chance
        for card, chance in zip(cards, chances, strict=True)
        if card.state is not None and chance is not None
    ]
    concept_retrievability = sum(known) / len(known) if known else None
    return ConceptMastery(
        level=mastery_level(cards),
        retrievability=concept_retrievability,
        fading=concept_retrievability is not None and concept_retrievability < desired_retention,
        due_cards=sum(
            1
            for card in cards
            if card.state is not None and card.due is not None and card.due < due_before
        ),
    )


def subtree_masteries(
    concepts: Iterable[tuple[int, int | None]], masteries: dict[int, ConceptMastery]
) -> dict[int, SubtreeMastery]:
    """Aggregate each concept's sub-tree; ``concepts`` are (id, parent id) pairs in map order.

    Map order lists a parent before its children and every sub-tree as one run,
    so a sub-tree's figures are differences of running totals over map order:
    no recursion, and no per-level work beyond one subtraction per node.
    """
    ordered = list(concepts)
    position = {concept_id: index for index, (concept_id, _) in enumerate(ordered)}
    # Walking backwards finishes every child before its parent: each node ends
    # where its last descendant stands.
    run_end = list(range(len(ordered)))
    for index in range(len(ordered) - 1, -1, -1):
        parent_index = position.get(ordered[index][1])
        if parent_index is not None and run_end[index] > run_end[parent_index]:
            run_end[parent_index] = run_end[index]
    masteries_in_order = [masteries[concept_id] for concept_id, _ in ordered]
    # totals[rank][i]: concepts at that level among the first i in map order.
    totals = [
        list(accumulate((m.level is level for m in masteries_in_order), initial=0))
        for level in MASTERY_LEVELS
    ]
    chances = [m.retrievability for m in masteries_in_order]
    chance_sum = list(accumulate((c or 0.0 for c in chances), initial=0.0))
    chance_count = list(accumulate((c is not None for c in chances), initial=0))
    subtrees: dict[int, SubtreeMastery] = {}
    for index, (concept_id, _) in enumerate(ordered):
        stop = run_end[index] + 1
        subtrees[concept_id] = SubtreeMastery(
            levels={
                level: running[stop] - running[index]
                for level, running in zip(MASTERY_LEVELS, totals, strict=True)
            },
            retrievability_sum=chance_sum[stop] - chance_sum[index],
            retrievability_count=chance_count[stop] - chance_count[index],
        )
    return subtrees
