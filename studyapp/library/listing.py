"""The deck library: every deck a user may see, whether they study it, and their progress.

Plain Python over a session. :func:`library` reads the whole page's data in
two queries whatever the number of decks: the decks with their counts and the
user's enrolment (:func:`studyapp.decks.catalogue.visible_decks`), then the
mastery level of every concept the user has started in those decks.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from studyapp.decks.catalogue import DeckSummary, visible_decks
from studyapp.map.mastery import MASTERY_LEVELS, CardMemory, MasteryLevel, mastery_level
from studyapp.storage.models import Card, CardState, Concept

# The order a progress bar and its legend list the levels: strongest first.
PROGRESS_ORDER: tuple[MasteryLevel, ...] = tuple(reversed(MASTERY_LEVELS))


@dataclass(frozen=True)
class LibraryDeck:
    """One deck of the library as ``user_id`` sees it.

    ``levels`` counts the deck's live concepts at each mastery level for this
    user (:mod:`studyapp.map.mastery`); a deck never studied has them all at
    ``not_started``. ``is_own`` says the user owns the deck, so may publish it.
    """

    summary: DeckSummary
    levels: dict[MasteryLevel, int]
    is_own: bool

    @property
    def started(self) -> int:
        """Concepts with at least one reviewed card."""
        return self.summary.concept_count - self.levels[MasteryLevel.NOT_STARTED]

    @property
    def progress(self) -> list[tuple[MasteryLevel, int]]:
        """The non-zero levels, strongest first: what a bar or a sentence shows."""
        return [(level, self.levels[level]) for level in PROGRESS_ORDER if self.levels[level]]


def library(session: Session, user_id: int, *, search: str | None = None) -> list[LibraryDeck]:
    """The decks ``user_id`` may see (titles containing ``search``), by title (two queries)."""
    summaries = visible_decks(session, user_id, search=search)
    levels = mastery_counts(session, user_id, summaries)
    return [
        LibraryDeck(
            summary=summary,
            levels=levels[summary.id],
            is_own=summary.owner_id == user_id,
        )
        for summary in summaries
    ]


def mastery_counts(
    session: Session, user_id: int, summaries: Sequence[DeckSummary]
) -> dict[int, dict[MasteryLevel, int]]:
    """Live concepts per mastery level for each deck of ``summaries`` (one query).

    Only concepts the user has started are read (every card of each, reviewed
    or not, since a level depends on all of them); the rest of each deck's
    ``concept_count`` is ``not_started``.
    """
    counts: dict[int, dict[MasteryLevel, int]] = {
        summary.id: dict.fromkeys(MASTERY_LEVELS, 0) for summary in summaries
    }
    if not summaries:
        return counts
    started = (
        select(Card.concept_id)
        .join(CardState, CardState.card_id == Card.id)
        .where(CardState.user_id == user_id)
    )
    rows = session.execute(
        select(Concept.deck_id, Card.concept_id, CardState.state, CardState.stability_days)
        .select_from(Card)
        .join(Concept, Concept.id == Card.concept_id)
        .outerjoin(CardState, and_(CardState.card_id == Card.id, CardState.user_id == user_id))
        .where(
            Concept.deck_id.in_(list(counts)),
            Concept.retired_at.is_(None),
            Card.concept_id.in_(started),
        )
    )
    cards: dict[int, list[CardMemory]] = defaultdict(list)
    deck_of: dict[int, int] = {}
    for deck_id, concept_id, state, stability in rows:
        deck_of[concept_id] = deck_id
        cards[concept_id].append(CardMemory(state, stability, None, None))
    for concept_id, memories in cards.items():
        counts[deck_of[concept_id]][mastery_level(memories)] += 1
    for summary in summaries:
        levels = counts[summary.id]
        levels[MasteryLevel.NOT_STARTED] = summary.concept_count - sum(
            count for level, count in levels.items() if level != MasteryLevel.NOT_STARTED
        )
    return counts
