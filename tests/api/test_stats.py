"""GET /api/v1/stats: the dashboard's figures as JSON."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from studyapp.storage.db import transaction
from tests.conftest import START
from tests.support.api import PREFIX, assert_error, assert_matches, expect, signed_in
from tests.support.factories import deck_json
from tests.support.query_counter import count_queries
from tests.support.review_history import add_log, add_state, cards_by_concept

KEYS = {
    "today",
    "streak_days",
    "heatmap",
    "true_retention",
    "forecast",
    "card_states",
    "mastery_levels",
    "stability_histogram",
    "retrievability_histogram",
    "hardest",
}


@pytest.fixture
def deck(import_text):
    return import_text(deck_json()).deck


def test_stats_need_a_token(client):
    assert_error(client.get(f"{PREFIX}/stats"), 401)


def test_stats_in_the_users_time_zone(client, session, make_user, deck):
    # Auckland, NZDT (UTC+13) in March; rollover 04:00. START = 03-02 22:00 NZDT, so
    # today is 03-02 (03-01 15:00 .. 03-02 15:00 UTC).
    ada = signed_in(client, make_user, "ada", time_zone="Pacific/Auckland")
    expect(ada.enrol(deck.id), 201)
    cards = cards_by_concept(session, deck.id)
    with transaction(session):
        user = ada.user
        add_log(
            session,
            user,
            cards["Groups"][0],
            START - timedelta(hours=2),
            rating=3,
            interval_days=30,
            duration_ms=2500,
        )  # today, mature pass
        add_log(
            session,
            user,
            cards["Groups"][1],
            START - timedelta(hours=18, minutes=30),
            rating=1,
            interval_days=4,
        )  # 03-01 14:30 UTC = 03-02 03:30 NZDT -> 03-01
        add_state(session, user, cards["Groups"][0], due=START + timedelta(hours=5))  # 03-03
        add_state(
            session, user, cards["Groups"][1], state=3, lapses=1, due=START - timedelta(minutes=5)
        )  # relearning, overdue -> today
    body = expect(ada.get("/stats"), 200).get_json()
    assert set(body) >= KEYS
    assert body["study_day"] == "2026-03-02"
    assert body["today"]["reviewed"] == 1
    assert body["today"]["time_spent_ms"] == 2500
    assert body["streak_days"] == 2
    assert body["heatmap"][-1] == {"date": "2026-03-02", "reviews": 1}
    assert body["heatmap"][-2] == {"date": "2026-03-01", "reviews": 1}
    assert len(body["heatmap"]) == 365
    today = body["true_retention"]["today"]
    assert today["mature"] == {"passed": 1, "failed": 0, "rate": 1.0}
    assert today["young"] == {"passed": 0, "failed": 0, "rate": None}
    week = body["true_retention"]["last_7_days"]
    assert week["all"] == {"passed": 1, "failed": 1, "rate": 0.5}
    assert week["young"] == {"passed": 0, "failed": 1, "rate": 0.0}
    # START + 5 h = 03-02 14:00 UTC = 03-03 03:00 NZDT: still study day 03-02.
    assert body["forecast"][0] == {"date": "2026-03-02", "due": 2}
    assert body["forecast"][1] == {"date": "2026-03-03", "due": 0}
    assert len(body["forecast"]) == 30
    assert body["card_states"] == {
        "new": 16,
        "learning": 0,
        "review": 1,
        "relearning": 1,
        "retired": 0,
    }
    assert body["mastery_levels"]["learning"] == 1  # Groups: a card in relearning
    assert body["mastery_levels"]["not_started"] == 5
    assert body["hardest"][0]["title"] == "Groups"
    assert body["hardest"][0]["lapses"] == 1
    assert body["hardest"][0]["map_path"].startswith(f"/decks/{deck.id}/map?focus=")
    assert date.fromisoformat(body["heatmap"][0]["date"]) == date(2025, 3, 3)


def test_stats_match_the_documented_schema(client, make_user, deck, session):
    ada = signed_in(client, make_user, "ada")
    expect(ada.enrol(deck.id), 201)
    ada.rate_next(3)
    document = expect(client.get(f"{PREFIX}/openapi.json"), 200).get_json()
    assert_matches(document, "Stats", expect(ada.get("/stats"), 200).get_json())
    assert_matches(document, "Stats", expect(ada.get(f"/stats?deck_id={deck.id}"), 200).get_json())


def test_deck_filter_and_errors(client, make_user, import_text, deck):
    ada = signed_in(client, make_user, "ada")
    bob = make_user("bob")
    private = import_text(deck_json(key="bobs"), owner_id=bob.id).deck
    expect(ada.enrol(deck.id), 201)
    ada.rate_next(3)
    body = expect(ada.get(f"/stats?deck_id={deck.id}"), 200).get_json()
    assert body["deck_id"] == deck.id
    assert body["today"]["reviewed"] == 1
    assert_error(ada.get(f"/stats?deck_id={private.id}"), 404, "not_found")
    assert_error(ada.get("/stats?deck_id=0"), 404, "not_found")
    assert_error(ada.get("/stats?deck_id=x"), 400, "invalid_parameter")


def test_another_users_reviews_never_count(client, make_user, deck):
    ada = signed_in(client, make_user, "ada")
    bob = signed_in(client, make_user, "bob")
    expect(ada.enrol(deck.id), 201)
    expect(bob.enrol(deck.id), 201)
    for _ in range(3):
        bob.rate_next(3)
    body = expect(ada.get("/stats"), 200).get_json()
    assert body["today"]["reviewed"] == 0
    assert body["card_states"]["new"] == 18
    assert sum(day["reviews"] for day in body["heatmap"]) == 0


def test_query_count_does_not_grow_with_the_history(app, client, session, make_user, deck):
    ada = signed_in(client, make_user, "ada")
    expect(ada.enrol(deck.id), 201)
    cards = [card for ids in cards_by_concept(session, deck.id).values() for card in ids]

    def add_history(days: int, states: list[int]) -> None:
        with transaction(session):
            for back in range(days):
                add_log(session, ada.user, cards[0], START - timedelta(days=back, hours=1))
            for card in states:
                add_state(session, ada.user, card, lapses=1)

    add_history(2, cards[:2])
    expect(ada.get("/stats"), 200)
    engine = app.extensions["studyapp.engine"]
    with count_queries(engine) as small:
        expect(ada.get("/stats"), 200)
    add_history(90, cards[2:12])
    with count_queries(engine) as large:
        expect(ada.get("/stats"), 200)
    assert large.count == small.count


def test_a_deck_removed_from_the_studies_leaves_the_collection_but_not_the_history(
    client, make_user, deck
):
    ada = signed_in(client, make_user, "ada")
    expect(ada.enrol(deck.id), 201)
    ada.rate_next(3)
    expect(ada.unenrol(deck.id), 204)
    body = expect(ada.get("/stats"), 200).get_json()
    assert body["today"]["reviewed"] == 1
    assert body["heatmap"][-1]["reviews"] == 1
    assert body["card_states"] == dict.fromkeys(body["card_states"], 0)
    assert body["mastery_by_deck"] == []
    assert body["forecast"][0]["due"] == 0
    one_deck = expect(ada.get(f"/stats?deck_id={deck.id}"), 200).get_json()
    assert one_deck["today"]["reviewed"] == 1
    assert one_deck["card_states"]["learning"] == 0

    expect(ada.enrol(deck.id), 201)
    body = expect(ada.get("/stats"), 200).get_json()
    assert body["card_states"]["learning"] == 1
    assert body["forecast"][0]["due"] == 1
