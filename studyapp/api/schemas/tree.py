"""A deck's tree with the user's card states and mastery (``GET /decks/{deck_id}/tree``).

These models define the tree's JSON and its schema, but the concept forest is
written by the fast encoder in :mod:`studyapp.api.serialize`, never through a model
per concept; tests/api/test_tree_json.py checks the bytes it writes against
:class:`DeckTree`.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import Field, WithJsonSchema

from studyapp.api.schemas.common import (
    ApiModel,
    CardKind,
    CardStateName,
    Count,
    Id,
    InlineModel,
    MasteryLevelName,
    MasteryLevels,
    Share,
    Timestamp,
)
from studyapp.api.schemas.decks import Deck


class TreeQuery(ApiModel):
    as_of: Annotated[str | None, WithJsonSchema({"type": "string", "format": "date"})] = Field(
        default=None,
        description="Compute mastery for this day (YYYY-MM-DD, the user's study day): "
        "retrievability at its start, due cards by its end. Today or later, at most 10 "
        "years ahead; an earlier date is refused with 422 (date_in_past), a malformed one "
        "with 400 (invalid_parameter).",
    )


class Card(ApiModel):
    """A card with the calling user's memory of it (new: nulls and zeros)."""

    id: Id
    kind: CardKind
    state: CardStateName
    stability: float | None = Field(description="Days.")
    difficulty: float | None
    due: Timestamp | None
    last_review: Timestamp | None
    retrievability: Share | None
    reps: Count
    lapses: Count


class SubtreeMastery(InlineModel):
    levels: MasteryLevels = Field(
        description="How many concepts of the sub-tree (the concept and all its descendants) "
        "are at each level."
    )
    mean_retrievability: Share | None = Field(
        description="Mean of the sub-tree's concept retrievabilities that exist; null when "
        "none does."
    )


class Mastery(ApiModel):
    """How well the user knows the concept (levels from stability; retrievability and
    fading at the moment asked about)."""

    level: MasteryLevelName
    retrievability: Share | None = Field(
        description="Mean FSRS recall probability of the reviewed cards at the moment asked "
        "about; null when none was reviewed."
    )
    fading: bool = Field(description="retrievability is below the user's desired retention.")
    due_cards: Count = Field(
        description="This concept's cards due by the end of the study day asked about."
    )
    subtree: SubtreeMastery


class Concept(ApiModel):
    id: Id
    key: str
    title: str
    summary: str
    detail: str
    cards: list[Card]
    mastery: Mastery
    children: list[Concept]


class DeckTree(ApiModel):
    deck: Deck
    as_of: dt.date = Field(description="The day mastery is computed for: today, or as_of.")
    concepts: list[Concept]
