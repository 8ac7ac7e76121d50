"""Flask's JSON through orjson.

The tree of a 5,000-concept deck is a 6 MB document: the standard library
encodes it in about 100 ms, orjson in about 10 (benchmarks/README.md, "Map
page"). Values the API sends are plain dicts, lists, strings and numbers that
``studyapp.api.serialize`` prepared, so the two encoders give the same JSON.
"""

from __future__ import annotations

import decimal
from typing import Any

import orjson
from flask import Response
from flask.json.provider import JSONProvider

# UTC datetimes as "2026-03-02T09:10:00Z", the form the API models write (Timestamp in
# studyapp.api.schemas.common; a test keeps the two equal). Keys must be str:
# OPT_NON_STR_KEYS would slow the encoding of every dict in a document (a fifth of the
# map's tree), so the serializers write enum keys as their values.
_OPTIONS = orjson.OPT_UTC_Z


def _fallback(value: Any) -> Any:
    if isinstance(value, decimal.Decimal):
        return str(value)
    if hasattr(value, "__html__"):  # markupsafe.Markup and friends
        return str(value.__html__())
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


class OrjsonProvider(JSONProvider):
    def dumps(self, obj: Any, **kwargs: Any) -> str:
        return self._encode(obj).decode()

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        return orjson.loads(s)

    def response(self, *args: Any, **kwargs: Any) -> Response:
        obj = self._prepare_response_obj(args, kwargs)
        return self._app.response_class(self._encode(obj), mimetype="application/json")

    def _encode(self, obj: Any) -> bytes:
        options = _OPTIONS | (orjson.OPT_INDENT_2 if self._app.debug else 0)
        return orjson.dumps(obj, default=_fallback, option=options)
