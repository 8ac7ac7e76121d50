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
                "is_public": {
                    "type": "boolean",
                    "description": "Everyone may see it (false: the calling user's private deck).",
                },
                "enrolled": {
                    "type": "boolean",
                    "description": "The calling user studies it: its cards are in their queue.",
                },
            }
        ),
        "DeckList": _object({"decks": {"type": "array", "items": _ref("Deck")}}),
        "Enrolment": _object(
            {"deck_id": _ID, "enrolled": {"type": "boolean", "const": True}},
            description="The deck is in the calling user's studies.",
        ),
        "DraftConcept": _object(
            {
                "key": {"type": "string"},
                "title": {"type": "string"},
                "summary": {"type": "string"},
                "detail": {"type": "string"},
                "children": {"type": "array", "items": _ref("DraftConcept")},
            },
            description="A concept as the file describes it, with the key it will be stored under.",
        ),
        "DeckPreview": _object(
            {
                "deck": _object(
                    {
                        "key": {"type": "string"},
                        "title": {"type": "string"},
                        "description": {"type": "string"},
                        "source_format": {
                            "type": "string",
                            "enum": ["json", "markdown", "page_text", "apkg", "anki_text"],
                        },
                        "concept_count": {"type": "integer", "minimum": 0},
                    }
                ),
                "concepts": {"type": "array", "items": _ref("DraftConcept")},
                "changes": _ref("ImportChanges"),
            },
            description="What importing the file would store; nothing was written.",
        ),
        "ImportChanges": {
            "type": "object",
            "required": ["deck", "counts", "added", "updated", "retired", "matches", "affected"],
            "description": "The difference against the stored version (docs/importing.md).",
            "properties": {
                "deck": {
                    "type": "object",
                    "required": ["key", "exists", "version"],
                    "properties": {
                        "key": {"type": "string"},
                        "title": {"type": "string"},
                        "owner_id": {"type": ["integer", "null"]},
                        "exists": {"type": "boolean"},
                        "id": {"type": ["integer", "null"]},
                        "current_title": {"type": ["string", "null"]},
                        "updated_at": {"type": ["string", "null"]},
                        "version": {
                            "type": "string",
                            "description": "The stored version compared against ('new' when "
                            "the import creates the deck).",
                        },
                    },
                },
                "counts": _object(
                    {
                        name: {"type": "integer", "minimum": 0}
                        for name in ("added", "changed", "moved", "retired", "unchanged")
                    }
                ),
                "added": {
                    "type": "array",
                    "items": _object(
                        {
                            "key": {"type": "string"},
                            "title_path": {"type": "array", "items": {"type": "string"}},
                        }
                    ),
                },
                "updated": {
                    "type": "array",
                    "description": "Kept concepts whose texts change (changed: old and new), "
                    "which move (moved: from and to, as title paths) or come back from "
                    "retirement; user_cards counts the caller's reviewed cards on each.",
                    "items": {"type": "object"},
                },
                "retired": {"type": "array", "items": {"type": "object"}},
                "matches": {
                    "type": "array",
                    "items": _object(
                        {
                            "key": {"type": "string"},
                            "concept_id": _ID,
                            "rule": {
                                "type": "string",
                                "enum": ["key", "title_path", "title", "summary"],
                            },
                        }
                    ),
                },
                "affected": {"type": "object"},
            },
        },
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
                "mastery": _ref("Mastery"),
                "children": {"type": "array", "items": _ref("Concept")},
            }
        ),
        "Mastery": _mastery_schema(),
        "DeckTree": _object(
            {
                "deck": _ref("Deck"),
                "as_of": {
                    "type": "string",
                    "format": "date",
                    "description": "The day mastery is computed for: today, or as_of.",
                },
                "concepts": {"type": "array", "items": _ref("Concept")},
            }
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
                "duration_ms": _nullable({"type": "integer", "minimum": 0, "maximum": 2**31 - 1}),
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
        **_quiz_schemas(),
        **_stats_schemas(),
    }


def _quiz_schemas() -> dict[str, Schema]:
    """Quizzes (studyapp.quiz.quizzes; docs/quiz.md)."""
    rating = {
        "type": "integer",
        "minimum": 1,
        "maximum": 4,
        "description": "1 Again, 2 Hard, 3 Good, 4 Easy.",
    }
    return {
        "QuizRequest": {
            "type": "object",
            "required": ["deck_id", "subtree", "mode"],
            "properties": {
                "deck_id": _ID,
                "subtree": {
                    **_ID,
                    "description": "The concept whose branch (it and its descendants) is quizzed; "
                    "a live concept of that deck.",
                },
                "mode": {
                    "type": "string",
                    "enum": ["recall", "choice"],
                    "description": "recall: every card, flipped and rated 1-4. choice: one "
                    "question per concept, its masked summary and up to four titles.",
                },
                "practice_only": {
                    "type": "boolean",
                    "default": False,
                    "description": "Record the answers without rescheduling any card.",
                },
            },
        },
        "QuizCreated": _object(
            {"quiz_id": _ID, "total": {"type": "integer", "minimum": 0}},
            description="The new quiz and its number of questions.",
        ),
        "QuizOption": _object({"concept_id": _ID, "title": {"type": "string"}}),
        "QuizQuestion": {
            "type": "object",
            "required": [
                "question_id",
                "number",
                "total",
                "card_id",
                "concept_id",
                "kind",
                "prompt_kind",
                "prompt",
                "context",
            ],
            "properties": {
                "question_id": _ID,
                "number": {"type": "integer", "minimum": 1, "description": "1-based."},
                "total": {"type": "integer", "minimum": 1},
                "card_id": _ID,
                "concept_id": _ID,
                "kind": {"type": "string", "enum": _CARD_KINDS},
                "prompt_kind": {
                    "type": "string",
                    "enum": [*_CARD_KINDS, "masked_summary"],
                    "description": "The card kind asked (recall mode) or masked_summary (choice).",
                },
                "prompt": {
                    "type": "string",
                    "description": "The card's front (recall), or the concept's summary with its "
                    "name masked (choice).",
                },
                "context": _nullable(
                    {"type": "string", "description": "The parent concept's title."}
                ),
                "answer": {
                    "type": "string",
                    "description": "Recall mode only: the card's back, to flip to.",
                },
                "options": {
                    "type": "array",
                    "items": _ref("QuizOption"),
                    "maxItems": 4,
                    "description": "Choice mode only: the right title and up to three wrong "
                    "ones, in a fixed shuffled order.",
                },
            },
        },
        "QuizAnswerRequest": {
            "type": "object",
            "required": ["question_id"],
            "properties": {
                "question_id": _ID,
                "concept_id": _nullable({**_ID, "description": "Choice mode: the option chosen."}),
                "rating": _nullable(
                    {**rating, "description": "Recall mode: " + rating["description"]}
                ),
                "duration_ms": _nullable({"type": "integer", "minimum": 0, "maximum": 2**31 - 1}),
            },
        },
        "QuizAnswerResult": _object(
            {
                "question_id": _ID,
                "correct": {
                    "type": "boolean",
                    "description": "Choice: the right concept was chosen. Recall: rated Hard, "
                    "Good or Easy (recalled); Again is not.",
                },
                "answer_concept_id": _ID,
                "rating": {
                    **rating,
                    "description": "The rating the answer counts as (choice: 3 Good if right, "
                    "1 Again if wrong).",
                },
                "chosen_concept_id": _nullable(_ID),
                "applied_to_fsrs": {
                    "type": "boolean",
                    "description": "False for a practice-only quiz.",
                },
                "replayed": {
                    "type": "boolean",
                    "description": "The question had already been answered: this is the stored "
                    "result and nothing changed.",
                },
                "finished": {"type": "boolean", "description": "No question is left."},
            }
        ),
        "BranchMastery": _object(
            {
                "levels": _object(
                    {
                        level: {"type": "integer", "minimum": 0}
                        for level in (
                            "not_started",
                            "learning",
                            "familiar",
                            "proficient",
                            "mastered",
                        )
                    },
                    description="Concepts of the branch at each mastery level (docs/mastery.md).",
                ),
                "mean_retrievability": _nullable({"type": "number", "minimum": 0, "maximum": 1}),
            }
        ),
        "QuizAnswer": _object(
            {
                "question_id": _ID,
                "card_id": _ID,
                "prompt_kind": {"type": "string", "enum": [*_CARD_KINDS, "masked_summary"]},
                "rating": rating,
                "correct": {"type": "boolean"},
                "chosen_concept_id": _nullable(_ID),
                "applied_to_fsrs": {"type": "boolean"},
                "answered_at": _TIMESTAMP,
            }
        ),
        "QuizConceptResult": _object(
            {
                "concept_id": _ID,
                "title": {"type": "string"},
                "correct": _nullable(
                    {
                        "type": "boolean",
                        "description": "Every question of the concept answered right; null "
                        "until all are answered.",
                    }
                ),
                "answers": {"type": "array", "items": _ref("QuizAnswer")},
            }
        ),
        "QuizResults": _object(
            {
                "quiz_id": _ID,
                "deck_id": _ID,
                "subtree": _ID,
                "mode": {"type": "string", "enum": ["recall", "choice"]},
                "practice_only": {"type": "boolean"},
                "created_at": _TIMESTAMP,
                "finished_at": _nullable(_TIMESTAMP),
                "total": {"type": "integer", "minimum": 0},
                "answered": {"type": "integer", "minimum": 0},
                "right": {"type": "integer", "minimum": 0},
                "finished": {"type": "boolean"},
                "concepts": {
                    "type": "array",
                    "items": _ref("QuizConceptResult"),
                    "description": "In map order.",
                },
                "mastery_before": _ref("BranchMastery"),
                "mastery_after": {
                    "oneOf": [_ref("BranchMastery"), {"type": "null"}],
                    "description": "Now; null if the branch is gone from the deck.",
                },
            }
        ),
    }


_MASTERY_LEVELS = ["not_started", "learning", "familiar", "proficient", "mastered"]


def _mastery_schema() -> Schema:
    """A concept's mastery and its sub-tree's (studyapp.map.mastery; docs/mastery.md)."""
    chance = {"type": "number", "minimum": 0, "maximum": 1}
    return _object(
        {
            "level": {"type": "string", "enum": _MASTERY_LEVELS},
            "retrievability": _nullable(
                {
                    **chance,
                    "description": "Mean FSRS recall probability of the reviewed cards at the "
                    "moment asked about; null when none was reviewed.",
                }
            ),
            "fading": {
                "type": "boolean",
                "description": "retrievability is below the user's desired retention.",
            },
            "due_cards": {
                "type": "integer",
                "minimum": 0,
                "description": "This concept's cards due by the end of the study day asked about.",
            },
            "subtree": _object(
                {
                    "levels": _object(
                        {level: {"type": "integer", "minimum": 0} for level in _MASTERY_LEVELS},
                        description="How many concepts of the sub-tree (the concept and all "
                        "its descendants) are at each level.",
                    ),
                    "mean_retrievability": _nullable(
                        {
                            **chance,
                            "description": "Mean of the sub-tree's concept retrievabilities "
                            "that exist; null when none does.",
                        }
                    ),
                }
            ),
        },
        description="How well the user knows the concept (levels from stability; "
        "retrievability and fading at the moment asked about).",
    )


_ERROR_RESPONSES = {
    "BadRequest": "The request is malformed (not JSON, a non-integer id, a missing file).",
    "Unauthorized": "No bearer token, or not a valid one.",
    "Forbidden": "Only administrators may do that (code forbidden).",
    "NotFound": "No such thing among the user's decks (other users' private decks included).",
    "Conflict": "Not possible now: card_not_due, deck_not_studied, nothing_to_undo, "
    "concurrent_rating or question_not_current.",
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
                "The decks the user may see (public decks and their own private ones), each "
                "saying whether the user studies it.",
                "decks",
                {
                    "200": _json(_ref("DeckList"), "The decks, by title."),
                    "400": _error("BadRequest"),
                },
                parameters=[
                    {
                        "name": "q",
                        "in": "query",
                        "required": False,
                        "description": "Only decks whose title contains this text, ignoring "
                        "case and surrounding spaces (at most 300 characters).",
                        "schema": {"type": "string", "maxLength": 300},
                    }
                ],
            ),
            "post": _operation(
                "uploadDeck",
                "Upload a deck file as a private deck; a deck of the user's with the same "
                "key is updated, keeping everyone's card states.",
                "decks",
                {
                    "200": _json(
                        _ref("Deck"),
                        "The user's existing deck with that key, updated "
                        "(still studied or not, as before).",
                    ),
                    "201": _json(_ref("Deck"), "A new private deck, in the user's studies."),
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
        "/decks/preview": {
            "post": _operation(
                "previewDeckUpload",
                "What uploading this file as a private deck would do, writing nothing: the "
                "parsed tree and the difference against the user's deck with the same key.",
                "decks",
                {
                    "200": _json(_ref("DeckPreview"), "The file can be imported."),
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
        "/decks/{deck_id}/export": {
            "get": _operation(
                "exportDeck",
                "Download a deck the user may see, as a file that imports as the same deck.",
                "decks",
                {
                    "200": {
                        "description": "The deck file, as an attachment.",
                        "content": {
                            "application/json": {"schema": {"type": "object"}},
                            "text/markdown": {"schema": {"type": "string"}},
                            "application/octet-stream": {
                                "schema": {"type": "string", "contentEncoding": "binary"}
                            },
                        },
                    },
                    "400": _error("BadRequest"),
                    "404": _error("NotFound"),
                },
                parameters=[
                    {"name": "deck_id", "in": "path", "required": True, "schema": _ID},
                    {
                        "name": "format",
                        "in": "query",
                        "required": False,
                        "description": "json (default), markdown, or apkg (an Anki package, "
                        "docs/anki.md).",
                        "schema": {"type": "string", "enum": ["json", "markdown", "apkg"]},
                    },
                ],
            ),
        },
        "/decks/{deck_id}/enrolment": {
            "post": _operation(
                "addDeckToStudies",
                "Add the deck to the user's studies: its cards join their daily queue, with "
                "any history they had of it.",
                "decks",
                {
                    "200": _json(_ref("Enrolment"), "The deck already was in the studies."),
                    "201": _json(_ref("Enrolment"), "The deck was added now."),
                    "404": _error("NotFound"),
                },
                parameters=[{"name": "deck_id", "in": "path", "required": True, "schema": _ID}],
            ),
            "delete": _operation(
                "removeDeckFromStudies",
                "Remove the deck from the user's studies. Their card states and review log "
                "of it are kept and come back if they add it again.",
                "decks",
                {
                    "204": {"description": "Not (or no longer) in the user's studies."},
                    "404": _error("NotFound"),
                },
                parameters=[{"name": "deck_id", "in": "path", "required": True, "schema": _ID}],
            ),
        },
        "/decks/{deck_id}/tree": {
            "get": _operation(
                "getDeckTree",
                "A deck's concept tree with the user's state of every card and the mastery of "
                "every concept, today or as of a later date.",
                "decks",
                {
                    "200": _json(_ref("DeckTree"), "The deck and its live concepts in map order."),
                    "400": _error("BadRequest"),
                    "404": _error("NotFound"),
                    "422": _error("InvalidRequest"),
                },
                parameters=[
                    {
                        "name": "deck_id",
                        "in": "path",
                        "required": True,
                        "schema": _ID,
                    },
                    {
                        "name": "as_of",
                        "in": "query",
                        "required": False,
                        "description": "Compute mastery for this day (YYYY-MM-DD, the user's "
                        "study day): retrievability at its start, due cards by its end. Today "
                        "or later, at most 10 years ahead; an earlier date is refused with 422 "
                        "(date_in_past), a malformed one with 400 (invalid_parameter).",
                        "schema": {"type": "string", "format": "date"},
                    },
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
        **_quiz_paths(),
        **_stats_paths(),
        **_export_paths(),
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


def _quiz_paths() -> dict[str, Any]:
    quiz_id = [{"name": "quiz_id", "in": "path", "required": True, "schema": _ID}]
    return {
        "/quizzes": {
            "post": _operation(
                "createQuiz",
                "Start a quiz of a branch: every card of a concept's sub-tree, due or not, "
                "weakest first.",
                "quizzes",
                {
                    "201": _json(_ref("QuizCreated"), "The quiz, with all its questions made."),
                    "400": _error("BadRequest"),
                    "404": _error("NotFound"),
                    "422": _error("InvalidRequest"),
                },
                requestBody={
                    "required": True,
                    "content": {"application/json": {"schema": _ref("QuizRequest")}},
                },
            )
        },
        "/quizzes/{quiz_id}": {
            "get": _operation(
                "getQuiz",
                "The quiz's result per concept and the branch's mastery before and now.",
                "quizzes",
                {
                    "200": _json(_ref("QuizResults"), "The quiz so far, or its result."),
                    "404": _error("NotFound"),
                },
                parameters=quiz_id,
            )
        },
        "/quizzes/{quiz_id}/next": {
            "get": _operation(
                "nextQuizQuestion",
                "The quiz's current (first unanswered) question.",
                "quizzes",
                {
                    "200": _json(_ref("QuizQuestion"), "The question to show."),
                    "204": {"description": "The quiz is over."},
                    "404": _error("NotFound"),
                },
                parameters=quiz_id,
            )
        },
        "/quizzes/{quiz_id}/answers": {
            "post": _operation(
                "answerQuizQuestion",
                "Answer the current question; answering an answered question again returns "
                "its stored result and changes nothing.",
                "quizzes",
                {
                    "200": _json(_ref("QuizAnswerResult"), "Whether the answer was right."),
                    "400": _error("BadRequest"),
                    "404": _error("NotFound"),
                    "409": _error("Conflict"),
                    "422": _error("InvalidRequest"),
                },
                parameters=quiz_id,
                requestBody={
                    "required": True,
                    "content": {"application/json": {"schema": _ref("QuizAnswerRequest")}},
                },
            )
        },
    }


def _export_paths() -> dict[str, Any]:
    """Downloads of the user's own history (studyapp.stats.review_csv; docs/export.md)."""
    columns = "card_id,review_time,review_rating,review_state,review_duration"
    return {
        "/export/reviews.csv": {
            "get": _operation(
                "exportReviewsCsv",
                "The user's whole review log as CSV, in the FSRS optimizer's layout.",
                "export",
                {
                    "200": {
                        "description": f"Streamed CSV with the header {columns}: card id, review "
                        "time in epoch milliseconds (UTC), rating 1-4, the card's state before "
                        "the review (0 New, 1 Learning, 2 Review, 3 Relearning), duration in "
                        "ms (0 when unknown); ordered by card, then time.",
                        "headers": {
                            "Content-Disposition": {
                                "schema": {"type": "string"},
                                "description": 'attachment; filename="reviews.csv"',
                            }
                        },
                        "content": {
                            "text/csv": {
                                "schema": {"type": "string"},
                                "example": f"{columns}\n42,1772442000000,3,0,5400\n",
                            }
                        },
                    }
                },
            )
        }
    }


def _stats_schemas() -> dict[str, Schema]:
    """The dashboard's figures (studyapp.stats.dashboard; docs/dashboard.md)."""
    count = {"type": "integer", "minimum": 0}
    share = {"type": "number", "minimum": 0, "maximum": 1}
    date = {"type": "string", "format": "date", "description": "A study day, by its local date."}
    levels = _object(
        {
            level: count
            for level in ("not_started", "learning", "familiar", "proficient", "mastered")
        },
        description="Live concepts at each mastery level (docs/mastery.md).",
    )
    pass_fail = _object(
        {
            "passed": {**count, "description": "Rated Hard, Good or Easy."},
            "failed": {**count, "description": "Rated Again."},
            "rate": _nullable({**share, "description": "passed / (passed + failed)."}),
        }
    )
    retention_period = _object(
        {
            "days": {"type": "integer", "minimum": 1, "description": "Study days covered."},
            "young": {**pass_fail, "description": "Scheduled interval under 21 days."},
            "mature": {**pass_fail, "description": "Scheduled interval of 21 days or more."},
            "all": pass_fail,
        }
    )
    periods = ("today", "yesterday", "last_7_days", "last_30_days", "last_365_days")
    return {
        "Stats": _object(
            {
                "deck_id": _nullable({"type": "integer", "minimum": 1}),
                "study_day": date,
                "time_zone": {"type": "string"},
                "day_rollover_hour": {"type": "integer", "minimum": 0, "maximum": 23},
                "today": _object(
                    {
                        "reviewed": {**count, "description": "Ratings given today."},
                        "again": {**count, "description": "Of them, Again."},
                        "new_introduced": {**count, "description": "New cards seen today."},
                        "time_spent_ms": {**count, "description": "Answer time today."},
                        "due": {**count, "description": "Review cards still due today."},
                        "learning": {**count, "description": "Learning cards left today."},
                        "new_left": {**count, "description": "New cards still available."},
                    }
                ),
                "streak_days": {
                    **count,
                    "description": "Consecutive study days with a rating, ending today (or "
                    "yesterday if none yet today).",
                },
                "heatmap": {
                    "type": "array",
                    "description": "Ratings per study day, the last 365 days, oldest first.",
                    "items": _object({"date": date, "reviews": count}),
                },
                "desired_retention": share,
                "true_retention": _object(
                    dict.fromkeys(periods, retention_period),
                    description="Ratings of cards in review: not Again (passed) or Again.",
                ),
                "forecast": {
                    "type": "array",
                    "description": "Cards falling due per study day, the next 30 days; the "
                    "first (today) includes the overdue ones.",
                    "items": _object({"date": date, "due": count}),
                },
                "card_states": _object(
                    {name: count for name in ("new", "learning", "review", "relearning", "retired")}
                ),
                "mastery_levels": levels,
                "mastery_by_deck": {
                    "type": "array",
                    "items": _object(
                        {"deck_id": _ID, "title": {"type": "string"}, "levels": levels}
                    ),
                },
                "stability_histogram": {
                    "type": "array",
                    "items": _object(
                        {
                            "from_days": {"type": "number", "minimum": 0},
                            "to_days": _nullable(
                                {"type": "number", "description": "Exclusive; null: no end."}
                            ),
                            "cards": count,
                        }
                    ),
                },
                "retrievability_histogram": {
                    "type": "array",
                    "items": _object({"from": share, "to": share, "cards": count}),
                },
                "mean_retrievability": _nullable(share),
                "hardest": {
                    "type": "array",
                    "maxItems": 10,
                    "description": "Most lapses first, then lowest mean retrievability.",
                    "items": _object(
                        {
                            "concept_id": _ID,
                            "deck_id": _ID,
                            "title": {"type": "string"},
                            "deck_title": {"type": "string"},
                            "lapses": count,
                            "retrievability": _nullable(share),
                            "map_path": {
                                "type": "string",
                                "description": "The concept on its deck's map.",
                                "examples": ["/decks/3/map?focus=42"],
                            },
                        }
                    ),
                },
                "quizzes": {
                    "type": "array",
                    "description": "Quiz scores per branch, most recently quizzed first.",
                    "items": _object(
                        {
                            "subtree": _ID,
                            "deck_id": _ID,
                            "title": {"type": "string"},
                            "results": {
                                "type": "array",
                                "items": _object(
                                    {
                                        "quiz_id": _ID,
                                        "date": date,
                                        "taken_at": _TIMESTAMP,
                                        "mode": {"type": "string", "enum": ["recall", "choice"]},
                                        "answered": count,
                                        "right": count,
                                        "score": share,
                                        "finished": {"type": "boolean"},
                                    }
                                ),
                            },
                        }
                    ),
                },
            },
            description="How studying is going: docs/dashboard.md explains every figure.",
        )
    }


def _stats_paths() -> dict[str, Any]:
    return {
        "/stats": {
            "get": _operation(
                "getStats",
                "The dashboard's figures: today, streak, reviews per day, true retention, "
                "forecast, card states, mastery, stability, retrievability, hardest concepts "
                "and quiz scores.",
                "stats",
                {
                    "200": _json(_ref("Stats"), "The figures, in the user's study days."),
                    "400": _error("BadRequest"),
                    "404": _error("NotFound"),
                },
                parameters=[_id_query("deck_id", "Only this deck (default: all decks).")],
            )
        }
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
            '\'Authorization: Bearer <token>\'. Errors are {"error": {"code", "message"}}.',
        },
        "servers": [{"url": server_url}],
        "security": [{"bearerAuth": []}],
        "tags": [
            {"name": "auth"},
            {"name": "decks"},
            {"name": "review"},
            {"name": "quizzes"},
            {"name": "stats"},
            {"name": "export"},
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
