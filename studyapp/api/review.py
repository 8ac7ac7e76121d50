"""Studying through the API: the next card, rating it, undoing a rating, today's counts."""

from __future__ import annotations

from flask import Response

from studyapp.api.auth import current_user
from studyapp.api.blueprint import api_blueprint
from studyapp.api.endpoints import endpoint
from studyapp.api.schemas.common import MAX_ID
from studyapp.api.schemas.review import (
    NextCard,
    NextCardQuery,
    ReviewRequest,
    ReviewResult,
    TodayStats,
    UndoResult,
)
from studyapp.decks.catalogue import study_card, visible_concept, visible_deck
from studyapp.errors import NotFound
from studyapp.scheduling.memory import Grade, preview_grades
from studyapp.scheduling.queue.daily import next_in_queue
from studyapp.scheduling.queue.entries import QueueScope
from studyapp.scheduling.rating import (
    CardNotFound,
    card_memory,
    rate_card,
    undo_last_rating,
)
from studyapp.scheduling.today import today_counts
from studyapp.web.runtime import db_session, study_context


@api_blueprint.route("/review/next", methods=["GET"])
@endpoint(
    summary="The next card to study now, with what each rating would do.",
    tag="review",
    operation_id="nextCard",
    query=NextCardQuery,
    responses={
        200: (NextCard, "The card to show."),
        204: (None, "Nothing left to study today in this scope."),
        404: "NotFound",
    },
)
def next_review(query: NextCardQuery) -> NextCard | Response:
    """The card to study now, within one deck or one concept's sub-tree if asked; 204 when done."""
    user = current_user()
    session = db_session()
    scope = _queue_scope(user.id, query.deck_id, query.subtree)
    context = study_context(user)
    entry = next_in_queue(session, context, scope)
    if entry is None:
        return Response(status=204)
    card = study_card(session, user.id, entry.card_id)
    memory = card_memory(session, user.id, entry.card_id)
    previews = preview_grades(memory, context.now, context.scheduler, card_id=entry.card_id)
    return NextCard.of(entry, card.concept_key, card.kind, card.faces, previews, context.now)


@api_blueprint.route("/reviews", methods=["POST"])
@endpoint(
    summary="Rate a card that is due now.",
    tag="review",
    operation_id="rateCard",
    body=ReviewRequest,
    responses={
        200: (ReviewResult, "The card's new memory state."),
        404: "NotFound",
        409: "Conflict",
    },
)
def create_review(body: ReviewRequest) -> ReviewResult:
    """Rate a card; a repeated ``request_id`` answers as the first time and changes nothing."""
    if not 1 <= body.card_id <= MAX_ID:
        raise CardNotFound(f"There is no card {body.card_id} in your decks.")
    user = current_user()
    result = rate_card(
        db_session(),
        study_context(user),
        card_id=body.card_id,
        grade=Grade(body.rating),
        duration_ms=body.duration_ms,
        request_id=body.request_id,
        scope=_queue_scope(user.id, body.deck_id, body.subtree),
    )
    return ReviewResult.of(result)


@api_blueprint.route("/reviews/undo", methods=["POST"])
@endpoint(
    summary="Take back the user's latest rating of today exactly.",
    tag="review",
    operation_id="undoRating",
    responses={200: (UndoResult, "The rating taken back."), 409: "Conflict"},
)
def undo_review() -> UndoResult:
    """Take back the user's latest rating of today."""
    user = current_user()
    return UndoResult.of(undo_last_rating(db_session(), study_context(user)))


@api_blueprint.route("/stats/today", methods=["GET"])
@endpoint(
    summary="Counts for the user's current study day.",
    tag="review",
    operation_id="todayStats",
    responses={200: (TodayStats, "Today's counts.")},
)
def stats_today() -> TodayStats:
    user = current_user()
    return TodayStats.of(today_counts(db_session(), study_context(user)))


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
