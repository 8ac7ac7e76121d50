"""The tree's fast encoder: ``GET /decks/{deck_id}/tree`` without a model per concept.

Every other answer is a pydantic model (:mod:`studyapp.api.schemas`) written by
:func:`studyapp.api.endpoints.json_response`. The tree of a large deck is the API's
hot path (benchmarks/map_page.py): thousands of concepts, most of them read as they did
in the learner's last request. So its concept forest is written here from plain
dictionaries and per-process caches of encoded JSON (untouched_branches,
studied_concept_heads) with orjson, in exactly the shape of
:class:`~studyapp.api.schemas.tree.DeckTree` (``Concept``, ``Card``, ``Mastery``):
those models give the OpenAPI schema, and tests/api/test_tree_json.py checks that the
bytes written here are what the model would write.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import orjson
from flask import Response, jsonify

from studyapp.api.schemas.decks import Deck
from studyapp.api.studied_concept_heads import (
    EncodedHead,
    encoded_head,
    learner_heads,
    studied_concept_heads,
)
from studyapp.api.untouched_branches import untouched_branches
from studyapp.decks.outline import STATE_NAMES, CardView
from studyapp.map.mastery import MASTERY_LEVELS
from studyapp.map.tree import ConceptNode


def tree_response(deck: Deck, as_of: date, roots: list[ConceptNode], user_id: int) -> Response:
    """The ``DeckTree`` answer: the deck through its model, the forest through the caches."""
    return jsonify(
        {
            "deck": orjson.Fragment(deck.__pydantic_serializer__.to_json(deck)),
            "as_of": as_of.isoformat(),
            "concepts": concepts(roots, user_id),
        }
    )


def card(view: CardView) -> dict[str, Any]:
    """A card with the user's memory of it; ``due`` and ``last_review`` stay datetimes,
    which orjson writes in UTC with a ``Z`` (OPT_UTC_Z), as the models do."""
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
