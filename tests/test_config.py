"""Configuration from the environment, and the embedded SQLite set-up."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from studyapp import create_app
from studyapp.config import ConfigurationError, secret_key_from_environment
from studyapp.storage.db import make_engine


def test_secret_key_is_generated_once_and_kept_for_the_embedded_default(monkeypatch, tmp_path):
    monkeypatch.delenv("STUDYAPP_SECRET_KEY", raising=False)
    monkeypatch.delenv("STUDYAPP_DATABASE_URL", raising=False)
    first = secret_key_from_environment(tmp_path, debug=False)
    assert len(first) == 64
    assert secret_key_from_environment(tmp_path, debug=False) == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_secret_key_is_required_for_a_configured_database(monkeypatch, tmp_path):
    monkeypatch.delenv("STUDYAPP_SECRET_KEY", raising=False)
    monkeypatch.setenv("STUDYAPP_DATABASE_URL", "postgresql://db.internal/studyapp")
    with pytest.raises(ConfigurationError, match="STUDYAPP_SECRET_KEY must be set"):
        secret_key_from_environment(tmp_path, debug=False)
    monkeypatch.setenv("STUDYAPP_SECRET_KEY", "from the environment")
    assert secret_key_from_environment(tmp_path, debug=False) == "from the environment"


def test_app_reads_the_database_url_from_the_environment(monkeypatch, tmp_path):
    url = f"sqlite:///{tmp_path / 'env.sqlite3'}"
    monkeypatch.setenv("STUDYAPP_DATABASE_URL", url)
    monkeypatch.setenv("STUDYAPP_SECRET_KEY", "k")
    app = create_app()
    assert app.config["DATABASE_URL"] == url
    assert app.config["SECRET_KEY"] == "k"


def test_sqlite_runs_with_wal_busy_timeout_and_foreign_keys(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'p.sqlite3'}")
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() == 5000
    engine.dispose()


def test_gunicorn_loads_the_same_app_factory(monkeypatch, tmp_path):
    from gunicorn.util import import_app

    monkeypatch.setenv("STUDYAPP_DATABASE_URL", f"sqlite:///{tmp_path / 'g.sqlite3'}")
    monkeypatch.setenv("STUDYAPP_SECRET_KEY", "shared by every server")
    app = import_app("studyapp:create_app()")
    assert app.config["SECRET_KEY"] == "shared by every server"
    assert any(rule.rule == "/api/v1/openapi.json" for rule in app.url_map.iter_rules())
