"""Previewing an upload and downloading a deck over the API."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from studyapp.decks.formats.reading import read_deck_bytes
from studyapp.storage.models import Concept, Deck
from tests.support.api import expect, signed_in
from tests.support.factories import concept, deck_json


def test_a_preview_tells_what_an_upload_would_do_and_writes_nothing(client, make_user, session):
    ada = signed_in(client, make_user, "ada")
    expect(ada.upload(deck_json(key="notes")), 201)
    before = session.scalar(select(func.count()).select_from(Concept))
    changed = json.loads(deck_json(key="notes"))
    changed["concepts"][0]["summary"] = "Sets with one associative operation."
    changed["concepts"].append(concept("Modules"))
    del changed["concepts"][1]["children"][1]  # Fields goes

    body = expect(ada.preview(json.dumps(changed), "notes.json"), 200).get_json()

    assert body["deck"]["key"] == "notes" and body["deck"]["concept_count"] == 6
    assert [node["title"] for node in body["concepts"]] == ["Groups", "Rings", "Modules"]
    assert body["changes"]["deck"]["exists"] is True
    assert body["changes"]["counts"] == {
        "added": 1,
        "changed": 1,
        "moved": 0,
        "retired": 1,
        "unchanged": 4,
    }
    (update,) = body["changes"]["updated"]
    assert update["changed"]["new"]["summary"] == "Sets with one associative operation."
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(Concept)) == before


def test_a_preview_of_a_bad_file_lists_every_problem(client, make_user):
    ada = signed_in(client, make_user, "ada")
    bad = json.dumps({"title": "T", "concepts": [{"title": "A"}, {"title": "", "summary": "x"}]})
    error = expect(ada.preview(bad, "bad.json"), 422).get_json()["error"]
    assert error["code"] == "invalid_deck"
    assert len(error["problems"]) >= 2


def test_a_deck_downloads_in_every_format_and_imports_as_itself(client, make_user, import_text):
    ada = signed_in(client, make_user, "ada")
    deck = import_text(deck_json(key="algebra", title="Algebra")).deck
    for export_format, suffix in (("json", "json"), ("markdown", "md"), ("apkg", "apkg")):
        response = expect(
            ada.get(f"/decks/{deck.id}/export", query_string={"format": export_format}), 200
        )
        disposition = response.headers["Content-Disposition"]
        assert disposition == f'attachment; filename="algebra.{suffix}"'
        again = read_deck_bytes(response.get_data(), f"algebra.{suffix}")
        assert again.key == "algebra"
        assert [node.title for node, _ in again.walk()] == [
            "Groups",
            "Subgroups",
            "Cosets",
            "Rings",
            "Ideals",
            "Fields",
        ]


def test_another_users_private_deck_cannot_be_downloaded(client, make_user, session):
    bob = signed_in(client, make_user, "bob")
    expect(bob.upload(deck_json(key="secret")), 201)
    secret = session.scalars(select(Deck).where(Deck.key == "secret")).one()
    ada = signed_in(client, make_user, "ada")
    assert ada.get(f"/decks/{secret.id}/export").status_code == 404
