"""Adding decks to one's studies and removing them: the queue follows, the history stays."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from studyapp.decks.catalogue import studied_decks, visible_decks
from studyapp.errors import NotFound
from studyapp.library.enrolment import (
    enrol,
    enrol_in_visible_decks,
    enrolled_deck_ids,
    is_enrolled,
    studies_any_deck,
    unenrol,
)
from studyapp.library.listing import library
from studyapp.library.publishing import NotOwner, set_public
from studyapp.map.mastery import MasteryLevel
from studyapp.scheduling.memory import Grade
from studyapp.scheduling.queue.daily import todays_queue
from studyapp.scheduling.rating import rate_card
from studyapp.scheduling.study_context import StudyContext
from studyapp.scheduling.today import today_counts
from studyapp.storage.db import make_session_factory, transaction
from studyapp.storage.models import Card, CardState, Concept, Enrolment, ReviewLog
from tests.support.factories import deck_json, flat_deck_json
from tests.support.query_counter import count_queries


def context_of(user, clock) -> StudyContext:
    return StudyContext.for_user(user.settings, clock.now(), enable_fuzzing=False)


def queued_decks(session, user, clock) -> set[int]:
    return {entry.deck_id for entry in todays_queue(session, context_of(user, clock))}


def test_a_new_user_studies_nothing_and_sees_every_public_deck(
    session, make_user, import_text, clock
):
    ada = make_user("ada")
    deck = import_text(deck_json()).deck
    assert not studies_any_deck(session, ada.id)
    assert studied_decks(session, ada.id) == []
    assert [summary.id for summary in visible_decks(session, ada.id)] == [deck.id]
    assert todays_queue(session, context_of(ada, clock)).is_done


def test_enrol_is_idempotent_and_the_caller_commits(session, make_user, import_text, clock):
    ada = make_user("ada")
    deck = import_text(deck_json()).deck
    assert enrol(session, ada.id, deck.id, clock.now()) is True
    assert enrol(session, ada.id, deck.id, clock.now()) is False
    session.rollback()  # nothing was committed inside
    assert not is_enrolled(session, ada.id, deck.id)
    with transaction(session):
        enrol(session, ada.id, deck.id, clock.now())
    assert is_enrolled(session, ada.id, deck.id)
    assert session.scalar(select(func.count()).select_from(Enrolment)) == 1
    assert session.scalars(select(Enrolment.created_at)).one() == clock.now()


def test_a_concurrent_twin_adding_the_same_deck_is_not_an_error(
    engine, session, make_user, import_text, clock
):
    ada = make_user("ada")
    deck = import_text(deck_json()).deck
    with make_session_factory(engine)() as other:
        with transaction(session):
            assert enrol(session, ada.id, deck.id, clock.now())
        with transaction(other):  # its own read said "not enrolled" a moment ago
            assert not enrol(other, ada.id, deck.id, clock.now())
    assert session.scalar(select(func.count()).select_from(Enrolment)) == 1


def test_decks_one_may_not_see_cannot_be_added_or_removed(session, make_user, import_text, clock):
    ada = make_user("ada")
    bob = make_user("bob")
    secret = import_text(deck_json(key="secret"), owner_id=bob.id).deck
    for deck_id in (secret.id, secret.id + 1000):
        with pytest.raises(NotFound):
            enrol(session, ada.id, deck_id, clock.now())
        with pytest.raises(NotFound):
            unenrol(session, ada.id, deck_id)
    assert enrolled_deck_ids(session, ada.id) == set()
    assert enrolled_deck_ids(session, bob.id) == {secret.id}  # his own upload


def test_the_queue_follows_enrolment_and_history_survives_removal(
    session, make_user, import_text, clock
):
    ada = make_user("ada", new_cards_per_day=50)
    algebra = import_text(deck_json()).deck
    optics = import_text(flat_deck_json(3, key="optics")).deck
    assert queued_decks(session, ada, clock) == set()

    with transaction(session):
        enrol(session, ada.id, algebra.id, clock.now())
    assert queued_decks(session, ada, clock) == {algebra.id}
    groups = session.scalar(
        select(Card.id).join(Card.concept).where(Concept.key == "groups", Card.kind == "recall")
    )
    rate_card(session, context_of(ada, clock), card_id=groups, grade=Grade.AGAIN)
    state = session.scalars(select(CardState)).one()
    kept = (state.state, state.step, state.stability_days, state.difficulty, state.due, state.reps)

    with transaction(session):
        enrol(session, ada.id, optics.id, clock.now())
        assert unenrol(session, ada.id, algebra.id) is True
        assert unenrol(session, ada.id, algebra.id) is False
    clock.advance(minutes=5)  # Groups would be due again
    queue = todays_queue(session, context_of(ada, clock))
    assert {entry.deck_id for entry in queue} == {optics.id}
    assert today_counts(session, context_of(ada, clock)).learning == 0
    assert session.scalar(select(func.count()).select_from(ReviewLog)) == 1

    with transaction(session):
        enrol(session, ada.id, algebra.id, clock.now())
    session.expire_all()
    state = session.scalars(select(CardState)).one()
    assert (
        state.state, state.step, state.stability_days, state.difficulty, state.due, state.reps
    ) == kept
    queue = todays_queue(session, context_of(ada, clock))
    assert queue.learning[0].card_id == groups
    assert {entry.deck_id for entry in queue} == {algebra.id, optics.id}


def test_a_deck_made_private_again_stops_counting_until_it_is_published(
    session, make_user, import_text, clock
):
    ada = make_user("ada")
    bob = make_user("bob")
    notes = import_text(flat_deck_json(2, key="notes"), owner_id=ada.id).deck
    with transaction(session):
        set_public(session, ada.id, notes.id, True)
    with pytest.raises(NotOwner):
        set_public(session, bob.id, notes.id, False)
    session.rollback()
    with transaction(session):
        enrol(session, bob.id, notes.id, clock.now())
    assert queued_decks(session, bob, clock) == {notes.id}

    with transaction(session):
        set_public(session, ada.id, notes.id, False)
    assert queued_decks(session, bob, clock) == set()
    assert not studies_any_deck(session, bob.id)
    assert is_enrolled(session, bob.id, notes.id)  # kept, not counted
    with pytest.raises(NotFound):
        set_public(session, bob.id, notes.id, True)

    with transaction(session):
        set_public(session, ada.id, notes.id, True)
    assert queued_decks(session, bob, clock) == {notes.id}


def test_enrolling_in_every_visible_deck(session, make_user, import_text, clock):
    ada = make_user("ada")
    bob = make_user("bob")
    public = import_text(deck_json()).deck
    own = import_text(flat_deck_json(1, key="own"), owner_id=ada.id).deck
    import_text(flat_deck_json(1, key="his"), owner_id=bob.id)
    with transaction(session):
        assert enrol_in_visible_decks(session, ada.id, clock.now()) == 1  # own was already
    assert enrolled_deck_ids(session, ada.id) == {public.id, own.id}


def test_the_library_counts_concepts_per_mastery_level_in_two_queries(
    engine, session, make_user, import_text, clock
):
    ada = make_user("ada", new_cards_per_day=50)
    algebra = import_text(deck_json(), studied_by=ada).deck
    import_text(flat_deck_json(4, key="optics"))
    context = context_of(ada, clock)
    cards = dict(
        session.execute(
            select(Concept.key, Card.id).join(Card.concept).where(Card.kind == "recall")
        ).all()
    )
    rate_card(session, context, card_id=cards["groups"], grade=Grade.EASY)  # review, days
    rate_card(session, context, card_id=cards["rings"], grade=Grade.AGAIN)  # learning
    with transaction(session):  # a concept whose every card is mature
        for card in session.scalars(
            select(Card).join(Card.concept).where(Concept.key == "rings/fields")
        ):
            session.add(
                CardState(
                    user_id=ada.id, card_id=card.id, state=2, stability_days=40.0,
                    difficulty=5.0, due=clock.now() + timedelta(days=30),
                    last_review=clock.now(), reps=3, lapses=0,
                )
            )
    with count_queries(engine) as log:
        decks = library(session, ada.id)
    assert log.count == 2
    by_title = {deck.summary.title: deck for deck in decks}
    levels = by_title["Algebra"].levels
    assert levels[MasteryLevel.FAMILIAR] == 1  # groups: one card reviewed, stable
    assert levels[MasteryLevel.LEARNING] == 1
    assert levels[MasteryLevel.MASTERED] == 1
    assert levels[MasteryLevel.NOT_STARTED] == 3
    assert by_title["Algebra"].started == 3
    assert by_title["Algebra"].summary.enrolled and by_title["Algebra"].summary.id == algebra.id
    assert by_title["Optics"].levels[MasteryLevel.NOT_STARTED] == 4
    assert by_title["Optics"].progress == [(MasteryLevel.NOT_STARTED, 4)]
    assert [deck.summary.title for deck in library(session, ada.id, search="ALG")] == ["Algebra"]
