"""Query parameters: their values arrive as text.

An id parameter that is not an integer is a 400 (``invalid_parameter``); a
well-formed integer that cannot be an id (zero, negative, too large) reads as -1,
which matches nothing, so the view answers 404 as it would for any id the user
cannot see.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BeforeValidator, ValidationInfo, WithJsonSchema
from pydantic_core import PydanticCustomError

from studyapp.api.schemas.common import MAX_ID


def _query_id(raw: Any, info: ValidationInfo) -> Any:
    if not isinstance(raw, str):
        return raw
    if raw == "":
        return None
    text = raw.strip()
    digits = text.removeprefix("-").removeprefix("+")
    if not digits.isascii() or not digits.isdigit():
        raise PydanticCustomError(
            "message", f"{info.field_name} must be an integer id, not {raw!r}."
        )
    if len(digits) > 12:
        return -1
    value = int(text)
    return value if 1 <= value <= MAX_ID else -1


# An optional id: absent or empty is None.
QueryId = Annotated[int | None, BeforeValidator(_query_id), WithJsonSchema({"type": "integer"})]
