"""Previewing an import: what it will add, change, move and retire, and whose cards it touches."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from studyapp.decks.formats.reading import read_deck_bytes
from studyapp.decks.importing.changes import NEW_DECK_VERSION, AffectedCards
from studyapp.decks.importing.importer import ROWS_PER_STATEMENT, DeckChangedError, import_deck
from studyapp.decks.importing.plan import plan_import
from studyapp.storage.db import transaction
from studyapp.storage.models import Card, Concept
from tests.support.factories import flat_deck_json
from tests.support.importing import concept_by_key, history, node, outline, study, table_counts

GROUPS = "A set with an associative operation, an identity, and an inverse for every element."
SUBGROUPS = "A subset of a group that is itself a group under the same operation."
COSETS = "The set obtained by multiplying every element of a subgroup by one fixed element."
RINGS = "A set with addition and a multiplication that distributes over the addition."
IDEALS = "A subring that absorbs multiplication by any element of the whole ring."
FIELDS = "A commutative ring in which every nonzero element has a multiplicative inverse."

VERSION_ONE = outline(
    node("Groups", GROUPS, node("Subgroups", SUBGROUPS), node("Cosets", COSETS)),
    node("Rings", RINGS, node("Ideals", IDEALS), node("Fields", FIELDS)),
)
# Subgroups: new summary. Cosets: renamed "Left cosets", moved under Rings,
# summary lightly edited (changed and moved). Ideals: moved under Groups.
# Fields: removed. Modules: added. Groups and Rings: unchanged.
VERSION_TWO = outline(
    node(
        "Groups",
        GROUPS,
        node("Subgroups", "A group inside a group."),
        node("Ideals", IDEALS),
    ),
    node(
        "Rings",
        RINGS,
        node("Left cosets", COSETS.replace("every element", "each element")),
        node("Modules", "Like a vector space, but over a ring instead of a field."),
    ),
)


def draft_of(text: str):
    return read_deck_bytes(text.encode("utf-8"), "algebra.md")


def concept_rows(session):
    return sorted(
        session.execute(
            select(
                Concept.id,
                Concept.key,
                Concept.title,
                Concept.summary,
                Concept.parent_id,
                Concept.map_order,
                Concept.retired_at,
            )
        ).all()
    )


def test_previewing_a_new_deck_lists_every_concept_as_added_and_writes_nothing(session):
    before = table_counts(session)

    plan = plan_import(session, draft_of(VERSION_ONE), owner_id=None)

    assert plan.creates_deck and plan.version == NEW_DECK_VERSION
    assert [added.title_path for added in plan.added][:3] == [
        ("Groups",),
        ("Groups", "Subgroups"),
        ("Groups", "Cosets"),
    ]
    assert plan.counts() == {"added": 6, "changed": 0, "moved": 0, "retired": 0, "unchanged": 0}
    assert not session.new and not session.dirty
    session.commit()
    assert table_counts(session) == before


def test_previewing_a_new_version_writes_nothing(session, import_text, make_user, clock):
    ada = make_user("ada")
    import_text(VERSION_ONE, "algebra.md")
    study(session, ada, concept_by_key(session, "rings/fields").id, at=clock.now())
    counts, rows, states = table_counts(session), concept_rows(session), history(session)

    plan = plan_import(session, draft_of(VERSION_TWO), owner_id=None, user_id=ada.id)
    session.commit()

    assert plan.counts() == {"added": 1, "changed": 2, "moved": 2, "retired": 1, "unchanged": 2}
    assert (table_counts(session), concept_rows(session), history(session)) == (
        counts,
        rows,
        states,
    )


def test_the_import_does_exactly_what_the_preview_said(session, import_text, clock):
    first = import_text(VERSION_ONE, "algebra.md")
    clock.advance(minutes=5)
    preview = plan_import(session, draft_of(VERSION_TWO), owner_id=None)

    report = import_text(VERSION_TWO, "algebra.md")

    assert report.plan.to_dict() == preview.to_dict()
    assert preview.deck.id == first.deck.id
    session.expire_all()
    assert report.added == [added.key for added in preview.added] == ["rings/modules"]
    assert sorted(report.changed) == ["groups/subgroups", "rings/left-cosets"]
    assert sorted(report.moved) == ["groups/ideals", "rings/left-cosets"]
    assert report.retired == [retired.key for retired in preview.retired] == ["rings/fields"]
    for update in preview.updates:
        stored = session.get(Concept, update.concept_id)
        assert (stored.key, stored.title, stored.summary) == (
            update.key,
            update.new.title,
            update.new.summary,
        )
        if update.move:
            parent = session.get(Concept, stored.parent_id)
            assert (parent.title,) == update.move.new_parent_path
    for retired in preview.retired:
        assert session.get(Concept, retired.concept_id).retired_at == clock.now()
    modules = concept_by_key(session, "rings/modules")
    assert len(session.scalars(select(Card).where(Card.concept_id == modules.id)).all()) == 3


def test_a_concept_both_changed_and_moved_is_one_entry_with_both_sides(session, import_text):
    import_text(VERSION_ONE, "algebra.md")
    cosets_id = concept_by_key(session, "groups/cosets").id

    plan = plan_import(session, draft_of(VERSION_TWO), owner_id=None)

    (cosets,) = (update for update in plan.updates if update.concept_id == cosets_id)
    assert cosets in plan.changed and cosets in plan.moved
    entry = cosets.to_dict()
    assert (entry["key"], entry["old_key"], entry["matched_by"]) == (
        "rings/left-cosets",
        "groups/cosets",
        "summary",
    )
    assert entry["changed"]["old"]["title"] == "Cosets"
    assert entry["changed"]["new"]["title"] == "Left cosets"
    assert entry["moved"] == {"from": ["Groups"], "to": ["Rings"]}
    (ideals,) = (update for update in plan.updates if update.key == "groups/ideals")
    assert ideals.to_dict()["changed"] is None
    assert ideals.to_dict()["moved"] == {"from": ["Rings"], "to": ["Groups"]}


def test_the_preview_counts_the_users_and_everyones_affected_review_states(
    session, import_text, make_user, clock
):
    ada, bob = make_user("ada"), make_user("bob")
    import_text(VERSION_ONE, "algebra.md")
    for key in ("groups", "groups/subgroups", "groups/cosets", "rings/ideals", "rings/fields"):
        study(session, ada, concept_by_key(session, key).id, at=clock.now())
    for key in ("groups", "rings/fields"):
        study(session, bob, concept_by_key(session, key).id, at=clock.now())

    plan = plan_import(session, draft_of(VERSION_TWO), owner_id=None, user_id=ada.id)

    # Three cards a concept; Cosets is both changed and moved, Groups untouched.
    assert plan.user_cards == AffectedCards(changed=6, moved=6, retired=3, total=12)
    assert plan.review_states == AffectedCards(changed=6, moved=6, retired=6, total=15)
    assert {update.key: update.user_cards for update in plan.updates} == {
        "groups/subgroups": 3,
        "groups/ideals": 3,
        "rings/left-cosets": 3,
    }
    assert [(retired.key, retired.user_cards) for retired in plan.retired] == [("rings/fields", 3)]
    without_user = plan_import(session, draft_of(VERSION_TWO), owner_id=None)
    assert without_user.user_cards is None
    assert without_user.review_states == plan.review_states


def test_the_plan_as_json(session, import_text, make_user):
    ada = make_user("ada")
    first = import_text(VERSION_ONE, "algebra.md")

    document = json.loads(
        json.dumps(
            plan_import(session, draft_of(VERSION_TWO), owner_id=None, user_id=ada.id).to_dict()
        )
    )

    assert document["deck"] == {
        "key": "algebra",
        "title": "Algebra",
        "owner_id": None,
        "exists": True,
        "id": first.deck.id,
        "current_title": "Algebra",
        "updated_at": first.deck.updated_at.isoformat(),
        "version": f"{first.deck.id}@{first.deck.content_version}",
    }
    assert document["counts"]["retired"] == 1
    assert document["added"] == [{"key": "rings/modules", "title_path": ["Rings", "Modules"]}]
    assert document["retired"][0]["title_path"] == ["Rings", "Fields"]
    assert {match["rule"] for match in document["matches"]} == {"key", "title", "summary"}
    assert document["affected"]["user_cards"] == {
        "changed": 0,
        "moved": 0,
        "retired": 0,
        "total": 0,
    }


def test_a_private_deck_preview_ignores_the_public_deck_with_that_key(
    session, import_text, make_user
):
    ada = make_user("ada")
    import_text(VERSION_ONE, "algebra.md")

    plan = plan_import(session, draft_of(VERSION_TWO), owner_id=ada.id)

    assert plan.creates_deck and len(plan.added) == 6


def test_an_import_refuses_a_preview_the_deck_has_moved_on_from(session, import_text, clock):
    import_text(VERSION_ONE, "algebra.md")
    shown = plan_import(session, draft_of(VERSION_TWO), owner_id=None).version
    clock.advance(minutes=1)
    import_text(VERSION_ONE.replace("every nonzero", "each nonzero"), "algebra.md")
    before = (table_counts(session), concept_rows(session))

    with pytest.raises(DeckChangedError), transaction(session):
        import_deck(
            session, draft_of(VERSION_TWO), owner_id=None, now=clock.now(), expected_version=shown
        )

    assert (table_counts(session), concept_rows(session)) == before
    current = plan_import(session, draft_of(VERSION_TWO), owner_id=None).version
    with transaction(session):
        report = import_deck(
            session, draft_of(VERSION_TWO), owner_id=None, now=clock.now(), expected_version=current
        )
    assert report.added == ["rings/modules"]


def test_an_import_of_a_new_deck_refuses_once_someone_created_it(session, import_text, clock):
    shown = plan_import(session, draft_of(VERSION_ONE), owner_id=None).version
    import_text(VERSION_ONE, "algebra.md")

    with pytest.raises(DeckChangedError), transaction(session):
        import_deck(
            session, draft_of(VERSION_ONE), owner_id=None, now=clock.now(), expected_version=shown
        )


def test_progress_is_reported_as_concepts_are_written(session, clock):
    count = ROWS_PER_STATEMENT * 2 + 500
    calls: list[tuple[int, int]] = []
    with transaction(session):
        import_deck(
            session,
            read_deck_bytes(flat_deck_json(count).encode(), "flat.json"),
            owner_id=None,
            now=clock.now(),
            on_progress=lambda done, total: calls.append((done, total)),
        )

    assert calls[0] == (0, count) and calls[-1] == (count, count)
    assert {total for _, total in calls} == {count}
    done = [done for done, _ in calls]
    assert done == sorted(done)
    assert {ROWS_PER_STATEMENT, 2 * ROWS_PER_STATEMENT} <= set(done)
