"""The domain's refusals: one exception hierarchy for everything studyapp declines to do.

Every refusal is a :class:`StudyappError` with a stable machine-readable ``code``
and a ``message`` for people. It belongs to exactly one category, and the
category alone decides the HTTP status (``status``) that the web pages and the
API answer with; the adapters translate in one place each
(:mod:`studyapp.web.errors`, :mod:`studyapp.api.errors`). Domain modules raise
subclasses of a category and never choose a status themselves.

    StudyappError
    ├── BadRequest   400  malformed input: not a date, not a number
    ├── Forbidden    403  allowed to see it, not to change it
    ├── NotFound     404  does not exist, or the user may not see it
    ├── Conflict     409  not possible now: not due, nothing to undo, changed meanwhile
    └── Invalid      422  well-formed but wrong: an invalid deck, answer or account
"""

from __future__ import annotations

from typing import Any, ClassVar


class StudyappError(Exception):
    """Something studyapp refuses to do, with the reason in words (``message``)."""

    code: ClassVar[str] = "error"
    # The HTTP status of the whole category (the subclasses below set it, nothing else).
    status: ClassVar[int] = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def details(self) -> dict[str, Any]:
        """What an error answer carries beside ``code`` and ``message`` (nothing by default)."""
        return {}


class BadRequest(StudyappError):
    """Input that is not even of the right form (a date that is not a date)."""

    code = "bad_request"
    status = 400


class Forbidden(StudyappError):
    """The user may see the thing but not do this to it (only its owner may)."""

    code = "forbidden"
    status = 403


class NotFound(StudyappError):
    """The thing does not exist, or the user may not see it.

    Another user's private deck, card or quiz is "not found", never "forbidden",
    so ids leak nothing.
    """

    code = "not_found"
    status = 404


class Conflict(StudyappError):
    """Not possible in the current state (the card is not due, the deck changed meanwhile)."""

    code = "conflict"
    status = 409


class Invalid(StudyappError):
    """Well-formed input that is wrong: a value out of range, an answer that is no option."""

    code = "invalid_request"
    status = 422
