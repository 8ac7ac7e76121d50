"""Studying through the API: the next card, rating it, undoing a rating, today's counts."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify

from studyapp.api import serialize
from studyapp.api.auth import current_user
from studyapp.api.blueprint import api_blueprint
from studyapp.api.errors import invalid_request
from studyapp.api.parsing import MAX_ID, MAX_INT32, id_parameter, int_field, json_object, str_field
from studyapp.decks.catalogue import study_card, visible_concept, visible_deck
from studyapp.errors import NotFound
from studyapp.scheduling.memory import Grade, preview_grades
from studyapp.scheduling.queue.daily import next_in_queue
from studyapp.scheduling.queue.entries import QueueScope
from studyapp.scheduling.rating import (
    CardNotFound,
    find_card_state,
    memory_of,
    rate_card,
    undo_last_rating,
)
from studyapp.scheduling.today import today_counts
from studyapp.web.runtime import db_session, study_context

MAX_REQUEST_ID_LENGTH = 64


@api_blueprint.route("/review/next", methods=["GET"])
def next_review() -> Response:
    """The card to study now, within one deck or one concept's sub-tree if asked; 204 when done."""
    user = current_user()
    session = db_session()
    scope = _queue_scope(user.id, id_parameter("deck_id"), id_parameter("subtree"))
    context = study_context(user)
    entry = next_in_queue(session, context, scope)
    if entry is None:
        return Response(status=204)
    card = study_card(session, user.id, entry.card_id)
    memory = memory_of(find_card_state(session, user.id, entry.card_id))
    previews = preview_grades(memory, context.now, context.scheduler, card_id=entry.card_id)
    return jsonify(
        serialize.next_card(entry, card.concept_key, card.kind, card.faces, previews, context.now)
    )


@api_blueprint.route("/reviews", methods=["POST"])
def create_review() -> Response:
    """Rate a card; a repeated ``request_id`` answers as the first time and changes nothing."""
    body = json_object()
    card_id = int_field(body, "card_id", required=True)
    rating = int_field(body, "rating", required=True, minimum=1, maximum=4)
    duration_ms = int_field(body, "duration_ms", required=False, minimum=0, maximum=MAX_INT32)
    request_id = _request_id(body)
    assert card_id is not None and rating is not None
    if not 1 <= card_id <= MAX_ID:
        raise CardNotFound(f"There is no card {card_id} in your decks.")
    user = current_user()
    scope = _queue_scope(
        user.id,
        int_field(body, "deck_id", required=False, minimum=1, maximum=MAX_ID),
        int_field(body, "subtree", required=False, minimum=1, maximum=MAX_ID),
    )
    result = rate_card(
        db_session(),
        study_context(user),
        card_id=card_id,
        grade=Grade(rating),
        duration_ms=duration_ms,
        request_id=request_id,
        scope=scope,
    )
    return jsonify(serialize.rating(result))


@api_blueprint.route("/reviews/undo", methods=["POST"])
def undo_review() -> Response:
    """Take back the user's latest rating of today."""
    user = current_user()
    return jsonify(serialize.undo(undo_last_rating(db_session(), study_context(user))))


@api_blueprint.route("/stats/today", methods=["GET"])
def stats_today() -> Response:
    user = current_user()
    return jsonify(serialize.today(today_counts(db_session(), study_context(user))))


def _queue_scope(user_id: int, deck_id: int | None, subtree: int | None) -> QueueScope:
    """The scope named by ``deck_id`` and ``subtree``, each checked to be visible to the user."""
    session = db_session()
    if deck_id is not None:
        visible_deck(session, user_id, deck_id)
    if subtree is not None:
        concept = visible_concept(session, user_id, subtree)
        if deck_id is not None and concept.deck_id != deck_id:
            raise NotFound(f"There is no concept {subtree} in deck {deck_id}.")
    return QueueScope(deck_id=deck_id, subtree_root_id=subtree)


def _request_id(body: dict[str, Any]) -> str | None:
    value = str_field(body, "request_id", required=False, max_length=MAX_REQUEST_ID_LENGTH)
    if value is not None and (not value or not value.isprintable()):
        raise invalid_request(
            f"request_id must be 1 to {MAX_REQUEST_ID_LENGTH} printable characters."
        )
    return value
