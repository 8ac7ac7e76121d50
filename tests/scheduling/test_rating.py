"""Applying a rating: once per request, only when due, exactly undoable, scoped to the user."""

from __future__ import annotations

import pytest
from fsrs import State
from sqlalchemy import func, select

from studyapp.scheduling.memory import Grade
from studyapp.scheduling.queue.daily import todays_queue
from studyapp.scheduling.queue.entries import QueueScope
from studyapp.scheduling.rating import (
    CardNotDue,
    CardNotFound,
    DeckNotStudied,
    NothingToUndo,
    RequestIdReused,
    find_card_state,
    rate_card,
    undo_last_rating,
)
from studyapp.scheduling.study_context import StudyContext
from studyapp.storage.models import Card, CardState, Concept, ReviewLog
from tests.support.factories import flat_deck_json


@pytest.fixture
def ada(make_user):
    return make_user("ada", new_cards_per_day=10)


@pytest.fixture
def context(ada, clock):
    def build() -> StudyContext:
        return StudyContext.for_user(ada.settings, clock.now(), enable_fuzzing=False)

    return build


@pytest.fixture
def card_ids(session, ada, import_text):
    import_text(flat_deck_json(3), studied_by=ada)
    rows = session.execute(
        select(Concept.key, Card.id).join(Card.concept).where(Card.kind == "recall")
    ).all()
    return [card_id for _key, card_id in sorted(rows)]


def log_count(session) -> int:
    return session.scalar(select(func.count()).select_from(ReviewLog))


def snapshot(state: CardState | None):
    if state is None:
        return None
    return (
        state.state,
        state.step,
        state.stability_days,
        state.difficulty,
        state.due,
        state.last_review,
        state.reps,
        state.lapses,
    )


def test_rating_a_new_card_creates_state_and_log(session, ada, context, card_ids, clock):
    result = rate_card(session, context(), card_id=card_ids[0], grade=Grade.GOOD, duration_ms=4200)
    state = find_card_state(session, ada.id, card_ids[0])
    assert state.state == State.Learning.value and state.reps == 1
    assert result.memory.due == clock.now() + (state.due - clock.now())
    log = session.scalars(select(ReviewLog)).one()
    assert (log.rating, log.duration_ms, log.before_state, log.after_state) == (
        3,
        4200,
        None,
        State.Learning.value,
    )
    assert log.reviewed_at == clock.now()


def test_same_request_id_is_applied_once(session, ada, context, card_ids):
    first = rate_card(session, context(), card_id=card_ids[0], grade=Grade.EASY, request_id="r-1")
    again = rate_card(session, context(), card_id=card_ids[0], grade=Grade.EASY, request_id="r-1")
    assert again.replayed and not first.replayed
    assert again.memory == first.memory
    assert log_count(session) == 1


def test_a_resubmitted_learning_card_rating_is_applied_once(session, ada, context, card_ids, clock):
    # Again leaves the card in learning, due again within minutes: the resubmission
    # finds it in the queue, and only the log's unique request_id stops a second rating.
    first = rate_card(session, context(), card_id=card_ids[0], grade=Grade.AGAIN, request_id="r")
    clock.advance(minutes=30)
    again = rate_card(session, context(), card_id=card_ids[0], grade=Grade.AGAIN, request_id="r")
    assert again.replayed and again.memory == first.memory
    assert log_count(session) == 1
    session.expire_all()
    assert find_card_state(session, ada.id, card_ids[0]).reps == 1


def test_a_request_id_used_for_another_card_is_refused(session, ada, context, card_ids):
    rate_card(session, context(), card_id=card_ids[0], grade=Grade.GOOD, request_id="r-2")
    for other in (card_ids[1], 10**9):  # in the queue; no card at all
        with pytest.raises(RequestIdReused, match="another card"):
            rate_card(session, context(), card_id=other, grade=Grade.GOOD, request_id="r-2")
    assert log_count(session) == 1


def test_card_not_in_queue_is_refused_and_nothing_changes(session, ada, context, card_ids):
    rate_card(session, context(), card_id=card_ids[0], grade=Grade.EASY)  # due in days
    before = snapshot(find_card_state(session, ada.id, card_ids[0]))
    with pytest.raises(CardNotDue, match="not due"):
        rate_card(session, context(), card_id=card_ids[0], grade=Grade.GOOD)
    session.expire_all()
    assert snapshot(find_card_state(session, ada.id, card_ids[0])) == before
    assert log_count(session) == 1


def test_another_users_private_card_is_not_found(session, make_user, context, import_text, clock):
    bob = make_user("bob")
    import_text(flat_deck_json(1, key="bobs"), owner_id=bob.id)
    bobs_card = session.scalars(select(Card.id)).first()
    with pytest.raises(CardNotFound):
        rate_card(session, context(), card_id=bobs_card, grade=Grade.GOOD)
    assert log_count(session) == 0


def test_a_card_of_a_deck_not_studied_is_refused_until_the_deck_is_added(
    session, make_user, enrol, import_text, clock
):
    cyd = make_user("cyd")
    deck = import_text(flat_deck_json(2, key="other"))
    card = session.scalars(select(Card.id).order_by(Card.id)).first()
    context = StudyContext.for_user(cyd.settings, clock.now(), enable_fuzzing=False)
    with pytest.raises(DeckNotStudied):
        rate_card(session, context, card_id=card, grade=Grade.GOOD)
    assert log_count(session) == 0
    enrol(cyd, deck)
    rate_card(session, context, card_id=card, grade=Grade.GOOD)
    assert log_count(session) == 1


def test_new_cards_beyond_the_daily_limit_are_refused(session, make_user, import_text, clock):
    cy = make_user("cyd", new_cards_per_day=1)
    import_text(flat_deck_json(3), studied_by=cy)
    context = StudyContext.for_user(cy.settings, clock.now(), enable_fuzzing=False)
    cards = session.scalars(select(Card.id).where(Card.kind == "recall").order_by(Card.id)).all()
    rate_card(session, context, card_id=cards[0], grade=Grade.EASY)
    with pytest.raises(CardNotDue):
        rate_card(session, context, card_id=cards[1], grade=Grade.EASY)


def test_undo_restores_the_exact_state_and_removes_the_log(session, ada, context, card_ids, clock):
    rate_card(session, context(), card_id=card_ids[0], grade=Grade.GOOD)
    clock.advance(minutes=10)
    before = snapshot(find_card_state(session, ada.id, card_ids[0]))
    rate_card(session, context(), card_id=card_ids[0], grade=Grade.AGAIN)
    undone = undo_last_rating(session, context())
    session.expire_all()
    assert undone.grade is Grade.AGAIN and undone.card_id == card_ids[0]
    assert snapshot(find_card_state(session, ada.id, card_ids[0])) == before
    assert log_count(session) == 1
    undo_last_rating(session, context())
    assert find_card_state(session, ada.id, card_ids[0]) is None
    assert log_count(session) == 0
    with pytest.raises(NothingToUndo):
        undo_last_rating(session, context())


def test_undo_of_a_lapse_restores_the_lapse_count(session, ada, context, card_ids, clock):
    rate_card(session, context(), card_id=card_ids[0], grade=Grade.EASY)
    clock.set(find_card_state(session, ada.id, card_ids[0]).due)
    before = snapshot(find_card_state(session, ada.id, card_ids[0]))
    rate_card(session, context(), card_id=card_ids[0], grade=Grade.AGAIN)
    assert find_card_state(session, ada.id, card_ids[0]).lapses == 1
    undo_last_rating(session, context())
    session.expire_all()
    assert snapshot(find_card_state(session, ada.id, card_ids[0])) == before


def test_undo_never_touches_another_users_ratings(
    session, make_user, enrol, context, card_ids, clock
):
    bob = make_user("bob")
    enrol(bob, session.get(Card, card_ids[0]).concept.deck_id)
    bob_context = StudyContext.for_user(bob.settings, clock.now(), enable_fuzzing=False)
    rate_card(session, bob_context, card_id=card_ids[0], grade=Grade.GOOD)
    with pytest.raises(NothingToUndo):
        undo_last_rating(session, context())
    assert log_count(session) == 1


def test_a_learning_card_not_yet_due_cannot_be_rated_while_other_cards_wait(
    session, ada, context, card_ids
):
    rate_card(session, context(), card_id=card_ids[0], grade=Grade.GOOD)  # due in 10 minutes
    with pytest.raises(CardNotDue):
        rate_card(session, context(), card_id=card_ids[0], grade=Grade.GOOD)
    assert log_count(session) == 1


def test_a_card_shown_early_in_a_finished_branch_can_be_rated_in_that_branch(
    session, ada, context, card_ids
):
    branch = QueueScope(subtree_root_id=session.get(Card, card_ids[0]).concept_id)
    rate_card(session, context(), card_id=card_ids[0], grade=Grade.GOOD, scope=branch)
    assert todays_queue(session, context(), branch).learning_ahead
    with pytest.raises(CardNotDue):  # the whole collection still has new cards first
        rate_card(session, context(), card_id=card_ids[0], grade=Grade.GOOD)
    rate_card(session, context(), card_id=card_ids[0], grade=Grade.GOOD, scope=branch)
    assert log_count(session) == 2
