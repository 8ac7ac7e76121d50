"""The API's request and response bodies: one pydantic model each.

A model validates what a client sends (:mod:`studyapp.api.validation`), shapes what a
view answers (:func:`studyapp.api.endpoints.json_response`) and, through pydantic's JSON
Schema, is the component of the same name in the OpenAPI document
(:mod:`studyapp.api.openapi`). One module per area; :mod:`.common` holds the shared
types and the error body.
"""

from __future__ import annotations

from studyapp.api.schemas.auth import Token, TokenRequest
from studyapp.api.schemas.common import DeckProblem, Error
from studyapp.api.schemas.decks import (
    Deck,
    DeckList,
    DeckPreview,
    DeckUpload,
    DraftConcept,
    Enrolment,
    ImportChanges,
)
from studyapp.api.schemas.quizzes import (
    BranchMastery,
    QuizAnswer,
    QuizAnswerRequest,
    QuizAnswerResult,
    QuizConceptResult,
    QuizCreated,
    QuizOption,
    QuizQuestion,
    QuizRequest,
    QuizResults,
)
from studyapp.api.schemas.review import (
    NextCard,
    Preview,
    ReviewRequest,
    ReviewResult,
    TodayStats,
    UndoResult,
)
from studyapp.api.schemas.stats import Stats
from studyapp.api.schemas.tree import Card, Concept, DeckTree, Mastery

__all__ = [
    "BranchMastery",
    "Card",
    "Concept",
    "Deck",
    "DeckList",
    "DeckPreview",
    "DeckProblem",
    "DeckTree",
    "DeckUpload",
    "DraftConcept",
    "Enrolment",
    "Error",
    "ImportChanges",
    "Mastery",
    "NextCard",
    "Preview",
    "QuizAnswer",
    "QuizAnswerRequest",
    "QuizAnswerResult",
    "QuizConceptResult",
    "QuizCreated",
    "QuizOption",
    "QuizQuestion",
    "QuizRequest",
    "QuizResults",
    "ReviewRequest",
    "ReviewResult",
    "Stats",
    "TodayStats",
    "Token",
    "TokenRequest",
    "UndoResult",
]
