"""The portable document of one user's account and history: its format, and reading it back.

The document (``docs/export.md`` describes every field)::

    {"format": "studyapp-user", "version": 2, "exported_at": ...,
     "user": {...}, "settings": {...}, "decks": [...], "enrolments": [...],
     "card_states": [...], "review_logs": [...]}

Cards and decks are named portably, never by database id::

    {"deck": "algebra", "owner": "public", "concept": "groups", "kind": "recall"}
    {"deck": "algebra", "owner": "public", "created_at": ...}    (an enrolment)

``owner`` is ``"public"`` (an owner-less deck an administrator imported) or
``"self"`` (one of the user's own private decks, which the document carries in
full under ``decks``). So a document imports into any database that holds the
same public decks, under the same or another username.

Here: the format's name and versions, the fields of each section in document
order, moments as ISO-8601 text in UTC (:func:`format_datetime`,
:func:`parse_datetime`), and :func:`read_document`, which checks a parsed
document and converts it to typed values (:class:`UserDocument`), listing every
problem in one :class:`UserImportError`. Writing a document is
:mod:`studyapp.backup.export`; storing one is :mod:`studyapp.backup.restore`.

Evolving the format: a new kind of data becomes a new top-level section and a
new ``version``. An importer refuses versions it does not know and sections it
does not know, rather than dropping data silently. Version 2 added
``enrolments`` (the decks the user studies); a version 1 document still
imports, its user enrolled in every deck they may see afterwards (every public
deck of the database and their own decks), which is what they studied when
version 1 was current.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from studyapp.clock import as_utc
from studyapp.errors import Invalid

FORMAT = "studyapp-user"
VERSION = 2
SUPPORTED_VERSIONS = frozenset({1, 2})

PUBLIC = "public"
SELF = "self"

# Every field of each section, in document order. tests/backup/test_document.py
# checks these against the models, so a new column cannot be left out unnoticed.
USER_FIELDS = ("username", "password_hash", "is_admin", "created_at")
SETTINGS_FIELDS = (
    "desired_retention",
    "new_cards_per_day",
    "max_reviews_per_day",
    "time_zone",
    "day_rollover_hour",
    "learning_steps",
    "relearning_steps",
)
DECK_FIELDS = (
    "key",
    "title",
    "description",
    "is_public",
    "source_format",
    "created_at",
    "updated_at",
)
# A concept's "key" and "parent" (its parent's key) come first, its "cards" last.
CONCEPT_FIELDS = (
    "title",
    "summary",
    "detail",
    "position",
    "depth",
    "map_order",
    "subtree_last_order",
    "retired_at",
)
CARD_STATE_FIELDS = (
    "state",
    "step",
    "stability_days",
    "difficulty",
    "due",
    "last_review",
    "reps",
    "lapses",
    "version",
)
REVIEW_LOG_FIELDS = (
    "rating",
    "reviewed_at",
    "duration_ms",
    "request_id",
    "before_state",
    "before_step",
    "before_stability_days",
    "before_difficulty",
    "before_due",
    "before_last_review",
    "after_state",
    "after_step",
    "after_stability_days",
    "after_difficulty",
    "after_due",
)
CARD_REF_FIELDS = ("deck", "owner", "concept", "kind")
ENROLMENT_FIELDS = ("deck", "owner", "created_at")
SECTIONS = ("user", "settings", "decks", "enrolments", "card_states", "review_logs")
TOP_LEVEL_FIELDS = ("format", "version", "exported_at", *SECTIONS)
# Sections by version: version 1 had no enrolments.
SECTIONS_BY_VERSION = {
    1: tuple(section for section in SECTIONS if section != "enrolments"),
    2: SECTIONS,
}


class UserImportError(Invalid):
    """The document cannot be imported; nothing was written.

    ``problems`` lists every reason found (every missing deck, concept or card,
    for instance), one sentence each.
    """

    def __init__(self, message: str, problems: Iterable[str] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.problems = list(problems)

    def __str__(self) -> str:
        return "\n".join([self.message, *(f"  {problem}" for problem in self.problems)])


# --- datetimes -------------------------------------------------------------------------------


def format_datetime(moment: datetime | None) -> str | None:
    """ISO-8601 in UTC with microseconds and a ``Z``: ``2026-03-02T09:00:00.000000Z``."""
    if moment is None:
        return None
    return as_utc(moment).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_datetime(text: str) -> datetime:
    """An ISO-8601 moment with an offset (``Z`` or ``+hh:mm``), as UTC; naive text is refused."""
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise ValueError("has no time zone offset (expected e.g. 2026-03-02T09:00:00Z)")
    return moment.astimezone(UTC)


# --- reading a document ----------------------------------------------------------------------

CardRef = tuple[str, str, str, str]  # (deck key, owner, concept key, kind)


@dataclass
class _Reader:
    """Checks the document's shape and types, collecting every problem with its JSON path."""

    problems: list[str] = field(default_factory=list)

    def fail(self, path: str, message: str) -> None:
        self.problems.append(f"{path}: {message}")

    def object(self, value: Any, path: str, names: Iterable[str], extra: Iterable[str] = ()):
        if not isinstance(value, dict):
            self.fail(path, "is not an object")
            return None
        expected = [*names, *extra]
        missing = [name for name in expected if name not in value]
        unknown = sorted(set(value) - set(expected))
        if missing:
            self.fail(path, f"lacks {', '.join(missing)}")
        if unknown:
            self.fail(path, f"has fields this version cannot import: {', '.join(unknown)}")
        return None if missing else value

    def array(self, value: Any, path: str) -> list[Any]:
        if not isinstance(value, list):
            self.fail(path, "is not an array")
            return []
        return value

    def typed(self, value: Any, path: str, kind: str, *, nullable: bool = False) -> Any:
        if value is None:
            if not nullable:
                self.fail(path, "is null")
            return None
        check = _CHECKS[kind]
        try:
            return check(value)
        except (TypeError, ValueError) as error:
            self.fail(path, f"{error}")
            return None

    def fields(
        self, source: dict[str, Any], path: str, spec: dict[str, tuple[str, bool]]
    ) -> dict[str, Any]:
        return {
            name: self.typed(source[name], f"{path}.{name}", kind, nullable=nullable)
            for name, (kind, nullable) in spec.items()
        }


def _check_str(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError("is not a string")
    return value


def _check_int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError("is not an integer")
    return value


def _check_float(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError("is not a number")
    if not math.isfinite(value):
        raise ValueError("is not a finite number")
    return float(value)


def _check_bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise TypeError("is not true or false")
    return value


def _check_datetime(value: Any) -> datetime:
    try:
        return parse_datetime(_check_str(value))
    except TypeError:
        raise TypeError("is not an ISO-8601 date-time string") from None
    except ValueError as error:
        raise ValueError(f"is not an ISO-8601 date-time with an offset ({error})") from None


_CHECKS: dict[str, Callable[[Any], Any]] = {
    "str": _check_str,
    "int": _check_int,
    "float": _check_float,
    "bool": _check_bool,
    "datetime": _check_datetime,
}

# Field name -> (type, nullable), mirroring the models.
_USER_SPEC = {
    "username": ("str", False),
    "password_hash": ("str", False),
    "is_admin": ("bool", False),
    "created_at": ("datetime", False),
}
_SETTINGS_SPEC = {
    "desired_retention": ("float", False),
    "new_cards_per_day": ("int", False),
    "max_reviews_per_day": ("int", False),
    "time_zone": ("str", False),
    "day_rollover_hour": ("int", False),
    "learning_steps": ("str", False),
    "relearning_steps": ("str", False),
}
_DECK_SPEC = {
    "key": ("str", False),
    "title": ("str", False),
    "description": ("str", False),
    "is_public": ("bool", False),
    "source_format": ("str", False),
    "created_at": ("datetime", False),
    "updated_at": ("datetime", False),
}
_CONCEPT_SPEC = {
    "key": ("str", False),
    "parent": ("str", True),
    "title": ("str", False),
    "summary": ("str", False),
    "detail": ("str", False),
    "position": ("int", False),
    "depth": ("int", False),
    "map_order": ("int", False),
    "subtree_last_order": ("int", False),
    "retired_at": ("datetime", True),
}
_CARD_REF_SPEC = {name: ("str", False) for name in CARD_REF_FIELDS}
_ENROLMENT_SPEC = {
    "deck": ("str", False),
    "owner": ("str", False),
    "created_at": ("datetime", False),
}
_CARD_STATE_SPEC = {
    "state": ("int", False),
    "step": ("int", True),
    "stability_days": ("float", True),
    "difficulty": ("float", True),
    "due": ("datetime", False),
    "last_review": ("datetime", True),
    "reps": ("int", False),
    "lapses": ("int", False),
    "version": ("int", False),
}
_REVIEW_LOG_SPEC = {
    "rating": ("int", False),
    "reviewed_at": ("datetime", False),
    "duration_ms": ("int", True),
    "request_id": ("str", True),
    "before_state": ("int", True),
    "before_step": ("int", True),
    "before_stability_days": ("float", True),
    "before_difficulty": ("float", True),
    "before_due": ("datetime", True),
    "before_last_review": ("datetime", True),
    "after_state": ("int", False),
    "after_step": ("int", True),
    "after_stability_days": ("float", False),
    "after_difficulty": ("float", False),
    "after_due": ("datetime", False),
}


@dataclass
class DeckData:
    """One of the user's own decks, as read: its fields and its concepts with their cards."""

    fields: dict[str, Any]
    concepts: list[tuple[dict[str, Any], list[str]]]  # (concept fields, card kinds)


DeckRef = tuple[str, str]  # (deck key, owner)


@dataclass
class UserDocument:
    """A checked document, its values already converted (datetimes in UTC, floats as floats).

    ``enrolments`` is None for a version 1 document, which has none.
    """

    user: dict[str, Any]
    settings: dict[str, Any]
    decks: list[DeckData]
    card_states: list[tuple[CardRef, dict[str, Any]]]
    review_logs: list[tuple[CardRef, dict[str, Any]]]
    enrolments: list[tuple[DeckRef, datetime]] | None = None


def read_document(document: Any) -> UserDocument:
    """Check a parsed JSON document; raises :class:`UserImportError` listing every problem."""
    reader = _Reader()
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise UserImportError(f'This is not a studyapp user export (no "format": "{FORMAT}").')
    version = document.get("version")
    if isinstance(version, bool) or version not in SUPPORTED_VERSIONS:
        raise UserImportError(
            f"This file is version {version!r} of the {FORMAT} format; this studyapp imports "
            f"version {', '.join(str(v) for v in sorted(SUPPORTED_VERSIONS))}."
        )
    top = reader.object(
        document, "$", ("format", "version", "exported_at", *SECTIONS_BY_VERSION[version])
    )
    if top is None:
        raise UserImportError("The document is incomplete or has unknown parts.", reader.problems)

    reader.typed(top["exported_at"], "$.exported_at", "datetime")
    user, settings = {}, {}
    if (source := reader.object(top["user"], "$.user", USER_FIELDS)) is not None:
        user = reader.fields(source, "$.user", _USER_SPEC)
    if (source := reader.object(top["settings"], "$.settings", SETTINGS_FIELDS)) is not None:
        settings = reader.fields(source, "$.settings", _SETTINGS_SPEC)

    decks: list[DeckData] = []
    for index, item in enumerate(reader.array(top["decks"], "$.decks")):
        path = f"$.decks[{index}]"
        source = reader.object(item, path, DECK_FIELDS, ["concepts"])
        if source is None:
            continue
        deck = DeckData(reader.fields(source, path, _DECK_SPEC), [])
        for number, concept in enumerate(reader.array(source["concepts"], f"{path}.concepts")):
            concept_path = f"{path}.concepts[{number}]"
            concept = reader.object(concept, concept_path, _CONCEPT_SPEC, ["cards"])
            if concept is None:
                continue
            kinds = [
                reader.typed(kind, f"{concept_path}.cards[{position}]", "str")
                for position, kind in enumerate(
                    reader.array(concept["cards"], f"{concept_path}.cards")
                )
            ]
            deck.concepts.append((reader.fields(concept, concept_path, _CONCEPT_SPEC), kinds))
        decks.append(deck)

    def rows(section: str, spec: dict[str, tuple[str, bool]]):
        result: list[tuple[CardRef, dict[str, Any]]] = []
        for index, item in enumerate(reader.array(top[section], f"$.{section}")):
            path = f"$.{section}[{index}]"
            source = reader.object(item, path, spec, ["card"])
            if source is None:
                continue
            ref_source = reader.object(source["card"], f"{path}.card", CARD_REF_FIELDS)
            if ref_source is None:
                continue
            ref = reader.fields(ref_source, f"{path}.card", _CARD_REF_SPEC)
            if ref["owner"] not in (PUBLIC, SELF):
                reader.fail(f"{path}.card.owner", f"is neither '{PUBLIC}' nor '{SELF}'")
            card: CardRef = (ref["deck"], ref["owner"], ref["concept"], ref["kind"])
            result.append((card, reader.fields(source, path, spec)))
        return result

    enrolments: list[tuple[DeckRef, datetime]] | None = None
    if "enrolments" in SECTIONS_BY_VERSION[version]:
        enrolments = []
        for index, item in enumerate(reader.array(top["enrolments"], "$.enrolments")):
            path = f"$.enrolments[{index}]"
            source = reader.object(item, path, ENROLMENT_FIELDS)
            if source is None:
                continue
            values = reader.fields(source, path, _ENROLMENT_SPEC)
            if values["owner"] not in (PUBLIC, SELF):
                reader.fail(f"{path}.owner", f"is neither '{PUBLIC}' nor '{SELF}'")
            enrolments.append(((values["deck"], values["owner"]), values["created_at"]))

    card_states = rows("card_states", _CARD_STATE_SPEC)
    review_logs = rows("review_logs", _REVIEW_LOG_SPEC)
    if reader.problems:
        raise UserImportError("The document cannot be imported:", reader.problems)
    return UserDocument(user, settings, decks, card_states, review_logs, enrolments)
