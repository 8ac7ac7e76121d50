"""Quizzes through the API: start one on a branch, take its questions in order, see the result.

The rules (order, options, scoring, what is stored) are :mod:`studyapp.quiz`'s
and docs/quiz.md's; this module only reads requests and shapes answers.
"""

from __future__ import annotations

from flask import Response, url_for

from studyapp.api.auth import current_user
from studyapp.api.blueprint import api_blueprint
from studyapp.api.endpoints import endpoint
from studyapp.api.schemas.common import MAX_ID
from studyapp.api.schemas.quizzes import (
    QuizAnswerRequest,
    QuizAnswerResult,
    QuizCreated,
    QuizQuestion,
    QuizRequest,
    QuizResults,
)
from studyapp.quiz.answering import answer_question as record_answer
from studyapp.quiz.launch import create_quiz as start_quiz
from studyapp.quiz.questions import current_question
from studyapp.quiz.results import quiz_results
from studyapp.web.runtime import db_session, study_context


@api_blueprint.route("/quizzes", methods=["POST"])
@endpoint(
    summary="Start a quiz of a branch: every card of a concept's sub-tree, due or not, "
    "weakest first.",
    tag="quizzes",
    body=QuizRequest,
    responses={201: (QuizCreated, "The quiz, with all its questions made."), 404: "NotFound"},
)
def create_quiz(body: QuizRequest) -> tuple[QuizCreated, int, dict[str, str]]:
    """Start a quiz of a branch: every card of the concept's sub-tree, due or not."""
    user = current_user()
    quiz = start_quiz(
        db_session(),
        study_context(user),
        deck_id=body.deck_id,
        subtree_id=body.subtree,
        mode=body.mode,
        practice_only=body.practice_only,
    )
    location = url_for("api.get_quiz", quiz_id=quiz.id)
    return QuizCreated(quiz_id=quiz.id, total=quiz.question_count), 201, {"Location": location}


@api_blueprint.route(f"/quizzes/<int(max={MAX_ID}):quiz_id>/next", methods=["GET"])
@endpoint(
    summary="The quiz's current (first unanswered) question.",
    tag="quizzes",
    operation_id="nextQuizQuestion",
    responses={
        200: (QuizQuestion, "The question to show."),
        204: (None, "The quiz is over."),
        404: "NotFound",
    },
)
def next_question(quiz_id: int) -> QuizQuestion | Response:
    """The quiz's current question; 204 when every question has been answered."""
    question = current_question(db_session(), current_user().id, quiz_id)
    if question is None:
        return Response(status=204)
    return QuizQuestion.of(question)


@api_blueprint.route(f"/quizzes/<int(max={MAX_ID}):quiz_id>/answers", methods=["POST"])
@endpoint(
    summary="Answer the current question; answering an answered question again returns its "
    "stored result and changes nothing.",
    tag="quizzes",
    operation_id="answerQuizQuestion",
    body=QuizAnswerRequest,
    responses={
        200: (QuizAnswerResult, "Whether the answer was right."),
        404: "NotFound",
        409: "Conflict",
    },
)
def answer_question(quiz_id: int, body: QuizAnswerRequest) -> QuizAnswerResult:
    """Answer the current question: ``concept_id`` (choice) or ``rating`` (recall)."""
    user = current_user()
    result = record_answer(
        db_session(),
        study_context(user),
        quiz_id=quiz_id,
        question_id=body.question_id,
        concept_id=body.concept_id,
        rating=body.rating,
        duration_ms=body.duration_ms,
    )
    return QuizAnswerResult.model_validate(result)


@api_blueprint.route(f"/quizzes/<int(max={MAX_ID}):quiz_id>", methods=["GET"])
@endpoint(
    summary="The quiz's result per concept and the branch's mastery before and now.",
    tag="quizzes",
    operation_id="getQuiz",
    responses={200: (QuizResults, "The quiz so far, or its result."), 404: "NotFound"},
)
def get_quiz(quiz_id: int) -> QuizResults:
    """The quiz so far or at its end: each concept's result and the branch's mastery."""
    user = current_user()
    return QuizResults.of(quiz_results(db_session(), study_context(user), quiz_id))
