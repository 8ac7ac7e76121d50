"""The per-process outline cache: fewer queries, and never a stale tree."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from studyapp.decks.formats.reading import read_deck_bytes
from studyapp.decks.importing.importer import import_deck
from studyapp.decks.outline import OutlineCache, outline_cache, read_outline
from studyapp.map.tree import deck_tree
from studyapp.scheduling.memory import SchedulerSettings
from studyapp.storage.db import transaction
from studyapp.storage.models import Deck
from tests.support.factories import concept, deck_json, flat_deck_json
from tests.support.query_counter import count_queries


def titles(session, user_id: int, deck_id: int, clock) -> list[str]:
    roots = deck_tree(
        session, user_id, deck_id, now=clock.now(), scheduler_settings=SchedulerSettings()
    )
    found: list[str] = []
    stack = list(reversed(roots))
    while stack:
        node = stack.pop()
        found.append(node.title)
        stack.extend(reversed(node.children))
    return found


def test_a_second_tree_of_the_same_version_skips_the_outline_queries(
    session, engine, make_user, import_text, clock
):
    user = make_user()
    deck_id = import_text(flat_deck_json(30)).deck.id
    outline_cache.clear()
    with count_queries(engine) as first:
        titles(session, user.id, deck_id, clock)
    with count_queries(engine) as second:
        assert len(titles(session, user.id, deck_id, clock)) == 30
    assert second.count == first.count - 2
    assert second.count == 2  # the deck (visibility and version), the learner's card states


def test_a_reimport_at_the_same_instant_shows_the_new_version(
    session, make_user, import_text, clock
):
    """The frozen clock gives both imports one updated_at: the version token still differs."""
    user = make_user()
    deck_id = import_text(deck_json()).deck.id
    before = titles(session, user.id, deck_id, clock)
    import_text(deck_json(concepts=[concept("Groups"), concept("Modules")]))
    after = titles(session, user.id, deck_id, clock)
    assert "Rings" in before and "Modules" not in before
    assert after == ["Groups", "Modules"]


def test_a_rolled_back_import_leaves_no_outline_behind(session, make_user, import_text, clock):
    user = make_user()
    deck_id = import_text(deck_json()).deck.id
    draft = read_deck_bytes(deck_json(concepts=[concept("Lattices")]).encode(), "deck.json")
    with pytest.raises(RuntimeError), transaction(session):
        import_deck(session, draft, owner_id=None, now=clock.now())
        assert titles(session, user.id, deck_id, clock) == ["Lattices"]  # cached, uncommitted
        raise RuntimeError("the request failed after the import")
    assert "Lattices" not in titles(session, user.id, deck_id, clock)
    assert "Rings" in titles(session, user.id, deck_id, clock)


def test_the_cache_holds_a_bounded_number_of_concepts(session, import_text):
    decks = [import_text(flat_deck_json(10, key=f"d{i}")).deck for i in range(3)]
    cache = OutlineCache(max_concepts=25)
    for deck in decks:
        cache.get(session, deck.id, deck.content_version)
    assert cache._concepts == 20  # the oldest went when the third arrived
    assert list(cache._outlines) == [(d.id, d.content_version) for d in decks[1:]]
    big = import_text(flat_deck_json(30, key="big")).deck
    assert cache.get(session, big.id, big.content_version).size == 30  # served, not kept
    assert cache._concepts == 20


def test_the_outline_lists_live_concepts_in_map_order_with_cards_by_kind(session, import_text):
    import_text(deck_json())
    import_text(deck_json(concepts=[concept("Rings"), concept("Groups", [concept("Cosets")])]))
    deck = session.scalars(select(Deck)).one()
    outline = read_outline(session, deck.id, deck.content_version)
    assert [c.title for c in outline.concepts] == ["Rings", "Groups", "Cosets"]
    assert [c.depth for c in outline.concepts] == [1, 1, 2]
    assert [[card.kind for card in cards] for cards in outline.cards] == [
        ["recall", "recognise", "explain"]
    ] * 3
