"""The JSON API under ``/api/v1``: bearer tokens, decks, review, today's counts and quizzes.

``docs/api.md`` is the guide; ``GET /api/v1/openapi.json`` is the reference. Each view
is declared once with :func:`studyapp.api.endpoints.endpoint` and the pydantic models of
:mod:`studyapp.api.schemas`, which validate its input, shape its answer and generate the
document (:mod:`studyapp.api.openapi`). Every response under the prefix, errors
included, is JSON (see :mod:`studyapp.api.errors`).
"""

from __future__ import annotations

# Importing the route modules registers their routes and handlers on the blueprint.
from studyapp.api import (  # noqa: F401
    auth,
    deck_files,
    decks,
    errors,
    export,
    openapi,
    quizzes,
    review,
    stats,
)
from studyapp.api.blueprint import API_PREFIX, api_blueprint

__all__ = ["API_PREFIX", "api_blueprint"]
