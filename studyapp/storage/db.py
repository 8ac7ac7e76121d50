"""Engine, sessions and the UTC column type.

One engine per application; one session per request (or CLI command), closed
when the request ends. Writes that matter go through :func:`transaction`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, Engine, create_engine, event, text
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.types import TypeDecorator

from studyapp.clock import as_utc

SQLITE_BUSY_TIMEOUT_MS = 5_000


class UTCDateTime(TypeDecorator[datetime]):
    """A moment stored in UTC and always read back with ``tzinfo=timezone.utc``.

    SQLite hands datetimes back naive and PostgreSQL hands them back in the
    session's zone; fsrs accepts neither, so the conversion happens here, once.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column; use studyapp.clock")
        moment = as_utc(value)
        return moment.replace(tzinfo=None) if dialect.name == "sqlite" else moment

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else as_utc(value)


def _configure_sqlite_connection(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def make_engine(database_url: str, **engine_options: Any) -> Engine:
    """An engine for ``database_url``; SQLite gets WAL, a busy timeout and foreign keys."""
    if database_url.startswith("postgresql://"):
        # psycopg 3 is the supported driver; plain URLs would ask for psycopg2.
        database_url = "postgresql+psycopg://" + database_url.removeprefix("postgresql://")
    if database_url.startswith("sqlite"):
        # A file database keeps its connections in SQLAlchemy's default pool (a connection
        # serves one thread at a time). Opening and closing one per request (NullPool)
        # cost about 100 ms per review round trip: closing the last connection to a WAL
        # database checkpoints and syncs the file (benchmarks/README.md, "Beside Anki").
        options: dict[str, Any] = {"connect_args": {"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}}
        options.update(engine_options)
        engine = create_engine(database_url, **options)
        event.listen(engine, "connect", _configure_sqlite_connection)
        return engine
    engine_options.setdefault("pool_pre_ping", True)
    # Sessions in UTC: psycopg then returns timestamps with datetime.timezone.utc itself,
    # which as_utc passes through, rather than ZoneInfo("Etc/UTC") to convert per value.
    connect_args = dict(engine_options.pop("connect_args", {}))
    connect_args.setdefault("options", "-c TimeZone=UTC")
    return create_engine(database_url, connect_args=connect_args, **engine_options)


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


def refresh_planner_statistics(session: Session) -> None:
    """Let SQLite's query planner see the tables' real sizes after a bulk change.

    Without statistics SQLite guesses join orders, and the day's new-card
    query then sorts every card instead of walking concepts in map order
    (measured: 15 ms against 2.5 ms for 15,000 cards). PostgreSQL's
    autovacuum keeps its own statistics.
    """
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text("ANALYZE"))


@contextmanager
def transaction(session: Session) -> Iterator[Session]:
    """Commit everything done inside the block, or nothing if it raises."""
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
