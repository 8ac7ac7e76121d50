"""Fixtures of the backup tests: ada and her varied history, and a second, empty database."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from studyapp.scheduling.memory import Grade
from studyapp.storage.db import make_engine, make_session_factory, transaction
from studyapp.storage.models import Base, CardState, Deck, User
from tests.conftest import START
from tests.support.backup import (
    AWKWARD_DIFFICULTY,
    AWKWARD_STABILITY,
    PRIVATE_DECK,
    PRIVATE_DECK_V2,
    card_of,
    import_public,
    rate,
)


@pytest.fixture
def ada(session, make_user, enrol, import_text, clock) -> User:
    """ada, an administrator with her own settings, a private deck, both decks in her studies
    and a varied history."""
    import_public(session, clock.now())
    user = make_user(
        "ada",
        is_admin=True,
        desired_retention=0.87,
        new_cards_per_day=7,
        time_zone="Europe/Berlin",
        day_rollover_hour=3,
        learning_steps="2m 15m",
        relearning_steps="5m",
    )
    import_text(PRIVATE_DECK, owner_id=user.id)  # an upload: in her studies at once
    clock.advance(minutes=30)
    enrol(user, session.scalars(select(Deck.id).where(Deck.key == "algebra")).one())
    clock.set(START)
    groups = card_of(session, "algebra", "groups", "recall")
    subgroups = card_of(session, "algebra", "groups/subgroups", "recognise")
    yoneda = card_of(session, "notes", "lemmas/yoneda", "explain", user.id)
    proofs = card_of(session, "notes", "proofs", "recall", user.id)

    t = START
    rate(session, user, groups, Grade.GOOD, t, duration_ms=5000, request_id="r-1")
    rate(session, user, subgroups, Grade.AGAIN, t + timedelta(minutes=1))
    rate(session, user, yoneda, Grade.EASY, t + timedelta(minutes=2, microseconds=654321))
    rate(session, user, proofs, Grade.HARD, t + timedelta(minutes=3), duration_ms=0)
    rate(session, user, groups, Grade.GOOD, t + timedelta(minutes=15, microseconds=123456))
    rate(session, user, groups, Grade.AGAIN, t + timedelta(days=5), duration_ms=12000)
    rate(session, user, groups, Grade.GOOD, t + timedelta(days=5, minutes=5), request_id="r-2")
    # Yoneda leaves the deck (retired, history kept).
    clock.set(t + timedelta(days=5, minutes=10))
    import_text(PRIVATE_DECK_V2, owner_id=user.id)
    with transaction(session):
        session.execute(
            update(CardState.__table__)
            .where(CardState.card_id == subgroups, CardState.user_id == user.id)
            .values(stability_days=AWKWARD_STABILITY, difficulty=AWKWARD_DIFFICULTY, version=7)
        )
    # Someone else's history on the same cards must stay out of ada's document.
    bob = make_user("bob")
    rate(session, bob, groups, Grade.EASY, t + timedelta(hours=1), duration_ms=4242)
    clock.set(t + timedelta(days=6))
    return user


@pytest.fixture
def fresh_session(tmp_path) -> Iterator[Session]:
    """A second, empty database (a SQLite file), whatever the backend under test."""
    engine = make_engine(f"sqlite:///{tmp_path / 'fresh.sqlite3'}")
    Base.metadata.create_all(engine)
    with make_session_factory(engine)() as session:
        yield session
    engine.dispose()
