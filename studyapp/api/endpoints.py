"""One decorator per API view: what it reads, what it answers, and how it is documented.

    @api_blueprint.route("/reviews", methods=["POST"])
    @endpoint(
        summary="Rate a card that is due now.",
        tag="review",
        body=ReviewRequest,
        responses={200: (ReviewResult, "The card's new memory state."), 409: "Conflict"},
    )
    def create_review(body: ReviewRequest) -> ReviewResult: ...

The decorator records the operation for the OpenAPI document (built from the
blueprint's URL rules and this registry by :mod:`studyapp.api.openapi`), validates
the JSON body and the query string into their models and passes them to the view as
``body`` and ``query``, and writes the model the view returns as the JSON answer.

``responses`` maps each status to ``(Model, description)`` for a JSON body,
``(None, description)`` for no body, the name of a shared error response
(``"NotFound"``, ``"Conflict"``, ... in :data:`ERROR_RESPONSES`), or a complete OpenAPI
response object for anything else (a file download). The statuses every operation of
its kind can answer are added: 401 unless ``public``, 400 (and 422 for a JSON body)
when there is a body or a query to read, 404 when the path has parameters, and the
shared ``default`` error.

A view returns its response model (200), ``(model, status)`` or ``(model, status,
headers)``; that status must be documented with that model. A view may instead return
a :class:`flask.Response` it built itself (204, a download, the tree's fast path).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from flask import Response, current_app
from pydantic import BaseModel

from studyapp.api.blueprint import api_blueprint
from studyapp.api.validation import json_body, query_parameters

# A response: (model or None, description), a shared error's name, or an OpenAPI object.
ResponseSpec = tuple[type[BaseModel] | None, str] | str | Mapping[str, Any]

# The document's tags, in order; an operation's tag must be one of them.
TAGS = ("auth", "decks", "review", "quizzes", "stats", "export", "meta")

# The shared error responses (components/responses), by name.
ERROR_RESPONSES = {
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


@dataclass(frozen=True)
class Operation:
    """One view as the OpenAPI document describes it."""

    endpoint: str  # the Flask endpoint, e.g. "api.create_review"
    operation_id: str
    summary: str
    tag: str
    body: type[BaseModel] | None
    query: type[BaseModel] | None
    responses: Mapping[int, ResponseSpec]
    public: bool

    @property
    def reads_json(self) -> bool:
        return self.body is not None and self.body.media_type == "application/json"


# Every API view's operation, by endpoint.
OPERATIONS: dict[str, Operation] = {}


def is_public(endpoint: str | None) -> bool:
    """True for the views that answer without a bearer token."""
    operation = OPERATIONS.get(endpoint or "")
    return operation is not None and operation.public


def endpoint(
    *,
    summary: str,
    tag: str,
    responses: Mapping[int, ResponseSpec],
    body: type[BaseModel] | None = None,
    query: type[BaseModel] | None = None,
    public: bool = False,
    operation_id: str | None = None,
) -> Callable[[Callable[..., Any]], Callable[..., Response]]:
    """Describe, validate and answer for an API view (put it below ``@api_blueprint.route``)."""
    if tag not in TAGS:
        raise ValueError(f"Unknown tag {tag!r}; add it to TAGS.")
    for status, spec in responses.items():
        if isinstance(spec, str) and spec not in ERROR_RESPONSES:
            raise ValueError(f"{status}: no shared error response named {spec!r}.")

    def register(view: Callable[..., Any]) -> Callable[..., Response]:
        operation = Operation(
            endpoint=f"{api_blueprint.name}.{view.__name__}",
            operation_id=operation_id or _camel_case(view.__name__),
            summary=summary,
            tag=tag,
            body=body,
            query=query,
            responses=dict(responses),
            public=public,
        )
        models = {
            status: spec[0]
            for status, spec in responses.items()
            if isinstance(spec, tuple) and spec[0] is not None
        }

        @functools.wraps(view)
        def answer(**arguments: Any) -> Response:
            if operation.reads_json:
                arguments["body"] = json_body(body)
            if query is not None:
                arguments["query"] = query_parameters(query)
            return _response(view(**arguments), models, operation.endpoint)

        OPERATIONS[operation.endpoint] = operation
        return answer

    return register


def _response(result: Any, models: Mapping[int, type[BaseModel]], name: str) -> Response:
    """The JSON answer for the model a view returned (a Response passes as it is)."""
    if isinstance(result, Response):
        return result
    headers: Mapping[str, str] = {}
    status = 200
    if isinstance(result, tuple):
        result, status, *rest = result
        headers = rest[0] if rest else {}
    if models.get(status) is not type(result):
        raise TypeError(f"{name} answered {status} with {type(result).__name__}: undocumented.")
    return json_response(result, status, headers)


def json_response(
    model: BaseModel, status: int = 200, headers: Mapping[str, str] | None = None
) -> Response:
    """The one place a model becomes a JSON answer."""
    response = current_app.response_class(
        model.__pydantic_serializer__.to_json(model, by_alias=True),
        status=status,
        mimetype="application/json",
    )
    response.headers.update(headers or {})
    return response


def _camel_case(name: str) -> str:
    return re.sub(r"_([a-z0-9])", lambda match: match.group(1).upper(), name)
