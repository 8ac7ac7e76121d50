"""The collection as it stands now: card states, mastery, stability, retrievability, the hardest.

Counts the cards of the decks the user studies
(:func:`studyapp.decks.catalogue.studied_deck_clause`: visible to them and added
to their studies), live concepts only, except the ``retired`` count, which is
the cards of retired concepts. A deck the user removed from their studies drops
out of these figures, and comes back when they add it again.

* **Card states**: cards per FSRS state (new: no review state yet).
* **Mastery**: concepts per :class:`~studyapp.map.mastery.MasteryLevel`, overall
  and per deck.
* **Stability**: cards per bin of FSRS stability, in days
  (:data:`STABILITY_BIN_EDGES_DAYS`).
* **Retrievability**: the probability of recall now, 0–1, per tenth, and its
  mean. It is FSRS's forgetting curve, evaluated with :func:`forgetting_curve`
  (the same formula and parameters as
  :func:`studyapp.scheduling.memory.retrievability`, without building an fsrs
  card per row; the tests check they agree).
* **The hardest concepts**: the :data:`HARDEST_COUNT` studied concepts with the
  most lapses, then the lowest mean retrievability.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from fsrs import State
from sqlalchemy import and_, literal, select
from sqlalchemy.orm import Session

from studyapp.decks.catalogue import DeckSummary, studied_deck_clause, studied_decks
from studyapp.map.mastery import MASTERY_LEVELS, CardMemory, MasteryLevel, mastery_level
from studyapp.scheduling.memory import SchedulerSettings, scheduler_for
from studyapp.scheduling.study_context import StudyContext
from studyapp.stats.study_days import whole_days_between
from studyapp.storage.db import UTCDateTime
from studyapp.storage.models import Card, CardState, Concept, Deck

HARDEST_COUNT = 10
# Upper bounds (exclusive) of the stability bins, in days; the last bin is open.
STABILITY_BIN_EDGES_DAYS: tuple[float, ...] = (1, 3, 7, 14, 21, 30, 60, 90, 180, 365)
# Retrievability bins: 0-10%, 10-20%, ..., 90-100% (100% falls in the last).
RETRIEVABILITY_BIN_COUNT = 10


@dataclass(frozen=True)
class CardStateCounts:
    new: int = 0
    learning: int = 0
    review: int = 0
    relearning: int = 0
    retired: int = 0

    @property
    def total(self) -> int:
        return self.new + self.learning + self.review + self.relearning + self.retired


@dataclass(frozen=True)
class DeckMastery:
    """Concepts of one deck (live ones) at each mastery level."""

    deck_id: int
    title: str
    levels: dict[MasteryLevel, int]

    @property
    def concept_count(self) -> int:
        return sum(self.levels.values())


@dataclass(frozen=True)
class StabilityBin:
    """Studied cards with ``lower_days <= stability < upper_days`` (None: no upper bound)."""

    lower_days: float
    upper_days: float | None
    cards: int

    @property
    def label(self) -> str:
        low = f"{self.lower_days:g}"
        return f"{low}+ d" if self.upper_days is None else f"{low}–{self.upper_days:g} d"


@dataclass(frozen=True)
class RetrievabilityBin:
    """Studied cards with ``lower_percent <= R·100 < upper_percent`` (the last bin includes 100)."""

    lower_percent: int
    upper_percent: int
    cards: int

    @property
    def label(self) -> str:
        return f"{self.lower_percent}–{self.upper_percent}%"


@dataclass(frozen=True)
class HardConcept:
    """A concept among the hardest: its cards' total ``lapses`` and mean ``retrievability``."""

    concept_id: int
    deck_id: int
    title: str
    deck_title: str
    lapses: int
    retrievability: float | None

    @property
    def map_path(self) -> str:
        return f"/decks/{self.deck_id}/map?focus={self.concept_id}"


def forgetting_curve(settings: SchedulerSettings):
    """``R(stability_days, elapsed_days)`` exactly as fsrs computes it (FSRS-6):

        R = (1 + F · t / S) ^ (−w20),  F = 0.9 ^ (−1 / w20) − 1,  t = whole days elapsed

    with the user's scheduler parameters; None before any review.
    """
    parameters = scheduler_for(settings).parameters
    decay = -parameters[20]
    factor = 0.9 ** (1 / decay) - 1

    def curve(stability_days: float | None, elapsed_days: int | None) -> float | None:
        """R after ``elapsed_days`` whole days (negative counts as 0); None if unknown."""
        if stability_days is None or elapsed_days is None:
            return None
        return (1 + factor * max(0, elapsed_days) / stability_days) ** decay

    return curve


@dataclass(frozen=True)
class CollectionFigures:
    card_states: CardStateCounts
    mastery_levels: dict[MasteryLevel, int]
    mastery_by_deck: list[DeckMastery]
    stability_histogram: list[StabilityBin]
    retrievability_histogram: list[RetrievabilityBin]
    mean_retrievability: float | None
    hardest: list[HardConcept]


@dataclass
class _ConceptTally:
    deck_id: int
    cards: list[CardMemory] = field(default_factory=list)
    lapses: int = 0
    retrievability_sum: float = 0.0
    retrievability_count: int = 0


def collection_figures(
    session: Session,
    context: StudyContext,
    deck_id: int | None,
    decks: Sequence[DeckSummary] | None = None,
) -> CollectionFigures:
    """One pass over the cards in scope (one row per card, streamed), plus one small query
    for the titles of the hardest concepts."""
    user_id = context.user_id
    query = (
        select(
            Concept.deck_id,
            Card.concept_id,
            Concept.retired_at.is_not(None),
            CardState.state,
            CardState.stability_days,
            whole_days_between(CardState.last_review, literal(context.now, UTCDateTime())),
            CardState.lapses,
        )
        .select_from(Card)
        .join(Concept, Concept.id == Card.concept_id)
        .join(Deck, Deck.id == Concept.deck_id)
        .outerjoin(CardState, and_(CardState.card_id == Card.id, CardState.user_id == user_id))
        .where(studied_deck_clause(user_id))
    )
    if deck_id is not None:
        query = query.where(Concept.deck_id == deck_id)
    curve = forgetting_curve(context.scheduler)
    states = dict.fromkeys(("new", "learning", "review", "relearning", "retired"), 0)
    state_names = {
        State.Learning.value: "learning",
        State.Review.value: "review",
        State.Relearning.value: "relearning",
    }
    stability_counts = [0] * (len(STABILITY_BIN_EDGES_DAYS) + 1)
    retrievability_counts = [0] * RETRIEVABILITY_BIN_COUNT
    retrievability_sum, retrievability_n = 0.0, 0
    concepts: dict[int, _ConceptTally] = {}
    # Core rows (no ORM loading), streamed: one small row per card.
    rows = session.connection().execute(query.execution_options(yield_per=5000))
    for deck, concept_id, retired, state, stability, elapsed_days, lapses in rows:
        if retired:
            states["retired"] += 1
            continue
        tally = concepts.get(concept_id)
        if tally is None:
            tally = concepts[concept_id] = _ConceptTally(deck)
        # Levels depend on state and stability only (studyapp.map.mastery), not on due.
        tally.cards.append(CardMemory(state, stability, None, None))
        if state is None:
            states["new"] += 1
            continue
        states[state_names.get(state, "learning")] += 1
        tally.lapses += lapses or 0
        if stability is not None:
            stability_counts[_stability_bin(stability)] += 1
        chance = curve(stability, elapsed_days)
        if chance is not None:
            retrievability_counts[
                min(int(chance * RETRIEVABILITY_BIN_COUNT), RETRIEVABILITY_BIN_COUNT - 1)
            ] += 1
            retrievability_sum += chance
            retrievability_n += 1
            tally.retrievability_sum += chance
            tally.retrievability_count += 1

    deck_titles = {deck.id: deck.title for deck in (decks or studied_decks(session, user_id))}
    by_deck: dict[int, dict[MasteryLevel, int]] = defaultdict(
        lambda: dict.fromkeys(MASTERY_LEVELS, 0)
    )
    overall = dict.fromkeys(MASTERY_LEVELS, 0)
    for tally in concepts.values():
        level = mastery_level(tally.cards)
        by_deck[tally.deck_id][level] += 1
        overall[level] += 1
    mastery_by_deck = sorted(
        (
            DeckMastery(deck, deck_titles.get(deck, f"Deck {deck}"), levels)
            for deck, levels in by_deck.items()
        ),
        key=lambda item: (item.title.lower(), item.deck_id),
    )
    return CollectionFigures(
        card_states=CardStateCounts(**states),
        mastery_levels=overall,
        mastery_by_deck=mastery_by_deck,
        stability_histogram=_stability_bins(stability_counts),
        retrievability_histogram=[
            RetrievabilityBin(
                index * 100 // RETRIEVABILITY_BIN_COUNT,
                (index + 1) * 100 // RETRIEVABILITY_BIN_COUNT,
                cards,
            )
            for index, cards in enumerate(retrievability_counts)
        ],
        mean_retrievability=retrievability_sum / retrievability_n if retrievability_n else None,
        hardest=_hardest(session, concepts, deck_titles),
    )


def _stability_bin(stability_days: float) -> int:
    return bisect_right(STABILITY_BIN_EDGES_DAYS, stability_days)


def _stability_bins(counts: Sequence[int]) -> list[StabilityBin]:
    lowers = (0, *STABILITY_BIN_EDGES_DAYS)
    uppers: tuple[float | None, ...] = (*STABILITY_BIN_EDGES_DAYS, None)
    return [
        StabilityBin(float(lower), None if upper is None else float(upper), cards)
        for lower, upper, cards in zip(lowers, uppers, counts, strict=True)
    ]


def _hardest(
    session: Session, concepts: dict[int, _ConceptTally], deck_titles: dict[int, str]
) -> list[HardConcept]:
    """The studied concepts with the most lapses, then the lowest mean retrievability."""

    def mean(tally: _ConceptTally) -> float | None:
        if not tally.retrievability_count:
            return None
        return tally.retrievability_sum / tally.retrievability_count

    studied = [
        (concept_id, tally)
        for concept_id, tally in concepts.items()
        if any(card.state is not None for card in tally.cards)
    ]
    studied.sort(key=lambda item: (-item[1].lapses, _or_one(mean(item[1])), item[0]))
    chosen = studied[:HARDEST_COUNT]
    if not chosen:
        return []
    titles = dict(
        session.execute(
            select(Concept.id, Concept.title).where(Concept.id.in_([cid for cid, _ in chosen]))
        ).all()
    )
    return [
        HardConcept(
            concept_id=concept_id,
            deck_id=tally.deck_id,
            title=titles.get(concept_id, ""),
            deck_title=deck_titles.get(tally.deck_id, ""),
            lapses=tally.lapses,
            retrievability=mean(tally),
        )
        for concept_id, tally in chosen
    ]


def _or_one(value: float | None) -> float:
    return 1.0 if value is None else value


__all__ = [
    "CardStateCounts",
    "DeckMastery",
    "HardConcept",
    "RetrievabilityBin",
    "StabilityBin",
]
