"""The tree JSON's shortcuts never change what a learner sees.

``GET /api/v1/decks/{id}/tree`` copies the encoded JSON of branches the learner
has not started from a per-process cache (studyapp/api/untouched_branches.py),
reads card states by card id range without a join, and takes the deck's counts
from its outline. Each test here compares against the plain way or checks the
moment a shortcut could go stale.
"""

from __future__ import annotations

import random

import orjson
import pytest
from pydantic import TypeAdapter

from studyapp.api import serialize
from studyapp.api.schemas import DeckTree
from studyapp.api.untouched_branches import UntouchedBranches, untouched_branches
from studyapp.decks.catalogue import visible_decks
from studyapp.map.tree import deck_tree
from studyapp.scheduling.memory import SchedulerSettings
from studyapp.scheduling.study_day import study_day_for_date
from tests.conftest import START
from tests.support.api import expect, iter_concepts, signed_in
from tests.support.factories import concept, deck_json, flat_deck_json, tree
from tests.support.map_history import card_ids, concept_ids, remember

THREE_LEVELS = tree(
    [
        (f"Topic {t}", [(f"Part {t}.{p}", [(f"Point {t}.{p}.{q}", []) for q in range(3)])
                        for p in range(3)])
        for t in range(3)
    ]
)  # fmt: skip


@pytest.fixture
def ada(client, make_user):
    return signed_in(client, make_user, "ada")


def plain_tree(session, user_id: int, deck_id: int) -> list:
    """The concepts as the API would write them with no cache at all."""
    day = study_day_for_date(START.date(), "UTC", 4)
    roots = deck_tree(
        session,
        user_id,
        deck_id,
        now=START,
        scheduler_settings=SchedulerSettings(enable_fuzzing=False),
        due_before=day.ends_at,
    )
    encoded = orjson.dumps(
        [serialize.plain_concept(root) for root in roots], option=orjson.OPT_UTC_Z
    )
    return orjson.loads(encoded)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_tree_reads_the_same_as_without_the_branch_cache(ada, session, import_text, seed):
    deck_id = import_text(deck_json(concepts=THREE_LEVELS)).deck.id
    ids = concept_ids(session, deck_id)
    rng = random.Random(seed)
    for title in rng.sample(sorted(ids), k=rng.randint(1, 12)):
        remember(
            session,
            ada.user.id,
            ids[title],
            stability=rng.choice([0.5, 3, 10, 40]),
            days_ago=rng.choice([0.2, 2, 9]),
            kinds=tuple(rng.sample(["recall", "recognise", "explain"], k=rng.randint(1, 3))),
        )
    untouched_branches.clear()
    cold = ada.tree(deck_id)["concepts"]
    warm = ada.tree(deck_id)["concepts"]
    assert cold == warm == plain_tree(session, ada.user.id, deck_id)
    assert len(untouched_branches) > 0  # some branches were left untouched and kept


def test_a_first_review_in_an_untouched_branch_shows_at_once(
    client, ada, make_user, session, import_text
):
    deck_id = import_text(deck_json(), studied_by=ada.user).deck.id
    bob = signed_in(client, make_user, "bob")
    before = {c["title"]: c for c in iter_concepts(ada.tree(deck_id)["concepts"])}
    assert before["Fields"]["mastery"]["level"] == "not_started"
    fields = concept_ids(session, deck_id)["Fields"]
    fields_card = ada.rate_next(3, subtree=fields)["card_id"]  # Ada's first review of Fields

    after = {c["title"]: c for c in iter_concepts(ada.tree(deck_id)["concepts"])}
    assert after["Fields"]["mastery"]["level"] == "learning"
    assert {card["id"]: card["state"] for card in after["Fields"]["cards"]}[fields_card] == (
        "learning"
    )
    assert after["Rings"]["mastery"]["subtree"]["levels"]["learning"] == 1
    # Bob has still not started anything: his untouched branches are the shared ones.
    for concept_json in iter_concepts(bob.tree(deck_id)["concepts"]):
        assert concept_json["mastery"]["level"] == "not_started"


def test_a_new_version_of_the_deck_never_shows_an_older_versions_branch(ada, import_text):
    deck_id = import_text(deck_json()).deck.id
    assert "Fields" in {c["title"] for c in iter_concepts(ada.tree(deck_id)["concepts"])}
    changed = deck_json(
        concepts=[
            concept("Groups", [concept("Subgroups"), concept("Cosets")]),
            concept(
                "Rings", [concept("Ideals"), concept("Fields", summary="Rings with division.")]
            ),
        ]
    )
    import_text(changed)
    concepts = {c["title"]: c for c in iter_concepts(ada.tree(deck_id)["concepts"])}
    assert concepts["Fields"]["summary"] == "Rings with division."


def test_another_decks_cards_in_the_id_range_stay_out_of_the_tree(ada, session, import_text):
    """Re-importing deck A after deck B gives A card ids on both sides of B's: reading
    states by id range then also reads B's, which must not show up in A's tree."""
    deck_a = import_text(flat_deck_json(2, key="a")).deck.id
    deck_b = import_text(flat_deck_json(2, key="b")).deck.id
    a_grown = deck_json(key="a", title="A", concepts=[concept(f"C{i:03d}") for i in range(3)])
    import_text(a_grown)
    b_first = concept_ids(session, deck_b)["C000"]
    remember(session, ada.user.id, b_first, stability=30, days_ago=1)

    a_tree = ada.tree(deck_a)
    a_cards = {card["id"] for c in iter_concepts(a_tree["concepts"]) for card in c["cards"]}
    assert not a_cards & set(card_ids(session, b_first).values())
    assert all(c["mastery"]["level"] == "not_started" for c in iter_concepts(a_tree["concepts"]))
    b_levels = [c["mastery"]["level"] for c in ada.tree(deck_b)["concepts"]]
    assert b_levels == ["mastered", "not_started"]


def test_the_trees_counts_are_the_librarys_after_a_reimport_retires_concepts(
    ada, session, import_text
):
    deck_id = import_text(flat_deck_json(5)).deck.id
    import_text(flat_deck_json(3))  # C003 and C004 retire
    deck = ada.tree(deck_id)["deck"]
    (summary,) = visible_decks(session, ada.user.id)
    assert (deck["concept_count"], deck["card_count"]) == (3, 9)
    assert (summary.concept_count, summary.card_count) == (3, 9)


def test_the_cache_keeps_at_most_its_bytes_dropping_the_oldest_first():
    cache = UntouchedBranches(max_bytes=25)
    encoded = {key: b'{"id":%d,"pad":"xx"}' % key for key in range(4)}  # 20 bytes or so
    sizes = {key: len(value) for key, value in encoded.items()}
    assert all(10 < size <= 25 for size in sizes.values())
    first = cache.get(("v1", 0), lambda: encoded[0])
    assert orjson.loads(first) == {"id": 0, "pad": "xx"}
    assert cache.get(("v1", 0), lambda: pytest.fail("encoded twice")) is first
    cache.get(("v1", 1), lambda: encoded[1])  # two do not fit: the older one goes
    assert len(cache) == 1 and cache.size_bytes == sizes[1]
    assert cache.get(("v1", 0), lambda: b'{"id":0,"again":1}')  # encoded anew
    huge = cache.get(("v1", 9), lambda: b'"' + b"x" * 40 + b'"')  # served, not kept
    assert orjson.loads(huge) == "x" * 40
    assert cache.size_bytes <= 25 and ("v1", 9) not in cache._branches


@pytest.mark.parametrize("as_of", [None, "2026-04-15"])
def test_the_fast_encoders_bytes_are_what_the_deck_tree_model_writes(
    ada, session, import_text, as_of
):
    """The forest is written without a model per concept (studyapp/api/serialize.py);
    its bytes must be exactly what the documented DeckTree model writes."""
    deck_id = import_text(deck_json(concepts=THREE_LEVELS), studied_by=ada.user).deck.id
    ids = concept_ids(session, deck_id)
    remember(session, ada.user.id, ids["Topic 0"], stability=12.5, days_ago=3)
    remember(session, ada.user.id, ids["Part 1.1"], stability=0.4, days_ago=0.3, kinds=("recall",))
    ada.rate_next(3)  # a card in learning, with a fresh timestamp
    query = {"as_of": as_of} if as_of else {}
    for _ in range(2):  # cold, then from the per-process caches
        data = expect(ada.get(f"/decks/{deck_id}/tree", query_string=query), 200).get_data()
        tree = TypeAdapter(DeckTree).validate_json(data)
        assert tree.model_dump_json(by_alias=True).encode() == data
