"""Shared fixtures: every database test runs on SQLite and on PostgreSQL.

The backend fixture is parametrised, so a test that uses ``app``, ``client``
or ``session`` appears twice: ``test_x[sqlite]`` and ``test_x[postgresql]``.
PostgreSQL tests run in a throwaway database created for this run (one per
xdist worker) and dropped at the end. Without a reachable PostgreSQL they are
skipped with the reason, unless ``STUDYAPP_REQUIRE_POSTGRES=1`` (CI), which
turns the absence into a failure.

Choose backends with ``--db sqlite``, ``--db postgresql`` or ``--db both``
(default), and the server with ``STUDYAPP_TEST_POSTGRES_URL``.
"""

from __future__ import annotations

import os
import random
import uuid
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import settings as hypothesis_settings
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.orm import Session

from studyapp import create_app
from studyapp.accounts.users import create_user
from studyapp.clock import FrozenClock
from studyapp.decks.formats.reading import read_deck_bytes
from studyapp.decks.importing.importer import ImportReport, import_deck
from studyapp.library import enrolment
from studyapp.storage.db import make_engine, make_session_factory, transaction
from studyapp.storage.models import Base, Deck, User
from tests.support.paths import SEED_DIR

# Database-backed examples take uneven time on shared 2-core machines, so no
# per-example deadline. Loading the profile here also imports hypothesis at
# start-up: CPython 3.11.7 can raise "AST constructor recursion depth
# mismatch" when hypothesis's plugin first imports it at the end of a run.
hypothesis_settings.register_profile("studyapp", deadline=None)
hypothesis_settings.load_profile("studyapp")

DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
# A Monday morning, well clear of any day boundary in UTC.
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
PASSWORD = "correct horse battery"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--db",
        choices=["both", "sqlite", "postgresql"],
        default=os.environ.get("STUDYAPP_TEST_DB", "both"),
        help="database backends to run the database tests on",
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "backend" in metafunc.fixturenames:
        choice = metafunc.config.getoption("--db")
        backends = ["sqlite", "postgresql"] if choice == "both" else [choice]
        metafunc.parametrize("backend", backends, scope="session")


def _worker_suffix() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh database on the PostgreSQL server for this run, dropped afterwards."""
    server_url = os.environ.get("STUDYAPP_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL)
    name = f"studyapp_test_{_worker_suffix()}_{uuid.uuid4().hex[:8]}"
    admin: Engine = create_engine(server_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as error:
        admin.dispose()
        reason = f"PostgreSQL not reachable at {server_url}: {type(error).__name__}: {error}"
        if os.environ.get("STUDYAPP_REQUIRE_POSTGRES") == "1":
            pytest.fail(reason + " (STUDYAPP_REQUIRE_POSTGRES=1)")
        pytest.skip(reason)
    url = admin.url.set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def database_url(backend: str, tmp_path_factory: pytest.TempPathFactory, request) -> str:
    """The URL of this run's database for ``backend``, with the schema created."""
    if backend == "postgresql":
        url = request.getfixturevalue("postgres_url")
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'studyapp.sqlite3'}"
    engine = make_engine(url)
    Base.metadata.create_all(engine)
    engine.dispose()
    return url


def _empty_all_tables(engine: Engine) -> None:
    with engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            connection.execute(table.delete())


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(START)


@pytest.fixture
def app_config() -> dict[str, Any]:
    """Overrides for the test app; a test may change it before asking for ``app``."""
    return {"WTF_CSRF_ENABLED": False}


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    """An engine on this run's database, emptied before the test."""
    engine = make_engine(database_url)
    _empty_all_tables(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A session for domain tests; no Flask involved."""
    with make_session_factory(engine)() as session:
        yield session


@pytest.fixture
def app(
    engine: Engine, database_url: str, clock: FrozenClock, app_config: dict[str, Any]
) -> Iterator[Flask]:
    random.seed(1234)
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": database_url,
            "SECRET_KEY": "test secret",
            "CLOCK": clock,
            "FSRS_ENABLE_FUZZING": False,
            **app_config,
        }
    )
    yield app
    app.extensions["studyapp.engine"].dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def make_user(session: Session, clock: FrozenClock) -> Callable[..., User]:
    """``make_user("ada", time_zone="Pacific/Auckland", new_cards_per_day=5)``."""

    def factory(username: str = "ada", *, is_admin: bool = False, **settings: Any) -> User:
        with transaction(session):
            user = create_user(session, username, PASSWORD, now=clock.now(), is_admin=is_admin)
            for name, value in settings.items():
                setattr(user.settings, name, value)
        return user

    return factory


Studier = User | int
DeckLike = ImportReport | Deck | int


def _user_ids(users: Studier | Iterable[Studier]) -> list[int]:
    if isinstance(users, User | int):
        users = [users]
    return [user if isinstance(user, int) else user.id for user in users]


def _deck_id(deck: DeckLike) -> int:
    if isinstance(deck, ImportReport):
        return deck.deck.id
    return deck if isinstance(deck, int) else deck.id


@pytest.fixture
def enrol(session: Session, clock: FrozenClock) -> Callable[..., None]:
    """``enrol(ada, deck, other_deck)``: add decks to a user's studies, as the library's Add
    button does (decks as ImportReports, Decks or ids; the user as a User or an id).

    Users study only the decks they add; see studyapp/library/enrolment.py.
    """

    def add(user: Studier, *decks: DeckLike) -> None:
        (user_id,) = _user_ids(user)
        with transaction(session):
            for deck in decks:
                enrolment.enrol(session, user_id, _deck_id(deck), clock.now())

    return add


@pytest.fixture
def import_text(session: Session, clock: FrozenClock) -> Callable[..., ImportReport]:
    """Import deck text as the CLI would (public) or as ``owner_id``'s private deck.

    Like an upload, a new private deck goes into its owner's studies; a public
    deck into nobody's, unless ``studied_by`` names users (a User, an id or
    several) to enrol in it, as if each had pressed Add in the library.
    """

    def factory(
        content: str,
        name: str = "deck.json",
        *,
        owner_id: int | None = None,
        studied_by: Studier | Iterable[Studier] = (),
    ) -> ImportReport:
        draft = read_deck_bytes(content.encode("utf-8"), name)
        with transaction(session):
            report = import_deck(session, draft, owner_id=owner_id, now=clock.now())
            students = _user_ids(studied_by)
            if owner_id is not None and report.created_deck:
                students.append(owner_id)
            for user_id in students:
                enrolment.enrol(session, user_id, report.deck.id, clock.now())
        return report

    return factory


@pytest.fixture
def login(client: FlaskClient) -> Callable[[str], None]:
    def do_login(username: str = "ada", password: str = PASSWORD) -> None:
        response = client.post("/auth/login", data={"username": username, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)

    return do_login


@pytest.fixture
def seed_text() -> str:
    seeds = sorted(SEED_DIR.glob("*.txt")) if SEED_DIR.is_dir() else []
    if not seeds:
        pytest.skip(f"the seed map is not at {SEED_DIR}")
    return seeds[0].read_text(encoding="utf-8")
