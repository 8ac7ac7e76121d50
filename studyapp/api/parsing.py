"""Reading request bodies and query parameters, with errors that name the field.

A body that is not JSON at all is a 400 (``invalid_json``); JSON of the wrong
shape, a missing field or a value of the wrong type or range is a 422
(``invalid_request``). A query parameter that is not an integer is a 400
(``invalid_parameter``).
"""

from __future__ import annotations

import json
from typing import Any

from flask import request

from studyapp.api.errors import ApiError, invalid_request

# Ids and counters are 32-bit INTEGER columns; larger numbers cannot name a row.
MAX_ID = 2**31 - 1
MAX_INT32 = 2**31 - 1

_MISSING = object()


def json_object() -> dict[str, Any]:
    """The request body as a JSON object (the Content-Type header is not insisted on)."""
    data = request.get_data(cache=True)
    try:
        body = json.loads(data)
    except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
        raise ApiError(400, "invalid_json", "The request body must be JSON.") from None
    if not isinstance(body, dict):
        raise invalid_request("The request body must be a JSON object.")
    return body


def int_field(
    body: dict[str, Any],
    name: str,
    *,
    required: bool,
    minimum: int | None = None,
    maximum: int | None = None,
) -> int | None:
    """An integer field (not a float, not a boolean); absent or null when not required."""
    value = body.get(name, _MISSING)
    if value is _MISSING or value is None:
        if required:
            raise invalid_request(f"{name} is required.")
        return None
    if (
        not _is_int(value)
        or (minimum is not None and value < minimum)
        or (maximum is not None and value > maximum)
    ):
        raise invalid_request(f"{name} must be {_describe_int(minimum, maximum)}.")
    return value


def str_field(
    body: dict[str, Any], name: str, *, required: bool, max_length: int | None = None
) -> str | None:
    """A string field; absent or null when not required."""
    value = body.get(name, _MISSING)
    if value is _MISSING or value is None:
        if required:
            raise invalid_request(f"{name} is required.")
        return None
    if not isinstance(value, str):
        raise invalid_request(f"{name} must be a string.")
    if max_length is not None and len(value) > max_length:
        raise invalid_request(f"{name} must be at most {max_length} characters long.")
    return value


def id_parameter(name: str) -> int | None:
    """An optional id in the query string: None when absent, 400 when not an integer.

    A well-formed integer that cannot be an id (zero, negative, too large) is
    returned as -1, which matches nothing, so the caller answers 404 as it
    would for any id the user cannot see.
    """
    raw = request.args.get(name)
    if raw is None or raw == "":
        return None
    text = raw.strip()
    digits = text.removeprefix("-").removeprefix("+")
    if not digits.isascii() or not digits.isdigit():
        raise ApiError(400, "invalid_parameter", f"{name} must be an integer id, not {raw!r}.")
    if len(digits) > 12:
        return -1
    value = int(text)
    return value if 1 <= value <= MAX_ID else -1


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _describe_int(minimum: int | None, maximum: int | None) -> str:
    if minimum is not None and maximum is not None:
        return f"an integer from {minimum} to {maximum}"
    if minimum is not None:
        return f"an integer of at least {minimum}"
    if maximum is not None:
        return f"an integer of at most {maximum}"
    return "an integer"
