"""The review log as CSV for the FSRS optimizer: columns, values, order, streaming, access."""

from __future__ import annotations

import csv
import inspect
import io
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import insert, select

from studyapp.stats.review_csv import (
    REVIEW_CSV_COLUMNS,
    epoch_milliseconds,
    iter_review_csv,
)
from studyapp.storage.models import Card, Concept, ReviewLog
from studyapp.web.export import reviews_csv_response
from tests.conftest import START
from tests.support.api import PREFIX, assert_error, expect, signed_in
from tests.support.factories import flat_deck_json

HEADER = "card_id,review_time,review_rating,review_state,review_duration"
START_MS = 1_772_442_000_000  # 2026-03-02T09:00:00Z, worked out by hand
MINUTE_MS = 60_000
DAY_MS = 24 * 60 * MINUTE_MS


def recall_card(session, concept_key: str) -> int:
    return session.scalar(
        select(Card.id).join(Card.concept).where(Concept.key == concept_key, Card.kind == "recall")
    )


def rows_of(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


@pytest.fixture
def ada(client, make_user):
    return signed_in(client, make_user, "ada")


@pytest.fixture
def deck_id(import_text) -> int:
    """A public deck of two concepts, C000 and C001."""
    return import_text(flat_deck_json(2)).deck.id


@pytest.fixture
def cards(deck_id, session) -> tuple[int, int]:
    """The recall cards of the deck's two concepts."""
    return recall_card(session, "c000"), recall_card(session, "c001")


@pytest.fixture
def history(ada, deck_id, cards, clock) -> tuple[int, int]:
    """A small scripted history of ada's, through the API (learning steps 1m 10m, relearning 10m).

    card A: new Good (5.4 s) at +0; learning Good at +10m (graduates); a month
    later review Again; ten minutes after that relearning Good.
    card B: new Again at +2m (no duration given); learning Good at +3m.
    """
    a, b = cards
    expect(ada.enrol(deck_id), 201)
    expect(ada.rate(a, 3, duration_ms=5400), 200)
    clock.advance(minutes=2)
    expect(ada.rate(b, 1), 200)
    clock.advance(minutes=1)
    expect(ada.rate(b, 3, duration_ms=1200), 200)
    clock.advance(minutes=7)
    graduated = expect(ada.rate(a, 3, duration_ms=2000), 200).get_json()
    assert graduated["state"] == "review"
    clock.set(START + timedelta(days=30))
    assert expect(ada.rate(a, 1, duration_ms=9000), 200).get_json()["state"] == "relearning"
    clock.advance(minutes=10)
    expect(ada.rate(a, 3, duration_ms=3100), 200)
    return a, b


def test_the_csv_has_the_optimizer_columns_and_hand_checked_values(ada, history):
    a, b = history
    assert a < b
    response = expect(ada.get("/export/reviews.csv"), 200)
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == 'attachment; filename="reviews.csv"'
    assert response.headers["Cache-Control"] == "no-store"
    text = response.get_data(as_text=True)
    assert text.splitlines()[0] == HEADER
    assert rows_of(text) == [
        list(REVIEW_CSV_COLUMNS),
        # By card, then time; state is the one BEFORE the review (0 New ... 3 Relearning).
        [str(a), str(START_MS), "3", "0", "5400"],
        [str(a), str(START_MS + 10 * MINUTE_MS), "3", "1", "2000"],
        [str(a), str(START_MS + 30 * DAY_MS), "1", "2", "9000"],
        [str(a), str(START_MS + 30 * DAY_MS + 10 * MINUTE_MS), "3", "3", "3100"],
        [str(b), str(START_MS + 2 * MINUTE_MS), "1", "0", "0"],  # duration unknown: 0
        [str(b), str(START_MS + 3 * MINUTE_MS), "3", "1", "1200"],
    ]
    assert text.endswith("\n") and "\r" not in text


def test_epoch_milliseconds_is_exact_and_truncates_microseconds():
    assert epoch_milliseconds(START) == START_MS
    late = START + timedelta(microseconds=999_999)
    assert epoch_milliseconds(late) == START_MS + 999
    assert epoch_milliseconds(datetime(1970, 1, 1, tzinfo=UTC)) == 0


def test_a_user_without_reviews_gets_the_header_only(ada):
    response = expect(ada.get("/export/reviews.csv"), 200)
    assert response.get_data(as_text=True) == HEADER + "\n"


def test_another_users_reviews_never_appear(
    client, make_user, ada, history, deck_id, cards, clock
):
    bob = signed_in(client, make_user, "bob")
    expect(bob.enrol(deck_id), 201)
    expect(bob.rate(cards[0], 4, duration_ms=777), 200)
    ada_rows = rows_of(expect(ada.get("/export/reviews.csv"), 200).get_data(as_text=True))
    bob_rows = rows_of(expect(bob.get("/export/reviews.csv"), 200).get_data(as_text=True))
    assert len(ada_rows) == 1 + 6
    assert "777" not in {row[4] for row in ada_rows}
    assert bob_rows[1:] == [[str(cards[0]), str(epoch_milliseconds(clock.now())), "4", "0", "777"]]


def test_the_api_download_needs_a_valid_token(client, ada, history):
    error = assert_error(client.get(f"{PREFIX}/export/reviews.csv"), 401, "unauthorized")
    assert "Bearer" in error["message"]
    assert_error(
        client.get(f"{PREFIX}/export/reviews.csv", headers={"Authorization": "Bearer nope"}),
        401,
        "invalid_token",
    )


def test_the_response_is_streamed(app, client, ada, history):
    response = expect(ada.get("/export/reviews.csv"), 200)
    assert response.is_streamed
    assert "Content-Length" not in response.headers
    with app.test_request_context():
        direct = reviews_csv_response(ada.user.id)
        assert direct.is_streamed
        assert inspect.isgenerator(direct.response)
        direct.close()


def test_a_long_history_is_streamed_in_chunks_in_order(session, make_user, cards, clock):
    user = make_user("ada")
    a, b = cards
    count = 3000
    moments = [START + timedelta(minutes=i) for i in range(count)]
    session.execute(
        insert(ReviewLog),
        [
            {
                "user_id": user.id,
                "card_id": b if i % 2 else a,
                "rating": 1 + i % 4,
                "reviewed_at": moments[count - 1 - i],  # stored newest first
                "duration_ms": i,
                "before_state": None if i < 2 else 2,
                "after_state": 2,
                "after_stability_days": 1.0,
                "after_difficulty": 5.0,
                "after_due": START,
            }
            for i in range(count)
        ],
    )
    session.commit()
    chunks = iter_review_csv(session, user.id)
    assert inspect.isgenerator(chunks)
    chunks = list(chunks)
    assert len(chunks) > 1, "a long history comes in several chunks"
    rows = rows_of("".join(chunks))
    assert rows[0] == list(REVIEW_CSV_COLUMNS)
    body = [tuple(int(value) for value in row) for row in rows[1:]]
    assert len(body) == count
    assert body == sorted(body, key=lambda row: (row[0], row[1]))
    assert [row[3] for row in body].count(0) == 2


def test_the_page_download_works_with_a_login(client, make_user, login, history, cards):
    response = client.get("/export/reviews.csv")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    login("ada")
    response = client.get("/export/reviews.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == 'attachment; filename="reviews.csv"'
    assert response.is_streamed
    rows = rows_of(response.get_data(as_text=True))
    response.close()  # a streamed response holds its request's connection until closed
    assert rows[0] == list(REVIEW_CSV_COLUMNS) and len(rows) == 1 + 6
    assert rows[1] == [str(cards[0]), str(START_MS), "3", "0", "5400"]


def test_the_download_is_documented_as_csv(client):
    document = expect(client.get(f"{PREFIX}/openapi.json"), 200).get_json()
    operation = document["paths"]["/export/reviews.csv"]["get"]
    ok = operation["responses"]["200"]
    assert list(ok["content"]) == ["text/csv"]
    assert HEADER in ok["description"]
    assert "Content-Disposition" in ok["headers"]
    assert operation["responses"]["401"] == {"$ref": "#/components/responses/Unauthorized"}
