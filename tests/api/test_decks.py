"""Deck listing, uploading and trees through the API, and who may see what."""

from __future__ import annotations

import json

import pytest

from tests.support.api import assert_error, expect, iter_concepts, signed_in
from tests.support.factories import concept, deck_json, flat_deck_json
from tests.support.paths import PAGE_TEXT_DATA

PAGE_TEXT = PAGE_TEXT_DATA / "interest_rates.txt"
DECK_FIELDS = {"id", "key", "title", "description", "concept_count", "card_count", "is_public",
               "enrolled"}
CARD_FIELDS = {"id", "kind", "state", "stability", "difficulty", "due", "last_review",
               "retrievability", "reps", "lapses"}
MARKDOWN_DECK = """# Optics {#optics}

How light travels, bends and forms images.

## Refraction

Light changes direction when it crosses into a medium where it travels at another speed.

Snell's law relates the angles to the two refractive indices.

## Reflection

Light bounces off a surface at the angle it arrived.

The angle of incidence equals the angle of reflection.
"""


@pytest.fixture
def ada(client, make_user):
    return signed_in(client, make_user, "ada")


@pytest.fixture
def bob(client, make_user):
    return signed_in(client, make_user, "bob")


def deck_by_key(api, key: str) -> dict:
    return next(deck for deck in api.decks() if deck["key"] == key)


def test_the_list_shows_public_decks_and_only_the_users_own_private_ones(
    ada, bob, import_text
):
    import_text(deck_json(key="algebra", title="Algebra"))
    import_text(flat_deck_json(2, key="adas"), owner_id=ada.user.id)

    decks = ada.decks()
    assert [deck["key"] for deck in decks] == ["adas", "algebra"]
    algebra = decks[1]
    assert set(algebra) == DECK_FIELDS
    assert (algebra["title"], algebra["concept_count"], algebra["card_count"]) == (
        "Algebra", 6, 18
    )
    assert (algebra["is_public"], algebra["enrolled"]) == (True, False)
    assert (decks[0]["is_public"], decks[0]["enrolled"]) == (False, True)  # an upload is studied
    assert [deck["key"] for deck in bob.decks()] == ["algebra"]


def test_an_upload_creates_a_private_deck_of_the_uploader(ada, bob):
    response = expect(ada.upload(deck_json(key="algebra", title="Algebra"), "algebra.json"), 201)
    created = response.get_json()
    assert set(created) == DECK_FIELDS
    assert (created["key"], created["concept_count"], created["card_count"]) == ("algebra", 6, 18)
    assert (created["is_public"], created["enrolled"]) == (False, True)
    assert ada.next_card()["concept_key"] == "groups"  # the uploader studies it at once
    assert ada.decks() == [created]
    assert bob.decks() == []
    assert_error(bob.get(f"/decks/{created['id']}/tree"), 404, "not_found")


def test_two_users_may_upload_decks_with_the_same_key(ada, bob):
    first = expect(ada.upload(flat_deck_json(1, key="same")), 201).get_json()
    second = expect(bob.upload(flat_deck_json(2, key="same")), 201).get_json()
    assert first["id"] != second["id"]
    assert [deck["concept_count"] for deck in (*ada.decks(), *bob.decks())] == [1, 2]


def test_a_markdown_outline_is_read_by_its_file_name(ada):
    deck = expect(ada.upload(MARKDOWN_DECK, "optics.md"), 201).get_json()
    assert (deck["key"], deck["title"], deck["concept_count"]) == ("optics", "Optics", 2)
    titles = [node["title"] for node in iter_concepts(ada.tree(deck["id"])["concepts"])]
    assert titles == ["Refraction", "Reflection"]


def test_map_explorer_page_text_is_accepted(ada):
    deck = expect(ada.upload(PAGE_TEXT.read_bytes(), "interest_rates.txt"), 201).get_json()
    assert deck["concept_count"] > 1
    assert deck["card_count"] == 3 * deck["concept_count"]


def test_re_uploading_the_same_key_updates_the_deck_and_keeps_card_states(ada):
    deck = expect(ada.upload(deck_json(key="algebra")), 201).get_json()
    studied = ada.rate_next(3)
    before = ada.cards(deck["id"])[studied["card_id"]]
    assert before["state"] == "learning"

    changed = deck_json(
        key="algebra",
        title="Abstract Algebra",
        concepts=[concept("Groups", summary="Sets with one associative operation."),
                  concept("Modules")],
    )
    response = expect(ada.upload(changed), 200)
    updated = response.get_json()
    assert (updated["id"], updated["title"], updated["concept_count"]) == (
        deck["id"], "Abstract Algebra", 2
    )
    tree = ada.tree(deck["id"])
    assert [node["title"] for node in tree["concepts"]] == ["Groups", "Modules"]
    assert tree["concepts"][0]["summary"] == "Sets with one associative operation."
    assert ada.cards(deck["id"])[studied["card_id"]] == before
    assert [d["id"] for d in ada.decks()] == [deck["id"]]


def test_an_invalid_deck_is_refused_with_every_problem_located(ada):
    bad = json.dumps({"title": "Broken", "concepts": [
        {"title": "No summary"},
        {"title": "Fine", "summary": "ok", "children": [{"summary": "no title"}]},
    ]})
    error = assert_error(ada.upload(bad, "broken.json"), 422, "invalid_deck")
    assert len(error["problems"]) >= 2
    for problem in error["problems"]:
        assert set(problem) == {"location", "message"}
        assert problem["location"].startswith("broken.json")
    assert any("$.concepts[0]" in problem["location"] for problem in error["problems"])
    assert ada.decks() == []


def test_problems_in_a_markdown_outline_name_the_line(ada):
    error = assert_error(ada.upload("# Deck\n\n## Only a title\n", "deck.md"), 422, "invalid_deck")
    assert any("line" in problem["location"] for problem in error["problems"])


@pytest.mark.parametrize(
    ("content", "filename"),
    [(b"", "empty.json"), (b"\xff\xfe\x00bad", "binary.json"), (b"   \n", "blank.md")],
)
def test_files_that_are_not_decks_are_invalid(ada, content, filename):
    assert_error(ada.upload(content, filename), 422, "invalid_deck")


def test_an_upload_without_the_file_field_is_a_bad_request(ada):
    assert_error(ada.post("/decks", data={"other": "x"}), 400, "missing_file")
    assert_error(ada.post("/decks", json={"file": deck_json()}), 400, "missing_file")


def test_an_upload_larger_than_the_limit_is_refused(app, ada):
    error = assert_error(ada.upload(b"x" * (5 * 1024 * 1024 + 1), "huge.txt"), 422, "invalid_deck")
    assert "the limit is 5 MB" in error["problems"][0]["message"]
    # A body far over the limit is refused before it is read.
    limit = app.config["MAX_CONTENT_LENGTH"]
    error = assert_error(ada.upload(b"x" * (limit + 1), "huge.txt"), 413, "payload_too_large")
    assert "8 MB" in error["message"]
    assert ada.decks() == []


def test_the_tree_nests_concepts_with_this_users_new_cards(ada, import_text):
    deck_id = import_text(deck_json(key="algebra", title="Algebra")).deck.id
    tree = ada.tree(deck_id)
    assert tree["deck"] == deck_by_key(ada, "algebra")
    groups, rings = tree["concepts"]
    assert (groups["title"], [c["title"] for c in groups["children"]]) == (
        "Groups", ["Subgroups", "Cosets"]
    )
    assert [c["title"] for c in rings["children"]] == ["Ideals", "Fields"]
    assert set(groups) == {
        "id", "key", "title", "summary", "detail", "cards", "mastery", "children"
    }
    assert groups["summary"] == "Groups in one sentence."
    assert [card["kind"] for card in groups["cards"]] == ["recall", "recognise", "explain"]
    for card in groups["cards"]:
        assert set(card) == CARD_FIELDS
        assert card["state"] == "new"
        assert card["reps"] == card["lapses"] == 0
        assert {card[f] for f in ("stability", "difficulty", "due", "last_review",
                                  "retrievability")} == {None}


def test_the_tree_shows_the_state_after_a_review(ada, import_text, clock):
    deck_id = import_text(flat_deck_json(1), studied_by=ada.user).deck.id
    shown = ada.rate_next(3)
    card = ada.cards(deck_id)[shown["card_id"]]
    assert card["state"] == "learning" and card["reps"] == 1
    assert card["last_review"] == "2026-03-02T09:00:00Z"
    assert card["due"] == "2026-03-02T09:10:00Z"
    assert card["stability"] > 0 and 1 <= card["difficulty"] <= 10
    assert 0 < card["retrievability"] <= 1


def test_another_users_private_deck_and_unknown_decks_are_not_found(ada, bob, import_text):
    private_id = import_text(flat_deck_json(1, key="private"), owner_id=ada.user.id).deck.id
    expect(ada.get(f"/decks/{private_id}/tree"), 200)
    assert_error(bob.get(f"/decks/{private_id}/tree"), 404, "not_found")
    assert_error(bob.get(f"/decks/{private_id + 1000}/tree"), 404, "not_found")


def test_another_users_reviews_never_show_in_a_tree(ada, bob, import_text):
    deck_id = import_text(flat_deck_json(2), studied_by=bob.user).deck.id
    untouched = ada.cards(deck_id)
    shown = bob.rate_next(3)
    assert bob.cards(deck_id)[shown["card_id"]]["state"] == "learning"
    assert ada.cards(deck_id) == untouched


@pytest.mark.parametrize(
    "content",
    [
        deck_json(key="k" * 201),
        json.dumps({"title": "Nul", "concepts": [concept("A", summary="a\u0000b")]}),
    ],
    ids=["given-key", "nul-escape"],
)
def test_decks_the_database_cannot_store_are_invalid(ada, content):
    assert_error(ada.upload(content, "deck.json"), 422, "invalid_deck")


def test_a_key_derived_from_a_long_title_is_shortened_stably(ada):
    content = json.dumps({"title": "T" * 250, "concepts": [concept("A")]})
    first = ada.upload(content, "deck.json")
    assert first.status_code == 201
    assert len(first.get_json()["key"]) <= 200
    again = ada.upload(content, "deck.json")
    assert again.status_code == 200
    assert again.get_json()["id"] == first.get_json()["id"]


def test_adding_a_deck_to_ones_studies_is_idempotent_and_removing_keeps_history(
    ada, import_text
):
    deck_id = import_text(flat_deck_json(2)).deck.id
    assert deck_by_key(ada, "flat")["enrolled"] is False

    added = expect(ada.enrol(deck_id), 201)
    assert added.get_json() == {"deck_id": deck_id, "enrolled": True}
    assert expect(ada.enrol(deck_id), 200).get_json() == {"deck_id": deck_id, "enrolled": True}
    assert deck_by_key(ada, "flat")["enrolled"] is True
    shown = ada.rate_next(3)
    studied = ada.cards(deck_id)[shown["card_id"]]

    removed = expect(ada.unenrol(deck_id), 204)
    assert removed.get_data() == b""
    expect(ada.unenrol(deck_id), 204)  # removing again changes nothing
    assert deck_by_key(ada, "flat")["enrolled"] is False
    assert ada.next_card() is None
    assert ada.cards(deck_id)[shown["card_id"]] == studied  # the tree still shows the history

    expect(ada.enrol(deck_id), 201)
    assert ada.cards(deck_id)[shown["card_id"]] == studied
    assert ada.next_card()["card_id"] != shown["card_id"]  # c000 waits in learning


def test_enrolment_in_a_deck_one_may_not_see_is_not_found(ada, bob, import_text):
    private_id = import_text(flat_deck_json(1, key="private"), owner_id=ada.user.id).deck.id
    for deck_id in (private_id, private_id + 1000):
        assert_error(bob.enrol(deck_id), 404, "not_found")
        assert_error(bob.unenrol(deck_id), 404, "not_found")
    assert bob.next_card() is None
    assert deck_by_key(ada, "private")["enrolled"] is True


def test_the_list_can_be_searched_by_title(ada, import_text):
    import_text(deck_json(key="algebra", title="Linear Algebra"))
    import_text(deck_json(key="optics", title="Optics"))
    import_text(deck_json(key="mine", title="My algebra notes"), owner_id=ada.user.id)

    def keys(query: str) -> list[str]:
        body = expect(ada.get("/decks", query_string={"q": query}), 200).get_json()
        return [deck["key"] for deck in body["decks"]]

    assert keys("ALGEBRA") == ["algebra", "mine"]
    assert keys("  optics ") == ["optics"]
    assert keys("") == ["algebra", "mine", "optics"]
    assert keys("%") == [] and keys("_") == []  # LIKE wildcards are searched as text
    assert_error(ada.get("/decks", query_string={"q": "x" * 301}), 400, "invalid_parameter")
