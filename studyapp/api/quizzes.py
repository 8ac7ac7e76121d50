"""Quizzes through the API: start one on a branch, take its questions in order, see the result.

The rules (order, options, scoring, what is stored) are :mod:`studyapp.quiz.quizzes`'s
and docs/quiz.md's; this module only reads requests and shapes answers.
"""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify, url_for

from studyapp.api.auth import current_user
from studyapp.api.blueprint import api_blueprint
from studyapp.api.errors import invalid_request
from studyapp.api.parsing import MAX_ID, MAX_INT32, int_field, json_object, str_field
from studyapp.api.serialize import timestamp
from studyapp.map.mastery import MASTERY_LEVELS
from studyapp.quiz import quizzes as quizzes
from studyapp.storage.models import QuizMode
from studyapp.web.runtime import db_session, study_context

QUIZ_MODES = [mode.value for mode in QuizMode]


@api_blueprint.route("/quizzes", methods=["POST"])
def create_quiz() -> tuple[Response, int]:
    """Start a quiz of a branch: every card of the concept's sub-tree, due or not."""
    body = json_object()
    deck_id = int_field(body, "deck_id", required=True, minimum=1, maximum=MAX_ID)
    subtree = int_field(body, "subtree", required=True, minimum=1, maximum=MAX_ID)
    mode = str_field(body, "mode", required=True, max_length=16)
    if mode not in QUIZ_MODES:
        raise invalid_request("mode must be 'recall' or 'choice'.")
    practice_only = body.get("practice_only", False)
    if practice_only is None:
        practice_only = False
    if not isinstance(practice_only, bool):
        raise invalid_request("practice_only must be true or false.")
    assert deck_id is not None and subtree is not None
    user = current_user()
    quiz = quizzes.create_quiz(
        db_session(),
        study_context(user),
        deck_id=deck_id,
        subtree_id=subtree,
        mode=mode,
        practice_only=practice_only,
    )
    response = jsonify({"quiz_id": quiz.id, "total": quiz.question_count})
    response.headers["Location"] = url_for("api.get_quiz", quiz_id=quiz.id)
    return response, 201


@api_blueprint.route(f"/quizzes/<int(max={MAX_ID}):quiz_id>/next", methods=["GET"])
def next_question(quiz_id: int) -> Response:
    """The quiz's current question; 204 when every question has been answered."""
    question = quizzes.current_question(db_session(), current_user().id, quiz_id)
    if question is None:
        return Response(status=204)
    return jsonify(serialize_question(question))


@api_blueprint.route(f"/quizzes/<int(max={MAX_ID}):quiz_id>/answers", methods=["POST"])
def answer_question(quiz_id: int) -> Response:
    """Answer the current question: ``concept_id`` (choice) or ``rating`` (recall)."""
    body = json_object()
    question_id = int_field(body, "question_id", required=True, minimum=1, maximum=MAX_ID)
    concept_id = int_field(body, "concept_id", required=False, minimum=1, maximum=MAX_ID)
    rating = int_field(body, "rating", required=False, minimum=1, maximum=4)
    duration_ms = int_field(body, "duration_ms", required=False, minimum=0, maximum=MAX_INT32)
    assert question_id is not None
    user = current_user()
    result = quizzes.answer_question(
        db_session(),
        study_context(user),
        quiz_id=quiz_id,
        question_id=question_id,
        concept_id=concept_id,
        rating=rating,
        duration_ms=duration_ms,
    )
    return jsonify(
        {
            "question_id": result.question_id,
            "correct": result.correct,
            "answer_concept_id": result.answer_concept_id,
            "rating": result.rating,
            "chosen_concept_id": result.chosen_concept_id,
            "applied_to_fsrs": result.applied_to_fsrs,
            "replayed": result.replayed,
            "finished": result.finished,
        }
    )


@api_blueprint.route(f"/quizzes/<int(max={MAX_ID}):quiz_id>", methods=["GET"])
def get_quiz(quiz_id: int) -> Response:
    """The quiz so far or at its end: each concept's result and the branch's mastery."""
    user = current_user()
    return jsonify(
        serialize_results(quizzes.quiz_results(db_session(), study_context(user), quiz_id))
    )


def serialize_question(question: quizzes.QuestionView) -> dict[str, Any]:
    body: dict[str, Any] = {
        "question_id": question.question_id,
        "number": question.number,
        "total": question.total,
        "card_id": question.card_id,
        "concept_id": question.concept_id,
        "kind": question.kind,
        "prompt_kind": question.prompt_kind,
        "prompt": question.prompt,
        "context": question.faces.context,
    }
    if question.options is not None:
        body["options"] = [
            {"concept_id": option.concept_id, "title": option.title} for option in question.options
        ]
    else:
        body["answer"] = question.answer
    return body


def serialize_mastery(mastery: quizzes.BranchMastery | None) -> dict[str, Any] | None:
    if mastery is None:
        return None
    return {
        "levels": {level.value: mastery.levels.get(level, 0) for level in MASTERY_LEVELS},
        "mean_retrievability": mastery.mean_retrievability,
    }


def serialize_results(results: quizzes.QuizResults) -> dict[str, Any]:
    return {
        "quiz_id": results.quiz_id,
        "deck_id": results.deck_id,
        "subtree": results.subtree_id,
        "mode": results.mode.value,
        "practice_only": results.practice_only,
        "created_at": timestamp(results.created_at),
        "finished_at": timestamp(results.finished_at),
        "total": results.total,
        "answered": results.answered,
        "right": results.right,
        "finished": results.finished,
        "concepts": [
            {
                "concept_id": concept.concept_id,
                "title": concept.title,
                "correct": concept.correct,
                "answers": [
                    {
                        "question_id": answer.question_id,
                        "card_id": answer.card_id,
                        "prompt_kind": answer.prompt_kind,
                        "rating": answer.rating,
                        "correct": answer.correct,
                        "chosen_concept_id": answer.chosen_concept_id,
                        "applied_to_fsrs": answer.applied_to_fsrs,
                        "answered_at": timestamp(answer.answered_at),
                    }
                    for answer in concept.given
                ],
            }
            for concept in results.concepts
        ],
        "mastery_before": serialize_mastery(results.mastery_before),
        "mastery_after": serialize_mastery(results.mastery_after),
    }
