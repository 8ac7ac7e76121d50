"""The OpenAPI document: valid, complete, and true to what the API answers."""

from __future__ import annotations

import re
from typing import Any

import pytest
from openapi_spec_validator import validate

from studyapp.api import schemas
from studyapp.api.endpoints import endpoint
from studyapp.api.schemas import Token
from tests.support.api import PREFIX, assert_error, assert_matches, expect, signed_in
from tests.support.factories import flat_deck_json

IMPLIED_METHODS = {"HEAD", "OPTIONS"}


@pytest.fixture
def document(client) -> dict[str, Any]:
    response = expect(client.get(f"{PREFIX}/openapi.json"), 200)  # no token needed
    return response.get_json()


def openapi_path(flask_rule: str) -> str:
    """``/api/v1/decks/<int(max=9):deck_id>/tree`` -> ``/decks/{deck_id}/tree``."""
    return re.sub(r"<(?:[^<>:]+:)?([^<>:]+)>", r"{\1}", flask_rule.removeprefix(PREFIX))


def api_routes(app) -> dict[str, set[str]]:
    routes: dict[str, set[str]] = {}
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(PREFIX + "/"):
            routes.setdefault(openapi_path(rule.rule), set()).update(
                method.lower() for method in rule.methods - IMPLIED_METHODS
            )
    return routes






def test_the_document_is_valid_openapi(document):
    validate(document)
    assert document["openapi"].startswith("3.")
    assert document["servers"] == [{"url": PREFIX}]
    assert document["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http", "scheme": "bearer", "description": "A token from POST /tokens."
    }
    assert "Error" in document["components"]["schemas"]


def test_every_api_route_is_documented_with_its_methods(app, document):
    routes = api_routes(app)
    assert routes, "no API routes registered"
    documented = {
        path: {method for method in item if method in {"get", "post", "put", "patch", "delete"}}
        for path, item in document["paths"].items()
    }
    assert documented == routes


def test_only_token_issue_and_this_document_are_public(document):
    public = sorted(
        f"{method.upper()} {path}"
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if operation.get("security") == []
    )
    assert public == ["GET /openapi.json", "POST /tokens"]


def test_real_answers_match_the_documented_schemas(client, make_user, import_text, document):
    ada = signed_in(client, make_user, "ada")
    deck_id = import_text(flat_deck_json(2)).deck.id

    def check(response, status: int, schema_name: str) -> Any:
        body = expect(response, status).get_json()
        assert_matches(document, schema_name, body)
        return body

    check(ada.get("/decks"), 200, "DeckList")
    check(ada.upload(flat_deck_json(1, key="mine")), 201, "Deck")
    check(ada.get(f"/decks/{deck_id}/tree"), 200, "DeckTree")
    check(ada.enrol(deck_id), 201, "Enrolment")
    check(ada.enrol(deck_id), 200, "Enrolment")
    check(ada.get("/decks", query_string={"q": "fla"}), 200, "DeckList")
    card = check(ada.get("/review/next"), 200, "NextCard")
    check(ada.rate(card["card_id"], 3, request_id="r1"), 200, "ReviewResult")
    check(ada.get(f"/decks/{deck_id}/tree"), 200, "DeckTree")
    check(ada.get("/stats/today"), 200, "TodayStats")
    check(ada.post("/reviews/undo"), 200, "UndoResult")
    check(ada.post("/reviews/undo"), 409, "Error")
    check(ada.upload("{}", "bad.json"), 422, "Error")
    check(ada.preview(flat_deck_json(3, key="mine")), 200, "DeckPreview")
    check(ada.preview("{}", "bad.json"), 422, "Error")
    assert expect(ada.get(f"/decks/{deck_id}/export"), 200).mimetype == "application/json"
    check(ada.get(f"/decks/{deck_id}/export", query_string={"format": "pdf"}), 400, "Error")
    check(ada.get("/nowhere"), 404, "Error")
    assert_error(ada.get("/nowhere"), 404)
    assert expect(ada.unenrol(deck_id), 204).get_data() == b""
    check(ada.unenrol(deck_id + 1000), 404, "Error")


def documented_routes(document: dict[str, Any]) -> dict[str, set[str]]:
    return {
        path: {method for method in item if method in {"get", "post", "put", "patch", "delete"}}
        for path, item in document["paths"].items()
    }


def test_a_new_route_is_documented_by_its_endpoint_and_only_by_it(app, client):
    """The document is generated: a view registered with @endpoint appears with its path
    parameters and responses; a route without it is missing, which fails the test above."""

    def probe_thing(thing_id: int) -> Token:
        return Token(token=str(thing_id))

    def unregistered_probe() -> str:
        return "not described"

    described = endpoint(
        summary="A probe.", tag="meta", public=True, responses={200: (Token, "A token.")}
    )(probe_thing)
    app.add_url_rule(f"{PREFIX}/probe/<int(max=99):thing_id>", "api.probe_thing", described)
    app.add_url_rule(f"{PREFIX}/unregistered", "api.unregistered_probe", unregistered_probe)

    document = expect(client.get(f"{PREFIX}/openapi.json"), 200).get_json()
    validate(document)
    operation = document["paths"]["/probe/{thing_id}"]["get"]
    assert operation["operationId"] == "probeThing"
    assert operation["security"] == []
    assert operation["parameters"] == [
        {
            "name": "thing_id",
            "in": "path",
            "required": True,
            "schema": {"type": "integer", "minimum": 1, "maximum": 99},
        }
    ]
    assert set(operation["responses"]) == {"200", "404", "default"}
    assert operation["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Token"
    }
    routes, documented = api_routes(app), documented_routes(document)
    assert routes["/unregistered"] == {"get"} and "/unregistered" not in documented
    assert documented != routes  # test_every_api_route_is_documented_with_its_methods fails

    assert expect(client.get(f"{PREFIX}/probe/7"), 200).get_json() == {"token": "7"}


def test_an_answer_the_endpoint_does_not_document_is_an_error(app, client):
    def probe_misanswer() -> tuple[Token, int]:
        return Token(token="x"), 201  # only 200 is documented

    view = endpoint(
        summary="A probe.", tag="meta", public=True, responses={200: (Token, "A token.")}
    )(probe_misanswer)
    app.add_url_rule(f"{PREFIX}/misanswer", "api.probe_misanswer", view)
    assert_error(client.get(f"{PREFIX}/misanswer"), 500, "internal_error")


def test_every_model_is_a_component_under_its_own_name(document):
    assert set(schemas.__all__) <= set(document["components"]["schemas"])
    for name in schemas.__all__:
        assert getattr(schemas, name).__name__ == name


def test_a_model_generates_its_schema(document):
    """The document's schemas are pydantic's, not written by hand."""
    review = document["components"]["schemas"]["ReviewRequest"]
    assert review["required"] == ["card_id", "rating"]
    assert review["properties"]["rating"] == {
        "type": "integer",
        "minimum": 1,
        "maximum": 4,
        "description": "1 Again, 2 Hard, 3 Good, 4 Easy.",
    }
    assert review["properties"]["duration_ms"]["type"] == ["integer", "null"]
    assert "title" not in review
    tree = document["components"]["schemas"]["DeckTree"]
    assert tree["properties"]["concepts"]["items"] == {"$ref": "#/components/schemas/Concept"}
