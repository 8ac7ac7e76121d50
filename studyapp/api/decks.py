"""Decks: the ones a user may see, adding one to their studies or removing it, uploading a
private one, and a deck's tree with card states."""

from __future__ import annotations

from pathlib import PurePosixPath

from flask import Response, jsonify, request
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from studyapp.api import serialize
from studyapp.api.auth import current_user
from studyapp.api.blueprint import api_blueprint
from studyapp.api.errors import ApiError
from studyapp.api.parsing import MAX_ID
from studyapp.decks.catalogue import MAX_SEARCH_LENGTH, deck_summary, visible_decks
from studyapp.decks.document import DeckDraft
from studyapp.decks.formats.reading import MAX_DECK_BYTES, read_deck_bytes
from studyapp.decks.importing.importer import ImportReport, import_deck
from studyapp.gc_pause import gc_paused
from studyapp.library.enrolment import enrol, unenrol
from studyapp.map.moment import AsOfNotADate, map_moment
from studyapp.map.tree import deck_tree
from studyapp.storage.db import transaction
from studyapp.web.runtime import db_session, now, study_context

UPLOAD_FIELD = "file"
DEFAULT_UPLOAD_NAME = "upload"


@api_blueprint.route("/decks", methods=["GET"])
def list_decks() -> Response:
    """Every deck the user may see, with ``enrolled``; ``?q=`` keeps titles containing it."""
    search = request.args.get("q", "")
    if len(search) > MAX_SEARCH_LENGTH:
        raise ApiError(
            400,
            "invalid_parameter",
            f"q is at most {MAX_SEARCH_LENGTH} characters.",
        )
    summaries = visible_decks(db_session(), current_user().id, search=search)
    return jsonify({"decks": [serialize.deck(summary) for summary in summaries]})


@api_blueprint.route(f"/decks/<int(max={MAX_ID}):deck_id>/enrolment", methods=["POST"])
def add_enrolment(deck_id: int) -> tuple[Response, int]:
    """Add the deck to the user's studies: 201 when added now, 200 when it already was."""
    user = current_user()
    session = db_session()
    with transaction(session):
        added = enrol(session, user.id, deck_id, now())  # NotFound -> 404
    return jsonify({"deck_id": deck_id, "enrolled": True}), 201 if added else 200


@api_blueprint.route(f"/decks/<int(max={MAX_ID}):deck_id>/enrolment", methods=["DELETE"])
def remove_enrolment(deck_id: int) -> Response:
    """Remove the deck from the user's studies, keeping their history of it (204 either way)."""
    user = current_user()
    session = db_session()
    with transaction(session):
        unenrol(session, user.id, deck_id)  # NotFound -> 404
    return Response(status=204)


@api_blueprint.route("/decks", methods=["POST"])
def upload_deck() -> tuple[Response, int]:
    """Create the user's private deck from an uploaded file, or update it if the key exists."""
    draft = read_upload()
    user = current_user()
    session = db_session()
    report = _import(session, draft, user.id)
    return (
        jsonify(serialize.deck(deck_summary(session, user.id, report.deck.id))),
        201 if report.created_deck else 200,
    )


@api_blueprint.route(f"/decks/<int(max={MAX_ID}):deck_id>/tree", methods=["GET"])
def get_deck_tree(deck_id: int) -> Response:
    """The tree with card states and mastery, today or ``as_of`` a later date (docs/mastery.md)."""
    with gc_paused():
        return _deck_tree_response(deck_id)


def _deck_tree_response(deck_id: int) -> Response:
    user = current_user()
    session = db_session()
    context = study_context(user)
    try:
        moment = map_moment(request.args.get("as_of"), context)
    except AsOfNotADate as error:  # a malformed query parameter, as elsewhere in the API
        raise ApiError(400, "invalid_parameter", error.message) from None
    roots = deck_tree(
        session,
        user.id,
        deck_id,
        now=moment.at,
        scheduler_settings=context.scheduler,
        due_before=moment.due_before,
    )
    return jsonify(
        {
            "deck": serialize.deck(deck_summary(session, user.id, deck_id)),
            "as_of": moment.day.isoformat(),
            "concepts": serialize.concepts(roots, user.id),
        }
    )


def read_upload() -> DeckDraft:
    """The validated deck in the request's ``file`` field.

    The format follows the file's name (``.json``, ``.md``/``.markdown``,
    ``.txt``, ``.tsv``, ``.apkg``) or, failing that, its content.
    """
    upload = request.files.get(UPLOAD_FIELD)
    data = upload.read() if upload is not None else b""
    if upload is None or (not upload.filename and not data):
        raise ApiError(
            400,
            "missing_file",
            f"Send the deck file as the multipart/form-data field '{UPLOAD_FIELD}'.",
        )
    return read_deck_bytes(data, _source_name(upload.filename), max_bytes=MAX_DECK_BYTES)


def _import(session: Session, draft: DeckDraft, owner_id: int) -> ImportReport:
    try:
        with transaction(session):
            return _import_and_enrol(session, draft, owner_id)
    except IntegrityError:
        # Two simultaneous first uploads of one key collide on the unique key;
        # the loser tries once more, finds the winner's deck and updates it.
        with transaction(session):
            return _import_and_enrol(session, draft, owner_id)


def _import_and_enrol(session: Session, draft: DeckDraft, owner_id: int) -> ImportReport:
    """Import the user's deck; a new one also goes into their studies (an update keeps
    whether they study it)."""
    report = import_deck(session, draft, owner_id=owner_id, now=now())
    if report.created_deck:
        enrol(session, owner_id, report.deck.id, now())
    return report


def _source_name(filename: str | None) -> str:
    """The upload's base name (it names the file in problem reports and picks the format)."""
    name = PurePosixPath((filename or "").replace("\\", "/")).name.strip()
    return name or DEFAULT_UPLOAD_NAME
