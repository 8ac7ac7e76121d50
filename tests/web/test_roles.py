"""Administrators: the require_admin helpers of the pages and the API, and the CLI roles."""

from __future__ import annotations

import pytest
from flask import abort, g, request
from sqlalchemy import select

from studyapp.accounts.users import find_user
from studyapp.api.auth import require_admin as api_require_admin
from studyapp.api.errors import ApiError
from studyapp.cli import main
from studyapp.storage.models import User
from studyapp.web.roles import admin_required, require_admin


@pytest.fixture
def cli_env(monkeypatch, database_url, engine):
    """Point the CLI at this test's (emptied) database."""
    monkeypatch.setenv("STUDYAPP_DATABASE_URL", database_url)
    monkeypatch.setenv("STUDYAPP_SECRET_KEY", "cli test")


@pytest.fixture
def admin_pages(app):
    """Two tiny pages: one wholly for administrators, one with an administrators' option."""

    @app.route("/test/admin-only")
    @admin_required("see the administrators' page")
    def admin_only() -> str:
        return "for administrators"

    @app.route("/test/import")
    def import_page() -> str:
        if request.args.get("public") == "1":
            require_admin("import a public deck")
        return "imported"

    return app


def test_admin_pages_refuse_users_with_a_clear_message(client, admin_pages, make_user, login):
    assert "/auth/login" in client.get("/test/admin-only").location
    make_user("ada")
    make_user("root", is_admin=True)
    login("ada")
    response = client.get("/test/admin-only")
    assert response.status_code == 403
    html = response.get_data(as_text=True)
    assert "Only administrators may see the administrators&#39; page." in html
    assert 'class="site-header"' in html  # the error page, in the layout
    assert client.get("/test/import").status_code == 200
    refused = client.get("/test/import?public=1")
    assert refused.status_code == 403
    assert "Only administrators may import a public deck." in refused.get_data(as_text=True)

    client.post("/auth/logout")
    login("root")
    assert client.get("/test/admin-only").get_data(as_text=True) == "for administrators"
    assert client.get("/test/import?public=1").status_code == 200


def test_the_generic_403_text_stays_for_plain_aborts(app, client):
    @app.route("/test/forbidden")
    def forbidden() -> str:
        abort(403)

    response = client.get("/test/forbidden")
    assert response.status_code == 403
    assert "You may not do that." in response.get_data(as_text=True)


def test_the_api_helper_answers_403_forbidden_for_users(app, make_user):
    ada = make_user("ada")
    root = make_user("root", is_admin=True)
    with app.test_request_context("/api/v1/decks"):
        g.api_user = ada
        with pytest.raises(ApiError) as caught:
            api_require_admin("import a public deck")
        assert (caught.value.status, caught.value.code) == (403, "forbidden")
        assert caught.value.message == "Only administrators may import a public deck."
        g.api_user = root
        assert api_require_admin("import a public deck") is root


def test_promote_and_demote_from_the_command_line(cli_env, session, make_user, capsys):
    make_user("grace")
    assert main(["user", "promote", "Grace"]) == 0
    assert "grace is now an administrator" in capsys.readouterr().out
    session.expire_all()
    assert find_user(session, "grace").is_admin
    assert main(["user", "demote", "grace"]) == 0
    assert "grace is now a user without administrator rights" in capsys.readouterr().out
    session.expire_all()
    assert not session.scalars(select(User.is_admin)).one()
    assert main(["user", "promote", "nobody"]) == 2
    assert "There is no user named 'nobody'." in capsys.readouterr().err
