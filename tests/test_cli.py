"""The studyapp command: schema, imports, deck listing, users."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from studyapp.accounts.users import authenticate
from studyapp.cli import main
from studyapp.storage.models import Deck
from studyapp.storage.schema_migrations import head_revision
from tests.support.factories import deck_json
from tests.support.paths import DECKS_DIR


@pytest.fixture
def cli_env(monkeypatch, database_url, engine):
    """Point the CLI at this test's (emptied) database."""
    monkeypatch.setenv("STUDYAPP_DATABASE_URL", database_url)
    monkeypatch.setenv("STUDYAPP_SECRET_KEY", "cli test")


def test_db_upgrade_creates_the_schema_on_an_empty_database(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("STUDYAPP_DATABASE_URL", f"sqlite:///{tmp_path / 'fresh.sqlite3'}")
    monkeypatch.setenv("STUDYAPP_SECRET_KEY", "x")
    head = head_revision()
    assert main(["db", "upgrade"]) == 0
    assert f"database at revision {head}" in capsys.readouterr().out
    assert main(["db", "current"]) == 0
    assert capsys.readouterr().out.startswith(head)


def test_import_folder_then_list_decks(cli_env, session, capsys):
    assert main(["import", str(DECKS_DIR)]) == 0
    output = capsys.readouterr().out
    assert output.count("created: ") == len(list(DECKS_DIR.iterdir()))
    assert session.scalar(select(func.count()).select_from(Deck)) == len(list(DECKS_DIR.iterdir()))

    assert main(["decks"]) == 0
    listing = capsys.readouterr().out
    assert "claude-code-architecture" in listing
    assert "       13      39  Claude Code Architecture" in listing

    assert main(["import", str(DECKS_DIR / "spaced-repetition.md")]) == 0
    assert (
        "updated: 0 added, 0 changed, 0 moved, 0 retired, 28 unchanged" in capsys.readouterr().out
    )


def test_import_reports_every_problem_and_keeps_going(cli_env, session, tmp_path, capsys):
    good = tmp_path / "good.json"
    good.write_text(deck_json())
    bad = tmp_path / "bad.md"
    bad.write_text("# Topic\n\n## No summary\n")
    assert main(["import", str(bad), str(good)]) == 1
    captured = capsys.readouterr()
    assert f"{bad}, line 3: 'No summary' has no short summary" in captured.err
    assert "Algebra (algebra) created" in captured.out


def test_import_of_a_missing_path_fails_clearly(cli_env, capsys):
    assert main(["import", "/nonexistent/deck.json"]) == 2
    assert "no such file" in capsys.readouterr().err


def test_user_create_with_password_and_admin_flag(cli_env, session, capsys):
    assert main(["user", "create", "grace", "--password", "long enough pw", "--admin"]) == 0
    assert "created administrator grace" in capsys.readouterr().out
    user = authenticate(session, "grace", "long enough pw")
    assert user is not None and user.is_admin
    assert main(["user", "create", "grace", "--password", "long enough pw"]) == 2
    assert "taken" in capsys.readouterr().err


def test_user_create_prompts_for_the_password(cli_env, session, monkeypatch):
    answers = iter(["prompted password", "prompted password"])
    monkeypatch.setattr("getpass.getpass", lambda _prompt: next(answers))
    assert main(["user", "create", "hopper"]) == 0
    assert authenticate(session, "hopper", "prompted password") is not None
