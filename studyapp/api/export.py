"""``GET /api/v1/export/reviews.csv``: the caller's review log as CSV (docs/export.md)."""

from __future__ import annotations

from flask import Response

from studyapp.api.auth import current_user
from studyapp.api.blueprint import api_blueprint
from studyapp.api.endpoints import endpoint
from studyapp.stats.review_csv import REVIEW_CSV_COLUMNS
from studyapp.web.export import reviews_csv_response

_COLUMNS = ",".join(REVIEW_CSV_COLUMNS)

REVIEWS_CSV = {
    "description": f"Streamed CSV with the header {_COLUMNS}: card id, review time in epoch "
    "milliseconds (UTC), rating 1-4, the card's state before the review (0 New, 1 Learning, "
    "2 Review, 3 Relearning), duration in ms (0 when unknown); ordered by card, then time.",
    "headers": {
        "Content-Disposition": {
            "schema": {"type": "string"},
            "description": 'attachment; filename="reviews.csv"',
        }
    },
    "content": {
        "text/csv": {
            "schema": {"type": "string"},
            "example": f"{_COLUMNS}\n42,1772442000000,3,0,5400\n",
        }
    },
}


@api_blueprint.route("/export/reviews.csv", methods=["GET"])
@endpoint(
    summary="The user's whole review log as CSV, in the FSRS optimizer's layout.",
    tag="export",
    responses={200: REVIEWS_CSV},
)
def export_reviews_csv() -> Response:
    return reviews_csv_response(current_user().id)
