"""Deck files over the API: preview an import without writing, and download a deck.

``POST /decks/preview`` answers what ``POST /decks`` would do with the same
file (the parsed tree and the difference against the stored version), or
every problem found in it (422, as the import would). ``GET
/decks/{deck_id}/export`` downloads a deck the user may see in any format
studyapp writes.
"""

from __future__ import annotations

from flask import Response

from studyapp.api.auth import current_user
from studyapp.api.blueprint import api_blueprint
from studyapp.api.decks import read_upload
from studyapp.api.endpoints import endpoint
from studyapp.api.schemas.common import MAX_ID
from studyapp.api.schemas.decks import DeckPreview, DeckUpload, ExportQuery
from studyapp.decks.catalogue import visible_deck
from studyapp.decks.export import ExportFormat, export_deck, stored_draft
from studyapp.decks.importing.plan import plan_import
from studyapp.web.runtime import db_session

# A deck file in any format studyapp writes (not JSON of a model of ours).
DECK_FILE = {
    "description": "The deck file, as an attachment.",
    "content": {
        "application/json": {"schema": {"type": "object"}},
        "text/markdown": {"schema": {"type": "string"}},
        "application/octet-stream": {"schema": {"type": "string", "contentEncoding": "binary"}},
    },
}


@api_blueprint.route("/decks/preview", methods=["POST"])
@endpoint(
    summary="What uploading this file as a private deck would do, writing nothing: the "
    "parsed tree and the difference against the user's deck with the same key.",
    tag="decks",
    operation_id="previewDeckUpload",
    body=DeckUpload,
    responses={200: (DeckPreview, "The file can be imported."), 422: "InvalidDeck"},
)
def preview_deck() -> DeckPreview:
    """What uploading this file as the user's private deck would do; writes nothing."""
    draft = read_upload()
    user = current_user()
    plan = plan_import(db_session(), draft, owner_id=user.id, user_id=user.id)
    return DeckPreview.of(draft, plan)


@api_blueprint.route(f"/decks/<int(max={MAX_ID}):deck_id>/export", methods=["GET"])
@endpoint(
    summary="Download a deck the user may see, as a file that imports as the same deck.",
    tag="decks",
    operation_id="exportDeck",
    query=ExportQuery,
    responses={200: DECK_FILE},
)
def export_deck_file(deck_id: int, query: ExportQuery) -> Response:
    session = db_session()
    deck = visible_deck(session, current_user().id, deck_id)
    exported = export_deck(stored_draft(session, deck), ExportFormat(query.format))
    response = Response(exported.content, mimetype=exported.mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{exported.filename}"'
    return response
