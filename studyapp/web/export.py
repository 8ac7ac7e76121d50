"""Downloads of one's own history: the review log as CSV (docs/export.md).

``GET /export/reviews.csv`` is the logged-in page's download (the dashboard's
button); ``GET /api/v1/export/reviews.csv`` is the same file for a bearer
token (studyapp.api.export). Both stream :func:`reviews_csv_response`.
"""

from __future__ import annotations

from flask import Blueprint, Response, stream_with_context
from flask_login import current_user, login_required

from studyapp.stats.review_csv import REVIEW_CSV_FILENAME, iter_review_csv
from studyapp.web.runtime import db_session

blueprint = Blueprint("export", __name__, url_prefix="/export")


def reviews_csv_response(user_id: int) -> Response:
    """The user's review log as a streamed CSV download."""
    session = db_session()
    response = Response(
        stream_with_context(iter_review_csv(session, user_id)),
        mimetype="text/csv",
    )
    response.headers["Content-Disposition"] = f'attachment; filename="{REVIEW_CSV_FILENAME}"'
    # Personal data: keep it out of shared caches and the browser's cache.
    response.headers["Cache-Control"] = "no-store"
    return response


@blueprint.route("/reviews.csv", methods=["GET"])
@login_required
def reviews_csv() -> Response:
    return reviews_csv_response(current_user.id)
