"""Alembic owns the schema: the migrations must build exactly what storage.models describes.

Every test runs on a fresh SQLite file and on a throwaway PostgreSQL database
(``studyapp_mig_<hex>``, created on the server at ``STUDYAPP_TEST_POSTGRES_URL``
and dropped afterwards). Without a reachable PostgreSQL the PostgreSQL cases
are skipped, unless ``STUDYAPP_REQUIRE_POSTGRES=1`` makes that a failure.
"""

from __future__ import annotations

import os
import secrets
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Engine, inspect, text
from sqlalchemy.engine import make_url

from studyapp.storage import schema_migrations
from studyapp.storage.db import make_engine
from studyapp.storage.models import Base

DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
POSTGRES_URL_VARIABLE = "STUDYAPP_TEST_POSTGRES_URL"
REQUIRE_POSTGRES_VARIABLE = "STUDYAPP_REQUIRE_POSTGRES"


def _sqlite_database(tmp_path: Path) -> Iterator[str]:
    yield f"sqlite:///{tmp_path / 'migrations.sqlite3'}"


def _unreachable_reason(engine: Engine) -> str | None:
    try:
        with engine.connect():
            return None
    except Exception as error:
        lines = str(error).strip().splitlines()
        return lines[0] if lines else repr(error)


def _postgres_database() -> Iterator[str]:
    admin_url = os.environ.get(POSTGRES_URL_VARIABLE) or DEFAULT_POSTGRES_URL
    shown_url = make_url(admin_url).render_as_string(hide_password=True)
    admin = make_engine(
        admin_url, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 5}
    )
    try:
        unreachable = _unreachable_reason(admin)
        if unreachable is not None:
            # Decided outside the except block: a chained traceback would show
            # the connection string, password included.
            message = f"PostgreSQL not reachable at {shown_url}: {unreachable}"
            if os.environ.get(REQUIRE_POSTGRES_VARIABLE) == "1":
                pytest.fail(f"{message} ({REQUIRE_POSTGRES_VARIABLE}=1)", pytrace=False)
            pytest.skip(message)

        name = f"studyapp_mig_{secrets.token_hex(6)}"
        with admin.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
        try:
            yield make_url(admin.url).set(database=name).render_as_string(hide_password=False)
        finally:
            with admin.connect() as connection:
                # Nothing should still be connected (every helper disposes its
                # engine), but a failed test must not leave the database behind.
                connection.exec_driver_sql(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = %(name)s AND pid <> pg_backend_pid()",
                    {"name": name},
                )
                connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}"')
    finally:
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of an empty database on each backend, removed after the test."""
    if request.param == "sqlite":
        yield from _sqlite_database(tmp_path)
    else:
        yield from _postgres_database()


def _table_names(database_url: str) -> set[str]:
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            return set(inspect(connection).get_table_names())
    finally:
        engine.dispose()


def test_upgrade_to_head_matches_the_models(empty_database_url: str) -> None:
    assert schema_migrations.current_revision(empty_database_url) is None

    schema_migrations.upgrade(empty_database_url)

    assert schema_migrations.current_revision(empty_database_url) == (
        schema_migrations.head_revision()
    )
    assert _table_names(empty_database_url) == set(Base.metadata.tables) | {"alembic_version"}
    assert schema_migrations.schema_differences(empty_database_url) == []


def test_downgrade_to_base_and_upgrade_again(empty_database_url: str) -> None:
    schema_migrations.upgrade(empty_database_url)

    schema_migrations.downgrade(empty_database_url, "base")

    assert schema_migrations.current_revision(empty_database_url) is None
    assert _table_names(empty_database_url) <= {"alembic_version"}

    schema_migrations.upgrade(empty_database_url)

    assert schema_migrations.current_revision(empty_database_url) == (
        schema_migrations.head_revision()
    )
    assert schema_migrations.schema_differences(empty_database_url) == []


def test_a_changed_partial_index_predicate_is_a_difference(empty_database_url: str) -> None:
    """Alembic ignores index predicates; schema_migrations adds that comparison."""
    schema_migrations.upgrade(empty_database_url)
    engine = make_engine(empty_database_url)
    try:
        with engine.begin() as connection:
            connection.exec_driver_sql("DROP INDEX uq_decks_public_key")
            connection.exec_driver_sql(
                "CREATE UNIQUE INDEX uq_decks_public_key ON decks (key) WHERE owner_id IS NOT NULL"
            )
    finally:
        engine.dispose()

    differences = schema_migrations.schema_differences(empty_database_url)

    assert [(kind, index.name) for kind, index in differences] == [
        ("remove_index", "uq_decks_public_key"),
        ("add_index", "uq_decks_public_key"),
    ]


def test_sqlite_table_rebuild_keeps_the_rows_that_reference_it(tmp_path: Path) -> None:
    """A batch rebuild of a parent table must not run its children's ON DELETE CASCADE.

    SQLite rebuilds a table to alter it (copy, DROP, rename); make_engine turns
    foreign keys on, and with them on the DROP deletes every child row.
    migrations/env.py turns them off for the migration.
    """
    head = schema_migrations.head_revision()
    scripts = tmp_path / "migrations"
    shutil.copytree(
        schema_migrations.migrations_directory(),
        scripts,
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    (scripts / "versions" / "9999_rebuild_users.py").write_text(
        f"""
import sqlalchemy as sa
from alembic import op

revision = "9999"
down_revision = {head!r}
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users", recreate="always") as batch_op:
        batch_op.add_column(sa.Column("nickname", sa.String(20), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("users", recreate="always") as batch_op:
        batch_op.drop_column("nickname")
""",
        encoding="utf-8",
    )
    database_url = f"sqlite:///{tmp_path / 'rebuild.sqlite3'}"
    config = schema_migrations.alembic_config(database_url)
    config.set_main_option("script_location", str(scripts))
    command.upgrade(config, head)
    engine = make_engine(database_url)
    try:
        with engine.begin() as connection:
            connection.exec_driver_sql(
                "INSERT INTO users (id, username, password_hash, created_at) "
                "VALUES (1, 'ada', 'x', '2024-01-01 00:00:00')"
            )
            connection.exec_driver_sql(
                "INSERT INTO api_tokens (user_id, token_sha256, created_at) "
                "VALUES (1, 'token', '2024-01-01 00:00:00')"
            )

        command.upgrade(config, "9999")
        command.downgrade(config, head)

        with engine.connect() as connection:
            assert connection.exec_driver_sql("SELECT count(*) FROM api_tokens").scalar() == 1
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    finally:
        engine.dispose()


def test_0003_enrols_every_user_in_the_decks_they_could_see(empty_database_url: str) -> None:
    """Before enrolments everyone studied every deck visible to them; the upgrade keeps that."""
    schema_migrations.upgrade(empty_database_url, "0002")
    engine = make_engine(empty_database_url)
    try:
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO users (id, username, password_hash, is_admin, created_at) "
                    "VALUES (1, 'ada', 'x', false, :at), (2, 'bob', 'x', false, :at), "
                    "(3, 'cyd', 'x', true, :at)"
                ),
                {"at": "2026-01-01 00:00:00"},
            )
            connection.execute(
                text(
                    "INSERT INTO decks (id, key, title, description, owner_id, is_public, "
                    "source_format, created_at, updated_at) VALUES "
                    "(10, 'algebra', 'Algebra', '', NULL, true, 'json', :at, :at), "
                    "(11, 'notes', 'Ada''s notes', '', 1, false, 'json', :at, :at), "
                    "(12, 'shared', 'Bob''s shared', '', 2, true, 'json', :at, :at), "
                    "(13, 'hidden', 'Hidden', '', NULL, false, 'json', :at, :at)"
                ),
                {"at": "2026-01-01 00:00:00"},
            )

        schema_migrations.upgrade(empty_database_url)

        with engine.connect() as connection:
            rows = connection.execute(
                text("SELECT user_id, deck_id, created_at FROM enrolments ORDER BY 1, 2")
            ).all()
        assert [(user, deck) for user, deck, _ in rows] == [
            (1, 10), (1, 11), (1, 12),
            (2, 10), (2, 12),
            (3, 10), (3, 12),
        ]
        assert all(created is not None for _, _, created in rows)
        assert schema_migrations.schema_differences(empty_database_url) == []

        schema_migrations.downgrade(empty_database_url, "0002")
        assert "enrolments" not in _table_names(empty_database_url)
        with engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM decks")).scalar() == 4
    finally:
        engine.dispose()
