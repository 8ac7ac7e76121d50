"""The OpenAPI 3.1 description of the API, served at ``GET /api/v1/openapi.json``.

Paths are relative to the one server entry (``/api/v1`` under the app's mount
point). The tests check the document is valid and that every route of the
blueprint appears here with its methods, so a new route without a description
fails the build.
"""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify, request

from studyapp.api.auth import public
from studyapp.api.blueprint import API_PREFIX, api_blueprint
from studyapp.api.review import MAX_REQUEST_ID_LENGTH

OPENAPI_VERSION = "3.1.0"
API_VERSION = "1.0.0"

Schema = dict[str, Any]


def _ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def _nullable(schema: Schema) -> Schema:
    return {**schema, "type": [schema["type"], "null"]}


def _object(properties: dict[str, Schema], *, description: str | None = None) -> Schema:
    schema: Schema = {
        "type": "object",
        "required": list(properties),
        "properties": properties,
    }
    if description:
        schema["description"] = description
    return schema


def _json(schema: Schema, description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _error(name: str) -> dict[str, Any]:
    return {"$ref": f"#/components/responses/{name}"}


_TIMESTAMP: Schema = {
    "type": "string",
    "format": "date-time",
    "description": "ISO-8601 in UTC, e.g. 2026-03-02T09:10:00Z.",
}
_ID: Schema = {"type": "integer", "minimum": 1}
_STATE_NAMES = ["new", "learning", "review", "relearning"]
_CARD_KINDS = ["recall", "recognise", "explain"]


def _schemas() -> dict[str, Schema]:
    preview = _object(
        {
            "due": _TIMESTAMP,
            "interval": {
                "type": "string",
                "description": "How long until due, as on the answer button: "
                "<1m, 10m, 3h, 4d, 2.5mo, 1.1y.",
                "examples": ["10m"],
            },
        },
        description="What one rating would do.",
    )
    return {
        "Error": _object(
            {
                "error": {
                    "type": "object",
                    "required": ["code", "message"],
                    "properties": {
                        "code": {
                            "type": "string",
                            "description": "Stable machine-readable name, e.g. not_found, "
                            "invalid_request, card_not_due.",
                        },
                        "message": {"type": "string", "description": "For people."},
                        "problems": {
                            "type": "array",
                            "description": "Only with code invalid_deck: every problem found.",
                            "items": _ref("DeckProblem"),
                        },
                    },
                }
            },
            description="Every error under /api/v1.",
        ),
        "DeckProblem": _object(
            {
                "location": {
                    "type": "string",
                    "description": "File name, then line and/or JSON path where known.",
                    "examples": ["algebra.json, $.concepts[0].summary"],
                },
                "message": {"type": "string"},
            }
        ),
        "TokenRequest": _object({"username": {"type": "string"}, "password": {"type": "string"}}),
        "Token": _object(
            {"token": {"type": "string", "description": "Send as 'Authorization: Bearer <token>'."}}
        ),
        "Deck": _object(
            {
                "id": _ID,
                "key": {"type": "string"},
                "title": {"type": "string"},
                "description": {"type": "string"},
                "concept_count": {"type": "integer", "minimum": 0},
                "card_count": {"type": "integer", "minimum": 0},
            }
        ),
        "DeckList": _object({"decks": {"type": "array", "items": _ref("Deck")}}),
        "DeckUpload": {
            "type": "object",
            "required": ["file"],
            "properties": {
                "file": {
                    "type": "string",
                    "contentMediaType": "application/octet-stream",
                    "description": "A deck file: JSON (.json), Markdown outline (.md) or "
                    "map-explorer page text (.txt); UTF-8, at most 5 MB.",
                }
            },
        },
        "Card": _object(
            {
                "id": _ID,
                "kind": {"type": "string", "enum": _CARD_KINDS},
                "state": {"type": "string", "enum": _STATE_NAMES},
                "stability": _nullable({"type": "number", "description": "Days."}),
                "difficulty": _nullable({"type": "number"}),
                "due": _nullable(_TIMESTAMP),
                "last_review": _nullable(_TIMESTAMP),
                "retrievability": _nullable({"type": "number", "minimum": 0, "maximum": 1}),
                "reps": {"type": "integer", "minimum": 0},
                "lapses": {"type": "integer", "minimum": 0},
            },
            description="A card with the calling user's memory of it (new: nulls and zeros).",
        ),
        "Concept": _object(
            {
                "id": _ID,
                "key": {"type": "string"},
                "title": {"type": "string"},
                "summary": {"type": "string"},
                "detail": {"type": "string"},
                "cards": {"type": "array", "items": _ref("Card")},
                "children": {"type": "array", "items": _ref("Concept")},
            }
        ),
        "DeckTree": _object(
            {"deck": _ref("Deck"), "concepts": {"type": "array", "items": _ref("Concept")}}
        ),
        "Preview": preview,
        "NextCard": _object(
            {
                "card_id": _ID,
                "concept_key": {"type": "string"},
                "kind": {"type": "string", "enum": _CARD_KINDS},
                "front": {"type": "string"},
                "back": {"type": "string"},
                "context": _nullable(
                    {"type": "string", "description": "The parent concept's title."}
                ),
                "queue": {"type": "string", "enum": ["learning", "review", "new"]},
                "previews": _object(
                    {grade: _ref("Preview") for grade in ("1", "2", "3", "4")},
                    description="By rating: 1 Again, 2 Hard, 3 Good, 4 Easy.",
                ),
            }
        ),
        "ReviewRequest": {
            "type": "object",
            "required": ["card_id", "rating"],
            "properties": {
                "card_id": _ID,
                "rating": {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": 4,
                    "description": "1 Again, 2 Hard, 3 Good, 4 Easy.",
                },
                "duration_ms": _nullable(
                    {"type": "integer", "minimum": 0, "maximum": 2**31 - 1}
                ),
                "request_id": _nullable(
                    {
                        "type": "string",
                        "minLength": 1,
                        "maxLength": MAX_REQUEST_ID_LENGTH,
                        "description": "Idempotency key: a repeat returns the first answer "
                        "and changes nothing.",
                    }
                ),
                "deck_id": _nullable(
                    {
                        "type": "integer",
                        "minimum": 1,
                        "description": "The deck being studied, as given to /review/next: the "
                        "card must be in that scope's queue.",
                    }
                ),
                "subtree": _nullable(
                    {
                        "type": "integer",
                        "minimum": 1,
                        "description": "The concept whose branch is being studied, as given "
                        "to /review/next.",
                    }
                ),
            },
        },
        "ReviewResult": _object(
            {
                "card_id": _ID,
                "state": {"type": "string", "enum": ["learning", "review", "relearning"]},
                "stability": {"type": "number"},
                "difficulty": {"type": "number"},
                "due": _TIMESTAMP,
                "last_review": _TIMESTAMP,
            }
        ),
        "UndoResult": _object(
            {
                "card_id": _ID,
                "rating": {"type": "integer", "minimum": 1, "maximum": 4},
                "state": {
                    "type": "string",
                    "enum": _STATE_NAMES,
                    "description": "The card's state after the undo.",
                },
            }
        ),
        "TodayStats": _object(
            {
                name: {"type": "integer", "minimum": 0, "description": text}
                for name, text in (
                    ("reviewed", "Ratings given today."),
                    ("due", "Review cards still due today."),
                    ("new", "New cards still available today."),
                    ("learning", "Learning and relearning cards left today."),
                )
            }
        ),
    }


_ERROR_RESPONSES = {
    "BadRequest": "The request is malformed (not JSON, a non-integer id, a missing file).",
    "Unauthorized": "No bearer token, or not a valid one.",
    "NotFound": "No such thing among the user's decks (other users' private decks included).",
    "Conflict": "Not possible now: card_not_due, nothing_to_undo or concurrent_rating.",
    "PayloadTooLarge": "The request body is larger than 5 MB.",
    "InvalidRequest": "A field is missing or has the wrong type or range (code invalid_request).",
    "InvalidDeck": "The deck file cannot be imported (code invalid_deck, with problems).",
    "Error": "Any other error, e.g. 405 or 500.",
}


def _responses() -> dict[str, Any]:
    responses = {name: _json(_ref("Error"), text) for name, text in _ERROR_RESPONSES.items()}
    responses["Unauthorized"]["headers"] = {
        "WWW-Authenticate": {"schema": {"type": "string"}, "description": "Bearer"}
    }
    return responses


def _operation(
    operation_id: str,
    summary: str,
    tag: str,
    responses: dict[str, Any],
    *,
    public_operation: bool = False,
    **extra: Any,
) -> dict[str, Any]:
    all_responses = dict(responses)
    if not public_operation:
        all_responses["401"] = _error("Unauthorized")
    all_responses["default"] = _error("Error")
    operation: dict[str, Any] = {
        "operationId": operation_id,
        "summary": summary,
        "tags": [tag],
        **extra,
        "responses": all_responses,
    }
    if public_operation:
        operation["security"] = []
    return operation


def _id_query(name: str, description: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": {"type": "integer"},
    }


def _paths() -> dict[str, Any]:
    return {
        "/tokens": {
            "post": _operation(
                "createToken",
                "Exchange a username and password for a bearer token.",
                "auth",
                {
                    "201": _json(_ref("Token"), "The new token (shown only once)."),
                    "400": _error("BadRequest"),
                    "401": _error("Unauthorized"),
                    "422": _error("InvalidRequest"),
                },
                public_operation=True,
                requestBody={
                    "required": True,
                    "content": {"application/json": {"schema": _ref("TokenRequest")}},
                },
            )
        },
        "/decks": {
            "get": _operation(
                "listDecks",
                "The decks the user may study: public decks and their own private ones.",
                "decks",
                {"200": _json(_ref("DeckList"), "The decks, by title.")},
            ),
            "post": _operation(
                "uploadDeck",
                "Upload a deck file as a private deck; a deck of the user's with the same "
                "key is updated, keeping everyone's card states.",
                "decks",
                {
                    "200": _json(_ref("Deck"), "The user's existing deck with that key, updated."),
                    "201": _json(_ref("Deck"), "A new private deck."),
                    "400": _error("BadRequest"),
                    "413": _error("PayloadTooLarge"),
                    "422": _error("InvalidDeck"),
                },
                requestBody={
                    "required": True,
                    "content": {"multipart/form-data": {"schema": _ref("DeckUpload")}},
                },
            ),
        },
        "/decks/{deck_id}/tree": {
            "get": _operation(
                "getDeckTree",
                "A deck's concept tree with the user's state of every card.",
                "decks",
                {
                    "200": _json(_ref("DeckTree"), "The deck and its live concepts in map order."),
                    "404": _error("NotFound"),
                },
                parameters=[
                    {
                        "name": "deck_id",
                        "in": "path",
                        "required": True,
                        "schema": _ID,
                    }
                ],
            )
        },
        "/review/next": {
            "get": _operation(
                "nextCard",
                "The next card to study now, with what each rating would do.",
                "review",
                {
                    "200": _json(_ref("NextCard"), "The card to show."),
                    "204": {"description": "Nothing left to study today in this scope."},
                    "400": _error("BadRequest"),
                    "404": _error("NotFound"),
                },
                parameters=[
                    _id_query("deck_id", "Only this deck's cards."),
                    _id_query("subtree", "Only cards of this concept and its descendants."),
                ],
            )
        },
        "/reviews": {
            "post": _operation(
                "rateCard",
                "Rate a card that is due now.",
                "review",
                {
                    "200": _json(_ref("ReviewResult"), "The card's new memory state."),
                    "400": _error("BadRequest"),
                    "404": _error("NotFound"),
                    "409": _error("Conflict"),
                    "422": _error("InvalidRequest"),
                },
                requestBody={
                    "required": True,
                    "content": {"application/json": {"schema": _ref("ReviewRequest")}},
                },
            )
        },
        "/reviews/undo": {
            "post": _operation(
                "undoRating",
                "Take back the user's latest rating of today exactly.",
                "review",
                {
                    "200": _json(_ref("UndoResult"), "The rating taken back."),
                    "409": _error("Conflict"),
                },
            )
        },
        "/stats/today": {
            "get": _operation(
                "todayStats",
                "Counts for the user's current study day.",
                "review",
                {"200": _json(_ref("TodayStats"), "Today's counts.")},
            )
        },
        "/openapi.json": {
            "get": _operation(
                "openapiDocument",
                "This document.",
                "meta",
                {
                    "200": _json(
                        {"type": "object", "description": "An OpenAPI 3.1 document."},
                        "The OpenAPI document.",
                    )
                },
                public_operation=True,
            )
        },
    }


def build_document(server_url: str = API_PREFIX) -> dict[str, Any]:
    """The OpenAPI document; ``server_url`` is where the API's paths are rooted."""
    return {
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": "studyapp API",
            "version": API_VERSION,
            "description": "Spaced-repetition study of knowledge maps, scheduled with FSRS. "
            "Every call except POST /tokens and GET /openapi.json needs "
            "'Authorization: Bearer <token>'. Errors are {\"error\": {\"code\", \"message\"}}.",
        },
        "servers": [{"url": server_url}],
        "security": [{"bearerAuth": []}],
        "tags": [
            {"name": "auth"},
            {"name": "decks"},
            {"name": "review"},
            {"name": "meta"},
        ],
        "paths": _paths(),
        "components": {
            "securitySchemes": {
                "bearerAuth": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A token from POST /tokens.",
                }
            },
            "schemas": _schemas(),
            "responses": _responses(),
        },
    }


@api_blueprint.route("/openapi.json", methods=["GET"])
@public
def openapi_document() -> Response:
    return jsonify(build_document(request.script_root + API_PREFIX))
