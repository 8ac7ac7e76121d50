"""Exporting one user to a JSON document (studyapp.backup.export): what the document holds, and
who cannot be exported."""

from __future__ import annotations

import json

import pytest

from studyapp.backup.document import FORMAT, VERSION
from studyapp.backup.export import UserExportError, export_user
from studyapp.storage.db import transaction
from studyapp.storage.models import Deck
from tests.support.factories import deck_json


def test_the_document_holds_the_account_settings_decks_states_and_logs(session, ada, clock):
    document = export_user(session, "ada", now=clock.now())
    assert (document["format"], document["version"]) == (FORMAT, VERSION) == ("studyapp-user", 2)
    assert document["exported_at"] == "2026-03-08T09:00:00.000000Z"
    assert document["user"] == {
        "username": "ada",
        "password_hash": ada.password_hash,
        "is_admin": True,
        "created_at": "2026-03-02T09:00:00.000000Z",
    }
    assert document["settings"]["time_zone"] == "Europe/Berlin"
    assert document["settings"]["desired_retention"] == 0.87
    assert [deck["key"] for deck in document["decks"]] == ["notes"]  # the public deck is named only
    notes = document["decks"][0]
    assert notes["title"] == "My notes, revised"
    by_key = {c["key"]: c for c in notes["concepts"]}
    assert by_key["lemmas/zorn"]["parent"] == "lemmas"
    assert by_key["lemmas/yoneda"]["retired_at"] == "2026-03-07T09:10:00.000000Z"
    assert by_key["proofs"]["cards"] == ["recall", "recognise", "explain"]
    assert document["enrolments"] == [
        {"deck": "algebra", "owner": "public", "created_at": "2026-03-02T09:30:00.000000Z"},
        {"deck": "notes", "owner": "self", "created_at": "2026-03-02T09:00:00.000000Z"},
    ]

    assert len(document["card_states"]) == 4
    assert len(document["review_logs"]) == 7  # bob's review is not among them
    first = document["review_logs"][0]
    assert first["card"] == {
        "deck": "algebra",
        "owner": "public",
        "concept": "groups",
        "kind": "recall",
    }
    assert (first["rating"], first["duration_ms"], first["request_id"]) == (3, 5000, "r-1")
    assert first["before_state"] is None and first["reviewed_at"] == "2026-03-02T09:00:00.000000Z"
    own = [log["card"] for log in document["review_logs"] if log["card"]["owner"] == "self"]
    assert {"deck": "notes", "owner": "self", "concept": "lemmas/yoneda", "kind": "explain"} in own
    awkward = next(s for s in document["card_states"] if s["card"]["concept"] == "groups/subgroups")
    assert (awkward["stability_days"], awkward["difficulty"]) == (0.30000000000000004, 1 / 3)
    assert awkward["version"] == 7
    # A JSON round trip (what the CLI writes and reads) changes nothing.
    assert json.loads(json.dumps(document)) == document


def test_studying_another_users_published_deck_cannot_be_exported(
    session, ada, make_user, enrol, import_text, clock
):
    cyd = make_user("cyd")
    shared = import_text(deck_json(key="shared", title="Cyd's notes"), owner_id=cyd.id).deck
    with transaction(session):
        session.get(Deck, shared.id).is_public = True
    enrol(ada, shared)
    with pytest.raises(UserExportError, match=r"studies decks other users published.*shared"):
        export_user(session, "ada", now=clock.now())


def test_exporting_an_unknown_user_fails(session, clock):
    with pytest.raises(UserExportError, match="no user named 'nobody'"):
        export_user(session, "nobody", now=clock.now())
