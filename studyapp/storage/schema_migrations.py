"""Alembic owns the schema: upgrade, downgrade, inspect and check the database.

The functions here build the Alembic configuration in code (there is no
``alembic.ini``) and are used by the CLI and the tests. ``migrations/env.py``
imports :func:`migration_context_options` so that running migrations,
autogenerating revisions and :func:`schema_differences` all compare the models
with the database in exactly the same way.

Command line (from the repository root)::

    python -m studyapp.storage.schema_migrations revision "add decks.language"
    python -m studyapp.storage.schema_migrations upgrade [REVISION]
    python -m studyapp.storage.schema_migrations downgrade REVISION
    python -m studyapp.storage.schema_migrations current
    python -m studyapp.storage.schema_migrations check

Every command except ``revision`` works on ``STUDYAPP_DATABASE_URL`` (or the
embedded SQLite database in ``instance/``), or on ``--database-url``.
"""

from __future__ import annotations

import argparse
import logging
import re
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from alembic import command
from alembic.autogenerate import comparators, compare_metadata
from alembic.autogenerate.api import AutogenContext
from alembic.config import Config
from alembic.operations import ops
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Column, Index, MetaData, Table, text
from sqlalchemy.sql.elements import ClauseElement
from sqlalchemy.types import NullType

from studyapp.config import database_url_from_environment, default_database_url
from studyapp.storage.db import UTCDateTime, make_engine
from studyapp.storage.models import Base

# The studyapp package folder, i.e. Path(studyapp.__file__).parent (taken from this
# file, studyapp/storage/schema_migrations.py, so it also holds for a namespace package).
_PACKAGE_DIR = Path(__file__).resolve().parents[1]
# A source checkout keeps ``migrations/`` next to the package; the wheel
# force-includes it as ``studyapp/migrations`` (see pyproject.toml).
_MIGRATIONS_CANDIDATES = (_PACKAGE_DIR.parent / "migrations", _PACKAGE_DIR / "migrations")
# Flask's instance folder for a source checkout (create_app's app.instance_path),
# where the embedded SQLite database lives when STUDYAPP_DATABASE_URL is unset.
DEFAULT_INSTANCE_PATH = _PACKAGE_DIR.parent / "instance"

# Revisions are numbered 0001, 0002, ... and their files are "<rev>_<slug>.py".
_REVISION_FILE_TEMPLATE = "%%(rev)s_%%(slug)s"


def migrations_directory() -> Path:
    """The Alembic script directory: the checkout's ``migrations/`` or the wheel's copy."""
    for candidate in _MIGRATIONS_CANDIDATES:
        if (candidate / "env.py").is_file():
            return candidate
    searched = ", ".join(str(candidate) for candidate in _MIGRATIONS_CANDIDATES)
    raise FileNotFoundError(f"no Alembic migrations directory found (looked in {searched})")


def alembic_config(database_url: str) -> Config:
    """An Alembic :class:`~alembic.config.Config` for ``database_url``, built without an ini file.

    ``migrations/env.py`` reads the URL back from the ``sqlalchemy.url`` main option.
    """
    config = Config()
    config.set_main_option("script_location", str(migrations_directory()))
    config.set_main_option("path_separator", "os")
    config.set_main_option("file_template", _REVISION_FILE_TEMPLATE)
    # Config values go through ConfigParser interpolation: a "%" (for example
    # in a percent-encoded password) must be doubled to survive it.
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    """Migrate the database at ``database_url`` forward to ``revision`` (default: the newest)."""
    command.upgrade(alembic_config(database_url), revision)


def downgrade(database_url: str, revision: str) -> None:
    """Migrate the database back to ``revision`` (``"base"`` drops every table Alembic made)."""
    command.downgrade(alembic_config(database_url), revision)


def current_revision(database_url: str) -> str | None:
    """The revision the database is stamped with, or None if Alembic never touched it."""
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    finally:
        engine.dispose()


def head_revision() -> str | None:
    """The newest revision in ``migrations/versions``."""
    return ScriptDirectory(str(migrations_directory())).get_current_head()


def schema_differences(database_url: str) -> list[Any]:
    """What autogenerate would change to make the live database match ``studyapp.storage.models``.

    Compares the database as it is now (upgrade it first to check the
    migrations) with the same options ``migrations/env.py`` uses. The items are
    Alembic's diff tuples (or lists of them for column changes); an empty list
    means the models and the migrated database agree.
    """
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts=migration_context_options())
            return list(compare_metadata(context, Base.metadata))
    finally:
        engine.dispose()


def create_revision(message: str, database_url: str | None = None) -> Path:
    """Autogenerate the next numbered revision from the models and return its file.

    By default the comparison runs against a throwaway SQLite database
    upgraded to head, so no real database is needed; pass ``database_url`` to
    compare against a database that is already at head instead. Read the file
    before committing it: autogenerate cannot see renames, and data migrations
    are hand-written.
    """
    with tempfile.TemporaryDirectory(prefix="studyapp-revision-") as scratch:
        if database_url is None:
            database_url = f"sqlite:///{Path(scratch) / 'head.sqlite3'}"
            upgrade(database_url)
        config = alembic_config(database_url)
        script = command.revision(
            config, message=message, autogenerate=True, rev_id=_next_revision_id(config)
        )
    scripts = script if isinstance(script, list) else [script]
    if not scripts or scripts[0] is None:
        raise RuntimeError("alembic did not write a revision")
    return Path(scripts[0].path)


def _next_revision_id(config: Config) -> str:
    numbers = [
        int(script.revision)
        for script in ScriptDirectory.from_config(config).walk_revisions()
        if script.revision.isdigit()
    ]
    return f"{max(numbers, default=0) + 1:04d}"


# --- Options shared by env.py and schema_differences -------------------------


def render_item(type_: str, obj: Any, autogen_context: AutogenContext) -> str | bool:
    """Render studyapp's own column types as importable code in revision files.

    Without this, autogenerate writes ``studyapp.storage.db.UTCDateTime(timezone=True)``
    (the impl's arguments) and no ``import studyapp.storage.db``.
    """
    if type_ == "type" and isinstance(obj, UTCDateTime):
        autogen_context.imports.add("import studyapp.storage.db")
        return "studyapp.storage.db.UTCDateTime()"
    return False


def migration_context_options() -> dict[str, Any]:
    """The ``context.configure``/``MigrationContext`` options for running and comparing."""
    return {
        "target_metadata": Base.metadata,
        "compare_type": True,
        "compare_server_default": True,
        # Revisions must run on SQLite as well as PostgreSQL whichever database
        # autogenerate compared against, so ALTERs are always rendered as batch
        # operations (on PostgreSQL a batch is plain ALTER TABLE statements).
        "render_as_batch": True,
        "render_item": render_item,
    }


# --- Partial index predicates ---------------------------------------------------
#
# Alembic compares an index's columns and uniqueness but not its WHERE clause:
# left alone, it would call ``uq_decks_public_key`` equal to a plain unique
# index, or to one with a different predicate. This comparator fills the gap
# for indexes both sides have with the same columns and uniqueness (Alembic
# itself reports every other index difference), comparing the
# ``<dialect>_where`` option of the models with the reflected one. It is
# registered on Alembic's global comparator list: the hook that works on every
# Alembic version pyproject.toml allows (1.13+; the plugin API is 1.18+).

# A PostgreSQL cast such as ``::text`` or ``::character varying(20)``, which
# PostgreSQL adds when it stores a predicate.
_PG_CAST = re.compile(
    r"::\s*(?:\"[^\"]+\"|character\s+varying|double\s+precision"
    r"|time(?:stamp)?\s+with(?:out)?\s+time\s+zone|\w+)(?:\(\s*\d+(?:\s*,\s*\d+)?\s*\))?(?:\[\])?",
    re.IGNORECASE,
)


def _normalized_predicate(predicate: Any, autogen_context: AutogenContext) -> str | None:
    """A predicate as comparable text: no casts, quotes, parentheses or case differences.

    Dropping every parenthesis could equate predicates that differ only in
    grouping; that blind spot is accepted to tolerate how PostgreSQL rewrites
    a stored predicate (``owner_id IS NULL`` comes back as ``(owner_id IS NULL)``).
    """
    if predicate is None:
        return None
    if isinstance(predicate, ClauseElement):
        predicate = predicate.compile(
            dialect=autogen_context.dialect,
            compile_kwargs={"literal_binds": True, "include_table": False},
        ).string
    normalized = _PG_CAST.sub("", str(predicate)).replace('"', "").replace("(", " ")
    return " ".join(normalized.replace(")", " ").lower().split()) or None


def _compare_partial_index_predicates(
    autogen_context: AutogenContext,
    modify_ops: ops.ModifyTableOps,
    schema: str | None,
    table_name: str,
    conn_table: Table | None,
    metadata_table: Table | None,
) -> None:
    if conn_table is None or metadata_table is None or autogen_context.dialect is None:
        return
    where_option = f"{autogen_context.dialect.name}_where"
    reflected_indexes = {
        reflected["name"]: reflected
        for reflected in autogen_context.inspector.get_indexes(table_name, schema=schema)
    }
    for index in sorted(metadata_table.indexes, key=lambda index: str(index.name)):
        reflected = reflected_indexes.get(str(index.name))
        if reflected is None:
            continue
        columns = [column.name for column in index.columns]
        if (
            len(columns) != len(index.expressions)
            or reflected["column_names"] != columns
            or bool(reflected["unique"]) != bool(index.unique)
        ):
            continue  # an expression index, or a difference Alembic reports itself
        wanted = _normalized_predicate(index.dialect_kwargs.get(where_option), autogen_context)
        reflected_predicate = reflected.get("dialect_options", {}).get(where_option)
        found = _normalized_predicate(reflected_predicate, autogen_context)
        if wanted == found:
            continue
        # The live index, detached from conn_table so as not to disturb the
        # rest of Alembic's comparison; it is what a downgrade recreates.
        live_table = Table(
            table_name, MetaData(), *(Column(name, NullType()) for name in columns), schema=schema
        )
        where: dict[str, Any] = {}
        if reflected_predicate is not None:
            # SQLite reflects a TextClause, PostgreSQL a string.
            where[where_option] = (
                reflected_predicate
                if isinstance(reflected_predicate, ClauseElement)
                else text(str(reflected_predicate))
            )
        live_index = Index(
            index.name, *(live_table.c[name] for name in columns), unique=index.unique, **where
        )
        if autogen_context.run_object_filters(index, index.name, "index", False, live_index):
            modify_ops.ops.append(ops.DropIndexOp.from_index(live_index))
            modify_ops.ops.append(ops.CreateIndexOp.from_index(index))


# Guarded on the registry itself: ``python -m studyapp.storage.schema_migrations`` runs
# this file as ``__main__`` and env.py imports it again as a second module.
if not getattr(comparators, "_studyapp_partial_index_predicates", False):
    comparators.dispatch_for("table")(_compare_partial_index_predicates)
    comparators._studyapp_partial_index_predicates = True  # type: ignore[attr-defined]


# --- Command line --------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m studyapp.storage.schema_migrations COMMAND``; see the module docstring."""
    parser = argparse.ArgumentParser(
        prog="python -m studyapp.storage.schema_migrations",
        description="Alembic owns the schema: upgrade, downgrade, inspect and check the database.",
    )
    parser.add_argument(
        "--database-url",
        help="database to work on (default: STUDYAPP_DATABASE_URL, else instance/ SQLite; "
        "for 'revision': a scratch SQLite database at head)",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    revision_parser = commands.add_parser("revision", help="autogenerate the next revision")
    revision_parser.add_argument("message")
    upgrade_parser = commands.add_parser("upgrade", help="migrate forward (default: head)")
    upgrade_parser.add_argument("revision", nargs="?", default="head")
    downgrade_parser = commands.add_parser("downgrade", help="migrate back to a revision")
    downgrade_parser.add_argument("revision")
    commands.add_parser("current", help="print the database's revision")
    commands.add_parser("check", help="exit 1 if the database differs from the models")
    arguments = parser.parse_args(argv)
    # There is no alembic.ini to configure logging; show Alembic's progress lines.
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    logging.getLogger("alembic").setLevel(logging.INFO)

    if arguments.command == "revision":
        path = create_revision(arguments.message, arguments.database_url)
        print(f"wrote {path}; review it before committing")
        return 0
    database_url = arguments.database_url or database_url_from_environment(DEFAULT_INSTANCE_PATH)
    if database_url == default_database_url(DEFAULT_INSTANCE_PATH):
        DEFAULT_INSTANCE_PATH.mkdir(parents=True, exist_ok=True)  # as create_app does
    if arguments.command == "upgrade":
        upgrade(database_url, arguments.revision)
    elif arguments.command == "downgrade":
        downgrade(database_url, arguments.revision)
    elif arguments.command == "current":
        print(current_revision(database_url) or "(none)")
    else:
        differences = schema_differences(database_url)
        for difference in differences:
            print(difference)
        if differences:
            return 1
        print(f"database matches the models (revision {current_revision(database_url)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
