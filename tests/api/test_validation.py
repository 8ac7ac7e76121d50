"""Request models: strict types, errors that name the field, query ids (no database)."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from studyapp.api.errors import ApiError
from studyapp.api.schemas import QuizAnswerRequest, QuizRequest, ReviewRequest, TokenRequest
from studyapp.api.schemas.review import NextCardQuery
from studyapp.api.validation import json_body, query_parameters

app = Flask(__name__)


def refusal(model: type, body: Any) -> ApiError:
    with app.test_request_context(json=body), pytest.raises(ApiError) as refused:
        json_body(model)
    return refused.value


@pytest.mark.parametrize("value", [1.0, 2.5, True, "1", [1], {"id": 1}])
@pytest.mark.parametrize(
    ("model", "body", "field"),
    [
        (ReviewRequest, {"card_id": 1, "rating": 3}, "card_id"),
        (ReviewRequest, {"card_id": 1, "rating": 3}, "rating"),
        (ReviewRequest, {"card_id": 1, "rating": 3}, "deck_id"),
        (QuizRequest, {"deck_id": 1, "subtree": 2, "mode": "recall"}, "subtree"),
        (QuizAnswerRequest, {"question_id": 1}, "question_id"),
        (QuizAnswerRequest, {"question_id": 1}, "duration_ms"),
    ],
)
def test_an_integer_field_takes_only_integers(model, body, field, value):
    error = refusal(model, {**body, field: value})
    assert (error.status, error.code) == (422, "invalid_request")
    assert error.message.startswith(f"{field} must be an integer")


def test_valid_bodies_are_read_into_their_models():
    with app.test_request_context(json={"card_id": 7, "rating": 4, "extra": "ignored"}):
        body = json_body(ReviewRequest)
    assert (body.card_id, body.rating, body.duration_ms, body.request_id) == (7, 4, None, None)
    with app.test_request_context(json={"deck_id": 1, "subtree": 2, "mode": "choice",
                                        "practice_only": None}):  # fmt: skip
        quiz = json_body(QuizRequest)
    assert (quiz.mode, quiz.practice_only) == ("choice", False)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"password": "x"}, "username is required."),
        ({"username": None, "password": "x"}, "username is required."),
        ({"username": ["ada"], "password": "x"}, "username must be a string."),
    ],
)
def test_the_messages_name_the_field(body, message):
    assert refusal(TokenRequest, body).message == message


@pytest.mark.parametrize(
    ("raw", "read"),
    [("", None), ("12", 12), (" 12 ", 12), ("+3", 3), ("0", -1), ("-3", -1), ("9" * 13, -1)],
)
def test_a_query_id_is_an_integer_or_matches_nothing(raw, read):
    with app.test_request_context(query_string={"deck_id": raw}):
        assert query_parameters(NextCardQuery).deck_id == read


@pytest.mark.parametrize("raw", ["abc", "1.5", "1e3", "١٢"])
def test_a_query_id_that_is_not_an_integer_is_a_bad_request(raw):
    with app.test_request_context(query_string={"subtree": raw}), pytest.raises(ApiError) as bad:
        query_parameters(NextCardQuery)
    assert (bad.value.status, bad.value.code) == (400, "invalid_parameter")
    assert bad.value.message == f"subtree must be an integer id, not {raw!r}."
