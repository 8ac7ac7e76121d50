"""Studying: the next card, rating it, undoing a rating, today's counts."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field, StringConstraints, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from studyapp.api.schemas.common import (
    AnyId,
    ApiModel,
    CardKind,
    CardStateName,
    Count,
    DurationMs,
    Id,
    InlineModel,
    Rating,
    RatingGiven,
    RowId,
    Timestamp,
)
from studyapp.api.schemas.query import QueryId
from studyapp.decks.card_faces import CardFaces
from studyapp.decks.outline import STATE_NAMES
from studyapp.scheduling.intervals import format_interval
from studyapp.scheduling.memory import Grade, MemoryState
from studyapp.scheduling.queue.entries import QueueEntry, QueueKind
from studyapp.scheduling.rating import RatingResult
from studyapp.scheduling.rating import UndoResult as Undone
from studyapp.scheduling.today import TodayCounts

MAX_REQUEST_ID_LENGTH = 64


class NextCardQuery(ApiModel):
    deck_id: QueryId = Field(default=None, description="Only this deck's cards.")
    subtree: QueryId = Field(
        default=None, description="Only cards of this concept and its descendants."
    )


class Preview(ApiModel):
    """What one rating would do."""

    due: Timestamp
    interval: str = Field(
        description="How long until due, as on the answer button: <1m, 10m, 3h, 4d, 2.5mo, 1.1y.",
        examples=["10m"],
    )


class Previews(InlineModel):
    """By rating: 1 Again, 2 Hard, 3 Good, 4 Easy."""

    again: Preview = Field(alias="1")
    hard: Preview = Field(alias="2")
    good: Preview = Field(alias="3")
    easy: Preview = Field(alias="4")


class NextCard(ApiModel):
    card_id: Id
    concept_key: str
    kind: CardKind
    front: str
    back: str
    context: str | None = Field(description="The parent concept's title.")
    queue: Literal[tuple(kind.value for kind in QueueKind)]
    previews: Previews

    @classmethod
    def of(
        cls,
        entry: QueueEntry,
        concept_key: str,
        kind: str,
        faces: CardFaces,
        previews: dict[Grade, MemoryState],
        now: datetime,
    ) -> NextCard:
        return cls(
            card_id=entry.card_id,
            concept_key=concept_key,
            kind=kind,
            front=faces.front,
            back=faces.back,
            context=faces.context,
            queue=entry.kind.value,
            previews=Previews.model_validate(
                {
                    str(int(grade)): Preview(
                        due=after.due, interval=format_interval(after.due - now)
                    )
                    for grade, after in previews.items()
                }
            ),
        )


class ReviewRequest(ApiModel):
    card_id: AnyId
    rating: Rating
    duration_ms: DurationMs | None = None
    request_id: (
        Annotated[
            str,
            StringConstraints(max_length=MAX_REQUEST_ID_LENGTH),
            Field(json_schema_extra={"minLength": 1}),
        ]
        | None
    ) = Field(
        default=None,
        description="Idempotency key: a repeat returns the first answer and changes nothing.",
    )
    deck_id: RowId | None = Field(
        default=None,
        description="The deck being studied, as given to /review/next: the card must be in "
        "that scope's queue.",
    )
    subtree: RowId | None = Field(
        default=None,
        description="The concept whose branch is being studied, as given to /review/next.",
    )

    @field_validator("request_id")
    @classmethod
    def _printable(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is not None and (not value or not value.isprintable()):
            raise PydanticCustomError(
                "message",
                f"{info.field_name} must be 1 to {MAX_REQUEST_ID_LENGTH} printable characters.",
            )
        return value


class ReviewResult(ApiModel):
    card_id: Id
    state: Literal["learning", "review", "relearning"]
    stability: float
    difficulty: float
    due: Timestamp
    last_review: Timestamp

    @classmethod
    def of(cls, result: RatingResult) -> ReviewResult:
        memory = result.memory
        return cls(
            card_id=result.card_id,
            state=STATE_NAMES[memory.state.value],
            stability=memory.stability_days,
            difficulty=memory.difficulty,
            due=memory.due,
            last_review=memory.last_review,
        )


class UndoResult(ApiModel):
    card_id: Id
    rating: RatingGiven
    state: CardStateName = Field(description="The card's state after the undo.")

    @classmethod
    def of(cls, result: Undone) -> UndoResult:
        restored = result.restored
        return cls(
            card_id=result.card_id,
            rating=int(result.grade),
            state=STATE_NAMES[restored.state.value if restored else None],
        )


class TodayStats(ApiModel):
    reviewed: Count = Field(description="Ratings given today.")
    due: Count = Field(description="Review cards still due today.")
    new: Count = Field(description="New cards still available today.")
    learning: Count = Field(description="Learning and relearning cards left today.")

    @classmethod
    def of(cls, counts: TodayCounts) -> TodayStats:
        return cls.model_validate(counts)
