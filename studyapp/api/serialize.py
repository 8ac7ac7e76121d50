"""Domain objects to the JSON shapes of the API (documented in :mod:`studyapp.api.openapi`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from studyapp.card_faces import CardFaces
from studyapp.clock import as_utc
from studyapp.decks.catalogue import STATE_NAMES, CardView, ConceptNode, DeckSummary
from studyapp.scheduling.intervals import format_interval
from studyapp.scheduling.memory import Grade, MemoryState
from studyapp.scheduling.queue import QueueEntry
from studyapp.scheduling.review import RatingResult, UndoResult
from studyapp.scheduling.today import TodayCounts


def timestamp(moment: datetime | None) -> str | None:
    """ISO-8601 in UTC with a ``Z``: ``2026-03-02T09:10:00Z``."""
    if moment is None:
        return None
    return as_utc(moment).isoformat().replace("+00:00", "Z")


def state_name(state_value: int | None) -> str:
    return STATE_NAMES[state_value]


def deck(summary: DeckSummary) -> dict[str, Any]:
    return {
        "id": summary.id,
        "key": summary.key,
        "title": summary.title,
        "description": summary.description,
        "concept_count": summary.concept_count,
        "card_count": summary.card_count,
    }


def card(view: CardView) -> dict[str, Any]:
    return {
        "id": view.id,
        "kind": view.kind,
        "state": view.state,
        "stability": view.stability_days,
        "difficulty": view.difficulty,
        "due": timestamp(view.due),
        "last_review": timestamp(view.last_review),
        "retrievability": view.retrievability,
        "reps": view.reps,
        "lapses": view.lapses,
    }


def concept(node: ConceptNode) -> dict[str, Any]:
    return {
        "id": node.id,
        "key": node.key,
        "title": node.title,
        "summary": node.summary,
        "detail": node.detail,
        "cards": [card(view) for view in node.cards],
        "children": [concept(child) for child in node.children],
    }


def next_card(
    entry: QueueEntry,
    concept_key: str,
    kind: str,
    faces: CardFaces,
    previews: dict[Grade, MemoryState],
    now: datetime,
) -> dict[str, Any]:
    return {
        "card_id": entry.card_id,
        "concept_key": concept_key,
        "kind": kind,
        "front": faces.front,
        "back": faces.back,
        "context": faces.context,
        "queue": entry.kind.value,
        "previews": {
            str(int(grade)): {
                "due": timestamp(after.due),
                "interval": format_interval(after.due - now),
            }
            for grade, after in sorted(previews.items())
        },
    }


def rating(result: RatingResult) -> dict[str, Any]:
    memory = result.memory
    return {
        "card_id": result.card_id,
        "state": state_name(memory.state.value),
        "stability": memory.stability_days,
        "difficulty": memory.difficulty,
        "due": timestamp(memory.due),
        "last_review": timestamp(memory.last_review),
    }


def undo(result: UndoResult) -> dict[str, Any]:
    return {
        "card_id": result.card_id,
        "rating": int(result.grade),
        "state": state_name(result.restored.state.value if result.restored else None),
    }


def today(counts: TodayCounts) -> dict[str, Any]:
    return {
        "reviewed": counts.reviewed,
        "due": counts.due,
        "new": counts.new,
        "learning": counts.learning,
    }
