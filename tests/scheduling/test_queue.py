"""The day's queue: order, limits, sibling burying, learn-ahead and the day boundary."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fsrs import State
from sqlalchemy import select

from studyapp.scheduling.memory import Grade
from studyapp.scheduling.queue.daily import todays_queue
from studyapp.scheduling.queue.entries import LEARN_AHEAD, QueueKind, QueueScope
from studyapp.scheduling.rating import rate_card
from studyapp.scheduling.study_context import StudyContext
from studyapp.storage.models import Card, CardState, Concept
from tests.support.factories import deck_json, flat_deck_json


@pytest.fixture
def study(session, clock):
    """``study(user)`` -> the user's StudyContext at the clock's current time."""

    def context(user) -> StudyContext:
        session.refresh(user.settings)
        return StudyContext.for_user(user.settings, clock.now(), enable_fuzzing=False)

    return context


def cards_by_concept_key(session) -> dict[tuple[str, str], int]:
    rows = session.execute(select(Concept.key, Card.kind, Card.id).join(Card.concept)).all()
    return {(key, kind): card_id for key, kind, card_id in rows}


def put_state(session, user, card_id, *, state=State.Review, stability=10.0, due, last_review):
    session.add(
        CardState(
            user_id=user.id,
            card_id=card_id,
            state=state.value,
            step=None if state == State.Review else 0,
            stability_days=stability,
            difficulty=5.0,
            due=due,
            last_review=last_review,
            reps=1,
            lapses=0,
        )
    )
    session.commit()


def test_new_cards_come_in_map_order_one_per_concept_up_to_the_limit(
    session, import_text, make_user, study
):
    ada = make_user(new_cards_per_day=4)
    import_text(deck_json(), studied_by=ada)
    queue = todays_queue(session, study(ada))
    keys = cards_by_concept_key(session)
    expected = [
        keys[(k, "recall")] for k in ["groups", "groups/subgroups", "groups/cosets", "rings"]
    ]
    assert [entry.card_id for entry in queue] == expected
    assert all(entry.kind is QueueKind.NEW for entry in queue)


def test_learning_then_lowest_retrievability_reviews_then_new(
    session, import_text, make_user, study, clock
):
    ada = make_user(new_cards_per_day=1)
    import_text(deck_json(), studied_by=ada)
    keys = cards_by_concept_key(session)
    now = clock.now()
    # Two review cards due today: the one reviewed longer ago (relative to
    # its stability) is the more likely to be forgotten and comes first.
    put_state(
        session,
        ada,
        keys[("rings", "recall")],
        stability=30.0,
        due=now - timedelta(hours=1),
        last_review=now - timedelta(days=30),
    )
    put_state(
        session,
        ada,
        keys[("rings/ideals", "recall")],
        stability=5.0,
        due=now - timedelta(hours=2),
        last_review=now - timedelta(days=20),
    )
    put_state(
        session,
        ada,
        keys[("rings/fields", "recall")],
        state=State.Learning,
        stability=1.0,
        due=now - timedelta(minutes=1),
        last_review=now - timedelta(minutes=11),
    )
    queue = todays_queue(session, study(ada))
    assert [(e.kind, e.card_id) for e in queue] == [
        (QueueKind.LEARNING, keys[("rings/fields", "recall")]),
        (QueueKind.REVIEW, keys[("rings/ideals", "recall")]),
        (QueueKind.REVIEW, keys[("rings", "recall")]),
        (QueueKind.NEW, keys[("groups", "recall")]),
    ]
    assert queue.review[0].retrievability < queue.review[1].retrievability


def test_daily_limits_count_what_was_already_done_today(session, import_text, make_user, study):
    ada = make_user(new_cards_per_day=3)
    import_text(flat_deck_json(10), studied_by=ada)
    first = todays_queue(session, study(ada))
    assert len(first.new) == 3
    rate_card(session, study(ada), card_id=first.new[0].card_id, grade=Grade.EASY)
    assert len(todays_queue(session, study(ada)).new) == 2


def test_review_limit_caps_due_reviews(session, import_text, make_user, study, clock):
    ada = make_user(max_reviews_per_day=2, new_cards_per_day=0)
    import_text(flat_deck_json(5), studied_by=ada)
    now = clock.now()
    for key in ["c000", "c001", "c002", "c003"]:
        put_state(
            session,
            ada,
            cards_by_concept_key(session)[(key, "recall")],
            due=now,
            last_review=now - timedelta(days=10),
        )
    assert len(todays_queue(session, study(ada)).review) == 2


def test_siblings_are_buried_for_the_rest_of_the_day(session, import_text, make_user, study, clock):
    ada = make_user(new_cards_per_day=10)
    import_text(flat_deck_json(2), studied_by=ada)
    keys = cards_by_concept_key(session)
    rate_card(session, study(ada), card_id=keys[("c000", "recall")], grade=Grade.EASY)
    today = [e.card_id for e in todays_queue(session, study(ada))]
    assert today == [keys[("c001", "recall")]]
    clock.advance(days=1)
    tomorrow = [e.card_id for e in todays_queue(session, study(ada))]
    assert keys[("c000", "recognise")] in tomorrow


def test_learning_card_comes_back_after_its_step(session, import_text, make_user, study, clock):
    ada = make_user(new_cards_per_day=1)
    import_text(flat_deck_json(1), studied_by=ada)
    card_id = cards_by_concept_key(session)[("c000", "recall")]
    rate_card(session, study(ada), card_id=card_id, grade=Grade.GOOD)  # -> 10 minute step
    queue = todays_queue(session, study(ada))
    assert queue.learning_ahead and [e.card_id for e in queue] == [card_id]
    clock.advance(minutes=10)
    queue = todays_queue(session, study(ada))
    assert not queue.learning_ahead and [e.card_id for e in queue.learning] == [card_id]


def test_learn_ahead_stops_at_twenty_minutes(session, import_text, make_user, study):
    ada = make_user(new_cards_per_day=1, learning_steps="30m")
    import_text(flat_deck_json(1), studied_by=ada)
    card_id = cards_by_concept_key(session)[("c000", "recall")]
    rate_card(session, study(ada), card_id=card_id, grade=Grade.AGAIN)  # -> 30 minutes
    queue = todays_queue(session, study(ada))
    assert queue.is_done and queue.learning_later_today == 1
    assert timedelta(minutes=20) == LEARN_AHEAD


def test_learn_ahead_waits_while_other_cards_are_due(session, import_text, make_user, study):
    ada = make_user(new_cards_per_day=2)
    import_text(flat_deck_json(2), studied_by=ada)
    keys = cards_by_concept_key(session)
    rate_card(session, study(ada), card_id=keys[("c000", "recall")], grade=Grade.GOOD)
    queue = todays_queue(session, study(ada))
    assert [e.card_id for e in queue] == [keys[("c001", "recall")]]
    assert queue.learning_later_today == 1


@pytest.mark.parametrize(
    ("time_zone", "due_hour_on_5th_utc", "due_today"),
    [
        # It is 13:00 UTC on 4 March; the rollover hour is 4 a.m. local.
        ("UTC", 10, False),  # today ends at 04:00 UTC on the 5th
        ("UTC", 1, True),
        ("America/Los_Angeles", 10, True),  # today ends at 04:00 PST = 12:00 UTC on the 5th
        ("Pacific/Auckland", 1, False),  # 02:00 NZDT on the 5th: today ended 15:00 UTC on the 4th
        ("Asia/Kolkata", 1, False),  # today ends at 04:00 IST = 22:30 UTC on the 4th
    ],
)
def test_the_day_boundary_follows_the_users_time_zone(
    session, import_text, make_user, study, clock, time_zone, due_hour_on_5th_utc, due_today
):
    ada = make_user(time_zone=time_zone, day_rollover_hour=4, new_cards_per_day=0)
    import_text(flat_deck_json(1), studied_by=ada)
    clock.set(datetime(2026, 3, 4, 13, 0, tzinfo=UTC))
    put_state(
        session,
        ada,
        cards_by_concept_key(session)[("c000", "recall")],
        due=datetime(2026, 3, 5, due_hour_on_5th_utc, 0, tzinfo=UTC),
        last_review=datetime(2026, 2, 20, 10, 0, tzinfo=UTC),
    )
    assert bool(todays_queue(session, study(ada)).review) is due_today


def test_scope_restricts_to_a_deck_or_a_subtree(session, import_text, make_user, study):
    ada = make_user(new_cards_per_day=50)
    algebra = import_text(deck_json(), studied_by=ada)
    other = import_text(flat_deck_json(3, key="other"), studied_by=ada)
    rings = session.scalars(select(Concept).where(Concept.key == "rings")).one()
    subtree = todays_queue(session, study(ada), QueueScope(subtree_root_id=rings.id))
    assert {e.concept_id for e in subtree} == {
        c.id for c in session.scalars(select(Concept).where(Concept.key.like("rings%")))
    }
    only_other = todays_queue(session, study(ada), QueueScope(deck_id=other.deck.id))
    assert {e.deck_id for e in only_other} == {other.deck.id}
    everything = todays_queue(session, study(ada))
    assert {e.deck_id for e in everything} == {algebra.deck.id, other.deck.id}


def test_retired_concepts_and_other_users_private_decks_are_not_studied(
    session, import_text, make_user, study
):
    ada = make_user("ada", new_cards_per_day=50)
    bob = make_user("bob", new_cards_per_day=50)
    import_text(flat_deck_json(2, key="private"), owner_id=ada.id)
    import_text(flat_deck_json(2, key="shared"), studied_by=[ada, bob])
    import_text(flat_deck_json(1, key="shared"))  # retires c001
    bob_decks = {e.deck_id for e in todays_queue(session, study(bob))}
    ada_concepts = {e.concept_id for e in todays_queue(session, study(ada))}
    retired = session.scalars(select(Concept.id).where(Concept.retired_at.is_not(None))).one()
    assert len(bob_decks) == 1
    assert retired not in ada_concepts and len(ada_concepts) == 3


def test_tomorrow_brings_the_cards_fsrs_scheduled_for_tomorrow(
    session, import_text, make_user, study, clock
):
    ada = make_user(new_cards_per_day=1)
    import_text(flat_deck_json(1), studied_by=ada)
    card_id = cards_by_concept_key(session)[("c000", "recall")]
    rate_card(session, study(ada), card_id=card_id, grade=Grade.GOOD)
    clock.advance(minutes=10)
    rate_card(session, study(ada), card_id=card_id, grade=Grade.GOOD)  # graduates to review
    state = session.scalars(select(CardState).where(CardState.card_id == card_id)).one()
    assert state.state == State.Review.value
    assert (state.due - clock.now()).days >= 1
    assert todays_queue(session, study(ada)).is_done
    clock.set(state.due)
    assert [e.card_id for e in todays_queue(session, study(ada)).review] == [card_id]
