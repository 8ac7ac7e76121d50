"""Storing decks: first import, re-import keeping everyone's progress, failures writing nothing."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from studyapp.decks.document import DeckValidationError
from studyapp.scheduling.memory import Grade
from studyapp.scheduling.rating import rate_card
from studyapp.scheduling.study_context import StudyContext
from studyapp.storage.models import Card, CardState, Concept, Deck, ReviewLog
from tests.support.factories import concept, deck_json, tree


def live_concepts(session, deck_id):
    return session.scalars(
        select(Concept)
        .where(Concept.deck_id == deck_id, Concept.retired_at.is_(None))
        .order_by(Concept.map_order)
    ).all()


def table_counts(session):
    return {
        model.__name__: session.scalar(select(func.count()).select_from(model))
        for model in (Deck, Concept, Card, CardState, ReviewLog)
    }


def test_import_creates_concepts_in_map_order_with_three_cards_each(session, import_text):
    report = import_text(deck_json())
    concepts = live_concepts(session, report.deck.id)
    assert [(c.title, c.depth, c.position) for c in concepts] == [
        ("Groups", 1, 0),
        ("Subgroups", 2, 0),
        ("Cosets", 2, 1),
        ("Rings", 1, 1),
        ("Ideals", 2, 0),
        ("Fields", 2, 1),
    ]
    groups = concepts[0]
    assert (groups.map_order, groups.subtree_last_order) == (0, 2)
    assert concepts[1].parent_id == groups.id
    kinds = session.scalars(select(Card.kind).where(Card.concept_id == groups.id)).all()
    assert sorted(kinds) == ["explain", "recall", "recognise"]
    assert report.deck.is_public and report.deck.owner_id is None
    assert len(report.added) == 6


def test_reimport_updates_in_place_adds_retires_and_keeps_progress(
    session, import_text, make_user, clock
):
    ada = make_user("ada")
    first = import_text(deck_json(), studied_by=ada)
    deck_id = first.deck.id
    subgroups = session.scalars(select(Concept).where(Concept.key == "groups/subgroups")).one()
    ideals = session.scalars(select(Concept).where(Concept.key == "rings/ideals")).one()
    context = StudyContext.for_user(ada.settings, clock.now(), enable_fuzzing=False)
    reviewed_cards = [subgroups.cards[0].id, ideals.cards[0].id]
    for card_id in reviewed_cards:
        rate_card(session, context, card_id=card_id, grade=Grade.GOOD)
    states_before = {
        s.card_id: (s.state, s.stability_days, s.difficulty, s.due)
        for s in session.scalars(select(CardState))
    }

    # Version 2: Subgroups' texts edited, Ideals moved under Groups, Fields
    # removed, Cosets renamed keeping its key, Modules added.
    version_two = deck_json(
        concepts=[
            concept(
                "Groups",
                children=[
                    concept("Subgroups", summary="A subset closed under the operation."),
                    concept("Cosets (left)", key="groups/cosets"),
                    concept("Ideals", key="rings/ideals"),
                ],
            ),
            concept("Rings", children=[concept("Modules")]),
        ]
    )
    report = import_text(version_two)
    session.expire_all()

    assert report.deck.id == deck_id and not report.created_deck
    assert sorted(report.added) == ["rings/modules"]
    assert sorted(report.changed) == ["groups/cosets", "groups/subgroups"]
    assert report.moved == ["rings/ideals"]
    assert report.retired == ["rings/fields"]
    assert [c.key for c in live_concepts(session, deck_id)] == [
        "groups",
        "groups/subgroups",
        "groups/cosets",
        "rings/ideals",
        "rings",
        "rings/modules",
    ]
    assert session.get(Concept, subgroups.id).summary == "A subset closed under the operation."
    assert session.get(Concept, ideals.id).parent_id == live_concepts(session, deck_id)[0].id
    fields = session.scalars(select(Concept).where(Concept.key == "rings/fields")).one()
    assert fields.retired_at == clock.now()
    states_after = {
        s.card_id: (s.state, s.stability_days, s.difficulty, s.due)
        for s in session.scalars(select(CardState))
    }
    assert states_after == states_before
    assert session.scalar(select(func.count()).select_from(ReviewLog)) == 2


def test_reimporting_a_removed_concept_brings_it_back_with_its_cards(session, import_text):
    import_text(deck_json())
    without_fields = deck_json(
        concepts=tree(
            [("Groups", [("Subgroups", []), ("Cosets", [])]), ("Rings", [("Ideals", [])])]
        )
    )
    import_text(without_fields)
    report = import_text(deck_json())
    assert report.changed == ["rings/fields"]
    assert session.scalar(select(func.count()).select_from(Card)) == 18


def test_unchanged_reimport_changes_nothing(session, import_text):
    import_text(deck_json())
    before = table_counts(session)
    report = import_text(deck_json())
    assert (report.added, report.changed, report.moved, report.retired) == ([], [], [], [])
    assert report.unchanged == 6
    assert table_counts(session) == before


def test_failed_import_writes_nothing(session, import_text):
    import_text(deck_json())
    before = table_counts(session)
    broken = json.loads(deck_json())
    broken["concepts"].append({"title": "No summary"})
    with pytest.raises(DeckValidationError):
        import_text(json.dumps(broken))
    assert table_counts(session) == before


def test_same_key_private_decks_are_separate_from_the_public_one(session, import_text, make_user):
    ada = make_user("ada")
    bob = make_user("bob")
    public = import_text(deck_json())
    ada_copy = import_text(deck_json(title="Ada's algebra"), owner_id=ada.id)
    bob_copy = import_text(deck_json(title="Bob's algebra"), owner_id=bob.id)
    assert len({public.deck.id, ada_copy.deck.id, bob_copy.deck.id}) == 3
    assert not ada_copy.deck.is_public
    assert ada_copy.created_deck and bob_copy.created_deck
    assert import_text(deck_json(title="Ada v2"), owner_id=ada.id).deck.id == ada_copy.deck.id
