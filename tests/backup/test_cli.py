"""The ``export-user`` and ``import-user`` commands (studyapp.cli) on a user's document."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import delete

from studyapp.accounts.users import authenticate, find_user
from studyapp.backup.export import export_user
from studyapp.cli import main
from studyapp.storage.db import transaction
from studyapp.storage.models import Deck
from tests.conftest import PASSWORD
from tests.support.backup import assert_same_history, delete_user, snapshot


@pytest.fixture
def cli_env(monkeypatch, database_url, engine):
    """Point the CLI at this test's (emptied) database."""
    monkeypatch.setenv("STUDYAPP_DATABASE_URL", database_url)
    monkeypatch.setenv("STUDYAPP_SECRET_KEY", "cli test")


def without_export_time(document: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in document.items() if name != "exported_at"}


def test_cli_export_then_import_after_deleting(cli_env, session, ada, clock, tmp_path, capsys):
    before = snapshot(session, "ada")
    path = tmp_path / "ada.json"
    assert main(["export-user", "ada", str(path)]) == 0
    assert "exported ada: 4 card states, 7 reviews, 1 private decks" in capsys.readouterr().out
    written = json.loads(path.read_text("utf-8"))
    assert without_export_time(written) == without_export_time(
        export_user(session, "ada", now=clock.now())
    )
    assert [p.name for p in tmp_path.iterdir()] == ["ada.json"]  # no temporary file left

    assert main(["import-user", str(path)]) == 2
    error = capsys.readouterr().err
    assert "nothing was imported" in error and "'ada' is taken" in error and "--rename" in error

    delete_user(session, "ada")
    assert main(["import-user", str(path)]) == 0
    assert "imported user ada: 4 card states, 7 reviews" in capsys.readouterr().out
    assert_same_history(before, snapshot(session, "ada"))


def test_cli_import_with_rename(cli_env, session, ada, tmp_path, capsys):
    path = tmp_path / "ada.json"
    assert main(["export-user", "ada", str(path)]) == 0
    assert main(["import-user", str(path), "--rename", "lovelace"]) == 0
    assert "imported user lovelace" in capsys.readouterr().out
    assert authenticate(session, "lovelace", PASSWORD) is not None
    assert snapshot(session, "lovelace")["logs"] == snapshot(session, "ada")["logs"]


def test_cli_export_to_stdout_and_errors(cli_env, session, ada, tmp_path, capsys):
    assert main(["export-user", "ada", "-"]) == 0
    assert json.loads(capsys.readouterr().out)["user"]["username"] == "ada"
    assert main(["export-user", "nobody", str(tmp_path / "x.json")]) == 2
    assert "no user named 'nobody'" in capsys.readouterr().err
    assert not (tmp_path / "x.json").exists()
    assert main(["import-user", str(tmp_path / "missing.json")]) == 2
    assert "cannot read" in capsys.readouterr().err
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    assert main(["import-user", str(bad)]) == 2
    assert "cannot read" in capsys.readouterr().err


def test_cli_import_lists_missing_decks(cli_env, session, ada, tmp_path, capsys):
    path = tmp_path / "ada.json"
    assert main(["export-user", "ada", str(path)]) == 0
    delete_user(session, "ada")
    with transaction(session):
        session.execute(delete(Deck).where(Deck.key == "algebra"))
    assert main(["import-user", str(path)]) == 2
    error = capsys.readouterr().err
    assert "lacks what the document refers to" in error and "public deck 'algebra'" in error
    assert find_user(session, "ada") is None
