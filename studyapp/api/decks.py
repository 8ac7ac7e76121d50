"""Decks: the ones a user may study, uploading a private one, and a deck's tree with card states."""

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
from studyapp.db import transaction
from studyapp.decks.catalogue import deck_summary, deck_tree, visible_decks
from studyapp.decks.document import DeckDraft
from studyapp.decks.importer import ImportReport, import_deck
from studyapp.decks.reading import read_deck_bytes
from studyapp.gc_pause import gc_paused
from studyapp.web.map import AsOfError, map_moment
from studyapp.web.runtime import db_session, now, study_context

UPLOAD_FIELD = "file"
DEFAULT_UPLOAD_NAME = "upload"


@api_blueprint.route("/decks", methods=["GET"])
def list_decks() -> Response:
    summaries = visible_decks(db_session(), current_user().id)
    return jsonify({"decks": [serialize.deck(summary) for summary in summaries]})


@api_blueprint.route("/decks", methods=["POST"])
def upload_deck() -> tuple[Response, int]:
    """Create the user's private deck from an uploaded file, or update it if the key exists.

    The file's format follows its name (``.json``, ``.md``/``.markdown``,
    ``.txt``) or, failing that, its content.
    """
    upload = request.files.get(UPLOAD_FIELD)
    data = upload.read() if upload is not None else b""
    if upload is None or (not upload.filename and not data):
        raise ApiError(
            400,
            "missing_file",
            f"Send the deck file as the multipart/form-data field '{UPLOAD_FIELD}'.",
        )
    draft = read_deck_bytes(data, _source_name(upload.filename))
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
    except AsOfError as error:
        code = "invalid_parameter" if error.status == 400 else error.code
        raise ApiError(error.status, code, error.message) from None
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
            "concepts": [serialize.concept(node) for node in roots],
        }
    )


def _import(session: Session, draft: DeckDraft, owner_id: int) -> ImportReport:
    try:
        with transaction(session):
            return import_deck(session, draft, owner_id=owner_id, now=now())
    except IntegrityError:
        # Two simultaneous first uploads of one key collide on the unique key;
        # the loser tries once more, finds the winner's deck and updates it.
        with transaction(session):
            return import_deck(session, draft, owner_id=owner_id, now=now())


def _source_name(filename: str | None) -> str:
    """The upload's base name (it names the file in problem reports and picks the format)."""
    name = PurePosixPath((filename or "").replace("\\", "/")).name.strip()
    return name or DEFAULT_UPLOAD_NAME
