"""Reading decks back for one user: which they may see, their counts, their tree, one card.

Every function takes the user's id and only returns what that user may see:
public decks and the user's own private decks. A deck or card outside that
set is reported as not found, never as forbidden, so ids of other users'
decks leak nothing. Of the decks a user sees, those they have added to their
studies (:mod:`studyapp.library.enrolment`) are marked ``enrolled``; :func:`studied_decks`
lists only those.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import exists, func, literal, select, true, type_coerce
from sqlalchemy.orm import Session, aliased

from studyapp.clock import as_utc
from studyapp.decks.card_faces import CardFaces, make_faces
from studyapp.errors import NotFound
from studyapp.map.learner_memos import LearnerMemos
from studyapp.map.mastery import (
    NOT_STARTED_MASTERY,
    ConceptMastery,
    SubtreeMastery,
    subtree_masteries_in_map_order,
)
from studyapp.map.outline import CardView, DeckOutline, deck_outline
from studyapp.map.studied_concepts import (
    StudiedConcept,
    studied_concept,
    studied_concept_memo,
    studied_concepts,
)
from studyapp.scheduling.memory import SchedulerSettings, forgetting_curve
from studyapp.scheduling.queue import studied_deck_clause, visible_deck_clause
from studyapp.storage.db import UTCDateTime
from studyapp.storage.models import Card, CardState, Concept, Deck, Enrolment

# Longest title search honoured; a longer ?q= is cut (titles are at most 300 characters).
MAX_SEARCH_LENGTH = 300


@dataclass(frozen=True)
class DeckSummary:
    id: int
    key: str
    title: str
    description: str
    concept_count: int
    card_count: int
    is_public: bool
    owner_id: int | None
    updated_at: datetime
    # Whether the user the summary was read for studies the deck (False for all_decks).
    enrolled: bool = False


def _live_counts():
    concept_count = func.count(func.distinct(Concept.id))
    card_count = func.count(Card.id)
    return concept_count, card_count


def _summaries(session: Session, query, user_id: int | None = None) -> list[DeckSummary]:
    """Run ``query`` (over ``Deck``) with each deck's live counts and ``user_id``'s enrolment."""
    concept_count, card_count = _live_counts()
    if user_id is None:
        enrolled = literal(False)
    else:
        enrolled = exists().where(Enrolment.user_id == user_id, Enrolment.deck_id == Deck.id)
    rows = session.execute(
        query.add_columns(concept_count, card_count, enrolled.label("enrolled"))
        .outerjoin(Concept, (Concept.deck_id == Deck.id) & Concept.retired_at.is_(None))
        .outerjoin(Card, Card.concept_id == Concept.id)
        .group_by(Deck.id)
        .order_by(func.lower(Deck.title), Deck.id)
    ).all()
    return [
        DeckSummary(
            id=deck.id,
            key=deck.key,
            title=deck.title,
            description=deck.description,
            concept_count=concepts,
            card_count=cards,
            is_public=deck.is_public,
            owner_id=deck.owner_id,
            updated_at=deck.updated_at,
            enrolled=bool(is_enrolled),
        )
        for deck, concepts, cards, is_enrolled in rows
    ]


def title_search_clause(search: str | None):
    """SQL condition: the deck's title contains ``search``, ignoring case (True when empty).

    Case is folded with the database's ``lower()``: on PostgreSQL for every
    script, on SQLite for ASCII letters only.
    """
    text = (search or "").strip()[:MAX_SEARCH_LENGTH]
    if not text:
        return true()
    return func.lower(Deck.title).contains(text.lower(), autoescape=True)


def visible_decks(
    session: Session, user_id: int, *, search: str | None = None
) -> list[DeckSummary]:
    """Decks the user may see (public, or their own), by title, with live concept and card
    counts and whether they study each (one query); ``search`` keeps titles containing it."""
    return _summaries(
        session,
        select(Deck).where(visible_deck_clause(user_id), title_search_clause(search)),
        user_id,
    )


def studied_decks(session: Session, user_id: int) -> list[DeckSummary]:
    """The decks the user studies (visible and added), by title, with their counts (one query)."""
    return _summaries(session, select(Deck).where(studied_deck_clause(user_id)), user_id)


def deck_summary(session: Session, user_id: int, deck_id: int) -> DeckSummary:
    """One visible deck with its counts; :class:`NotFound` otherwise.

    One query: the counts come from the deck's outline (decks/outline.py), which
    this process usually holds already, rather than from counting thousands of rows.
    """
    enrolled = exists().where(Enrolment.user_id == user_id, Enrolment.deck_id == Deck.id)
    row = session.execute(
        select(Deck, enrolled.label("enrolled")).where(
            Deck.id == deck_id, visible_deck_clause(user_id)
        )
    ).one_or_none()
    if row is None:
        raise NotFound(f"There is no deck {deck_id} among your decks.")
    deck, is_enrolled = row
    outline = deck_outline(session, deck.id, deck.content_version)
    return DeckSummary(
        id=deck.id,
        key=deck.key,
        title=deck.title,
        description=deck.description,
        concept_count=outline.size,
        card_count=outline.card_count,
        is_public=deck.is_public,
        owner_id=deck.owner_id,
        updated_at=deck.updated_at,
        enrolled=bool(is_enrolled),
    )


def all_decks(session: Session) -> list[DeckSummary]:
    """Every deck, for administrators and the CLI."""
    return _summaries(session, select(Deck))


def visible_deck(session: Session, user_id: int, deck_id: int) -> Deck:
    deck = session.scalars(
        select(Deck).where(Deck.id == deck_id, visible_deck_clause(user_id))
    ).one_or_none()
    if deck is None:
        raise NotFound(f"There is no deck {deck_id} among your decks.")
    return deck


def visible_concept(session: Session, user_id: int, concept_id: int) -> Concept:
    concept = session.scalars(
        select(Concept)
        .join(Deck, Deck.id == Concept.deck_id)
        .where(
            Concept.id == concept_id,
            Concept.retired_at.is_(None),
            visible_deck_clause(user_id),
        )
    ).one_or_none()
    if concept is None:
        raise NotFound(f"There is no concept {concept_id} in your decks.")
    return concept


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


@dataclass(frozen=True)
class StudyCard:
    """Everything a review screen needs about one card."""

    card_id: int
    kind: str
    concept_id: int
    concept_key: str
    concept_title: str
    deck_id: int
    deck_title: str
    faces: CardFaces


def study_card(session: Session, user_id: int, card_id: int) -> StudyCard:
    parent = aliased(Concept)
    row = session.execute(
        select(Card, Concept, Deck, parent.title)
        .join(Concept, Concept.id == Card.concept_id)
        .join(Deck, Deck.id == Concept.deck_id)
        .outerjoin(parent, parent.id == Concept.parent_id)
        .where(Card.id == card_id, visible_deck_clause(user_id))
    ).one_or_none()
    if row is None:
        raise NotFound(f"There is no card {card_id} in your decks.")
    card, concept, deck, parent_title = row
    return StudyCard(
        card_id=card.id,
        kind=card.kind,
        concept_id=concept.id,
        concept_key=concept.key,
        concept_title=concept.title,
        deck_id=deck.id,
        deck_title=deck.title,
        faces=make_faces(card.kind, concept.title, concept.summary, concept.detail, parent_title),
    )
