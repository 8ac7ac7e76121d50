"""A stored deck back out as a file: JSON, Markdown outline or Anki package (docs/anki.md).

:func:`stored_draft` turns the deck's live concepts into the same
:class:`DeckDraft` a parser produces, with every concept's key, so that
importing an exported file matches every concept by key and changes nothing.
"""

from __future__ import annotations

import enum
import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from studyapp.decks.anki.apkg_writer import SchedulingMap, deck_to_apkg
from studyapp.decks.anki.scheduling import CardSchedule
from studyapp.decks.document import ConceptDraft, DeckDraft
from studyapp.decks.formats.json_deck import deck_to_json_document
from studyapp.decks.formats.markdown_deck import deck_to_markdown
from studyapp.decks.keys import slugify
from studyapp.storage.models import Card, CardState, Concept, Deck


class ExportFormat(enum.StrEnum):
    JSON = "json"
    MARKDOWN = "markdown"
    APKG = "apkg"  # Anki package (docs/anki.md)


@dataclass(frozen=True)
class ExportedFile:
    """A download: ``filename`` is safe to put in a Content-Disposition header."""

    filename: str
    mimetype: str
    content: bytes


def stored_draft(session: Session, deck: Deck) -> DeckDraft:
    """The deck's live concepts as a draft, in map order, keys included."""
    rows = session.execute(
        select(Concept.id, Concept.parent_id, Concept.key, Concept.title)
        .add_columns(Concept.summary, Concept.detail)
        .where(Concept.deck_id == deck.id, Concept.retired_at.is_(None))
        .order_by(Concept.map_order)
    ).all()
    draft = DeckDraft(
        title=deck.title,
        key=deck.key,
        description=deck.description,
        source_name=deck.key,
        source_format=deck.source_format,
    )
    by_id: dict[int, ConceptDraft] = {}
    for concept_id, parent_id, key, title, summary, detail in rows:
        node = ConceptDraft(title=title, summary=summary, detail=detail, key=key)
        by_id[concept_id] = node
        parent = by_id.get(parent_id) if parent_id is not None else None
        (parent.children if parent is not None else draft.concepts).append(node)
    return draft


def user_scheduling(session: Session, user_id: int, deck: Deck) -> SchedulingMap:
    """The user's FSRS memory state of each reviewed card of the deck's live concepts,
    keyed as an Anki package wants it: (concept key, card kind)."""
    rows = session.execute(
        select(
            Concept.key,
            Card.kind,
            CardState.state,
            CardState.stability_days,
            CardState.difficulty,
            CardState.due,
            CardState.last_review,
            CardState.reps,
            CardState.lapses,
        )
        .join(Card, Card.concept_id == Concept.id)
        .join(CardState, (CardState.card_id == Card.id) & (CardState.user_id == user_id))
        .where(Concept.deck_id == deck.id, Concept.retired_at.is_(None))
    ).all()
    return {(key, kind): CardSchedule(*memory) for key, kind, *memory in rows}


def export_deck(
    draft: DeckDraft,
    export_format: ExportFormat,
    *,
    scheduling: SchedulingMap | None = None,
    now: datetime | None = None,
) -> ExportedFile:
    """The file of ``draft`` in ``export_format``, named after the deck's key.

    An Anki package may carry one user's ``scheduling`` (:func:`user_scheduling`);
    ``now`` stamps its notes so that Anki updates notes it already has.
    """
    stem = slugify(draft.key or draft.title) or "deck"
    if export_format is ExportFormat.APKG:
        package = deck_to_apkg(draft, scheduling=scheduling, now=now)
        return ExportedFile(f"{stem}.apkg", "application/octet-stream", package)
    if export_format is ExportFormat.JSON:
        document = json.dumps(deck_to_json_document(draft), ensure_ascii=False, indent=2)
        return ExportedFile(f"{stem}.json", "application/json", (document + "\n").encode())
    return ExportedFile(
        f"{stem}.md", "text/markdown; charset=utf-8", deck_to_markdown(draft).encode()
    )
