"""``GET /api/v1/export/reviews.csv``: the caller's review log as CSV (docs/export.md)."""

from __future__ import annotations

from flask import Response

from studyapp.api.auth import current_user
from studyapp.api.blueprint import api_blueprint
from studyapp.web.export import reviews_csv_response


@api_blueprint.route("/export/reviews.csv", methods=["GET"])
def export_reviews_csv() -> Response:
    return reviews_csv_response(current_user().id)
