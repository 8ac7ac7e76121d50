"""The dashboard's figures as JSON: ``GET /api/v1/stats?deck_id=…`` (studyapp.stats.dashboard)."""

from __future__ import annotations

from studyapp.api.auth import current_user
from studyapp.api.blueprint import api_blueprint
from studyapp.api.endpoints import endpoint
from studyapp.api.schemas.stats import Stats, StatsQuery
from studyapp.decks.catalogue import visible_deck
from studyapp.stats.dashboard import dashboard_stats
from studyapp.web.runtime import db_session, study_context


@api_blueprint.route("/stats", methods=["GET"])
@endpoint(
    summary="The dashboard's figures: today, streak, reviews per day, true retention, "
    "forecast, card states, mastery, stability, retrievability, hardest concepts and quiz "
    "scores.",
    tag="stats",
    operation_id="getStats",
    query=StatsQuery,
    responses={200: (Stats, "The figures, in the user's study days."), 404: "NotFound"},
)
def get_stats(query: StatsQuery) -> Stats:
    """Everything the dashboard shows, for all the user's decks or one (404 if not theirs)."""
    user = current_user()
    session = db_session()
    if query.deck_id is not None:
        visible_deck(session, user.id, query.deck_id)  # NotFound -> 404
    return Stats.of(dashboard_stats(session, study_context(user), query.deck_id))
