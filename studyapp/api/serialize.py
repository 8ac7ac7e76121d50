"""Domain objects to the JSON shapes of the API (documented in :mod:`studyapp.api.openapi`)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import orjson

from studyapp.api.studied_concept_heads import (
    EncodedHead,
    encoded_head,
    learner_heads,
    studied_concept_heads,
)
from studyapp.api.untouched_branches import untouched_branches
from studyapp.clock import as_utc
from studyapp.decks.card_faces import CardFaces
from studyapp.decks.catalogue import DeckSummary
from studyapp.decks.outline import STATE_NAMES, CardView
from studyapp.map.mastery import MASTERY_LEVELS
from studyapp.map.tree import ConceptNode
from studyapp.scheduling.intervals import format_interval
from studyapp.scheduling.memory import Grade, MemoryState
from studyapp.scheduling.queue import QueueEntry
from studyapp.scheduling.rating import RatingResult, UndoResult
from studyapp.scheduling.today import TodayCounts
from studyapp.stats.dashboard import DashboardStats
from studyapp.stats.history import PassFail


def timestamp(moment: datetime | None) -> str | None:
    """ISO-8601 in UTC with a ``Z``: ``2026-03-02T09:10:00Z``."""
    if moment is None:
        return None
    if moment.tzinfo is not UTC:  # values read from the database are UTC already
        moment = as_utc(moment)
    return moment.isoformat()[:-6] + "Z"  # "+00:00" -> "Z"


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
        "is_public": summary.is_public,
        "enrolled": summary.enrolled,
    }


def card(view: CardView) -> dict[str, Any]:
    """A card with the user's memory of it; ``due`` and ``last_review`` stay datetimes,
    which the app's JSON encoder writes exactly as :func:`timestamp` does."""
    (card_id, kind, state, stability_days, difficulty, due, last_review, chance, reps, lapses) = (
        view
    )
    return {
        "id": card_id,
        "kind": kind,
        "state": STATE_NAMES[state],
        "stability": stability_days,
        "difficulty": difficulty,
        "due": due,
        "last_review": last_review,
        "retrievability": chance,
        "reps": reps,
        "lapses": lapses,
    }


def concepts(roots: list[ConceptNode], user_id: int) -> orjson.Fragment:
    """The forest as one JSON array, encoded here for the app's JSON provider to copy.

    Most of a large tree reads as it did in the user's last request: a branch they
    have not started is the same for everyone (untouched_branches), and a studied
    concept's own object changes only when its cards or figures do
    (studied_concept_heads). Both are kept per process; only the rest is encoded.
    """
    if not roots:
        return orjson.Fragment(b"[]")
    heads = learner_heads(user_id, roots[0].deck_version)
    parts: list[bytes] = [b"["]
    for index, root in enumerate(roots):
        if index:
            parts.append(b",")
        _write_concept(root, heads, parts)
    parts.append(b"]")
    studied_concept_heads.trim()
    return orjson.Fragment(b"".join(parts))


def _write_concept(node: ConceptNode, heads: dict[int, EncodedHead], parts: list[bytes]) -> None:
    if node.untouched:
        parts.append(
            untouched_branches.get(
                (node.deck_version, node.id),
                lambda: orjson.dumps(plain_concept(node), option=orjson.OPT_UTC_Z),
            )
        )
        return
    parts.append(encoded_head(heads, node, lambda: _head(node)))
    for index, child in enumerate(node.children):
        if index:
            parts.append(b",")
        _write_concept(child, heads, parts)
    parts.append(b"]}")  # the children's list, then the concept's object


def _head(node: ConceptNode) -> bytes:
    """The concept's JSON object up to and including ``"children":[``."""
    encoded = orjson.dumps(_concept(node, []), option=orjson.OPT_UTC_Z)
    assert encoded.endswith(b'"children":[]}')  # children come last in _concept
    return encoded[:-2]


def plain_concept(node: ConceptNode) -> dict[str, Any]:
    """The concept and its descendants as plain dictionaries, with no cache."""
    return _concept(node, [plain_concept(child) for child in node.children])


def _concept(node: ConceptNode, children: list[Any]) -> dict[str, Any]:
    return {
        "id": node.id,
        "key": node.key,
        "title": node.title,
        "summary": node.summary,
        "detail": node.detail,
        "cards": list(map(card, node.cards)),
        "mastery": mastery(node),
        "children": children,
    }


_LEVEL_NAMES = tuple(level.value for level in MASTERY_LEVELS)


def mastery(node: ConceptNode) -> dict[str, Any]:
    """The concept's mastery and its sub-tree's (docs/mastery.md)."""
    own, subtree = node.mastery, node.subtree
    assert own is not None and subtree is not None
    return {
        "level": own.level,  # a str enum: JSON writes its value
        "retrievability": own.retrievability,
        "fading": own.fading,
        "due_cards": own.due_cards,
        "subtree": {
            # Every level, in MASTERY_LEVELS order (the order of SubtreeMastery.counts).
            "levels": dict(zip(_LEVEL_NAMES, subtree.counts, strict=True)),
            "mean_retrievability": subtree.mean_retrievability,
        },
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


def _pass_fail(counts: PassFail) -> dict[str, Any]:
    return {"passed": counts.passed, "failed": counts.failed, "rate": counts.rate}


def stats(figures: DashboardStats) -> dict[str, Any]:
    """The dashboard's figures (studyapp.stats.dashboard; docs/dashboard.md)."""
    today_figures = figures.today
    return {
        "deck_id": figures.deck_id,
        "study_day": figures.day.date.isoformat(),
        "time_zone": figures.time_zone,
        "day_rollover_hour": figures.day_rollover_hour,
        "today": {
            "reviewed": today_figures.reviewed,
            "again": today_figures.again_count,
            "new_introduced": today_figures.new_introduced,
            "time_spent_ms": today_figures.time_spent_ms,
            "due": today_figures.due_left,
            "learning": today_figures.learning_left,
            "new_left": today_figures.new_left,
        },
        "streak_days": figures.streak_days,
        "heatmap": [
            {"date": day.date.isoformat(), "reviews": day.reviews} for day in figures.heatmap
        ],
        "desired_retention": figures.desired_retention,
        "true_retention": {
            period.period.value: {
                "days": period.days,
                "young": _pass_fail(period.young),
                "mature": _pass_fail(period.mature),
                "all": _pass_fail(period.all),
            }
            for period in figures.true_retention
        },
        "forecast": [{"date": day.date.isoformat(), "due": day.due} for day in figures.forecast],
        "card_states": {
            "new": figures.card_states.new,
            "learning": figures.card_states.learning,
            "review": figures.card_states.review,
            "relearning": figures.card_states.relearning,
            "retired": figures.card_states.retired,
        },
        "mastery_levels": {level.value: count for level, count in figures.mastery_levels.items()},
        "mastery_by_deck": [
            {
                "deck_id": deck.deck_id,
                "title": deck.title,
                "levels": {level.value: count for level, count in deck.levels.items()},
            }
            for deck in figures.mastery_by_deck
        ],
        "stability_histogram": [
            {"from_days": item.lower_days, "to_days": item.upper_days, "cards": item.cards}
            for item in figures.stability_histogram
        ],
        "retrievability_histogram": [
            {"from": item.lower_percent / 100, "to": item.upper_percent / 100, "cards": item.cards}
            for item in figures.retrievability_histogram
        ],
        "mean_retrievability": figures.mean_retrievability,
        "hardest": [
            {
                "concept_id": concept.concept_id,
                "deck_id": concept.deck_id,
                "title": concept.title,
                "deck_title": concept.deck_title,
                "lapses": concept.lapses,
                "retrievability": concept.retrievability,
                "map_path": concept.map_path,
            }
            for concept in figures.hardest
        ],
        "quizzes": [
            {
                "subtree": branch.subtree_id,
                "deck_id": branch.deck_id,
                "title": branch.title,
                "results": [
                    {
                        "quiz_id": quiz.quiz_id,
                        "date": quiz.date.isoformat(),
                        "taken_at": timestamp(quiz.taken_at),
                        "mode": quiz.mode,
                        "answered": quiz.answered,
                        "right": quiz.right,
                        "score": quiz.score,
                        "finished": quiz.finished,
                    }
                    for quiz in branch.quizzes
                ],
            }
            for branch in figures.quizzes
        ],
    }
