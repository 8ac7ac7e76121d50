"""Moving concepts of a draft under another parent before it is imported.

The map explorer's page text has no explicit hierarchy: studyapp infers it
(docs/page-text-inference.md) and the import preview lets the learner correct
the guess. Each correction is a :class:`ParentMove` naming concepts by the keys
they had when the file was first read, so a list of moves can travel with the
form from preview to confirmation and be applied again to a fresh parse of the
same file.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Sequence
from dataclasses import dataclass

from studyapp.decks.document import (
    ConceptDraft,
    DeckDraft,
    DeckProblem,
    DeckValidationError,
    SourceLocation,
)
from studyapp.decks.validation import validate_deck

MAX_MOVES = 500


@dataclass(frozen=True)
class ParentMove:
    """Put the concept ``concept_key`` last under ``parent_key`` (None: at the top level)."""

    concept_key: str
    parent_key: str | None


def apply_moves(draft: DeckDraft, moves: Sequence[ParentMove]) -> DeckDraft:
    """A copy of the validated ``draft`` with ``moves`` applied in order.

    Concepts keep the keys of ``draft`` (the ones the moves name); call
    :func:`finish_moves` to give derived keys their new title paths. Raises
    :class:`DeckValidationError` naming every move that cannot be made.
    """
    moved = copy.deepcopy(draft)
    problems: list[DeckProblem] = []
    where = SourceLocation(draft.source_name)
    for number, move in enumerate(moves, start=1):
        nodes, parents = _index(moved)
        concept = nodes.get(move.concept_key)
        parent = nodes.get(move.parent_key) if move.parent_key is not None else None
        if concept is None or (move.parent_key is not None and parent is None):
            missing = move.concept_key if concept is None else move.parent_key
            problems.append(DeckProblem(where, f"move {number}: there is no concept '{missing}'"))
            continue
        if parent is not None and _is_within(parent, concept, parents, nodes):
            problems.append(
                DeckProblem(
                    where,
                    f"move {number}: '{concept.title}' cannot go under '{parent.title}', "
                    "which is inside it",
                )
            )
            continue
        old_parent = parents.get(move.concept_key)
        siblings = nodes[old_parent].children if old_parent else moved.concepts
        siblings.remove(concept)
        (parent.children if parent is not None else moved.concepts).append(concept)
    if problems:
        raise DeckValidationError(problems)
    return moved


def finish_moves(draft: DeckDraft) -> DeckDraft:
    """Validate a moved draft again: derived keys follow the new title paths, and two
    siblings that now share a title are reported."""
    return validate_deck(copy.deepcopy(draft))


def moves_to_text(moves: Sequence[ParentMove]) -> str:
    return json.dumps([[move.concept_key, move.parent_key] for move in moves])


def moves_from_text(text: str | None) -> list[ParentMove]:
    """The moves a form carried; raises ValueError when the text is not a list of moves."""
    if not text:
        return []
    pairs = json.loads(text)
    if not isinstance(pairs, list) or len(pairs) > MAX_MOVES:
        raise ValueError("not a list of moves")
    moves = []
    for pair in pairs:
        if (
            not isinstance(pair, list)
            or len(pair) != 2
            or not isinstance(pair[0], str)
            or not (pair[1] is None or isinstance(pair[1], str))
        ):
            raise ValueError("not a list of moves")
        moves.append(ParentMove(pair[0], pair[1]))
    return moves


def _index(draft: DeckDraft) -> tuple[dict[str, ConceptDraft], dict[str, str | None]]:
    nodes: dict[str, ConceptDraft] = {}
    parents: dict[str, str | None] = {}

    def visit(node: ConceptDraft, parent_key: str | None) -> None:
        assert node.key is not None, "validate_deck() fills in keys"
        nodes[node.key] = node
        parents[node.key] = parent_key
        for child in node.children:
            visit(child, node.key)

    for root in draft.concepts:
        visit(root, None)
    return nodes, parents


def _is_within(
    node: ConceptDraft,
    ancestor: ConceptDraft,
    parents: dict[str, str | None],
    nodes: dict[str, ConceptDraft],
) -> bool:
    """Whether ``node`` is ``ancestor`` or one of its descendants."""
    key: str | None = node.key
    while key is not None:
        if nodes[key] is ancestor:
            return True
        key = parents[key]
    return False
