"""One learner's map of a deck: the concept tree with their cards, mastery and branch figures.

:func:`deck_tree` is what the map page, the tree JSON, the deck page and the
quizzes read. The deck's shape comes from its outline (shared by every learner,
:mod:`studyapp.decks.outline`); only the learner's card states are read per
request, and a studied concept whose inputs did not change is reused
(:mod:`studyapp.map.studied_concepts`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, type_coerce
from sqlalchemy.orm import Session

from studyapp.clock import as_utc
from studyapp.decks.catalogue import visible_deck
from studyapp.decks.outline import CardView, DeckOutline, deck_outline
from studyapp.map.learner_memos import LearnerMemos
from studyapp.map.mastery import (
    NOT_STARTED_MASTERY,
    ConceptMastery,
    SubtreeMastery,
    subtree_masteries_in_map_order,
)
from studyapp.map.studied_concepts import (
    StudiedConcept,
    studied_concept,
    studied_concept_memo,
    studied_concepts,
)
from studyapp.scheduling.memory import SchedulerSettings, forgetting_curve
from studyapp.storage.db import UTCDateTime
from studyapp.storage.models import CardState


@dataclass(slots=True)
class ConceptNode:
    """A live concept with this user's cards, its mastery and its sub-tree's mastery."""

    id: int
    key: str
    title: str
    summary: str
    detail: str
    depth: int
    parent_id: int | None
    cards: tuple[CardView, ...]
    children: list[ConceptNode]
    mastery: ConceptMastery
    subtree: SubtreeMastery | None  # set once the whole tree is read
    # The deck version (Deck.content_version) the concept was read from: with ``id`` it
    # names the concept's text, cards and descendants exactly.
    deck_version: str

    @property
    def untouched(self) -> bool:
        """Whether the user has reviewed no card of this concept or of its descendants:
        then everything about the branch is the same for every learner, at every moment."""
        return self.subtree is not None and self.subtree.not_started


_DATETIME = UTCDateTime.impl  # DateTime(timezone=True), without UTCDateTime's conversion


def deck_tree(
    session: Session,
    user_id: int,
    deck_id: int,
    *,
    now: datetime,
    scheduler_settings: SchedulerSettings,
    due_before: datetime | None = None,
    memo: LearnerMemos[StudiedConcept] | None = studied_concepts,
) -> list[ConceptNode]:
    """The deck's live concept forest with this user's card states and mastery.

    ``now`` is the moment retrievability and mastery are computed for: the
    present, or a date the learner asks about ("as of 1 March"). A card counts
    as due when it falls due before ``due_before`` (default: ``now``).

    Two queries (the deck, the user's card states) once this process holds the
    deck's outline (decks/outline.py); two more the first time. A studied
    concept whose inputs are unchanged since an earlier tree is taken from
    ``memo`` (decks/studied_concepts.py); None computes every concept afresh.
    """
    deck = visible_deck(session, user_id, deck_id)
    deck_version = deck.content_version
    outline = deck_outline(session, deck_id, deck_version)
    states_by_card = _card_states(session, user_id, outline)
    reviewed_card_ids = states_by_card.keys()
    curve = forgetting_curve(scheduler_settings)
    # In timezone.utc, like every stored time here: comparing and subtracting datetimes
    # that share a tzinfo skips the offset lookups.
    now = as_utc(now)
    due_by = as_utc(due_before or now)
    desired_retention = scheduler_settings.desired_retention
    remembered: dict[int, StudiedConcept] = (
        {}
        if memo is None
        else studied_concept_memo(memo, user_id, deck_version, curve, desired_retention)
    )
    nodes: list[ConceptNode] = []  # in map order, as the outline lists the concepts
    for concept, card_ids, new_views in zip(
        outline.concepts, outline.card_ids, outline.cards, strict=True
    ):
        if reviewed_card_ids.isdisjoint(card_ids):
            # Not started by this user (most of a large deck): the outline's shared views.
            nodes.append(
                ConceptNode(*concept, new_views, [], NOT_STARTED_MASTERY, None, deck_version)
            )
            continue
        rows = tuple(map(states_by_card.get, card_ids))
        studied = remembered.get(concept.id)
        if studied is None or not studied.holds_for(rows, now, due_by):
            studied = studied_concept(
                rows,
                new_views,
                at=now,
                due_before=due_by,
                curve=curve,
                settings=scheduler_settings,
            )
            remembered[concept.id] = studied
        nodes.append(ConceptNode(*concept, studied.cards, [], studied.mastery, None, deck_version))
    if memo is not None:
        memo.trim()
    subtrees = subtree_masteries_in_map_order(outline.branch_ends, [node.mastery for node in nodes])
    roots: list[ConceptNode] = []
    for node, subtree, parent_index in zip(nodes, subtrees, outline.parent_indexes, strict=True):
        node.subtree = subtree
        (roots if parent_index is None else nodes[parent_index].children).append(node)
    return roots


def _card_states(session: Session, user_id: int, outline: DeckOutline) -> dict[int, tuple]:
    """The user's state of each card they have reviewed among the outline's, by card id:
    (card_id, state, stability_days, difficulty, due, last_review, reps, lapses), times
    as the driver returns them (naive on SQLite, in ``timezone.utc`` on PostgreSQL).

    Reads the user's states in the outline's card id range, with no join to cards and
    concepts: the caller looks up only the outline's cards, so a state of another deck's
    card that falls in the range is read but never used.
    """
    if outline.card_id_range is None:
        return {}
    lowest_id, highest_id = outline.card_id_range
    # Plain table columns rather than CardState entities or ORM-annotated columns:
    # building thousands of ORM objects or rows was most of this function's time on a
    # large deck. (A Core statement through the session still autoflushes.)
    states = CardState.__table__
    rows = session.execute(
        select(
            states.c.card_id,
            states.c.state,
            states.c.stability_days,
            states.c.difficulty,
            # Read with the plain DateTime type; as_utc in studied_concept is what
            # UTCDateTime would do, but only for concepts not reused from the memo.
            type_coerce(states.c.due, _DATETIME),
            type_coerce(states.c.last_review, _DATETIME),
            states.c.reps,
            states.c.lapses,
        ).where(
            states.c.user_id == user_id,
            states.c.card_id.between(lowest_id, highest_id),
        )
    )
    # Plain tuples: a tree compares them with the rows it was last built from, and
    # comparing SQLAlchemy rows costs several times more.
    return {row[0]: row for row in map(tuple, rows.all())}
