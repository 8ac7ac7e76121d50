"""Helpers of the backup tests: the decks, scripting a history, and snapshots of what is
stored for a user, by portable names, to compare before and after a round trip."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from studyapp.accounts.users import find_user
from studyapp.backup.document import (
    CARD_STATE_FIELDS,
    CONCEPT_FIELDS,
    DECK_FIELDS,
    REVIEW_LOG_FIELDS,
    SETTINGS_FIELDS,
    USER_FIELDS,
)
from studyapp.decks.formats.reading import read_deck_bytes
from studyapp.decks.importing.importer import import_deck
from studyapp.scheduling.memory import Grade
from studyapp.scheduling.rating import apply_rating
from studyapp.scheduling.study_context import StudyContext
from studyapp.storage.db import transaction
from studyapp.storage.models import Card, CardState, Concept, Deck, Enrolment, ReviewLog, User
from tests.support.factories import concept, deck_json

PUBLIC_DECK = deck_json()  # algebra: groups (subgroups, cosets), rings (ideals, fields)
PRIVATE_DECK = deck_json(
    key="notes",
    title="My notes",
    concepts=[concept("Lemmas", [concept("Zorn"), concept("Yoneda")]), concept("Proofs")],
)
PRIVATE_DECK_V2 = deck_json(  # Yoneda retired, keeping its history
    key="notes",
    title="My notes, revised",
    concepts=[concept("Proofs"), concept("Lemmas", [concept("Zorn")])],
)
# Floats with no short decimal form: they must come back bit for bit.
AWKWARD_STABILITY = 0.1 + 0.2
AWKWARD_DIFFICULTY = 1 / 3


# --- scripting a history --------------------------------------------------------------------


def card_of(session: Session, deck_key: str, concept_key: str, kind: str, owner_id=None) -> int:
    owner = Deck.owner_id.is_(None) if owner_id is None else Deck.owner_id == owner_id
    card_id = session.scalar(
        select(Card.id)
        .join(Concept, Concept.id == Card.concept_id)
        .join(Deck, Deck.id == Concept.deck_id)
        .where(Deck.key == deck_key, owner, Concept.key == concept_key, Card.kind == kind)
    )
    assert card_id is not None, (deck_key, concept_key, kind)
    return card_id


def rate(session: Session, user: User, card_id: int, grade: Grade, now: datetime, **kw) -> None:
    context = StudyContext.for_user(user.settings, now, enable_fuzzing=False)
    with transaction(session):
        apply_rating(session, context, card_id=card_id, grade=grade, require_in_queue=False, **kw)


def import_public(session: Session, now: datetime, text: str = PUBLIC_DECK) -> None:
    with transaction(session):
        import_deck(session, read_deck_bytes(text.encode(), "deck.json"), owner_id=None, now=now)


# --- snapshots of what is stored, by portable names ---------------------------------------


def snapshot(session: Session, username: str) -> dict[str, Any]:
    """Everything stored for a user, with cards named by (deck, public?, concept, kind)."""
    session.expire_all()
    user = find_user(session, username)
    assert user is not None

    def ref(card_id: int) -> tuple:
        card = session.get(Card, card_id)
        deck = card.concept.deck
        return (deck.key, deck.owner_id is None, card.concept.key, card.kind)

    states = sorted(
        (ref(state.card_id), *(getattr(state, name) for name in CARD_STATE_FIELDS))
        for state in session.scalars(select(CardState).where(CardState.user_id == user.id))
    )
    logs = [
        (ref(log.card_id), *(getattr(log, name) for name in REVIEW_LOG_FIELDS))
        for log in session.scalars(
            select(ReviewLog)
            .where(ReviewLog.user_id == user.id)
            .order_by(ReviewLog.reviewed_at, ReviewLog.id)
        )
    ]
    decks = []
    for deck in session.scalars(select(Deck).where(Deck.owner_id == user.id).order_by(Deck.key)):
        concepts = session.scalars(
            select(Concept).where(Concept.deck_id == deck.id).order_by(Concept.map_order)
        ).all()
        keys = {c.id: c.key for c in concepts}
        decks.append(
            (
                *(getattr(deck, name) for name in DECK_FIELDS),
                [
                    (
                        c.key,
                        keys.get(c.parent_id),
                        *(getattr(c, name) for name in CONCEPT_FIELDS),
                        [card.kind for card in c.cards],
                    )
                    for c in concepts
                ],
            )
        )
    enrolments = sorted(
        (deck.key, deck.owner_id is None, enrolment.created_at)
        for enrolment, deck in session.execute(
            select(Enrolment, Deck)
            .join(Deck, Deck.id == Enrolment.deck_id)
            .where(Enrolment.user_id == user.id)
        )
    )
    return {
        "user": tuple(getattr(user, name) for name in USER_FIELDS[1:]),
        "settings": tuple(getattr(user.settings, name) for name in SETTINGS_FIELDS),
        "states": states,
        "logs": logs,
        "decks": decks,
        "enrolments": enrolments,
    }


def assert_utc_datetimes(values: Any) -> None:
    """Every datetime inside is aware and exactly UTC."""
    if isinstance(values, datetime):
        assert values.tzinfo is UTC, values
    elif isinstance(values, list | tuple):
        for value in values:
            assert_utc_datetimes(value)
    elif isinstance(values, dict):
        assert_utc_datetimes(list(values.values()))


def assert_same_history(before: dict[str, Any], after: dict[str, Any]) -> None:
    assert after["user"] == before["user"]
    assert after["settings"] == before["settings"]
    assert after["decks"] == before["decks"]
    assert after["enrolments"] == before["enrolments"]
    assert len(after["states"]) == len(before["states"])
    for old, new in zip(before["states"], after["states"], strict=True):
        for name, old_value, new_value in zip(("card", *CARD_STATE_FIELDS), old, new, strict=True):
            assert new_value == old_value, (name, old, new)
            assert type(new_value) is type(old_value), (name, old_value, new_value)
    assert len(after["logs"]) == len(before["logs"])
    for old, new in zip(before["logs"], after["logs"], strict=True):
        for name, old_value, new_value in zip(("card", *REVIEW_LOG_FIELDS), old, new, strict=True):
            assert new_value == old_value, (name, old, new)
            assert type(new_value) is type(old_value), (name, old_value, new_value)
    assert_utc_datetimes(after)


def delete_user(session: Session, username: str) -> None:
    with transaction(session):
        user_id = find_user(session, username).id
        session.execute(delete(User).where(User.id == user_id))  # cascades in the database
    session.expunge_all()
