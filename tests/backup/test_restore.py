"""Importing a user's document (studyapp.backup.restore): round trips here or into another
database, renaming, and every refusal, after which nothing was written."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete, func, select, update

from studyapp.accounts.users import authenticate, find_user
from studyapp.backup.document import UserImportError
from studyapp.backup.export import export_user
from studyapp.backup.restore import import_user
from studyapp.storage.db import transaction
from studyapp.storage.models import Card, Concept, Deck, ReviewLog, User
from tests.conftest import PASSWORD, START
from tests.support.backup import assert_same_history, delete_user, import_public, snapshot
from tests.support.factories import concept, deck_json


def test_round_trip_after_deleting_the_user_restores_everything(session, ada, clock):
    before = snapshot(session, "ada")
    document = export_user(session, "ada", now=clock.now())
    delete_user(session, "ada")
    assert find_user(session, "ada") is None
    assert session.scalar(select(func.count()).select_from(Deck).where(Deck.key == "notes")) == 0

    with transaction(session):
        import_user(session, copy.deepcopy(document))

    assert_same_history(before, snapshot(session, "ada"))
    assert export_user(session, "ada", now=clock.now()) == document
    assert authenticate(session, "ada", PASSWORD) is not None
    # bob's history was never touched.
    assert len(snapshot(session, "bob")["logs"]) == 1


def test_round_trip_into_a_fresh_database(session, fresh_session, ada, clock):
    """From the backend under test into a second SQLite file that holds the same public deck."""
    before = snapshot(session, "ada")
    document = export_user(session, "ada", now=clock.now())
    import_public(fresh_session, START - timedelta(days=100))

    with transaction(fresh_session):
        import_user(fresh_session, json.loads(json.dumps(document)))

    assert_same_history(before, snapshot(fresh_session, "ada"))
    assert export_user(fresh_session, "ada", now=clock.now()) == document
    assert authenticate(fresh_session, "ada", PASSWORD) is not None


def test_an_existing_username_is_refused_and_nothing_is_written(session, ada, clock):
    document = export_user(session, "ada", now=clock.now())
    logs = session.scalar(select(func.count()).select_from(ReviewLog))
    with pytest.raises(UserImportError) as caught:
        import_user(session, document)
    assert "'ada' is taken" in str(caught.value) and "--rename" in str(caught.value)
    document["user"]["username"] = "ADA"  # usernames compare case-insensitively
    with pytest.raises(UserImportError, match="taken"):
        import_user(session, document)
    session.rollback()
    assert session.scalar(select(func.count()).select_from(User)) == 2
    assert session.scalar(select(func.count()).select_from(ReviewLog)) == logs


def test_rename_imports_a_copy_beside_the_original(session, ada, clock):
    before = snapshot(session, "ada")
    document = export_user(session, "ada", now=clock.now())
    with transaction(session):
        copy_user = import_user(session, document, rename="ada-copy")
    assert copy_user.username == "ada-copy"
    assert_same_history(before, snapshot(session, "ada-copy"))
    assert_same_history(before, snapshot(session, "ada"))  # the original is untouched
    again = export_user(session, "ada-copy", now=clock.now())
    assert again["user"]["username"] == "ada-copy"
    again["user"]["username"] = "ada"
    assert again == document
    assert authenticate(session, "ada-copy", PASSWORD) is not None
    # Each owns a private "notes" deck of their own.
    owners = session.scalars(select(Deck.owner_id).where(Deck.key == "notes")).all()
    assert sorted(owners) == sorted([ada.id, copy_user.id])

    with pytest.raises(UserImportError, match="'ada-copy' is taken") as caught:
        import_user(session, document, rename="ada-copy")
    assert "--rename" not in str(caught.value)
    with pytest.raises(UserImportError, match="not a valid username"):
        import_user(session, document, rename="a")


def test_a_missing_public_deck_is_refused_listing_it(session, fresh_session, ada, clock):
    document = export_user(session, "ada", now=clock.now())
    with pytest.raises(UserImportError) as caught:
        import_user(fresh_session, document)
    assert caught.value.problems == ["public deck 'algebra'"]
    assert "import those decks first" in caught.value.message
    fresh_session.rollback()
    assert fresh_session.scalar(select(func.count()).select_from(User)) == 0
    assert fresh_session.scalar(select(func.count()).select_from(Deck)) == 0


def test_missing_concepts_and_cards_are_refused_listing_each(session, fresh_session, ada, clock):
    document = export_user(session, "ada", now=clock.now())
    # This database's algebra has no "groups" (nor its children) and lacks one card.
    import_public(
        fresh_session,
        START,
        deck_json(concepts=[concept("Rings", [concept("Ideals")])]),
    )
    with transaction(fresh_session):
        fresh_session.execute(
            update(Concept).where(Concept.key == "rings").values(key="groups/subgroups")
        )
        fresh_session.execute(
            delete(Card).where(
                Card.kind == "recognise",
                Card.concept_id.in_(select(Concept.id).where(Concept.key == "groups/subgroups")),
            )
        )
    with pytest.raises(UserImportError) as caught:
        import_user(fresh_session, document)
    assert caught.value.problems == [
        "concept 'groups' of public deck 'algebra'",
        "recognise card of concept 'groups/subgroups' in public deck 'algebra'",
    ]
    fresh_session.rollback()
    assert fresh_session.scalar(select(func.count()).select_from(User)) == 0


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.update(format="anki"), "not a studyapp user export"),
        (lambda d: d.update(version=3), "version 3 of the studyapp-user format"),
        (lambda d: d.update(version=1), "cannot import: enrolments"),
        (lambda d: d.pop("enrolments"), "$: lacks enrolments"),
        (lambda d: d["enrolments"][0].update(owner="bob"), "enrolments[0].owner: is neither"),
        (lambda d: d["enrolments"][1].pop("created_at"), "enrolments[1]: lacks created_at"),
        (
            lambda d: d["enrolments"].append(
                {"deck": "ghost", "owner": "self", "created_at": "2026-03-02T09:00:00Z"}
            ),
            "an enrolment in the user's deck 'ghost', which the document does not carry",
        ),
        (
            lambda d: d["enrolments"].append(dict(d["enrolments"][0])),
            "the enrolment in public deck 'algebra' appears twice",
        ),
        (lambda d: d["user"].pop("password_hash"), "$.user: lacks password_hash"),
        (lambda d: d["card_states"][0].update(reps="3"), "reps: is not an integer"),
        (lambda d: d["review_logs"][0].update(reviewed_at="2026-03-02 09:00"), "offset"),
        (lambda d: d["review_logs"][0]["card"].update(owner="bob"), "neither 'public' nor"),
        (
            lambda d: d["review_logs"][2]["card"].update(concept="nowhere"),
            "explain card of concept 'nowhere' in the user's deck 'notes'",
        ),
    ],
)
def test_malformed_documents_are_refused_clearly(session, ada, clock, change, message):
    document = export_user(session, "ada", now=clock.now())
    delete_user(session, "ada")
    change(document)
    with pytest.raises(UserImportError) as caught:
        import_user(session, document)
    assert message in str(caught.value)
    session.rollback()
    assert find_user(session, "ada") is None


def test_a_version_1_document_imports_enrolled_in_every_deck_the_user_may_see(
    session, ada, import_text, clock
):
    """Version 1 predates enrolments, when everyone studied every deck they could see."""
    import_text(deck_json(key="optics", title="Optics"))
    before = snapshot(session, "ada")
    document = export_user(session, "ada", now=clock.now())
    version_1 = {key: value for key, value in document.items() if key != "enrolments"}
    version_1["version"] = 1
    delete_user(session, "ada")

    with transaction(session):
        import_user(session, version_1)

    after = snapshot(session, "ada")
    created = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # her account's creation
    assert after["enrolments"] == [
        ("algebra", True, created),
        ("notes", False, created),
        ("optics", True, created),
    ]
    assert_same_history({**before, "enrolments": after["enrolments"]}, after)
    assert export_user(session, "ada", now=clock.now())["version"] == 2


def test_an_enrolment_in_a_missing_public_deck_is_refused(session, fresh_session, ada, clock):
    document = export_user(session, "ada", now=clock.now())
    document["card_states"] = []
    document["review_logs"] = []
    with pytest.raises(UserImportError) as caught:
        import_user(fresh_session, document)
    assert caught.value.problems == ["public deck 'algebra'"]
    fresh_session.rollback()
    assert fresh_session.scalar(select(func.count()).select_from(User)) == 0
