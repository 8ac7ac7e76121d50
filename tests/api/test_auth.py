"""API tokens, bearer authentication, and JSON errors everywhere under /api/v1."""

from __future__ import annotations

import re

import pytest

from tests.support.api import (
    PREFIX,
    ApiClient,
    assert_error,
    expect,
    request_token,
    signed_in,
)
from tests.support.factories import flat_deck_json


@pytest.fixture
def ada(client, make_user):
    return signed_in(client, make_user, "ada")


def protected_routes(app) -> list[tuple[str, str]]:
    """(method, concrete path) for every API route that needs a token."""
    routes = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(PREFIX) or rule.endpoint in ("api.create_token",
                                                                    "api.openapi_document"):
            continue
        path = re.sub(r"<[^>]+>", "1", rule.rule)
        routes.extend((method, path) for method in sorted(rule.methods - {"HEAD", "OPTIONS"}))
    return routes


def test_a_token_is_issued_for_the_right_password_and_opens_the_api(client, make_user):
    make_user("ada")
    response = expect(request_token(client, "ada"), 201)
    token = response.get_json()["token"]
    assert isinstance(token, str) and len(token) >= 32
    assert response.headers["Cache-Control"] == "no-store"
    expect(ApiClient(client, token).get("/decks"), 200)


def test_usernames_match_case_insensitively(client, make_user):
    make_user("ada")
    expect(request_token(client, "ADA"), 201)


@pytest.mark.parametrize(
    ("username", "password"),
    [("ada", "wrong password"), ("nobody", "correct horse battery"), ("ada\x00", "x")],
)
def test_wrong_credentials_are_refused(client, make_user, username, password):
    make_user("ada")
    response = request_token(client, username, password)
    assert_error(response, 401, "invalid_credentials")
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    ("body", "field"),
    [({"username": "ada"}, "password"), ({"password": "x"}, "username"),
     ({"username": 7, "password": "x"}, "username")],
)
def test_a_token_request_without_a_username_or_password_is_invalid(client, body, field):
    error = assert_error(client.post(f"{PREFIX}/tokens", json=body), 422, "invalid_request")
    assert field in error["message"]


def test_a_token_request_that_is_not_json_is_a_bad_request(client):
    response = client.post(f"{PREFIX}/tokens", data="username=ada",
                           content_type="application/x-www-form-urlencoded")
    assert_error(response, 400, "invalid_json")


def test_every_protected_route_needs_a_bearer_token(app, client):
    routes = protected_routes(app)
    assert len(routes) >= 7
    for method, path in routes:
        response = client.open(path, method=method)
        assert_error(response, 401, "unauthorized")
        assert response.headers["WWW-Authenticate"].startswith("Bearer"), (method, path)


@pytest.mark.parametrize(
    "authorization", ["Bearer not-a-real-token", "Bearer " + "x" * 5000, "Basic YWRhOnB3"]
)
def test_an_unknown_token_or_other_scheme_is_refused(client, ada, authorization):
    response = client.get(f"{PREFIX}/decks", headers={"Authorization": authorization})
    error = assert_error(response, 401)
    assert error["code"] in ("invalid_token", "unauthorized")
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_each_token_belongs_to_its_user(client, make_user, import_text):
    ada = signed_in(client, make_user, "ada")
    bob = signed_in(client, make_user, "bob")
    import_text(flat_deck_json(1, key="mine"), owner_id=ada.user.id)
    assert [deck["key"] for deck in ada.decks()] == ["mine"]
    assert bob.decks() == []


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True}])
def test_the_api_needs_no_csrf_token_even_when_pages_do(client, make_user, import_text):
    ada = signed_in(client, make_user, "ada")
    deck_id = import_text(flat_deck_json(1)).deck.id
    expect(ada.enrol(deck_id), 201)
    card = ada.next_card()
    expect(ada.rate(card["card_id"], 3), 200)
    expect(ada.upload(flat_deck_json(1, key="upload")), 201)
    expect(ada.post("/reviews/undo"), 200)


def test_an_unknown_api_route_is_a_json_404(ada):
    assert_error(ada.get("/no/such/thing"), 404, "not_found")
    assert_error(ada.client.get(PREFIX), 404, "not_found")


def test_a_wrong_method_is_a_json_405_with_allow(ada):
    response = ada.request("DELETE", "/decks")
    assert_error(response, 405, "method_not_allowed")
    assert set(response.headers["Allow"].replace(" ", "").split(",")) >= {"GET", "POST"}


def test_an_out_of_range_path_id_is_a_json_404(ada):
    assert_error(ada.get("/decks/99999999999999999999/tree"), 404, "not_found")


def test_an_unexpected_exception_is_a_json_500(ada, monkeypatch):
    def broken(*_args, **_kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("studyapp.api.review.today_counts", broken)
    error = assert_error(ada.get("/stats/today"), 500, "internal_error")
    assert "boom" not in error["message"]


def test_pages_outside_the_api_keep_their_own_errors(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert not (response.is_json and "error" in response.get_json())
