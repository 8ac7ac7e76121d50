"""The front door and the deck pages: home, the deck library, one deck's outline.

* ``/`` is the landing page, or for a logged-in user their home: the decks
  they study with today's counts (or, with none, the way to the library).
* ``/decks`` is the library: every deck the user may see, whether they study
  it and how far they are, with a title search (``?q=``), the buttons to add
  a deck to their studies or remove it, to publish their own deck, and the
  upload form.

Also the site-wide pieces every page relies on: error pages in the layout
(404, 413, 500 and the rest), the expired-form (CSRF) handler, security
headers and the template filters for dates and intervals.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from flask import (
    Blueprint,
    abort,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required
from flask_wtf.csrf import CSRFError
from markupsafe import Markup, escape
from werkzeug.exceptions import HTTPException, InternalServerError
from werkzeug.http import HTTP_STATUS_CODES
from werkzeug.wrappers import Response

from studyapp.decks.catalogue import (
    MAX_SEARCH_LENGTH,
    ConceptNode,
    NotFound,
    deck_tree,
    studied_decks,
    visible_deck,
)
from studyapp.decks.export import ExportFormat, export_deck, stored_draft, user_scheduling
from studyapp.decks.formats.reading import MAX_DECK_BYTES
from studyapp.library.enrolment import enrol, is_enrolled, unenrol
from studyapp.library.listing import LibraryDeck, NotOwner, library, set_public
from studyapp.map.mastery import MasteryLevel
from studyapp.scheduling.intervals import format_interval
from studyapp.scheduling.queue import QueueKind
from studyapp.scheduling.rating import todays_queue
from studyapp.storage.db import transaction
from studyapp.web.forms import ImportForm, LibraryActionForm, VisibilityForm
from studyapp.web.runtime import db_session, now, study_context

blueprint = Blueprint("decks", __name__)

# Where the upload-with-preview page lives (its own blueprint); linked from the library.


# --- home: the decks the user studies ------------------------------------------------


@blueprint.route("/")
def index() -> str:
    if not current_user.is_authenticated:
        return render_template("home.html")
    session = db_session()
    user = current_user
    decks = studied_decks(session, user.id)
    # One queue over every deck, split by deck: the daily limits are shared,
    # exactly as the study page applies them.
    queue = todays_queue(session, study_context(user))
    due: dict[int, Counter[QueueKind]] = {}
    for entry in queue:
        due.setdefault(entry.deck_id, Counter())[entry.kind] += 1
    totals: Counter[QueueKind] = Counter()
    for counts in due.values():
        totals.update(counts)
    return render_template(
        "studies.html",
        decks=decks,
        due=due,
        totals=totals,
        learning_later_today=queue.learning_later_today,
        empty=Counter(),
    )


# --- the library ---------------------------------------------------------------------


def _search_text() -> str:
    return request.args.get("q", "").strip()[:MAX_SEARCH_LENGTH]


def _library_page(status: int = 200):
    session = db_session()
    search = _search_text()
    decks = library(session, current_user.id, search=search)
    html = render_template(
        "decks.html",
        decks=decks,
        bars={deck.summary.id: progress_segments(deck) for deck in decks},
        search=search,
        studied_count=sum(1 for deck in decks if deck.summary.enrolled),
        import_href=url_for("deck_import.import_form"),
        form=ImportForm(),
    )
    return html, status


@dataclass(frozen=True)
class ProgressSegment:
    """One level's part of a deck's progress bar, in percent of its width."""

    level: str
    x: float
    width: float


def progress_segments(deck: LibraryDeck) -> list[ProgressSegment]:
    """The bar's segments, strongest level first; not-started concepts are the bare track."""
    total = deck.summary.concept_count
    segments: list[ProgressSegment] = []
    x = 0.0
    for level, count in deck.progress:
        if level == MasteryLevel.NOT_STARTED or not total:
            continue
        width = 100 * count / total
        segments.append(ProgressSegment(level.value, round(x, 2), round(width, 2)))
        x += width
    return segments


@blueprint.route("/decks")
@login_required
def deck_list():
    return _library_page()


def _back_to_library(form: LibraryActionForm | VisibilityForm) -> Response:
    """303 to the form's ``next`` if it is a path on this site, else to the library search."""
    target = _local_path(form.next.data) if not form.next.errors else None
    if target is None:
        search = (form.q.data or "").strip() if not form.q.errors else ""
        target = url_for("decks.deck_list", **({"q": search} if search else {}))
    return redirect(target, 303)


def _local_path(value: str | None) -> str | None:
    """``value`` if it is a path on this site ("/decks/3"), never another site's address."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return None
    parts = urlsplit(value)
    if parts.scheme or parts.netloc:
        return None
    return value


@blueprint.route("/decks/<int:deck_id>/add", methods=["POST"])
@login_required
def add(deck_id: int) -> Response:
    """Add the deck to the user's studies (a second click changes nothing)."""
    form = LibraryActionForm()
    if not form.validate_on_submit():
        abort(400)
    session = db_session()
    try:
        with transaction(session):
            deck = visible_deck(session, current_user.id, deck_id)
            added = enrol(session, current_user.id, deck_id, now())
    except NotFound:
        abort(404)
    if added:
        flash(
            f"Added “{deck.title}” to your studies; its cards are in your daily queue.",
            "success",
        )
    else:
        flash(f"“{deck.title}” is already in your studies.", "info")
    return _back_to_library(form)


@blueprint.route("/decks/<int:deck_id>/remove", methods=["POST"])
@login_required
def remove(deck_id: int) -> Response:
    """Remove the deck from the user's studies; their history of it is kept."""
    form = LibraryActionForm()
    if not form.validate_on_submit():
        abort(400)
    session = db_session()
    try:
        with transaction(session):
            deck = visible_deck(session, current_user.id, deck_id)
            removed = unenrol(session, current_user.id, deck_id)
    except NotFound:
        abort(404)
    if removed:
        flash(
            f"Removed “{deck.title}” from your studies. Your progress on it is kept: "
            "add it again to carry on where you left off.",
            "success",
        )
    else:
        flash(f"“{deck.title}” was not in your studies.", "info")
    return _back_to_library(form)


@blueprint.route("/decks/<int:deck_id>/visibility", methods=["POST"])
@login_required
def visibility(deck_id: int) -> Response:
    """Publish the user's own deck, or make it private again."""
    form = VisibilityForm()
    if not form.validate_on_submit():
        abort(400)
    public = form.public.data == "1"
    session = db_session()
    try:
        with transaction(session):
            deck = set_public(session, current_user.id, deck_id, public)
    except NotFound:
        abort(404)
    except NotOwner:
        abort(403, description="Only the owner of a deck may publish it or make it private.")
    if public:
        flash(
            f"“{deck.title}” is public: everyone can see it and add it to their studies.",
            "success",
        )
    else:
        flash(
            f"“{deck.title}” is private again: only you can see it. Others who added it "
            "keep their history but no longer study it.",
            "success",
        )
    return _back_to_library(form)


@blueprint.route("/decks/<int:deck_id>")
@login_required
def deck_page(deck_id: int) -> str:
    session = db_session()
    context = study_context(current_user)
    try:
        deck = visible_deck(session, current_user.id, deck_id)
        roots = deck_tree(
            session,
            current_user.id,
            deck_id,
            now=context.now,
            scheduler_settings=context.scheduler,
            # The map's cut-off (due today): this page shows no due counts, and the same
            # cut-off lets it and the map reuse one memo (decks/studied_concepts.py).
            due_before=context.day.ends_at,
        )
    except NotFound:
        abort(404)
    return render_template(
        "deck.html",
        deck=deck,
        roots=roots,
        now=context.now,
        concept_count=_count(roots),
        studied=is_enrolled(session, current_user.id, deck_id),
    )


@blueprint.route("/decks/<int:deck_id>/download")
@login_required
def download(deck_id: int) -> Response:
    """The deck as a file: ``?format=json|markdown|apkg``, and ``progress=1`` to put the
    learner's FSRS memory of each card into an Anki package (docs/anki.md)."""
    try:
        export_format = ExportFormat(request.args.get("format", ExportFormat.JSON.value))
    except ValueError:
        abort(400, "Choose JSON, Markdown or an Anki package.")
    session = db_session()
    try:
        deck = visible_deck(session, current_user.id, deck_id)
    except NotFound:
        abort(404)
    scheduling = None
    if export_format is ExportFormat.APKG and request.args.get("progress") == "1":
        scheduling = user_scheduling(session, current_user.id, deck)
    exported = export_deck(
        stored_draft(session, deck), export_format, scheduling=scheduling, now=now()
    )
    response = Response(exported.content, mimetype=exported.mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{exported.filename}"'
    if scheduling is not None:
        response.headers["Cache-Control"] = "no-store"  # personal data
    return response


def _count(nodes: list[ConceptNode]) -> int:
    return sum(1 + _count(node.children) for node in nodes)


# --- site-wide: errors, expired forms, headers, filters ------------------------------

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


CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


@blueprint.after_app_request
def security_headers(response: Response) -> Response:
    if response.mimetype == "text/html":
        # Deck texts are user uploads: even if one slipped past autoescaping,
        # no inline script could run.
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    return response


def _user_zone() -> ZoneInfo:
    zone = "UTC"
    if current_user.is_authenticated and current_user.settings is not None:
        zone = current_user.settings.time_zone
    try:
        return ZoneInfo(zone)
    except (KeyError, ValueError):
        return ZoneInfo("UTC")


@blueprint.app_template_filter("local_time")
def local_time(moment: datetime | None, style: str = "datetime") -> str:
    """A UTC moment in the user's time zone: "Mon 2 Mar 2026, 09:10" (``style`` "time":
    "09:10"; "date": "2 Mar 2026")."""
    if moment is None:
        return ""
    local = moment.astimezone(_user_zone())
    if style == "time":
        return local.strftime("%H:%M")
    if style == "date":
        return f"{local.day} {local:%b %Y}"
    return f"{local:%a} {local.day} {local:%b %Y}, {local:%H:%M}"


@blueprint.app_template_filter("relative")
def relative(moment: datetime | None, reference: datetime) -> str:
    """"now" when ``moment`` has come, else "in 3d" (Anki's interval notation)."""
    if moment is None:
        return ""
    if moment <= reference:
        return "now"
    return "in " + format_interval(moment - reference)


@blueprint.app_template_filter("duration")
def duration(milliseconds: int | None) -> str:
    """Time spent: "45 s", "3 min 20 s", "1 h 5 min"."""
    seconds = round((milliseconds or 0) / 1000)
    if seconds < 60:
        return f"{seconds} s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {seconds} s" if seconds else f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min" if minutes else f"{hours} h"


@blueprint.app_template_filter("paragraphs")
def paragraphs(text: str | None) -> Markup:
    """Plain text with blank-line paragraphs as escaped ``<p>`` elements."""
    blocks = [block.strip() for block in (text or "").replace("\r\n", "\n").split("\n\n")]
    return Markup("").join(
        Markup("<p>{}</p>").format(escape(block)) for block in blocks if block
    )


@blueprint.app_template_global("plural")
def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    return f"{count} {singular if count == 1 else (plural_form or singular + 's')}"
