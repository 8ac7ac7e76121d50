"""Decks: the ones a user may see, adding one to their studies or removing it, uploading a
private one, and a deck's tree with card states."""

from __future__ import annotations

from pathlib import PurePosixPath

from flask import Response, request
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from studyapp.api import serialize
from studyapp.api.auth import current_user
from studyapp.api.blueprint import api_blueprint
from studyapp.api.endpoints import endpoint
from studyapp.api.errors import ApiError
from studyapp.api.schemas.common import MAX_ID
from studyapp.api.schemas.decks import Deck, DeckList, DeckListQuery, DeckUpload, Enrolment
from studyapp.api.schemas.tree import DeckTree, TreeQuery
from studyapp.decks.catalogue import deck_summary, visible_decks
from studyapp.decks.document import DeckDraft
from studyapp.decks.formats.reading import MAX_DECK_BYTES, read_deck_bytes
from studyapp.decks.importing.importer import ImportReport, import_deck
from studyapp.library.enrolment import enrol, unenrol
from studyapp.map.moment import AsOfNotADate, map_moment
from studyapp.map.tree import deck_tree
from studyapp.storage.db import transaction
from studyapp.web.runtime import db_session, now, study_context

UPLOAD_FIELD = "file"
DEFAULT_UPLOAD_NAME = "upload"


@api_blueprint.route("/decks", methods=["GET"])
@endpoint(
    summary="The decks the user may see (public decks and their own private ones), each "
    "saying whether the user studies it.",
    tag="decks",
    query=DeckListQuery,
    responses={200: (DeckList, "The decks, by title.")},
)
def list_decks(query: DeckListQuery) -> DeckList:
    """Every deck the user may see, with ``enrolled``; ``?q=`` keeps titles containing it."""
    summaries = visible_decks(db_session(), current_user().id, search=query.q)
    return DeckList(decks=[Deck.of(summary) for summary in summaries])


@api_blueprint.route(f"/decks/<int(max={MAX_ID}):deck_id>/enrolment", methods=["POST"])
@endpoint(
    summary="Add the deck to the user's studies: its cards join their daily queue, with any "
    "history they had of it.",
    tag="decks",
    operation_id="addDeckToStudies",
    responses={
        200: (Enrolment, "The deck already was in the studies."),
        201: (Enrolment, "The deck was added now."),
        404: "NotFound",
    },
)
def add_enrolment(deck_id: int) -> tuple[Enrolment, int]:
    """Add the deck to the user's studies: 201 when added now, 200 when it already was."""
    user = current_user()
    session = db_session()
    with transaction(session):
        added = enrol(session, user.id, deck_id, now())  # NotFound -> 404
    return Enrolment(deck_id=deck_id, enrolled=True), 201 if added else 200


@api_blueprint.route(f"/decks/<int(max={MAX_ID}):deck_id>/enrolment", methods=["DELETE"])
@endpoint(
    summary="Remove the deck from the user's studies. Their card states and review log of "
    "it are kept and come back if they add it again.",
    tag="decks",
    operation_id="removeDeckFromStudies",
    responses={204: (None, "Not (or no longer) in the user's studies."), 404: "NotFound"},
)
def remove_enrolment(deck_id: int) -> Response:
    """Remove the deck from the user's studies, keeping their history of it (204 either way)."""
    user = current_user()
    session = db_session()
    with transaction(session):
        unenrol(session, user.id, deck_id)  # NotFound -> 404
    return Response(status=204)


@api_blueprint.route("/decks", methods=["POST"])
@endpoint(
    summary="Upload a deck file as a private deck; a deck of the user's with the same key is "
    "updated, keeping everyone's card states.",
    tag="decks",
    body=DeckUpload,
    responses={
        200: (
            Deck,
            "The user's existing deck with that key, updated (still studied or not, as before).",
        ),
        201: (Deck, "A new private deck, in the user's studies."),
        422: "InvalidDeck",
    },
)
def upload_deck() -> tuple[Deck, int]:
    """Create the user's private deck from an uploaded file, or update it if the key exists."""
    draft = read_upload()
    user = current_user()
    session = db_session()
    report = _import(session, draft, user.id)
    return (
        Deck.of(deck_summary(session, user.id, report.deck.id)),
        201 if report.created_deck else 200,
    )


@api_blueprint.route(f"/decks/<int(max={MAX_ID}):deck_id>/tree", methods=["GET"])
@endpoint(
    summary="A deck's concept tree with the user's state of every card and the mastery of "
    "every concept, today or as of a later date.",
    tag="decks",
    query=TreeQuery,
    responses={
        200: (DeckTree, "The deck and its live concepts in map order."),
        422: "InvalidRequest",
    },
)
def get_deck_tree(deck_id: int, query: TreeQuery) -> Response:
    """The tree with card states and mastery, today or ``as_of`` a later date (docs/mastery.md)."""
    as_of = query.as_of
    user = current_user()
    session = db_session()
    context = study_context(user)
    try:
        moment = map_moment(as_of, context)
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
    deck = Deck.of(deck_summary(session, user.id, deck_id))
    return serialize.tree_response(deck, moment.day, roots, user.id)


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
