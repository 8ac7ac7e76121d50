"""Deck files over the API: preview an import without writing, and download a deck.

``POST /decks/preview`` answers what ``POST /decks`` would do with the same
file (the parsed tree and the difference against the stored version), or
every problem found in it (422, as the import would). ``GET
/decks/{deck_id}/export`` downloads a deck the user may see in any format
studyapp writes.
"""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify, request

from studyapp.api.auth import current_user
from studyapp.api.blueprint import api_blueprint
from studyapp.api.decks import read_upload
from studyapp.api.errors import ApiError
from studyapp.api.parsing import MAX_ID
from studyapp.decks.catalogue import visible_deck
from studyapp.decks.document import ConceptDraft
from studyapp.decks.export import ExportFormat, export_deck, stored_draft
from studyapp.decks.importing.plan import plan_import
from studyapp.web.runtime import db_session


@api_blueprint.route("/decks/preview", methods=["POST"])
def preview_deck() -> Response:
    """What uploading this file as the user's private deck would do; writes nothing."""
    draft = read_upload()
    user = current_user()
    plan = plan_import(db_session(), draft, owner_id=user.id, user_id=user.id)
    return jsonify(
        {
            "deck": {
                "key": draft.key,
                "title": draft.title,
                "description": draft.description,
                "source_format": draft.source_format,
                "concept_count": draft.concept_count(),
            },
            "concepts": [_draft_concept(node) for node in draft.concepts],
            "changes": plan.to_dict(),
        }
    )


@api_blueprint.route(f"/decks/<int(max={MAX_ID}):deck_id>/export", methods=["GET"])
def export_deck_file(deck_id: int) -> Response:
    names = [export_format.value for export_format in ExportFormat]
    requested = request.args.get("format", ExportFormat.JSON.value)
    if requested not in names:
        raise ApiError(400, "invalid_parameter", f"format must be one of {', '.join(names)}.")
    session = db_session()
    deck = visible_deck(session, current_user().id, deck_id)
    exported = export_deck(stored_draft(session, deck), ExportFormat(requested))
    response = Response(exported.content, mimetype=exported.mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{exported.filename}"'
    return response


def _draft_concept(node: ConceptDraft) -> dict[str, Any]:
    return {
        "key": node.key,
        "title": node.title,
        "summary": node.summary,
        "detail": node.detail,
        "children": [_draft_concept(child) for child in node.children],
    }
