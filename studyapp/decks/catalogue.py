"""Reading decks back for one user: which they may see, their counts, one card.

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

from sqlalchemy import and_, bindparam, exists, func, literal, or_, select, true
from sqlalchemy.orm import Session, aliased

from studyapp.decks.card_faces import CardFaces, make_faces
from studyapp.decks.outline import deck_outline
from studyapp.errors import NotFound
from studyapp.storage.models import Card, Concept, Deck, Enrolment

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


def visible_deck_clause(user_id: int):
    """SQL condition: the deck is public or belongs to ``user_id`` (the user may see it)."""
    return or_(Deck.is_public.is_(True), Deck.owner_id == user_id)


def studied_deck_clause(user_id: int):
    """SQL condition: the user studies the deck, i.e. may see it and has added it.

    An enrolment in a deck the user can no longer see (its owner made it
    private again) is kept, but does not count until the deck is visible again.
    """
    enrolled = exists().where(Enrolment.user_id == user_id, Enrolment.deck_id == Deck.id)
    return and_(visible_deck_clause(user_id), enrolled)


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


_PARENT = aliased(Concept)
_STUDY_CARD = (
    select(
        Card.kind,
        Concept.id,
        Concept.key,
        Concept.title,
        Concept.summary,
        Concept.detail,
        Deck.id,
        Deck.title,
        _PARENT.title,
    )
    .join(Concept, Concept.id == Card.concept_id)
    .join(Deck, Deck.id == Concept.deck_id)
    .outerjoin(_PARENT, _PARENT.id == Concept.parent_id)
    .where(Card.id == bindparam("card_id"), visible_deck_clause(bindparam("user_id")))
)


def study_card(session: Session, user_id: int, card_id: int) -> StudyCard:
    row = session.execute(_STUDY_CARD, {"card_id": card_id, "user_id": user_id}).one_or_none()
    if row is None:
        raise NotFound(f"There is no card {card_id} in your decks.")
    kind, concept_id, key, title, summary, detail, deck_id, deck_title, parent_title = row
    return StudyCard(
        card_id=card_id,
        kind=kind,
        concept_id=concept_id,
        concept_key=key,
        concept_title=title,
        deck_id=deck_id,
        deck_title=deck_title,
        faces=make_faces(kind, title, summary, detail, parent_title),
    )
