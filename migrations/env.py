"""Alembic environment for studyapp.

The URL comes from the Alembic config's ``sqlalchemy.url`` main option
(``studyapp.storage.schema_migrations.alembic_config`` sets it), else from the
environment exactly as the app reads it. The engine is the app's own
(``studyapp.storage.db.make_engine``), and the comparison options are shared with
``studyapp.storage.schema_migrations.schema_differences`` so that "migrations agree
with the models" means the same thing in tests, CLI and autogenerate.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from studyapp.config import database_url_from_environment
from studyapp.storage.db import make_engine
from studyapp.storage.schema_migrations import DEFAULT_INSTANCE_PATH, migration_context_options

config = context.config


def database_url() -> str:
    return config.get_main_option("sqlalchemy.url") or database_url_from_environment(
        DEFAULT_INSTANCE_PATH  # <repo>/instance, as for the app
    )


def run_migrations_offline() -> None:
    """Write the SQL to stdout (``alembic upgrade --sql``) instead of running it."""
    context.configure(
        url=database_url(),
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
        **migration_context_options(),
    )
    with context.begin_transaction():
        context.run_migrations()


def _sqlite_foreign_keys_off(connection: Connection) -> None:
    # make_engine turns foreign keys on, but a batch operation recreates a
    # table (copy, DROP, rename) and DROP TABLE with foreign keys on runs the
    # ON DELETE actions: every child row of a CASCADE foreign key would be
    # deleted. The pragma is ignored inside a transaction, so it is set (and
    # the autobegun transaction ended) before Alembic starts its own.
    connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
    connection.commit()


def _sqlite_check_foreign_keys(connection: Connection) -> None:
    violations = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    connection.commit()
    if violations:
        shown = ", ".join(str(tuple(row)) for row in violations[:10])
        raise RuntimeError(
            f"the migration left {len(violations)} foreign key violation(s) "
            f"(table, rowid, parent, fk index): {shown}"
        )


def run_migrations_online() -> None:
    engine = make_engine(database_url())
    try:
        with engine.connect() as connection:
            is_sqlite = connection.dialect.name == "sqlite"
            if is_sqlite:
                _sqlite_foreign_keys_off(connection)
            context.configure(connection=connection, **migration_context_options())
            with context.begin_transaction():
                context.run_migrations()
            if is_sqlite:
                _sqlite_check_foreign_keys(connection)
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
