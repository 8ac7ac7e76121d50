"""The dashboard's figures as JSON: ``GET /api/v1/stats?deck_id=…`` (studyapp.stats.dashboard)."""

from __future__ import annotations

from flask import Response, jsonify

from studyapp.api import serialize
from studyapp.api.auth import current_user
from studyapp.api.blueprint import api_blueprint
from studyapp.api.parsing import id_parameter
from studyapp.decks.catalogue import visible_deck
from studyapp.stats.dashboard import dashboard_stats
from studyapp.web.runtime import db_session, study_context


@api_blueprint.route("/stats", methods=["GET"])
def get_stats() -> Response:
    """Everything the dashboard shows, for all the user's decks or one (404 if not theirs)."""
    user = current_user()
    session = db_session()
    deck_id = id_parameter("deck_id")
    if deck_id is not None:
        visible_deck(session, user.id, deck_id)  # NotFound -> 404
    return jsonify(serialize.stats(dashboard_stats(session, study_context(user), deck_id)))
