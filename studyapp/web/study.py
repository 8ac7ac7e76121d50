"""The review screen: the next card, the four answer buttons, undo, and the day's summary.

Every rating is a POST that redirects back (303) to the study page with the
same scope, so a reload never re-rates; each page carries a fresh request id,
so a double click or a browser resubmit is applied once.

Only the decks a user studies are in their queue. Asking to study a deck or a
branch of a deck they may see but do not study shows a start page instead,
which says that starting adds the deck to their studies (a POST: adding is a
change, never a side effect of following a link).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from studyapp.decks.catalogue import study_card, visible_concept, visible_deck
from studyapp.errors import NotFound
from studyapp.library.enrolment import enrol, is_enrolled, studies_any_deck
from studyapp.scheduling import rating as review
from studyapp.scheduling.intervals import format_interval
from studyapp.scheduling.memory import Grade, preview_grades
from studyapp.scheduling.queue.daily import todays_queue
from studyapp.scheduling.queue.entries import QueueScope
from studyapp.scheduling.today import today_counts
from studyapp.storage.db import transaction
from studyapp.storage.models import Concept, Deck
from studyapp.web.forms import RatingForm, StudyStartForm, UndoForm
from studyapp.web.runtime import db_session, now, study_context

blueprint = Blueprint("study", __name__, url_prefix="/study")

# What each kind of card asks, shown above its front.
PROMPTS = {
    "recall": "What is this? Say its one-sentence summary.",
    "recognise": "Which concept is described here?",
    "explain": "Explain this in detail.",
}
GRADE_HINTS = {
    Grade.AGAIN: "Forgot",
    Grade.HARD: "Recalled with effort",
    Grade.GOOD: "Recalled",
    Grade.EASY: "Knew it at once",
}


@dataclass(frozen=True)
class Scope:
    deck: Deck | None = None
    subtree: Concept | None = None

    @property
    def queue_scope(self) -> QueueScope:
        return QueueScope(
            deck_id=self.deck.id if self.deck else None,
            subtree_root_id=self.subtree.id if self.subtree else None,
        )

    @property
    def deck_id(self) -> int | None:
        """The deck studied: the named deck, or the branch's deck."""
        if self.deck:
            return self.deck.id
        return self.subtree.deck_id if self.subtree else None

    @property
    def params(self) -> dict[str, int]:
        params = {}
        if self.deck:
            params["deck"] = self.deck.id
        if self.subtree:
            params["subtree"] = self.subtree.id
        return params


def _int_param(name: str) -> int | None:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return None
    if not raw.isdigit() or len(raw) > 18:
        abort(404)
    return int(raw)


def _scope_from_query() -> Scope:
    """The deck and branch named in the query string; 404 for anything not the user's to see."""
    return _scope(_int_param("deck"), _int_param("subtree"))


def _scope(deck_id: int | None, subtree_id: int | None) -> Scope:
    session = db_session()
    try:
        deck = visible_deck(session, current_user.id, deck_id) if deck_id else None
        subtree = visible_concept(session, current_user.id, subtree_id) if subtree_id else None
    except NotFound:
        abort(404)
    if deck and subtree and subtree.deck_id != deck.id:
        abort(404)
    return Scope(deck=deck, subtree=subtree)


def _back_to_study(deck: Any = None, subtree: Any = None) -> Response:
    params = {
        name: value
        for name, value in (("deck", deck), ("subtree", subtree))
        if isinstance(value, int) and value > 0
    }
    return redirect(url_for("study.study", **params), 303)


@blueprint.route("")
@login_required
def study() -> str:
    scope = _scope_from_query()
    session = db_session()
    if scope.deck_id is not None and not is_enrolled(session, current_user.id, scope.deck_id):
        deck = scope.deck or scope.subtree.deck
        start_form = StudyStartForm(formdata=None, data=scope.params)
        return render_template("study_start.html", scope=scope, deck=deck, form=start_form)
    context = study_context(current_user)
    queue = todays_queue(session, context, scope.queue_scope)
    counts = today_counts(session, context, scope.queue_scope, queue=queue)
    entry = queue.next_entry()
    page: dict[str, Any] = {
        "scope": scope,
        "counts": counts,
        "queue": queue,
        "now": context.now,
        "undo_form": UndoForm(formdata=None, data=scope.params),
    }
    if entry is None:
        studies_nothing = scope.deck_id is None and not studies_any_deck(session, current_user.id)
        return render_template(
            "study_done.html", entry=None, studies_nothing=studies_nothing, **page
        )

    card = study_card(session, current_user.id, entry.card_id)
    before = review.card_memory(session, current_user.id, card.card_id)
    previews = preview_grades(before, context.now, context.scheduler, card_id=card.card_id)
    buttons = [
        {
            "grade": grade,
            "label": grade.label,
            "hint": GRADE_HINTS[grade],
            "interval": format_interval(state.due - context.now),
        }
        for grade, state in sorted(previews.items())
    ]
    form = RatingForm(
        formdata=None,
        data={"card_id": card.card_id, "request_id": uuid.uuid4().hex, **scope.params},
    )
    return render_template(
        "study.html",
        card=card,
        entry=entry,
        prompt=PROMPTS.get(card.kind, ""),
        buttons=buttons,
        form=form,
        **page,
    )


@blueprint.route("/start", methods=["POST"])
@login_required
def start() -> Response:
    """Add the deck of the scope to the user's studies and start studying the scope."""
    form = StudyStartForm()
    if not form.validate_on_submit() or (form.deck.data is None and form.subtree.data is None):
        flash("That deck or branch could not be started: the form was damaged.", "error")
        return _back_to_study(_valid(form.deck), _valid(form.subtree))
    scope = _scope(form.deck.data, form.subtree.data)
    session = db_session()
    deck = scope.deck or scope.subtree.deck
    with transaction(session):
        added = enrol(session, current_user.id, deck.id, now())
    if added:
        flash(
            f"Added “{deck.title}” to your studies. You can remove it from the library at any "
            "time; your progress is kept.",
            "success",
        )
    return _back_to_study(form.deck.data, form.subtree.data)


@blueprint.route("/rate", methods=["POST"])
@login_required
def rate() -> Response:
    form = RatingForm()
    if not form.validate_on_submit():
        flash(
            "That answer could not be recorded because the form was incomplete or damaged; "
            "nothing was changed. Please answer the card again.",
            "error",
        )
        return _back_to_study(_valid(form.deck), _valid(form.subtree))
    session = db_session()
    try:
        review.rate_card(
            session,
            study_context(current_user),
            card_id=form.card_id.data,
            grade=Grade(form.rating.data),
            duration_ms=form.clamped_duration_ms(),
            request_id=form.request_id.data,
            scope=QueueScope(deck_id=form.deck.data, subtree_root_id=form.subtree.data),
        )
    except review.ReviewError as error:
        flash(error.message, "warning")
    return _back_to_study(form.deck.data, form.subtree.data)


def _valid(field: Any) -> int | None:
    return field.data if not field.errors else None


@blueprint.route("/undo", methods=["POST"])
@login_required
def undo() -> Response:
    form = UndoForm()
    form.validate_on_submit()
    session = db_session()
    try:
        result = review.undo_last_rating(session, study_context(current_user))
    except review.ReviewError as error:
        flash(error.message, "warning")
    else:
        try:
            title = study_card(session, current_user.id, result.card_id).concept_title
            what = f"your {result.grade.label} answer on “{title}”"
        except NotFound:
            what = f"your {result.grade.label} answer"
        state = "it is new again" if result.restored is None else "the card is back as it was"
        flash(f"Undid {what}; {state}.", "info")
    return _back_to_study(_valid(form.deck), _valid(form.subtree))
