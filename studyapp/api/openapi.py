"""The OpenAPI 3.1 description of the API, served at ``GET /api/v1/openapi.json``.

Nothing here describes an endpoint by hand: the document is generated from the
blueprint's URL rules (paths, methods, path parameters from their converters) and the
operations the views registered with :func:`studyapp.api.endpoints.endpoint` (summary,
body, query parameters, responses). The schemas are pydantic's JSON Schema of the models
in :mod:`studyapp.api.schemas`, under ``#/components/schemas/{ModelName}``; a model
marked inline (:class:`~studyapp.api.schemas.common.InlineModel`) is written out where it
is used instead. A route without a registered operation is left out, and the tests
(every route documented with its methods) then fail.

Paths are relative to the one server entry (``/api/v1`` under the app's mount point).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from flask import Response, current_app, request
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema
from werkzeug.routing import Map, Rule
from werkzeug.routing.converters import NumberConverter

from studyapp.api.blueprint import API_PREFIX, api_blueprint
from studyapp.api.endpoints import ERROR_RESPONSES, OPERATIONS, TAGS, Operation, endpoint
from studyapp.api.schemas.common import INLINE, Error

OPENAPI_VERSION = "3.1.0"
API_VERSION = "1.0.0"
REF_PREFIX = "#/components/schemas/"

Schema = dict[str, Any]

_METHODS = ("get", "post", "put", "patch", "delete")
_PATH_PARAMETER = re.compile(r"<(?:[^<>:]+:)?([^<>:]+)>")


def build_document(url_map: Map | None = None, server_url: str = API_PREFIX) -> dict[str, Any]:
    """The OpenAPI document for the API routes of ``url_map`` (the current app's)."""
    url_map = url_map if url_map is not None else current_app.url_map
    routes = [
        (rule, OPERATIONS[rule.endpoint])
        for rule in url_map.iter_rules()
        if rule.endpoint in OPERATIONS
    ]
    schemas, refs = _components(operation for _, operation in routes)
    paths: dict[str, dict[str, Any]] = {}
    for rule, operation in sorted(routes, key=lambda route: route[0].rule):
        item = paths.setdefault(_openapi_path(rule.rule), {})
        for method in sorted(rule.methods or (), key=_method_order):
            if method.lower() in _METHODS:
                item[method.lower()] = _operation(rule, operation, refs)
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
        "tags": [{"name": tag} for tag in TAGS],
        "paths": paths,
        "components": {
            "securitySchemes": {
                "bearerAuth": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A token from POST /tokens.",
                }
            },
            "schemas": schemas,
            "responses": _error_responses(),
        },
    }


# -- Schemas ---------------------------------------------------------------------------


def _components(operations: Iterable[Operation]) -> tuple[dict[str, Schema], dict[type, Schema]]:
    """Every body and answer model's schema by name, and the reference to each model."""
    models: dict[type[BaseModel], str] = {Error: "serialization"}
    for operation in operations:
        if operation.body is not None:
            models.setdefault(operation.body, "validation")
        for spec in operation.responses.values():
            if isinstance(spec, tuple) and spec[0] is not None:
                models.setdefault(spec[0], "serialization")
    keyed, top = models_json_schema(list(models.items()), ref_template=REF_PREFIX + "{model}")
    definitions = top.get("$defs", {})
    inline = {name for name, schema in definitions.items() if schema.pop(INLINE, False)}
    schemas = {
        name: _clean(_inlined(schema, definitions, inline))
        for name, schema in definitions.items()
        if name not in inline
    }
    refs = {model: keyed[(model, mode)] for model, mode in models.items()}
    return schemas, refs


def _inlined(schema: Any, definitions: dict[str, Schema], inline: set[str]) -> Any:
    """``schema`` with every reference to an inline model replaced by its schema."""
    if isinstance(schema, list):
        return [_inlined(item, definitions, inline) for item in schema]
    if not isinstance(schema, dict):
        return schema
    ref = schema.get("$ref", "")
    name = ref.removeprefix(REF_PREFIX)
    if name in inline:
        siblings = {key: value for key, value in schema.items() if key != "$ref"}
        return _inlined({**definitions[name], **siblings}, definitions, inline)
    return {key: _inlined(value, definitions, inline) for key, value in schema.items()}


def _clean(schema: Any) -> Any:
    """pydantic's JSON Schema as the document writes it: no generated titles, no null
    defaults, and ``X | None`` as ``"type": [X, "null"]`` where X has a plain type."""
    if isinstance(schema, list):
        return [_clean(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    cleaned = {
        key: _clean(value) if key != "properties" else {n: _clean(s) for n, s in value.items()}
        for key, value in schema.items()
        if not (key == "title" and isinstance(value, str))
        and not (key == "default" and value is None)
    }
    return _collapse_nullable(cleaned)


def _collapse_nullable(schema: Schema) -> Schema:
    options = schema.get("anyOf")
    if not (isinstance(options, list) and len(options) == 2 and {"type": "null"} in options):
        return schema
    (other,) = [option for option in options if option != {"type": "null"}]
    if not isinstance(other.get("type"), str) or "enum" in other or "const" in other:
        return schema
    rest = {key: value for key, value in schema.items() if key != "anyOf"}
    return {**other, **rest, "type": [other["type"], "null"]}


# -- Operations ------------------------------------------------------------------------


def _operation(rule: Rule, operation: Operation, refs: dict[type, Schema]) -> dict[str, Any]:
    parameters = _path_parameters(rule)
    if operation.query is not None:
        parameters += _query_parameters(operation.query)
    described: dict[str, Any] = {
        "operationId": operation.operation_id,
        "summary": operation.summary,
        "tags": [operation.tag],
    }
    if parameters:
        described["parameters"] = parameters
    if operation.body is not None:
        described["requestBody"] = {
            "required": True,
            "content": {operation.body.media_type: {"schema": refs[operation.body]}},
        }
    described["responses"] = _responses(operation, refs, has_path=bool(rule.arguments))
    if operation.public:
        described["security"] = []
    return described


def _responses(operation: Operation, refs: dict[type, Schema], *, has_path: bool) -> dict[str, Any]:
    statuses: dict[int, Any] = dict(operation.responses)
    implied: list[tuple[int, str]] = []
    if operation.body is not None or operation.query is not None:
        implied.append((400, "BadRequest"))
    if operation.reads_json:
        implied.append((422, "InvalidRequest"))
    elif operation.body is not None:
        implied.append((413, "PayloadTooLarge"))
    if has_path:
        implied.append((404, "NotFound"))
    if not operation.public:
        implied.append((401, "Unauthorized"))
    for status, name in implied:
        statuses.setdefault(status, name)
    responses: dict[str, Any] = {}
    for status in sorted(statuses):
        spec = statuses[status]
        if isinstance(spec, str):
            responses[str(status)] = {"$ref": f"#/components/responses/{spec}"}
        elif isinstance(spec, tuple):
            model, description = spec
            responses[str(status)] = {"description": description}
            if model is not None:
                responses[str(status)]["content"] = {"application/json": {"schema": refs[model]}}
        else:
            responses[str(status)] = dict(spec)
    responses["default"] = {"$ref": "#/components/responses/Error"}
    return responses


def _path_parameters(rule: Rule) -> list[dict[str, Any]]:
    converters = getattr(rule, "_converters", {})
    parameters = []
    for name in _PATH_PARAMETER.findall(rule.rule):
        converter = converters.get(name)
        schema: Schema = {"type": "string"}
        if isinstance(converter, NumberConverter):
            # An id: the route takes no negative number, and no row has id 0.
            schema = {"type": "integer", "minimum": 1}
            if converter.max is not None:
                schema["maximum"] = converter.max
        parameters.append({"name": name, "in": "path", "required": True, "schema": schema})
    return parameters


def _query_parameters(model: type[BaseModel]) -> list[dict[str, Any]]:
    schema = _clean(model.model_json_schema(mode="validation"))
    required = set(schema.get("required", ()))
    parameters = []
    for name, property_schema in schema.get("properties", {}).items():
        property_schema = dict(property_schema)
        parameter: dict[str, Any] = {"name": name, "in": "query", "required": name in required}
        if "description" in property_schema:
            parameter["description"] = property_schema.pop("description")
        parameter["schema"] = property_schema
        parameters.append(parameter)
    return parameters


def _error_responses() -> dict[str, Any]:
    error = {"schema": {"$ref": REF_PREFIX + "Error"}}
    responses: dict[str, Any] = {
        name: {"description": text, "content": {"application/json": error}}
        for name, text in ERROR_RESPONSES.items()
    }
    responses["Unauthorized"]["headers"] = {
        "WWW-Authenticate": {"schema": {"type": "string"}, "description": "Bearer"}
    }
    return responses


def _openapi_path(flask_rule: str) -> str:
    """``/api/v1/decks/<int(max=9):deck_id>/tree`` -> ``/decks/{deck_id}/tree``."""
    return _PATH_PARAMETER.sub(r"{\1}", flask_rule.removeprefix(API_PREFIX))


def _method_order(method: str) -> int:
    lowered = method.lower()
    return _METHODS.index(lowered) if lowered in _METHODS else len(_METHODS)


@api_blueprint.route("/openapi.json", methods=["GET"])
@endpoint(
    summary="This document.",
    tag="meta",
    public=True,
    responses={
        200: {
            "description": "The OpenAPI document.",
            "content": {
                "application/json": {
                    "schema": {"type": "object", "description": "An OpenAPI 3.1 document."}
                }
            },
        }
    },
)
def openapi_document() -> Response:
    return current_app.json.response(build_document(server_url=request.script_root + API_PREFIX))
