"""Registering, logging in and out, login-only pages, and CSRF on the HTML forms."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import func, select

from studyapp.storage.models import ReviewLog, User
from tests.conftest import PASSWORD
from tests.support.factories import deck_json
from tests.support.forms import csrf_token_from


def text_of(response) -> str:
    return response.get_data(as_text=True)


def user_count(session) -> int:
    session.expire_all()
    return session.scalar(select(func.count(User.id)))


def test_landing_page_offers_register_and_login(client):
    response = client.get("/")
    assert response.status_code == 200
    html = text_of(response)
    assert 'href="/auth/register"' in html
    assert 'href="/auth/login"' in html
    assert "Log out" not in html


def test_home_shows_a_new_user_the_way_to_the_library(client, make_user, login):
    make_user("ada")
    login("ada")
    response = client.get("/")
    assert response.status_code == 200
    html = text_of(response)
    assert "<h1>Your decks</h1>" in html
    assert "Add a deck to start studying" in html
    assert 'href="/decks">' in html and "Browse the library" in html
    assert 'aria-current="page">Home</a>' in html


def test_registering_logs_the_new_user_in(client, session):
    response = client.post(
        "/auth/register",
        data={"username": "grace", "password": "s3cret-enough", "confirm": "s3cret-enough"},
    )
    assert response.status_code == 302
    assert response.location == "/"
    page = client.get("/")
    assert page.status_code == 200
    assert "grace" in text_of(page)
    assert "Welcome, grace!" in text_of(page)
    user = session.scalars(select(User).where(User.username == "grace")).one()
    assert user.password_hash != "s3cret-enough"
    assert user.settings is not None


def test_a_taken_username_is_refused_whatever_its_case(client, session, make_user):
    make_user("ada")
    response = client.post(
        "/auth/register", data={"username": "ADA", "password": PASSWORD, "confirm": PASSWORD}
    )
    assert response.status_code == 200
    assert "The username &#39;ADA&#39; is taken." in text_of(response)
    assert user_count(session) == 1


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"username": "x", "password": PASSWORD, "confirm": PASSWORD}, "A username is 3 to 64"),
        ({"username": "bad name!", "password": PASSWORD, "confirm": PASSWORD}, "A username is"),
        ({"username": "grace", "password": "short", "confirm": "short"}, "at least 8 characters"),
        ({"username": "grace", "password": PASSWORD, "confirm": "different!"}, "passwords differ"),
        ({"username": "", "password": "", "confirm": ""}, "Choose a username."),
    ],
)
def test_registration_explains_what_is_wrong(client, session, form, message):
    response = client.post("/auth/register", data=form)
    assert response.status_code == 200
    html = text_of(response)
    assert message in html
    assert 'aria-invalid="true"' in html
    assert user_count(session) == 0


def test_wrong_password_is_refused_with_a_message(client, make_user):
    make_user("ada")
    response = client.post("/auth/login", data={"username": "ada", "password": "not it at all"})
    assert response.status_code == 200
    assert "Wrong username or password." in text_of(response)
    assert client.get("/decks").status_code == 302


def test_unknown_user_gets_the_same_message(client):
    response = client.post("/auth/login", data={"username": "nobody", "password": PASSWORD})
    assert "Wrong username or password." in text_of(response)


def test_login_follows_a_safe_next(client, make_user):
    make_user("ada")
    response = client.post(
        "/auth/login?next=/study%3Fdeck%3D3", data={"username": "ada", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response.location == "/study?deck=3"


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/x",
        "/\\evil.example",
        "javascript:alert(1)",
        "decks",
    ],
)
def test_login_ignores_a_next_that_leaves_the_site(client, make_user, target):
    make_user("ada")
    response = client.post(
        "/auth/login", query_string={"next": target}, data={"username": "ada", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response.location == "/"


def test_pages_send_visitors_to_log_in_and_back(client):
    response = client.get("/study?deck=2")
    assert response.status_code == 302
    assert response.location.startswith("/auth/login?next=")
    assert "Please log in to study." in text_of(client.get(response.location))


@pytest.mark.parametrize("path", ["/decks", "/decks/1", "/study", "/settings"])
def test_every_page_needs_a_login(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert "/auth/login" in response.location


@pytest.mark.parametrize(
    "path",
    [
        "/study/rate",
        "/study/undo",
        "/study/start",
        "/decks/import",
        "/decks/import/confirm",
        "/decks/1/add",
        "/decks/1/remove",
        "/decks/1/visibility",
        "/settings",
    ],
)
def test_every_form_needs_a_login(client, path):
    response = client.post(path, data={})
    assert response.status_code == 302
    assert "/auth/login" in response.location


def test_logout_ends_the_session(client, make_user, login):
    make_user("ada")
    login("ada")
    assert "Log out" in text_of(client.get("/decks"))
    response = client.post("/auth/logout")
    assert response.status_code == 302
    assert client.get("/decks").status_code == 302
    assert "You have logged out." in text_of(client.get("/"))


def test_logout_is_post_only(client, make_user, login):
    make_user("ada")
    login("ada")
    assert client.get("/auth/logout").status_code == 405
    assert client.get("/decks").status_code == 200


def test_layout_has_the_site_furniture(client, make_user, login):
    make_user("ada")
    login("ada")
    html = text_of(client.get("/settings"))
    assert 'class="skip-link" href="#main"' in html
    assert '<main id="main"' in html
    for label in ("Home", "Library", "Study", "Dashboard", "Settings"):
        assert f">{label}</a>" in html
    assert 'aria-current="page">Settings' in html
    assert "<footer" in html


def test_pages_forbid_inline_scripts(client):
    response = client.get("/auth/login")
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"






class TestCsrfEnforced:
    @pytest.fixture
    def app_config(self) -> dict[str, Any]:
        return {"WTF_CSRF_ENABLED": True}

    def log_in(self, client, username: str = "ada") -> None:
        token = csrf_token_from(text_of(client.get("/auth/login")))
        response = client.post(
            "/auth/login", data={"username": username, "password": PASSWORD, "csrf_token": token}
        )
        assert response.status_code == 302

    def test_register_without_a_token_changes_nothing(self, client, session):
        client.get("/auth/register")
        response = client.post(
            "/auth/register",
            data={"username": "grace", "password": PASSWORD, "confirm": PASSWORD},
            headers={"Referer": "http://localhost/auth/register"},
        )
        assert response.status_code == 303
        assert response.location == "/auth/register"
        assert "Your form expired; please try again." in text_of(client.get(response.location))
        assert user_count(session) == 0

    def test_register_with_the_token_works(self, client, session):
        token = csrf_token_from(text_of(client.get("/auth/register")))
        response = client.post(
            "/auth/register",
            data={
                "username": "grace",
                "password": PASSWORD,
                "confirm": PASSWORD,
                "csrf_token": token,
            },
        )
        assert response.status_code == 302
        assert user_count(session) == 1

    def test_a_wrong_token_is_refused_too(self, client, make_user):
        make_user("ada")
        client.get("/auth/login")
        response = client.post(
            "/auth/login", data={"username": "ada", "password": PASSWORD, "csrf_token": "forged"}
        )
        assert response.status_code == 303
        assert client.get("/decks").status_code == 302

    def test_logout_without_a_token_keeps_you_logged_in(self, client, make_user):
        make_user("ada")
        self.log_in(client)
        response = client.post("/auth/logout")
        assert response.status_code == 303
        assert client.get("/decks").status_code == 200
        token = csrf_token_from(text_of(client.get("/decks")))
        client.post("/auth/logout", data={"csrf_token": token})
        assert client.get("/decks").status_code == 302

    def test_rating_without_a_token_records_nothing(self, client, session, make_user, import_text):
        ada = make_user("ada")
        import_text(deck_json(), studied_by=ada)
        self.log_in(client)
        html = text_of(client.get("/study"))
        card_id = re.search(r'name="card_id" value="(\d+)"', html).group(1)
        request_id = re.search(r'name="request_id" value="(\w+)"', html).group(1)
        form = {"card_id": card_id, "request_id": request_id, "rating": "3"}
        response = client.post("/study/rate", data=form)
        assert response.status_code == 303
        session.expire_all()
        assert session.scalar(select(func.count(ReviewLog.id))) == 0
        response = client.post("/study/rate", data={**form, "csrf_token": csrf_token_from(html)})
        assert response.status_code == 303
        assert session.scalar(select(func.count(ReviewLog.id))) == 1

    def test_settings_without_a_token_are_not_saved(self, client, session, make_user):
        user = make_user("ada")
        self.log_in(client)
        response = client.post(
            "/settings",
            data={
                "desired_retention": "0.8",
                "new_cards_per_day": "5",
                "max_reviews_per_day": "50",
                "time_zone": "UTC",
                "day_rollover_hour": "4",
                "learning_steps": "1m",
                "relearning_steps": "10m",
            },
        )
        assert response.status_code == 303
        session.expire_all()
        assert session.get(User, user.id).settings.new_cards_per_day == 20
