"""GET /api/v1/decks/{id}/tree: every concept's mastery, today or as of a later date."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fsrs import State

from studyapp.map.mastery import MASTERY_LEVELS
from studyapp.map.tree import deck_tree
from studyapp.scheduling.memory import SchedulerSettings
from studyapp.scheduling.study_day import study_day_for_date
from tests.conftest import START
from tests.support.api import assert_error, assert_matches, expect, iter_concepts, signed_in
from tests.support.factories import deck_json, flat_deck_json
from tests.support.map_history import concept_ids, remember

LEVEL_NAMES = [level.value for level in MASTERY_LEVELS]


@pytest.fixture
def ada(client, make_user):
    return signed_in(client, make_user, "ada")


@pytest.fixture
def algebra(session, import_text, ada):
    """Groups mastered, Subgroups mastered but overdue (fading), Cosets learning, Rings
    familiar (one card), Ideals proficient, Fields not started."""
    deck_id = import_text(deck_json()).deck.id
    ids = concept_ids(session, deck_id)
    user_id = ada.user.id
    remember(session, user_id, ids["Groups"], stability=30, days_ago=5)
    remember(session, user_id, ids["Subgroups"], stability=25, days_ago=40)
    remember(session, user_id, ids["Cosets"], stability=0.3, days_ago=0.01, state=State.Learning)
    remember(session, user_id, ids["Rings"], stability=3, days_ago=1, kinds=("recall",))
    remember(session, user_id, ids["Ideals"], stability=10, days_ago=2)
    return deck_id


def by_title(tree: dict) -> dict[str, dict]:
    return {concept["title"]: concept for concept in iter_concepts(tree["concepts"])}


def test_every_concept_has_its_mastery_and_its_subtrees(ada, algebra, session):
    tree = ada.tree(algebra)
    assert tree["as_of"] == "2026-03-02"
    concepts = by_title(tree)
    levels = {title: concept["mastery"]["level"] for title, concept in concepts.items()}
    assert levels == {
        "Groups": "mastered",
        "Subgroups": "mastered",
        "Cosets": "learning",
        "Rings": "familiar",
        "Ideals": "proficient",
        "Fields": "not_started",
    }
    # The same numbers as deck_tree computes (docs/mastery.md).
    settings = SchedulerSettings(enable_fuzzing=False)
    day = study_day_for_date(START.date(), "UTC", 4)
    nodes = {
        node.title: node
        for root in deck_tree(
            session, ada.user.id, algebra, now=START, scheduler_settings=settings,
            due_before=day.ends_at,
        )
        for node in (root, *root.children)
    }
    for title, concept in concepts.items():
        mastery, node = concept["mastery"], nodes[title]
        assert set(mastery) == {"level", "retrievability", "fading", "due_cards", "subtree"}
        assert mastery["retrievability"] == pytest.approx(node.mastery.retrievability)
        assert mastery["fading"] is node.mastery.fading
        assert mastery["due_cards"] == node.mastery.due_cards
        assert set(mastery["subtree"]["levels"]) == set(LEVEL_NAMES)  # all five, always
        assert mastery["subtree"]["levels"] == {
            level.value: node.subtree.levels[level] for level in MASTERY_LEVELS
        }
        assert mastery["subtree"]["mean_retrievability"] == pytest.approx(
            node.subtree.mean_retrievability
        )
    groups = concepts["Groups"]["mastery"]
    assert groups["subtree"]["levels"] == {
        "not_started": 0, "learning": 1, "familiar": 0, "proficient": 0, "mastered": 2
    }
    fields = concepts["Fields"]["mastery"]
    assert fields == {
        "level": "not_started",
        "retrievability": None,
        "fading": False,
        "due_cards": 0,
        "subtree": {
            "levels": {"not_started": 1, "learning": 0, "familiar": 0, "proficient": 0,
                       "mastered": 0},
            "mean_retrievability": None,
        },
    }
    assert concepts["Subgroups"]["mastery"]["fading"] is True
    assert concepts["Subgroups"]["mastery"]["due_cards"] == 3
    assert concepts["Cosets"]["mastery"]["due_cards"] == 3


def test_as_of_a_later_date_recall_falls_and_more_is_due(ada, algebra):
    today = by_title(ada.tree(algebra))
    response = expect(ada.get(f"/decks/{algebra}/tree", query_string={"as_of": "2026-04-20"}), 200)
    later_tree = response.get_json()
    assert later_tree["as_of"] == "2026-04-20"
    later = by_title(later_tree)
    for title in ("Groups", "Ideals", "Subgroups"):
        assert later[title]["mastery"]["retrievability"] < today[title]["mastery"]["retrievability"]
        assert later[title]["mastery"]["level"] == today[title]["mastery"]["level"]
    assert today["Ideals"]["mastery"]["fading"] is False
    assert later["Ideals"]["mastery"]["fading"] is True
    assert (today["Ideals"]["mastery"]["due_cards"], later["Ideals"]["mastery"]["due_cards"]) == (
        0, 3
    )
    # Card states are the same cards; only their recall chance is taken on the later day.
    assert later["Ideals"]["cards"][0]["due"] == today["Ideals"]["cards"][0]["due"]
    assert (
        later["Ideals"]["cards"][0]["retrievability"]
        < today["Ideals"]["cards"][0]["retrievability"]
    )
    # as_of today is the same as no as_of.
    assert ada.get(f"/decks/{algebra}/tree?as_of=2026-03-02").get_json() == ada.tree(algebra)


def test_a_card_due_later_today_counts_as_due_today(ada, session, import_text):
    deck_id = import_text(flat_deck_json(1)).deck.id
    concept_id = concept_ids(session, deck_id)["C000"]
    # Reviewed 4 days ago with a stability of 4 days and 6 hours: due at 15:00 today.
    remember(session, ada.user.id, concept_id, stability=4.25, days_ago=4)
    (concept,) = ada.tree(deck_id)["concepts"]
    assert concept["cards"][0]["due"] == "2026-03-02T15:00:00Z"
    assert concept["mastery"]["due_cards"] == 3


@pytest.mark.parametrize(
    ("as_of", "status", "code", "words"),
    [
        ("2026-03-01", 422, "date_in_past", "is in the past"),
        ("1999-12-31", 422, "date_in_past", "earlier memory states are not kept"),
        ("2040-01-01", 422, "date_out_of_range", "too far ahead"),
        ("2026-13-01", 400, "invalid_parameter", "not a date on the calendar"),
        ("tomorrow", 400, "invalid_parameter", "YYYY-MM-DD"),
        ("2026-3-5", 400, "invalid_parameter", "YYYY-MM-DD"),
    ],
)
def test_dates_in_the_past_and_malformed_dates_are_refused(
    ada, algebra, as_of, status, code, words
):
    error = assert_error(
        ada.get(f"/decks/{algebra}/tree", query_string={"as_of": as_of}), status, code
    )
    assert words in error["message"]


def test_as_of_follows_the_learners_time_zone(client, make_user, import_text, clock):
    # 16:00 UTC on 2 March is 05:00 on 3 March in Auckland, past the 4 a.m. rollover.
    clock.set(START.replace(hour=16))
    kiri = signed_in(client, make_user, "kiri", time_zone="Pacific/Auckland")
    deck_id = import_text(flat_deck_json(1)).deck.id
    assert kiri.tree(deck_id)["as_of"] == "2026-03-03"
    assert_error(kiri.get(f"/decks/{deck_id}/tree?as_of=2026-03-02"), 422, "date_in_past")


def test_another_users_memory_is_not_in_my_mastery(client, make_user, ada, algebra):
    bob = signed_in(client, make_user, "bob")
    for concept in iter_concepts(bob.tree(algebra)["concepts"]):
        assert concept["mastery"]["level"] == "not_started"
        assert concept["mastery"]["retrievability"] is None


def test_the_answers_match_the_documented_schema(client, ada, algebra):
    document = expect(client.get("/api/v1/openapi.json"), 200).get_json()
    assert_matches(document, "DeckTree", ada.tree(algebra))
    later = ada.get(f"/decks/{algebra}/tree?as_of=2026-06-01").get_json()
    assert_matches(document, "DeckTree", later)
    assert_matches(document, "Error", ada.get(f"/decks/{algebra}/tree?as_of=2026-01-01").get_json())
    operation = document["paths"]["/decks/{deck_id}/tree"]["get"]
    as_of = next(p for p in operation["parameters"] if p["name"] == "as_of")
    assert as_of["in"] == "query" and as_of["schema"] == {"type": "string", "format": "date"}
    assert {"200", "400", "404", "422"} <= set(operation["responses"])
    mastery = document["components"]["schemas"]["Mastery"]
    assert sorted(mastery["properties"]["level"]["enum"]) == sorted(LEVEL_NAMES)
    levels = mastery["properties"]["subtree"]["properties"]["levels"]
    assert set(levels["properties"]) == set(levels["required"]) == set(LEVEL_NAMES)


def test_later_dates_keep_stability_based_levels(ada, session, import_text):
    deck_id = import_text(flat_deck_json(1)).deck.id
    concept_id = concept_ids(session, deck_id)["C000"]
    remember(session, ada.user.id, concept_id, stability=21, days_ago=0)
    far = (START + timedelta(days=3650)).date().isoformat()
    (concept,) = ada.get(f"/decks/{deck_id}/tree?as_of={far}").get_json()["concepts"]
    assert concept["mastery"]["level"] == "mastered"
    assert concept["mastery"]["fading"] is True
    assert concept["mastery"]["retrievability"] < 0.5
