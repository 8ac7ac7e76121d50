"""Reading request bodies and query parameters into their models, with errors that name
the field.

A body that is not JSON at all is a 400 (``invalid_json``); JSON of the wrong shape, a
missing field or a value of the wrong type or range is a 422 (``invalid_request``).
Bodies are validated in strict mode: an integer is not a float, a boolean or a string.
A query parameter that cannot be read is a 400 (``invalid_parameter``). Only the first
problem is reported, in words that name the field.
"""

from __future__ import annotations

import json
from typing import Any, Literal, TypeVar, get_args, get_origin

import annotated_types
from flask import request
from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo
from pydantic_core import ErrorDetails

from studyapp.api.errors import ApiError, invalid_request

Model = TypeVar("Model", bound=BaseModel)

_INT_ERRORS = {
    "int_type",
    "int_parsing",
    "int_from_float",
    "greater_than",
    "greater_than_equal",
    "less_than",
    "less_than_equal",
}


def json_body(model: type[Model]) -> Model:
    """The request body (the Content-Type header is not insisted on) as ``model``."""
    data = request.get_data(cache=True)
    try:
        body = json.loads(data)
    except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
        raise ApiError(400, "invalid_json", "The request body must be JSON.") from None
    if not isinstance(body, dict):
        raise invalid_request("The request body must be a JSON object.")
    try:
        return model.model_validate(body, strict=True)
    except ValidationError as error:
        raise invalid_request(_message(model, error.errors()[0])) from None


def query_parameters(model: type[Model]) -> Model:
    """The query string (the first value of each parameter) as ``model``."""
    try:
        return model.model_validate(request.args.to_dict(), strict=True)
    except ValidationError as error:
        message = _message(model, error.errors()[0], query=True)
        raise ApiError(400, "invalid_parameter", message) from None


def _message(model: type[BaseModel], error: ErrorDetails, *, query: bool = False) -> str:
    """The first problem in words: "rating must be an integer from 1 to 4."."""
    location = error["loc"]
    name = ".".join(str(part) for part in location)
    kind, value = error["type"], error["input"]
    field = model.model_fields.get(str(location[0])) if len(location) == 1 else None
    if kind == "message":  # a validator of ours worded it whole
        return error["msg"]
    if kind == "missing" or value is None:
        return f"{name} is required."
    if kind in _INT_ERRORS:
        return f"{name} must be {_describe_int(*_bounds(field))}."
    if kind == "bool_type":
        return f"{name} must be true or false."
    if kind == "string_too_long":
        limit = error["ctx"]["max_length"]
        if query:
            return f"{name} is at most {limit} characters."
        return f"{name} must be at most {limit} characters long."
    if kind == "literal_error":
        choices = _choices(field)
        if query:
            return f"{name} must be one of {', '.join(map(str, choices))}."
        if all(isinstance(choice, str) for choice in choices) and not isinstance(value, str):
            return f"{name} must be a string."
        return f"{name} must be {error['ctx']['expected']}."
    if kind == "string_type":
        return f"{name} must be a string."
    return f"{name}: {error['msg']}."


def _metadata(field: FieldInfo | None) -> list[Any]:
    """The constraints on a field, also those inside ``X | None``."""
    if field is None:
        return []
    found = list(field.metadata)
    for argument in get_args(field.annotation):
        found.extend(getattr(argument, "__metadata__", ()))
    flattened = []
    for item in found:
        flattened.extend(item.metadata if isinstance(item, FieldInfo) else [item])
    return flattened


def _bounds(field: FieldInfo | None) -> tuple[int | None, int | None]:
    minimum = maximum = None
    for item in _metadata(field):
        if isinstance(item, annotated_types.Ge):
            minimum = item.ge
        elif isinstance(item, annotated_types.Le):
            maximum = item.le
    return minimum, maximum


def _choices(field: FieldInfo | None) -> tuple[Any, ...]:
    if field is None:
        return ()
    annotation = field.annotation
    if get_origin(annotation) is not Literal:
        annotation = next(
            (arg for arg in get_args(annotation) if get_origin(arg) is Literal), annotation
        )
    return get_args(annotation)


def _describe_int(minimum: int | None, maximum: int | None) -> str:
    if minimum is not None and maximum is not None:
        return f"an integer from {minimum} to {maximum}"
    if minimum is not None:
        return f"an integer of at least {minimum}"
    if maximum is not None:
        return f"an integer of at most {maximum}"
    return "an integer"
