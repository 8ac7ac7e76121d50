"""The quiz pages: start a quiz of a branch, answer its questions, see how the branch moved.

Starting and answering are POSTs that redirect (303) to the quiz's page, so a
reload never answers twice; the page shows the current question, or the
results once every question is answered. Answering a question again (a double
click, the browser's Back button) changes nothing: the domain returns the
stored answer. The rules live in :mod:`studyapp.quiz` (docs/quiz.md).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import BooleanField, IntegerField, StringField
from wtforms.validators import AnyOf, InputRequired, NumberRange, Optional

from studyapp.decks.catalogue import visible_deck
from studyapp.errors import NotFound
from studyapp.library.enrolment import is_enrolled
from studyapp.map.mastery import MASTERY_LEVELS
from studyapp.quiz.answering import QuizError, answer_question
from studyapp.quiz.launch import create_quiz
from studyapp.quiz.questions import QuestionView, current_question, previous_answer
from studyapp.quiz.results import quiz_results
from studyapp.scheduling.intervals import format_interval
from studyapp.scheduling.memory import Grade, preview_grades
from studyapp.scheduling.rating import ReviewError, card_memory
from studyapp.storage.models import QuizMode
from studyapp.web.forms import MAX_DURATION_MS
from studyapp.web.runtime import db_session, study_context
from studyapp.web.study import GRADE_HINTS, PROMPTS

blueprint = Blueprint("quiz", __name__, url_prefix="/quizzes")

MAX_ID = 2**31 - 1
MODE_LABELS = {
    QuizMode.RECALL: "Flip and rate",
    QuizMode.CHOICE: "Multiple choice",
}
CHOICE_PROMPT = "Which concept is this?"


class QuizStartForm(FlaskForm):
    deck_id = IntegerField(validators=[InputRequired(), NumberRange(min=1, max=MAX_ID)])
    subtree = IntegerField(validators=[InputRequired(), NumberRange(min=1, max=MAX_ID)])
    mode = StringField(
        validators=[
            InputRequired("Choose how to be quizzed."),
            AnyOf([mode.value for mode in QuizMode], message="Choose recall or choice."),
        ]
    )
    practice_only = BooleanField("Practice only (don't reschedule)")


class QuizAnswerForm(FlaskForm):
    question_id = IntegerField(validators=[InputRequired(), NumberRange(min=1, max=MAX_ID)])
    rating = IntegerField(validators=[Optional(), NumberRange(min=1, max=4)])
    concept_id = IntegerField(validators=[Optional(), NumberRange(min=1, max=MAX_ID)])
    duration_ms = IntegerField(validators=[Optional(), NumberRange(min=0)])

    def clamped_duration_ms(self) -> int | None:
        value = self.duration_ms.data
        return None if value is None else min(value, MAX_DURATION_MS)


def map_url(deck_id: int, subtree_id: int) -> str:
    """The deck's map focused on the branch (the map page's address)."""
    return f"{request.script_root}/decks/{deck_id}/map?focus={subtree_id}"


@blueprint.route("", methods=["POST"])
@login_required
def start() -> Response:
    form = QuizStartForm()
    if not form.validate_on_submit():
        flash("The quiz could not be started: the form was incomplete or damaged.", "error")
        deck_id = form.deck_id.data if not form.deck_id.errors else None
        if deck_id:
            return redirect(url_for("decks.deck_page", deck_id=deck_id), 303)
        return redirect(url_for("decks.deck_list"), 303)
    session = db_session()
    was_studied = is_enrolled(session, current_user.id, form.deck_id.data)
    try:
        quiz = create_quiz(
            session,
            study_context(current_user),
            deck_id=form.deck_id.data,
            subtree_id=form.subtree.data,
            mode=form.mode.data,
            practice_only=form.practice_only.data,
        )
    except NotFound:
        abort(404)
    if not was_studied:
        title = visible_deck(session, current_user.id, quiz.deck_id).title
        flash(
            f"“{title}” is now in your studies, since you quizzed one of its branches. You can "
            "remove it from the library at any time; your progress is kept.",
            "info",
        )
    return redirect(url_for("quiz.show", quiz_id=quiz.id), 303)


@blueprint.route("/<int:quiz_id>")
@login_required
def show(quiz_id: int) -> str:
    session = db_session()
    try:
        question = current_question(session, current_user.id, quiz_id)
    except NotFound:
        abort(404)
    if question is None:
        return _results_page(quiz_id)
    # Multiple choice tells whether the last answer was right; flip-and-rate needs no telling.
    previous = (
        previous_answer(session, current_user.id, quiz_id)
        if question.mode == QuizMode.CHOICE
        else None
    )
    page: dict[str, Any] = {
        "question": question,
        "previous": previous,
        "percent": round(100 * question.answered / question.total) if question.total else 100,
        "form": QuizAnswerForm(formdata=None, data={"question_id": question.question_id}),
        "mode_label": MODE_LABELS[question.mode],
        "grades": {grade.value: grade.label for grade in Grade},
    }
    if question.mode == QuizMode.RECALL:
        page["prompt_text"] = PROMPTS.get(question.kind, "")
        page["buttons"] = _rating_buttons(question)
    else:
        page["prompt_text"] = CHOICE_PROMPT
    return render_template("quiz.html", **page)


def _rating_buttons(question: QuestionView) -> list[dict[str, Any]]:
    """The four grades; with the interval each would give, unless nothing is rescheduled."""
    intervals: dict[Grade, str] = {}
    if not question.practice_only:
        context = study_context(current_user)
        before = card_memory(db_session(), current_user.id, question.card_id)
        previews = preview_grades(before, context.now, context.scheduler, card_id=question.card_id)
        intervals = {
            grade: format_interval(state.due - context.now) for grade, state in previews.items()
        }
    return [
        {
            "grade": grade,
            "label": grade.label,
            "hint": GRADE_HINTS[grade],
            "interval": intervals.get(grade),
        }
        for grade in Grade
    ]


def _results_page(quiz_id: int) -> str:
    session = db_session()
    results = quiz_results(session, study_context(current_user), quiz_id)
    again = QuizStartForm(
        formdata=None,
        data={
            "deck_id": results.deck_id,
            "subtree": results.subtree_id,
            "mode": results.mode.value,
            "practice_only": results.practice_only,
        },
    )
    return render_template(
        "quiz_results.html",
        results=results,
        levels=MASTERY_LEVELS,
        mode_label=MODE_LABELS[results.mode],
        map_href=map_url(results.deck_id, results.subtree_id),
        again=again,
        grades={grade.value: grade.label for grade in Grade},
    )


@blueprint.route("/<int:quiz_id>/answer", methods=["POST"])
@login_required
def answer(quiz_id: int) -> Response:
    form = QuizAnswerForm()
    back = redirect(url_for("quiz.show", quiz_id=quiz_id), 303)
    if not form.validate_on_submit():
        flash(
            "That answer could not be recorded because the form was incomplete or damaged; "
            "nothing was changed. Please answer again.",
            "error",
        )
        return back
    try:
        answer_question(
            db_session(),
            study_context(current_user),
            quiz_id=quiz_id,
            question_id=form.question_id.data,
            concept_id=form.concept_id.data,
            rating=form.rating.data,
            duration_ms=form.clamped_duration_ms(),
        )
    except NotFound:
        abort(404)
    except (QuizError, ReviewError) as error:
        flash(error.message, "warning")
    return back
