"""What every API model shares: the base class, ids, counts, times and the error body.

Requests are validated against their constraints (``Field(ge=..., le=...)``, strict
types); responses are built by the views from values the domain computed, so their
bounds are only documented (``WithJsonSchema``): an answer is never refused on its way
out, and the contract tests check real answers against the document.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, ClassVar, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, WithJsonSchema
from pydantic.json_schema import SkipJsonSchema

from studyapp.clock import as_utc
from studyapp.decks.outline import STATE_NAMES
from studyapp.map.mastery import MASTERY_LEVELS
from studyapp.storage.models import CARD_KIND_ORDER

# Ids and counters are 32-bit INTEGER columns; larger numbers cannot name a row.
MAX_ID = 2**31 - 1
MAX_INT32 = 2**31 - 1

# Marks a model whose schema is written out where it is used rather than as a
# component of its own (a part of one answer, not a shape clients refer to).
INLINE = "x-inline"


class ApiModel(BaseModel):
    """A request or response body; the class name is its name in the OpenAPI document."""

    # Responses are read from the domain's dataclasses and named tuples by attribute.
    model_config = ConfigDict(from_attributes=True, populate_by_name=True)

    # The body's media type in the document (a model read by hand, e.g. an upload, says so).
    media_type: ClassVar[str] = "application/json"


class InlineModel(ApiModel):
    """A nested object written out in its parent's schema, not a component."""

    model_config = ConfigDict(json_schema_extra={INLINE: True})


# -- Requests: validated ----------------------------------------------------------------

# An id that can name a row; another integer is refused by name (422).
RowId = Annotated[int, Field(ge=1, le=MAX_ID)]
# An id for which any integer is accepted, and one that cannot name a row is simply not
# found (404), like an id the user cannot see.
AnyId = Annotated[int, WithJsonSchema({"type": "integer", "minimum": 1})]
Rating = Annotated[int, Field(ge=1, le=4, description="1 Again, 2 Hard, 3 Good, 4 Easy.")]
DurationMs = Annotated[int, Field(ge=0, le=MAX_INT32, description="How long the answer took.")]

# -- Responses: documented -------------------------------------------------------------

Id = Annotated[int, WithJsonSchema({"type": "integer", "minimum": 1})]
Count = Annotated[int, WithJsonSchema({"type": "integer", "minimum": 0})]
Share = Annotated[float, WithJsonSchema({"type": "number", "minimum": 0, "maximum": 1})]
RatingGiven = Annotated[
    int,
    WithJsonSchema(
        {
            "type": "integer",
            "minimum": 1,
            "maximum": 4,
            "description": "1 Again, 2 Hard, 3 Good, 4 Easy.",
        }
    ),
]
# Written as 2026-03-02T09:10:00Z; a naive value read from SQLite is UTC already.
Timestamp = Annotated[
    datetime,
    AfterValidator(as_utc),
    Field(description="ISO-8601 in UTC, e.g. 2026-03-02T09:10:00Z."),
]
# A response field that is left out, rather than written as null, when not set.
Absent = SkipJsonSchema[None]

CardKind = Literal[tuple(kind.value for kind in CARD_KIND_ORDER)]
CardStateName = Literal[tuple(STATE_NAMES.values())]
MasteryLevelName = Literal[tuple(level.value for level in MASTERY_LEVELS)]


class MasteryLevels(InlineModel):
    """How many concepts are at each mastery level (docs/mastery.md)."""

    not_started: Count
    learning: Count
    familiar: Count
    proficient: Count
    mastered: Count

    @classmethod
    def of(cls, counts: dict[Any, int]) -> MasteryLevels:
        """From counts by :class:`~studyapp.map.mastery.MasteryLevel` (missing ones: 0)."""
        return cls(**{level.value: counts.get(level, 0) for level in MASTERY_LEVELS})


assert tuple(MasteryLevels.model_fields) == tuple(level.value for level in MASTERY_LEVELS)


# -- Errors ----------------------------------------------------------------------------


class DeckProblem(ApiModel):
    location: str = Field(
        description="File name, then line and/or JSON path where known.",
        examples=["algebra.json, $.concepts[0].summary"],
    )
    message: str


class ErrorBody(InlineModel):
    code: str = Field(
        description="Stable machine-readable name, e.g. not_found, invalid_request, card_not_due."
    )
    message: str = Field(description="For people.")
    problems: list[DeckProblem] | Absent = Field(
        default=None, description="Only with code invalid_deck: every problem found."
    )


class Error(ApiModel):
    """Every error under /api/v1 (written by studyapp.api.errors)."""

    error: ErrorBody
