"""Every error a page answers with, in the layout: 404, 413, 500, domain refusals, expired forms.

A domain refusal (:class:`studyapp.errors.StudyappError`) that a view lets
through becomes the error page of its category's status here, with its message;
the API answers its own errors in JSON (:mod:`studyapp.api.errors`).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, g, jsonify, redirect, render_template, request, url_for
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError
from werkzeug.http import HTTP_STATUS_CODES

from studyapp.decks.formats.reading import MAX_DECK_BYTES
from studyapp.errors import StudyappError

blueprint = Blueprint("errors", __name__)

ERROR_TEXTS = {
    400: ("Bad request", "The request did not make sense to us."),
    403: ("Forbidden", "You may not do that."),
    404: ("Page not found", "There is nothing here, or it is not yours to see."),
    405: ("Not allowed", "That page cannot be used that way."),
    413: (
        "File too large",
        f"That upload is too large; the limit for a deck file is "
        f"{MAX_DECK_BYTES // (1024 * 1024)} MB.",
    ),
    500: ("Something went wrong", "An error on our side stopped this page. Please try again."),
}


def _wants_json() -> bool:
    # The API answers its own errors in JSON; this covers any that escape it.
    return request.path.startswith("/api/")


def _error_page(code: int, description: str | None = None, *, specific: str | None = None):
    """The error in the layout (or in JSON under /api/); ``specific`` is a message the view
    gave with ``abort(code, description=...)``, shown instead of the generic text."""
    title, text = ERROR_TEXTS.get(code, (f"Error {code}", description or ""))
    text = specific or text
    if _wants_json():
        name = "_".join(HTTP_STATUS_CODES.get(code, "error").lower().replace("-", " ").split())
        return jsonify({"error": {"code": name, "message": description or text}}), code
    return render_template("error.html", code=code, title=title, text=text), code


@blueprint.app_errorhandler(HTTPException)
def http_error(error: HTTPException):
    if error.code is None or error.code < 400:
        return error
    specific = error.description if error.description != type(error).description else None
    return _error_page(error.code, error.description, specific=specific)


@blueprint.app_errorhandler(StudyappError)
def refused(error: StudyappError):
    """A refusal no view handled itself: its category's page, saying why."""
    return _error_page(error.status, error.message, specific=error.message)


@blueprint.app_errorhandler(InternalServerError)
def server_error(_error: Exception):
    session = g.get("db_session")
    if session is not None:
        session.rollback()
    return _error_page(500)


@blueprint.app_errorhandler(CSRFError)
def expired_form(error: CSRFError):
    if _wants_json():
        return _error_page(400, error.description)
    flash("Your form expired; please try again.", "warning")
    return redirect(_same_site_referrer() or url_for("decks.index"), 303)


def _same_site_referrer() -> str | None:
    referrer = request.referrer
    if not referrer:
        return None
    parts = urlsplit(referrer)
    if parts.netloc != request.host or parts.scheme not in ("http", "https"):
        return None
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
