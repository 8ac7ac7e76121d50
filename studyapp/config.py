"""Configuration from environment variables, with safe defaults for the embedded set-up."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

DATABASE_URL_VARIABLE = "STUDYAPP_DATABASE_URL"
SECRET_KEY_VARIABLE = "STUDYAPP_SECRET_KEY"
SECRET_KEY_FILE_NAME = "secret_key"
DEFAULT_SQLITE_FILE_NAME = "studyapp.sqlite3"


class ConfigurationError(RuntimeError):
    """The environment does not describe a runnable studyapp."""


def default_database_url(instance_path: str | os.PathLike[str]) -> str:
    return f"sqlite:///{Path(instance_path) / DEFAULT_SQLITE_FILE_NAME}"


def database_url_from_environment(instance_path: str | os.PathLike[str]) -> str:
    return os.environ.get(DATABASE_URL_VARIABLE) or default_database_url(instance_path)


def secret_key_from_environment(instance_path: str | os.PathLike[str], *, debug: bool) -> str:
    """The session-signing key.

    ``STUDYAPP_SECRET_KEY`` wins. Without it, the embedded default set-up (no
    database URL configured) or debug mode generates a key once and keeps it in
    ``instance/secret_key`` so sessions survive restarts; a production set-up
    must configure one explicitly, since several app servers must share it.
    """
    configured = os.environ.get(SECRET_KEY_VARIABLE)
    if configured:
        return configured
    if os.environ.get(DATABASE_URL_VARIABLE) and not debug:
        raise ConfigurationError(
            f"{SECRET_KEY_VARIABLE} must be set when {DATABASE_URL_VARIABLE} points at a "
            "production database (every app server needs the same key)."
        )
    key_file = Path(instance_path) / SECRET_KEY_FILE_NAME
    if key_file.exists():
        return key_file.read_text(encoding="ascii").strip()
    key_file.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    # Written owner-only: the key signs every login session.
    descriptor = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        handle.write(key + "\n")
    return key
