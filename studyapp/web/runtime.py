"""Per-application and per-request plumbing shared by the pages and the API.

One database session per request (closed at teardown), the application's
clock, CSRF protection and the login manager.
"""

from __future__ import annotations

import gc
from datetime import datetime

from flask import Flask, current_app, g
from flask_login import LoginManager, current_user
from flask_wtf.csrf import CSRFProtect
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from studyapp.scheduling.queue.kept import WROTE_KEPT_QUEUE
from studyapp.scheduling.study_context import StudyContext
from studyapp.storage.db import make_engine, make_session_factory
from studyapp.storage.models import User

# Thresholds of Python's cyclic garbage collector for every process that serves studyapp.
# A large map, tree or deck import builds hundreds of thousands of objects that stay
# alive until the request ends; with CPython's defaults (700, 10, 10) the collector
# walked them again and again (30–50% of a 10,000-concept import, about 50 ms of a
# 5,000-concept tree). Collecting the young generation every 50,000 allocations instead
# costs those requests what switching the collector off around them did, without ever
# switching it off: cycles are still collected, only less often (benchmarks/README.md).
GC_THRESHOLDS = (50_000, 20, 20)

csrf = CSRFProtect()
login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = "Please log in to study."
login_manager.login_message_category = "info"


def init_app(app: Flask) -> None:
    gc.set_threshold(*GC_THRESHOLDS)
    engine = make_engine(app.config["DATABASE_URL"])
    app.extensions["studyapp.engine"] = engine
    app.extensions["studyapp.sessions"] = make_session_factory(engine)
    csrf.init_app(app)
    login_manager.init_app(app)
    app.teardown_appcontext(_close_session)

    @app.context_processor
    def inject_now() -> dict[str, object]:
        return {"current_user": current_user}


def db_session() -> Session:
    """This request's session (opened on first use)."""
    if "db_session" not in g:
        g.db_session = current_app.extensions["studyapp.sessions"]()
    return g.db_session


def _close_session(error: BaseException | None) -> None:
    session = g.pop("db_session", None)
    if session is None:
        return
    try:
        if error is None and session.info.pop(WROTE_KEPT_QUEUE, False):
            # A page or the API read today's queue and had to work it out: keep it
            # for the next request (any server's). A failure only means it is
            # worked out again then.
            session.commit()
    except SQLAlchemyError:
        session.rollback()
    finally:
        session.close()


def now() -> datetime:
    return current_app.config["CLOCK"].now()


def study_context(user: User) -> StudyContext:
    return StudyContext.for_user(
        user.settings, now(), enable_fuzzing=current_app.config["FSRS_ENABLE_FUZZING"]
    )


@login_manager.user_loader
def _load_user(user_id: str) -> User | None:
    if not user_id.isdigit():
        return None
    return db_session().get(User, int(user_id))
