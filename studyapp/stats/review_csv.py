"""One user's review log as CSV, in the column layout the FSRS optimizer reads.

The layout is the "review logs schema" of the FSRS optimizer
(open-spaced-repetition/fsrs-optimizer, also read by fsrs-rs-python); see
``docs/export.md``::

    card_id,review_time,review_rating,review_state,review_duration

* ``card_id``: this database's card id (the optimizer only groups by it);
* ``review_time``: the moment of the review in epoch milliseconds (UTC);
* ``review_rating``: 1 Again, 2 Hard, 3 Good, 4 Easy;
* ``review_state``: the card's state *before* the review, numbered
  0 New, 1 Learning, 2 Review, 3 Relearning;
* ``review_duration``: time spent on the card in milliseconds, 0 when unknown.

Rows are ordered by card, then time, as the optimizer expects. The rows are
read with ``yield_per`` and written in chunks, so a long history never sits in
memory whole; :func:`iter_review_csv` is what the page and the API stream.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from studyapp.storage.models import ReviewLog

REVIEW_CSV_COLUMNS: tuple[str, ...] = (
    "card_id",
    "review_time",
    "review_rating",
    "review_state",
    "review_duration",
)
REVIEW_CSV_FILENAME = "reviews.csv"
# The optimizer's numbering of the state before a review (fsrs.State has no "new").
NEW_STATE = 0
# Rows fetched from the database per round trip, and text handed on per chunk.
FETCH_ROWS = 1000
CHUNK_CHARS = 64 * 1024

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MILLISECOND = timedelta(milliseconds=1)


def epoch_milliseconds(moment: datetime) -> int:
    """Whole milliseconds since 1970-01-01T00:00Z (exact integer arithmetic, no float)."""
    return (moment - _EPOCH) // _MILLISECOND


def review_rows(session: Session, user_id: int) -> Iterator[tuple[int, int, int, int, int]]:
    """The user's reviews as CSV rows, by card then time, fetched ``FETCH_ROWS`` at a time."""
    query = (
        select(
            ReviewLog.card_id,
            ReviewLog.reviewed_at,
            ReviewLog.rating,
            ReviewLog.before_state,
            ReviewLog.duration_ms,
        )
        .where(ReviewLog.user_id == user_id)
        .order_by(ReviewLog.card_id, ReviewLog.reviewed_at, ReviewLog.id)
        .execution_options(yield_per=FETCH_ROWS)
    )
    for card_id, reviewed_at, rating, before_state, duration_ms in session.execute(query):
        yield (
            card_id,
            epoch_milliseconds(reviewed_at),
            rating,
            NEW_STATE if before_state is None else before_state,
            duration_ms or 0,
        )


def iter_review_csv(session: Session, user_id: int) -> Iterator[str]:
    """The CSV text (header first) in chunks of about ``CHUNK_CHARS`` characters."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(REVIEW_CSV_COLUMNS)
    for row in review_rows(session, user_id):
        writer.writerow(row)
        if buffer.tell() >= CHUNK_CHARS:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()
