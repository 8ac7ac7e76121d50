"""Quizzes on one branch (studyapp.quiz; docs/quiz.md)."""

from __future__ import annotations

from typing import Annotated, Any, Literal, get_args

from pydantic import (
    BeforeValidator,
    Field,
    SerializerFunctionWrapHandler,
    WithJsonSchema,
    model_serializer,
)

from studyapp.api.schemas.common import (
    Absent,
    ApiModel,
    CardKind,
    Count,
    DurationMs,
    Id,
    MasteryLevels,
    Rating,
    RatingGiven,
    RowId,
    Share,
    Timestamp,
)
from studyapp.quiz.questions import QuestionView
from studyapp.quiz.results import BranchMastery as Mastery
from studyapp.quiz.results import QuizResults as Results
from studyapp.storage.models import QuizMode

Positive = Annotated[int, WithJsonSchema({"type": "integer", "minimum": 1})]
QuizModeName = Literal[tuple(mode.value for mode in QuizMode)]
PromptKind = Literal[(*get_args(CardKind), "masked_summary")]


def _null_is_false(value: Any) -> Any:
    return False if value is None else value


class QuizRequest(ApiModel):
    deck_id: RowId
    subtree: RowId = Field(
        description="The concept whose branch (it and its descendants) is quizzed; a live "
        "concept of that deck."
    )
    mode: QuizModeName = Field(
        description="recall: every card, flipped and rated 1-4. choice: one question per "
        "concept, its masked summary and up to four titles."
    )
    practice_only: Annotated[bool, BeforeValidator(_null_is_false)] = Field(
        default=False, description="Record the answers without rescheduling any card."
    )


class QuizCreated(ApiModel):
    """The new quiz and its number of questions."""

    quiz_id: Id
    total: Count


class QuizOption(ApiModel):
    concept_id: Id
    title: str


class QuizQuestion(ApiModel):
    question_id: Id
    number: Positive = Field(description="1-based.")
    total: Positive
    card_id: Id
    concept_id: Id
    kind: CardKind
    prompt_kind: PromptKind = Field(
        description="The card kind asked (recall mode) or masked_summary (choice)."
    )
    prompt: str = Field(
        description="The card's front (recall), or the concept's summary with its name "
        "masked (choice)."
    )
    context: str | None = Field(description="The parent concept's title.")
    answer: str | Absent = Field(
        default=None, description="Recall mode only: the card's back, to flip to."
    )
    options: list[QuizOption] | Absent = Field(
        default=None,
        json_schema_extra={"maxItems": 4},
        description="Choice mode only: the right title and up to three wrong ones, in a "
        "fixed shuffled order.",
    )

    # No return annotation: pydantic would take it for the schema of the whole answer.
    @model_serializer(mode="wrap")
    def _leave_out_the_other_modes_field(self, write: SerializerFunctionWrapHandler):
        data = write(self)
        data.pop("options" if self.options is None else "answer")
        return data

    @classmethod
    def of(cls, question: QuestionView) -> QuizQuestion:
        fields: dict[str, Any] = {}
        if question.options is not None:
            fields["options"] = question.options
        else:
            fields["answer"] = question.answer
        return cls(
            question_id=question.question_id,
            number=question.number,
            total=question.total,
            card_id=question.card_id,
            concept_id=question.concept_id,
            kind=question.kind,
            prompt_kind=question.prompt_kind,
            prompt=question.prompt,
            context=question.faces.context,
            **fields,
        )


class QuizAnswerRequest(ApiModel):
    question_id: RowId
    concept_id: RowId | None = Field(default=None, description="Choice mode: the option chosen.")
    rating: Rating | None = Field(
        default=None, description="Recall mode: 1 Again, 2 Hard, 3 Good, 4 Easy."
    )
    duration_ms: DurationMs | None = None


class QuizAnswerResult(ApiModel):
    question_id: Id
    correct: bool = Field(
        description="Choice: the right concept was chosen. Recall: rated Hard, Good or Easy "
        "(recalled); Again is not."
    )
    answer_concept_id: Id
    rating: RatingGiven = Field(
        description="The rating the answer counts as (choice: 3 Good if right, 1 Again if wrong)."
    )
    chosen_concept_id: Id | None
    applied_to_fsrs: bool = Field(description="False for a practice-only quiz.")
    replayed: bool = Field(
        description="The question had already been answered: this is the stored result and "
        "nothing changed."
    )
    finished: bool = Field(description="No question is left.")


class BranchMastery(ApiModel):
    levels: MasteryLevels = Field(
        description="Concepts of the branch at each mastery level (docs/mastery.md)."
    )
    mean_retrievability: Share | None

    @classmethod
    def of(cls, mastery: Mastery) -> BranchMastery:
        return cls(
            levels=MasteryLevels.of(mastery.levels),
            mean_retrievability=mastery.mean_retrievability,
        )


class QuizAnswer(ApiModel):
    question_id: Id
    card_id: Id
    prompt_kind: PromptKind
    rating: RatingGiven
    correct: bool
    chosen_concept_id: Id | None
    applied_to_fsrs: bool
    answered_at: Timestamp


class QuizConceptResult(ApiModel):
    concept_id: Id
    title: str
    correct: bool | None = Field(
        description="Every question of the concept answered right; null until all are answered."
    )
    answers: list[QuizAnswer]


class QuizResults(ApiModel):
    quiz_id: Id
    deck_id: Id
    subtree: Id
    mode: QuizModeName
    practice_only: bool
    created_at: Timestamp
    finished_at: Timestamp | None
    total: Count
    answered: Count
    right: Count
    finished: bool
    concepts: list[QuizConceptResult] = Field(description="In map order.")
    mastery_before: BranchMastery
    mastery_after: BranchMastery | None = Field(
        description="Now; null if the branch is gone from the deck."
    )

    @classmethod
    def of(cls, results: Results) -> QuizResults:
        return cls(
            quiz_id=results.quiz_id,
            deck_id=results.deck_id,
            subtree=results.subtree_id,
            mode=results.mode.value,
            practice_only=results.practice_only,
            created_at=results.created_at,
            finished_at=results.finished_at,
            total=results.total,
            answered=results.answered,
            right=results.right,
            finished=results.finished,
            concepts=[
                QuizConceptResult(
                    concept_id=concept.concept_id,
                    title=concept.title,
                    correct=concept.correct,
                    answers=concept.given,
                )
                for concept in results.concepts
            ],
            mastery_before=BranchMastery.of(results.mastery_before),
            mastery_after=(
                BranchMastery.of(results.mastery_after) if results.mastery_after else None
            ),
        )
