"""The front door and the deck pages: home, the deck library, one deck's outline.

* ``/`` is the landing page, or for a logged-in user their home: the decks
  they study with today's counts (or, with none, the way to the library).
* ``/decks`` is the library: every deck the user may see, whether they study
  it and how far they are, with a title search (``?q=``), the buttons to add
  a deck to their studies or remove it, to publish their own deck, and the
  upload form.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from studyapp.decks.catalogue import MAX_SEARCH_LENGTH, studied_decks, visible_deck
from studyapp.decks.export import ExportFormat, export_deck, stored_draft, user_scheduling
from studyapp.errors import NotFound
from studyapp.library.enrolment import enrol, is_enrolled, unenrol
from studyapp.library.listing import LibraryDeck, library
from studyapp.library.publishing import NotOwner, set_public
from studyapp.map.mastery import MasteryLevel
from studyapp.map.tree import ConceptNode, deck_tree
from studyapp.scheduling.queue.daily import todays_queue
from studyapp.scheduling.queue.entries import QueueKind
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
