"""Importing a deck from the browser: upload or paste, preview the change, confirm or cancel.

``GET /decks/import`` is the form. ``POST /decks/import`` reads the file and
shows the preview (:func:`studyapp.decks.importing.plan.plan_import`: the parsed
tree, every problem, and the difference against the stored version), writing
nothing. The preview carries the file itself (base64) and any parent moves in
hidden fields, so no half-finished import is ever stored and any app server
can take the next step. ``POST /decks/import/confirm`` reads the same file
again, applies the same moves and imports it in one transaction, refusing if
the deck changed since the preview. A page with scripts asks for the
confirmation as a stream of progress events (:data:`PROGRESS_MIMETYPE`) and
shows a progress bar; without scripts it is an ordinary form post.
"""

from __future__ import annotations

import base64
import binascii
import json
import queue
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath, PureWindowsPath

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_login import current_user, login_required
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from studyapp.decks.document import DeckDraft, DeckProblem, DeckValidationError, SourceLocation
from studyapp.decks.formats.reading import MAX_DECK_BYTES, read_deck_bytes
from studyapp.decks.importing.changes import ImportPlan
from studyapp.decks.importing.hierarchy_edit import (
    ParentMove,
    apply_moves,
    finish_moves,
    moves_from_text,
    moves_to_text,
)
from studyapp.decks.importing.importer import (
    DeckChangedError,
    ImportReport,
    ProgressCallback,
    import_deck,
)
from studyapp.decks.importing.plan import plan_import
from studyapp.decks.importing.word_diff import word_diff
from studyapp.library.enrolment import enrol
from studyapp.storage.db import transaction
from studyapp.web.forms import ImportConfirmForm, ImportForm
from studyapp.web.roles import require_admin
from studyapp.web.runtime import db_session, now

blueprint = Blueprint("deck_import", __name__, url_prefix="/decks/import")

PASTED_NAME = "pasted text"
PROGRESS_MIMETYPE = "application/x-ndjson"
MAX_PROBLEMS_SHOWN = 50
MAX_CHANGES_LISTED = 200  # per kind of change; the counts above the lists are complete
FORMAT_NAMES = {
    "json": "JSON",
    "markdown": "Markdown outline",
    "page_text": "map explorer page text",
    "apkg": "Anki package",
    "anki_text": "Anki text export",
}


@dataclass(frozen=True)
class DeckSource:
    """The file being imported, exactly as uploaded or pasted."""

    name: str
    content: bytes

    def encoded(self) -> str:
        return base64.b64encode(self.content).decode("ascii")

    @classmethod
    def decoded(cls, name: str, encoded: str) -> DeckSource:
        try:
            return cls(name, base64.b64decode(encoded.encode("ascii"), validate=True))
        except (binascii.Error, UnicodeEncodeError):
            raise ValueError("the file sent with the preview is damaged") from None


@dataclass
class Preview:
    """Everything the preview page shows about one file."""

    source: DeckSource
    draft: DeckDraft  # with the moves applied and keys as in the file (what the moves name)
    final: DeckDraft  # what the import stores: the moved draft, derived keys re-derived
    plan: ImportPlan
    moves: list[ParentMove]
    public: bool

    @property
    def hierarchy_inferred(self) -> bool:
        return self.draft.source_format == "page_text"


@blueprint.route("", methods=["GET"])
@login_required
def import_form() -> str:
    return render_template("deck_import.html", form=ImportForm(), problems=[], hidden=0)


@blueprint.route("", methods=["POST"])
@login_required
def preview() -> tuple[str, int] | str:
    """Read the upload (or a preview's hidden copy with new moves) and show the preview."""
    form = ImportForm()
    if not form.validate_on_submit():
        return _form_page(form, [], 400)
    _check_may_publish(form.public.data)
    public = bool(form.public.data)
    problems: list[DeckProblem] = []
    try:
        source = _source_from(form)
        moves = moves_from_text(form.moves.data)
        result = None
        if form.move_concept.data:
            move = ParentMove(form.move_concept.data, form.move_parent.data or None)
            try:
                result = build_preview(source, [*moves, move], public=public)
            except DeckValidationError as error:  # the preview before this move stays
                problems = error.problems
        if result is None:
            result = build_preview(source, moves, public=public)
    except DeckValidationError as error:
        return _form_page(form, error.problems, 400)
    except ValueError as error:
        return _form_page(form, [_problem(str(error))], 400)
    return _preview_page(result, problems, 400 if problems else 200)


@blueprint.route("/confirm", methods=["POST"])
@login_required
def confirm() -> Response | tuple[str, int]:
    form = ImportConfirmForm()
    if not form.validate_on_submit():
        abort(400, "The confirmation form was incomplete. Preview the file again.")
    public = form.public.data == "1"
    _check_may_publish(public)
    try:
        source = DeckSource.decoded(form.source_name.data, form.source.data)
        draft = finish_moves(
            apply_moves(
                read_deck_bytes(source.content, source.name, max_bytes=MAX_DECK_BYTES),
                moves_from_text(form.moves.data),
            )
        )
    except (DeckValidationError, ValueError):
        abort(400, "The file sent with the preview cannot be read any more. Upload it again.")
    owner_id = None if public else current_user.id
    job = _ImportJob(draft, owner_id, current_user.id, form.version.data)
    if PROGRESS_MIMETYPE in request.accept_mimetypes.values():
        return Response(stream_with_context(job.stream()), mimetype=PROGRESS_MIMETYPE)
    outcome = job.run()
    if outcome.error:
        flash(outcome.error, "error")
        return redirect(url_for("deck_import.import_form"), 303)
    flash(outcome.summary, "success")
    return redirect(url_for("map.map_page", deck_id=outcome.deck_id), 303)


def build_preview(source: DeckSource, moves: list[ParentMove], *, public: bool) -> Preview:
    """Parse, apply the moves and plan the import for the current user; writes nothing."""
    parsed = read_deck_bytes(source.content, source.name, max_bytes=MAX_DECK_BYTES)
    moved = apply_moves(parsed, moves)
    final = finish_moves(moved)
    owner_id = None if public else current_user.id
    plan = plan_import(db_session(), final, owner_id=owner_id, user_id=current_user.id)
    return Preview(source=source, draft=moved, final=final, plan=plan, moves=moves, public=public)


@dataclass(frozen=True)
class _Outcome:
    """The imported deck and what the import did, or why nothing was written."""

    deck_id: int = 0
    summary: str = ""
    error: str = ""


class _ImportJob:
    """One confirmed import, run here or on a worker thread that reports progress."""

    def __init__(self, draft: DeckDraft, owner_id: int | None, user_id: int, version: str) -> None:
        self.draft = draft
        self.owner_id = owner_id
        self.user_id = user_id
        self.version = version
        self.app = current_app._get_current_object()  # type: ignore[attr-defined]
        self.at = now()

    def run(self, on_progress: ProgressCallback | None = None) -> _Outcome:
        session = self.app.extensions["studyapp.sessions"]()
        try:
            return self._import(session, on_progress)
        except DeckChangedError:
            return _Outcome(
                error="The deck changed since this preview (perhaps a first click already "
                "imported it). Nothing was written: open the deck, or preview the file again."
            )
        except IntegrityError:
            return _Outcome(
                error="Another import of this deck finished at the same moment. Nothing was "
                "written: preview the file again."
            )
        finally:
            session.close()

    def _import(self, session: Session, on_progress: ProgressCallback | None) -> _Outcome:
        with transaction(session):
            report: ImportReport = import_deck(
                session,
                self.draft,
                owner_id=self.owner_id,
                now=self.at,
                on_progress=on_progress,
                expected_version=self.version,
            )
            summary = report.summary()
            if self.owner_id is not None and report.created_deck:
                # A new private deck is something its owner means to study.
                enrol(session, self.user_id, report.deck.id, self.at)
                summary += " It is in your studies."
            return _Outcome(deck_id=report.deck.id, summary=summary)

    def stream(self) -> Iterator[str]:
        """Progress events as JSON lines, then the outcome; the import runs on a thread
        so that its progress can be sent while it works."""
        events: queue.Queue[dict] = queue.Queue()

        def work() -> None:
            try:
                outcome = self.run(lambda done, total: events.put({"done": done, "total": total}))
            except Exception:  # reported to the page; the transaction already rolled back
                self.app.logger.exception("deck import failed")
                outcome = _Outcome(error="The import failed; nothing was written.")
            events.put({"outcome": outcome})

        worker = threading.Thread(target=work, name="deck-import", daemon=True)
        worker.start()
        while True:
            event = events.get()
            if "outcome" not in event:
                yield json.dumps(event) + "\n"
                continue
            outcome: _Outcome = event["outcome"]
            if outcome.error:
                yield json.dumps({"error": outcome.error}) + "\n"
            else:  # URLs are built here, in the request's context
                map_url = url_for("map.map_page", deck_id=outcome.deck_id)
                yield json.dumps({"summary": outcome.summary, "map_url": map_url}) + "\n"
            break
        worker.join()


def _source_from(form: ImportForm) -> DeckSource:
    """The file from the upload field, the text box, or a preview's hidden copy."""
    if form.source.data:
        return DeckSource.decoded(form.source_name.data or PASTED_NAME, form.source.data)
    upload = form.deck_file.data
    if upload is not None and upload.filename:
        return DeckSource(_base_name(upload.filename), upload.read())
    if form.text.data and form.text.data.strip():
        return DeckSource(PASTED_NAME, form.text.data.encode("utf-8"))
    raise ValueError("choose a deck file or paste the deck's text")


def _problem(message: str, name: str = "upload") -> DeckProblem:
    return DeckProblem(SourceLocation(name), message)


def _base_name(filename: str) -> str:
    """The file's own name, whichever separator the browser's OS used."""
    return PureWindowsPath(PurePosixPath(filename).name).name.strip() or "upload"


def _check_may_publish(public: bool | None) -> None:
    if public:
        require_admin("import public decks")


def _confirm_form(result: Preview) -> ImportConfirmForm:
    form = ImportConfirmForm()
    form.source.data = result.source.encoded()
    form.source_name.data = result.source.name
    form.moves.data = moves_to_text(result.moves)
    form.version.data = result.plan.version
    form.public.data = "1" if result.public else ""
    return form


def _preview_page(result: Preview, problems: list[DeckProblem], status: int) -> tuple[str, int]:
    html = render_template(
        "deck_import_preview.html",
        preview=result,
        confirm_form=_confirm_form(result),
        move_form=_move_form(result),
        problems=problems,
        statuses=_statuses(result.plan),
        concept_count=result.final.concept_count(),
        format_names=FORMAT_NAMES,
        word_diff=word_diff,
        limit=MAX_CHANGES_LISTED,
    )
    return html, status


@dataclass(frozen=True)
class _Status:
    label: str
    css: str


def _statuses(plan: ImportPlan) -> dict[str, _Status]:
    """What the import does to each concept it touches, by its key after the import."""
    if plan.creates_deck:
        return {}
    statuses = {added.key: _Status("new", "added") for added in plan.added}
    for update in plan.updates:
        if update.restored:
            statuses[update.key] = _Status("back", "added")
        elif update.is_changed and update.is_moved:
            statuses[update.key] = _Status("changed, moved", "changed")
        elif update.is_changed:
            statuses[update.key] = _Status("changed", "changed")
        elif update.is_moved:
            statuses[update.key] = _Status("moved", "moved")
    return statuses


def _move_form(result: Preview) -> ImportForm:
    """The "move a concept" form: the same file and moves, plus one more move."""
    form = ImportForm(formdata=None)
    form.source.data = result.source.encoded()
    form.source_name.data = result.source.name
    form.moves.data = moves_to_text(result.moves)
    form.public.data = result.public
    choices = [
        (concept.key, "— " * (depth - 1) + concept.title) for concept, depth in result.draft.walk()
    ]
    form.move_concept.choices = [("", "Choose a concept…"), *choices]
    form.move_parent.choices = [("", "Top level (no parent)"), *choices]
    return form


def _form_page(form: ImportForm, problems: list[DeckProblem], status: int) -> tuple[str, int]:
    shown = problems[:MAX_PROBLEMS_SHOWN]
    return (
        render_template(
            "deck_import.html",
            form=form,
            problems=shown,
            hidden=len(problems) - len(shown),
        ),
        status,
    )
