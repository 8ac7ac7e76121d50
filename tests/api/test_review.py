"""Studying through the API: next card, ratings (idempotent, only when due), undo, counts."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from studyapp.storage.models import Card, Concept
from tests.support.api import assert_error, expect, review_log_count, signed_in
from tests.support.factories import deck_json, flat_deck_json

NEXT_CARD_FIELDS = {"card_id", "concept_key", "kind", "front", "back", "context", "queue",
                    "previews"}
REVIEW_FIELDS = {"card_id", "state", "stability", "difficulty", "due", "last_review"}


@pytest.fixture
def ada(client, make_user):
    return signed_in(client, make_user, "ada")


@pytest.fixture
def bob(client, make_user):
    return signed_in(client, make_user, "bob")


@pytest.fixture
def flat_deck(ada, import_text) -> int:
    """A public deck of three root concepts, C000 to C002, which ada studies."""
    return import_text(flat_deck_json(3), studied_by=ada.user).deck.id


def card_id_of(session, concept_key: str, kind: str = "recall") -> int:
    return session.scalar(
        select(Card.id).join(Card.concept).where(Concept.key == concept_key, Card.kind == kind)
    )


def parse_time(text: str) -> datetime:
    assert text.endswith(("Z", "+00:00")), text
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def test_the_next_card_is_the_first_new_card_with_faces_and_previews(ada, flat_deck, clock):
    card = ada.next_card()
    assert set(card) == NEXT_CARD_FIELDS
    assert (card["concept_key"], card["kind"], card["queue"]) == ("c000", "recall", "new")
    assert (card["front"], card["back"], card["context"]) == ("C000", "C000 in one sentence.", None)
    previews = card["previews"]
    assert sorted(previews) == ["1", "2", "3", "4"]
    assert (previews["1"]["interval"], previews["3"]["interval"]) == ("1m", "10m")
    assert parse_time(previews["3"]["due"]) == clock.now() + timedelta(minutes=10)
    assert previews["4"]["interval"].endswith("d")
    dues = [parse_time(previews[grade]["due"]) for grade in "1234"]
    assert dues == sorted(dues)


def test_the_context_is_the_parent_title(ada, import_text):
    deck_id = import_text(deck_json(), studied_by=ada.user).deck.id
    seen = []
    while (card := ada.next_card(deck_id=deck_id)) is not None and len(seen) < 3:
        seen.append((card["concept_key"], card["context"]))
        expect(ada.rate(card["card_id"], 4), 200)
    assert seen[:2] == [("groups", None), ("groups/subgroups", "Groups")]


def test_a_learning_card_comes_back_when_due(ada, flat_deck, clock, session):
    first = ada.rate_next(3)
    assert first["concept_key"] == "c000"
    after_good = ada.next_card()
    assert (after_good["concept_key"], after_good["queue"]) == ("c001", "new")

    clock.advance(minutes=10)
    again = ada.next_card()
    assert (again["card_id"], again["queue"]) == (first["card_id"], "learning")


def test_no_content_when_nothing_is_left_today(ada, import_text):
    import_text(flat_deck_json(1), studied_by=ada.user)
    ada.rate_next(4)  # into review for days; its sibling cards wait for another day
    response = ada.get("/review/next")
    assert response.status_code == 204
    assert response.get_data() == b""


def test_the_queue_can_be_narrowed_to_a_deck_or_a_subtree(ada, import_text, session):
    import_text(flat_deck_json(2, key="first"), studied_by=ada.user)
    algebra = import_text(deck_json(key="algebra"), studied_by=ada.user).deck.id
    assert ada.next_card()["concept_key"] == "c000"
    assert ada.next_card(deck_id=algebra)["concept_key"] == "groups"
    rings = session.scalar(select(Concept.id).where(Concept.key == "rings"))
    assert ada.next_card(subtree=rings)["concept_key"] == "rings"
    assert ada.next_card(deck_id=algebra, subtree=rings)["concept_key"] == "rings"


@pytest.mark.parametrize("params", [{"deck_id": "abc"}, {"subtree": "1.5"}, {"deck_id": "1e3"}])
def test_non_integer_scope_parameters_are_bad_requests(ada, flat_deck, params):
    error = assert_error(ada.get("/review/next", query_string=params), 400, "invalid_parameter")
    assert next(iter(params)) in error["message"]


def test_unknown_scopes_are_not_found(ada, flat_deck, import_text, session):
    other = import_text(deck_json(key="algebra")).deck.id
    root = session.scalar(select(Concept.id).where(Concept.key == "c000"))
    for params in ({"deck_id": flat_deck + 999}, {"subtree": root + 999}, {"deck_id": 0},
                   {"deck_id": -3}, {"deck_id": 10**30}, {"deck_id": other, "subtree": root}):
        assert_error(ada.get("/review/next", query_string=params), 404, "not_found")


def test_another_users_private_deck_cannot_be_studied(ada, bob, import_text, session):
    private = import_text(flat_deck_json(1, key="private"), owner_id=ada.user.id).deck.id
    concept_id = session.scalar(select(Concept.id).where(Concept.deck_id == private))
    card_id = card_id_of(session, "c000")
    assert ada.next_card(deck_id=private)["card_id"] == card_id

    assert bob.next_card() is None
    assert_error(bob.get("/review/next", query_string={"deck_id": private}), 404, "not_found")
    assert_error(bob.get("/review/next", query_string={"subtree": concept_id}), 404, "not_found")
    assert_error(bob.rate(card_id, 3), 404, "card_not_found")
    assert review_log_count(session) == 0


def test_a_deck_not_studied_gives_no_cards_until_it_is_added(ada, import_text, session):
    deck_id = import_text(flat_deck_json(2)).deck.id
    card_id = card_id_of(session, "c000")
    assert ada.next_card() is None
    assert ada.next_card(deck_id=deck_id) is None
    assert_error(ada.rate(card_id, 3), 409, "deck_not_studied")
    assert review_log_count(session) == 0

    expect(ada.enrol(deck_id), 201)
    assert ada.next_card()["card_id"] == card_id
    expect(ada.rate(card_id, 3), 200)
    expect(ada.unenrol(deck_id), 204)
    assert ada.next_card() is None
    assert review_log_count(session) == 1


def test_a_rating_returns_the_new_memory_state(ada, flat_deck, clock):
    card = ada.next_card()
    body = expect(ada.rate(card["card_id"], 3, duration_ms=4200), 200).get_json()
    assert set(body) == REVIEW_FIELDS
    assert (body["card_id"], body["state"]) == (card["card_id"], "learning")
    assert body["due"] == card["previews"]["3"]["due"]
    assert parse_time(body["last_review"]) == clock.now()
    assert body["stability"] > 0 and 1 <= body["difficulty"] <= 10


def test_a_repeated_request_id_is_applied_once(ada, flat_deck, session, clock):
    card = ada.next_card()
    first = expect(ada.rate(card["card_id"], 3, request_id="tap-1"), 200)
    clock.advance(minutes=11)  # the card is due again: a second rating would apply
    repeat = expect(ada.rate(card["card_id"], 3, request_id="tap-1"), 200)
    assert repeat.get_json() == first.get_json()
    assert review_log_count(session) == 1
    assert ada.cards(flat_deck)[card["card_id"]]["reps"] == 1


def test_a_request_id_used_for_another_card_is_refused(ada, flat_deck, session):
    first = ada.next_card()
    expect(ada.rate(first["card_id"], 3, request_id="tap-1"), 200)
    second = ada.next_card()
    response = ada.rate(second["card_id"], 3, request_id="tap-1")
    assert 400 <= response.status_code < 500
    assert_error(response, response.status_code)
    assert review_log_count(session) == 1


def test_a_card_that_is_not_due_is_refused_and_nothing_changes(ada, flat_deck, session):
    card = ada.next_card()
    expect(ada.rate(card["card_id"], 4), 200)  # due in days
    before = ada.cards(flat_deck)
    assert_error(ada.rate(card["card_id"], 3), 409, "card_not_due")
    assert ada.cards(flat_deck) == before
    assert review_log_count(session) == 1


def test_an_unknown_card_is_not_found(ada, flat_deck, session):
    for card_id in (999_999, 0, -1, 2**40):
        assert_error(ada.rate(card_id, 3), 404, "card_not_found")
    assert review_log_count(session) == 0


@pytest.mark.parametrize(
    ("fields", "named"),
    [
        ({"card_id": None}, "card_id"),
        ({"card_id": "1"}, "card_id"),
        ({"card_id": 1.0}, "card_id"),
        ({"rating": None}, "rating"),
        ({"rating": 0}, "rating"),
        ({"rating": 5}, "rating"),
        ({"rating": "3"}, "rating"),
        ({"rating": True}, "rating"),
        ({"rating": 3.0}, "rating"),
        ({"duration_ms": -1}, "duration_ms"),
        ({"duration_ms": "fast"}, "duration_ms"),
        ({"duration_ms": 2**40}, "duration_ms"),
        ({"request_id": 12}, "request_id"),
        ({"request_id": "x" * 65}, "request_id"),
        ({"request_id": ""}, "request_id"),
        ({"request_id": "a\x00b"}, "request_id"),
    ],
)
def test_invalid_review_fields_are_refused_by_name(ada, flat_deck, session, fields, named):
    card = ada.next_card()
    body = {"card_id": card["card_id"], "rating": 3, **fields}
    body = {key: value for key, value in body.items() if value is not None}
    error = assert_error(ada.post("/reviews", json=body), 422, "invalid_request")
    assert named in error["message"]
    assert review_log_count(session) == 0


def test_the_optional_fields_accept_their_limits(ada, flat_deck):
    card = ada.next_card()
    expect(ada.rate(card["card_id"], 1, duration_ms=0, request_id="r" * 64), 200)


@pytest.mark.parametrize("data", ["", "not json", "[1, 2]", '{"card_id": 1', "[" * 100_000])
def test_a_review_body_that_is_not_a_json_object_is_refused(ada, flat_deck, session, data):
    response = ada.post("/reviews", data=data, content_type="application/json")
    assert_error(response, 422 if data == "[1, 2]" else 400)
    assert review_log_count(session) == 0


def test_undo_restores_a_new_card_exactly(ada, flat_deck):
    before = ada.cards(flat_deck)
    card = ada.rate_next(2)
    body = expect(ada.post("/reviews/undo"), 200).get_json()
    assert body == {"card_id": card["card_id"], "rating": 2, "state": "new"}
    assert ada.cards(flat_deck) == before
    assert ada.next_card()["card_id"] == card["card_id"]


def test_undo_restores_a_learning_card_exactly(ada, flat_deck, clock):
    card = ada.rate_next(3)
    clock.advance(minutes=10)
    before = ada.cards(flat_deck)
    assert ada.rate_next(3)["card_id"] == card["card_id"]
    assert ada.cards(flat_deck) != before
    body = expect(ada.post("/reviews/undo"), 200).get_json()
    assert body == {"card_id": card["card_id"], "rating": 3, "state": "learning"}
    assert ada.cards(flat_deck) == before


def test_undo_with_nothing_to_undo_is_a_conflict(ada, flat_deck):
    assert_error(ada.post("/reviews/undo"), 409, "nothing_to_undo")
    ada.rate_next(3)
    expect(ada.post("/reviews/undo"), 200)
    assert_error(ada.post("/reviews/undo"), 409, "nothing_to_undo")


def test_undo_takes_back_only_the_users_own_rating(ada, bob, flat_deck):
    ada.rate_next(3)
    assert_error(bob.post("/reviews/undo"), 409, "nothing_to_undo")
    assert ada.cards(flat_deck) != bob.cards(flat_deck)


def test_todays_counts_follow_the_ratings(client, make_user, import_text, clock):
    ada = signed_in(client, make_user, "ada", new_cards_per_day=2)
    deck_id = import_text(flat_deck_json(3)).deck.id
    assert expect(ada.get("/stats/today"), 200).get_json()["new"] == 0  # studies nothing yet
    expect(ada.enrol(deck_id), 201)
    stats = expect(ada.get("/stats/today"), 200).get_json()
    assert stats == {"reviewed": 0, "due": 0, "new": 2, "learning": 0}
    ada.rate_next(3)
    assert ada.get("/stats/today").get_json() == {
        "reviewed": 1, "due": 0, "new": 1, "learning": 1
    }
    ada.rate_next(4)
    assert ada.get("/stats/today").get_json() == {
        "reviewed": 2, "due": 0, "new": 0, "learning": 1
    }
