"""Helpers shared by the API tests (this module has no tests of its own).

:class:`ApiClient` speaks the API as one user; :func:`signed_in` registers a
user and fetches their token through ``POST /api/v1/tokens``.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from typing import Any

from flask.testing import FlaskClient
from openapi_schema_validator import OAS31Validator
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from studyapp.storage.models import ReviewLog, User
from tests.conftest import PASSWORD

PREFIX = "/api/v1"


def expect(response: TestResponse, status: int) -> TestResponse:
    assert response.status_code == status, (
        f"expected {status}, got {response.status_code}: {response.get_data(as_text=True)[:2000]}"
    )
    return response


def assert_error(response: TestResponse, status: int, code: str | None = None) -> dict[str, Any]:
    """The response is a JSON error with this status (and code); returns the ``error`` object."""
    expect(response, status)
    assert response.is_json, response.get_data(as_text=True)[:500]
    error = response.get_json()["error"]
    assert isinstance(error["code"], str) and isinstance(error["message"], str)
    assert error["message"]
    if code is not None:
        assert error["code"] == code, error
    return error


class ApiClient:
    """The test client with one user's bearer token (or none) on every call."""

    def __init__(
        self, client: FlaskClient, token: str | None = None, user: User | None = None
    ) -> None:
        self.client = client
        self.token = token
        self.user = user

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    def request(self, method: str, path: str, **kwargs: Any) -> TestResponse:
        headers = {**self._headers(), **kwargs.pop("headers", {})}
        return self.client.open(PREFIX + path, method=method, headers=headers, **kwargs)

    def get(self, path: str, **kwargs: Any) -> TestResponse:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> TestResponse:
        return self.request("POST", path, **kwargs)

    def upload(self, content: str | bytes, filename: str = "deck.json") -> TestResponse:
        data = content.encode("utf-8") if isinstance(content, str) else content
        return self.post("/decks", data={"file": (io.BytesIO(data), filename)})

    def preview(self, content: str | bytes, filename: str = "deck.json") -> TestResponse:
        data = content.encode("utf-8") if isinstance(content, str) else content
        return self.post("/decks/preview", data={"file": (io.BytesIO(data), filename)})

    # The calls most tests make, expecting success.

    def decks(self) -> list[dict[str, Any]]:
        return expect(self.get("/decks"), 200).get_json()["decks"]

    def tree(self, deck_id: int) -> dict[str, Any]:
        return expect(self.get(f"/decks/{deck_id}/tree"), 200).get_json()

    def cards(self, deck_id: int) -> dict[int, dict[str, Any]]:
        """Every card of the deck's tree by id, as this user sees it."""
        return {card["id"]: card for card in iter_cards(self.tree(deck_id)["concepts"])}

    def next_card(self, **params: Any) -> dict[str, Any] | None:
        response = self.get("/review/next", query_string=params)
        if response.status_code == 204:
            return None
        return expect(response, 200).get_json()

    def enrol(self, deck_id: int) -> TestResponse:
        """Add the deck to this user's studies (``POST /decks/{id}/enrolment``)."""
        return self.post(f"/decks/{deck_id}/enrolment")

    def unenrol(self, deck_id: int) -> TestResponse:
        return self.request("DELETE", f"/decks/{deck_id}/enrolment")

    def rate(self, card_id: int, rating: int, **fields: Any) -> TestResponse:
        return self.post("/reviews", json={"card_id": card_id, "rating": rating, **fields})

    def rate_next(self, rating: int, **params: Any) -> dict[str, Any]:
        """Rate whatever card comes next; returns the card as shown."""
        card = self.next_card(**params)
        assert card is not None, "nothing to study"
        expect(self.rate(card["card_id"], rating), 200)
        return card


def iter_concepts(concepts: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for concept in concepts:
        yield concept
        yield from iter_concepts(concept["children"])


def iter_cards(concepts: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for concept in iter_concepts(concepts):
        yield from concept["cards"]


def request_token(client: FlaskClient, username: str, password: str = PASSWORD) -> TestResponse:
    return client.post(f"{PREFIX}/tokens", json={"username": username, "password": password})


def signed_in(
    client: FlaskClient, make_user: Callable[..., User], username: str, **settings: Any
) -> ApiClient:
    """An :class:`ApiClient` for a new user, holding a token the API issued to them."""
    user = make_user(username, **settings)
    token = expect(request_token(client, username), 201).get_json()["token"]
    return ApiClient(client, token, user)


def review_log_count(session: Session) -> int:
    session.rollback()  # end any snapshot, so rows committed by requests are seen
    return session.scalar(select(func.count()).select_from(ReviewLog))


def validator(document: dict[str, Any], schema_name: str) -> OAS31Validator:
    schema = {"$ref": f"#/components/schemas/{schema_name}", "components": document["components"]}
    return OAS31Validator(schema)


def assert_matches(document: dict[str, Any], schema_name: str, body: Any) -> None:
    errors = [error.message for error in validator(document, schema_name).iter_errors(body)]
    assert not errors, (schema_name, errors[:5])
