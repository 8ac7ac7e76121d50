"""studyapp: spaced-repetition study of knowledge maps, scheduled with FSRS."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask

from studyapp.clock import SystemClock
from studyapp.config import database_url_from_environment, secret_key_from_environment

# A request may carry a deck file of up to 5 MB (studyapp.decks.formats.reading.MAX_DECK_BYTES),
# which an import preview sends back base64-encoded (a third larger) with its form.
MAX_REQUEST_BYTES = 8 * 1024 * 1024


def _templates_folder() -> str:
    package = Path(__file__).resolve().parent
    for candidate in (package.parent / "templates", package / "templates"):
        if candidate.is_dir():
            return str(candidate)
    raise RuntimeError("studyapp's templates folder is missing")


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """The application factory (``gunicorn 'studyapp:create_app()'``).

    Configuration comes from the environment (see studyapp.config); tests pass
    ``test_config`` to override any key, e.g. ``DATABASE_URL`` or ``CLOCK``.
    """
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=_templates_folder(),
    )
    from studyapp.web.json_provider import OrjsonProvider

    app.json = OrjsonProvider(app)
    test_config = dict(test_config or {})
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.update(
        DATABASE_URL=test_config.pop("DATABASE_URL", None)
        or database_url_from_environment(app.instance_path),
        MAX_CONTENT_LENGTH=MAX_REQUEST_BYTES,
        MAX_FORM_MEMORY_SIZE=MAX_REQUEST_BYTES,
        FSRS_ENABLE_FUZZING=True,
        CLOCK=SystemClock(),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        WTF_CSRF_TIME_LIMIT=None,
    )
    app.config.update(test_config)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = secret_key_from_environment(
            app.instance_path, debug=app.debug
        )

    from studyapp.web import runtime

    runtime.init_app(app)

    from studyapp.api import api_blueprint
    from studyapp.web import auth, decks, errors, settings, site, study
    from studyapp.web.map import blueprint as map_pages

    app.register_blueprint(site.blueprint)
    app.register_blueprint(errors.blueprint)
    app.register_blueprint(auth.blueprint)
    app.register_blueprint(decks.blueprint)
    app.register_blueprint(study.blueprint)
    app.register_blueprint(settings.blueprint)
    app.register_blueprint(map_pages.blueprint)
    from studyapp.web import quiz  # the quiz pages (studyapp.quiz)
    app.register_blueprint(quiz.blueprint)
    from studyapp.web import dashboard  # how studying is going (studyapp.stats.dashboard)
    app.register_blueprint(dashboard.blueprint)
    from studyapp.web import export  # history downloads (docs/export.md)
    app.register_blueprint(export.blueprint)
    from studyapp.web import deck_import  # upload, preview and confirm (docs/deck-format.md)

    app.register_blueprint(deck_import.blueprint)
    app.register_blueprint(api_blueprint)
    return app
