"""Exporting one user: their account, settings, own decks, studies and history as a document.

:func:`export_user` reads (it writes nothing) and returns the document
:mod:`studyapp.backup.document` describes, a dict ready for ``json.dumps``:
moments as ISO-8601 text in UTC, floats as stored, cards and decks named by
deck key, owner, concept key and kind. A user who studies, or has history on,
another user's published deck cannot be exported (:class:`UserExportError`):
a portable document cannot name that deck.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from studyapp.accounts.users import find_user
from studyapp.backup.document import (
    CARD_REF_FIELDS,
    CARD_STATE_FIELDS,
    CONCEPT_FIELDS,
    DECK_FIELDS,
    FORMAT,
    PUBLIC,
    REVIEW_LOG_FIELDS,
    SELF,
    SETTINGS_FIELDS,
    USER_FIELDS,
    VERSION,
    CardRef,
    format_datetime,
)
from studyapp.errors import NotFound
from studyapp.storage.models import Card, CardState, Concept, Deck, Enrolment, ReviewLog, User


class UserExportError(NotFound):
    """The user cannot be exported (e.g. no such user)."""


def _ref_object(ref: CardRef) -> dict[str, str]:
    return dict(zip(CARD_REF_FIELDS, ref, strict=True))


def _portable(value: Any) -> Any:
    return format_datetime(value) if isinstance(value, datetime) else value


def _fields(row: Any, names: Iterable[str]) -> dict[str, Any]:
    return {name: _portable(getattr(row, name)) for name in names}


def export_user(session: Session, username: str, *, now: datetime) -> dict[str, Any]:
    """The user's whole document (see :mod:`studyapp.backup.document` and docs/export.md)."""
    user = find_user(session, username)
    if user is None:
        raise UserExportError(f"There is no user named '{username}'.")

    decks = session.scalars(select(Deck).where(Deck.owner_id == user.id)).all()
    deck_documents = [_deck_document(session, deck) for deck in sorted(decks, key=_deck_key)]

    enrolment_documents = _enrolment_documents(session, user)
    refs = _card_refs(session, user)
    states = session.scalars(select(CardState).where(CardState.user_id == user.id)).all()
    state_documents = sorted(
        (
            {"card": _ref_object(refs[state.card_id]), **_fields(state, CARD_STATE_FIELDS)}
            for state in states
        ),
        key=lambda document: tuple(document["card"].values()),
    )
    logs = session.scalars(
        select(ReviewLog)
        .where(ReviewLog.user_id == user.id)
        .order_by(ReviewLog.reviewed_at, ReviewLog.id)
        .execution_options(yield_per=1000)
    )
    log_documents = [
        {"card": _ref_object(refs[log.card_id]), **_fields(log, REVIEW_LOG_FIELDS)} for log in logs
    ]
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": format_datetime(now),
        "user": _fields(user, USER_FIELDS),
        "settings": _fields(user.settings, SETTINGS_FIELDS),
        "decks": deck_documents,
        "enrolments": enrolment_documents,
        "card_states": state_documents,
        "review_logs": log_documents,
    }


def _deck_key(deck: Deck) -> str:
    return deck.key


def _deck_document(session: Session, deck: Deck) -> dict[str, Any]:
    concepts = session.scalars(
        select(Concept).where(Concept.deck_id == deck.id).order_by(Concept.map_order, Concept.id)
    ).all()
    key_by_id = {concept.id: concept.key for concept in concepts}
    kinds: dict[int, list[str]] = {concept.id: [] for concept in concepts}
    for concept_id, kind in session.execute(
        select(Card.concept_id, Card.kind)
        .join(Concept, Concept.id == Card.concept_id)
        .where(Concept.deck_id == deck.id)
        .order_by(Card.id)
    ):
        kinds[concept_id].append(kind)
    return {
        **_fields(deck, DECK_FIELDS),
        "concepts": [
            {
                "key": concept.key,
                "parent": key_by_id.get(concept.parent_id) if concept.parent_id else None,
                **_fields(concept, CONCEPT_FIELDS),
                "cards": kinds[concept.id],
            }
            for concept in concepts
        ],
    }


def _enrolment_documents(session: Session, user: User) -> list[dict[str, Any]]:
    """The decks the user studies, by key and owner, ordered by both."""
    rows = session.execute(
        select(Deck.key, Deck.owner_id, Enrolment.created_at)
        .join(Enrolment, Enrolment.deck_id == Deck.id)
        .where(Enrolment.user_id == user.id)
    )
    documents: list[dict[str, Any]] = []
    foreign: list[str] = []
    for deck_key, owner_id, created_at in rows:
        if owner_id is None or owner_id == user.id:
            owner = PUBLIC if owner_id is None else SELF
            documents.append(
                {"deck": deck_key, "owner": owner, "created_at": format_datetime(created_at)}
            )
        else:
            foreign.append(deck_key)
    if foreign:
        raise UserExportError(
            f"'{user.username}' studies decks other users published, which a portable document "
            f"cannot name: {', '.join(sorted(foreign))}. Remove them from their studies (their "
            "history of them is kept) or export later."
        )
    return sorted(documents, key=lambda document: (document["owner"], document["deck"]))


def _card_refs(session: Session, user: User) -> dict[int, CardRef]:
    """Portable names of every card the user has a state or a log row for."""
    studied = (
        select(CardState.card_id)
        .where(CardState.user_id == user.id)
        .union(select(ReviewLog.card_id).where(ReviewLog.user_id == user.id))
    )
    rows = session.execute(
        select(Card.id, Deck.key, Deck.owner_id, Concept.key, Card.kind)
        .join(Concept, Concept.id == Card.concept_id)
        .join(Deck, Deck.id == Concept.deck_id)
        .where(Card.id.in_(studied))
    )
    refs: dict[int, CardRef] = {}
    foreign: list[str] = []
    for card_id, deck_key, owner_id, concept_key, kind in rows:
        if owner_id is None:
            refs[card_id] = (deck_key, PUBLIC, concept_key, kind)
        elif owner_id == user.id:
            refs[card_id] = (deck_key, SELF, concept_key, kind)
        else:
            foreign.append(f"card {card_id} ({deck_key} / {concept_key} / {kind})")
    if foreign:
        raise UserExportError(
            f"'{user.username}' has history on cards of other users' decks, which a portable "
            f"document cannot name: {', '.join(sorted(foreign))}."
        )
    return refs
