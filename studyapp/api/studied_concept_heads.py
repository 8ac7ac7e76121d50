"""A studied concept's own JSON in the tree, before its children, kept per process.

A concept the learner has started has a JSON object of its own (text, cards with
their states, mastery, sub-tree figures) that changes only when those values do:
a review of one card leaves the rest of a large map as it was. The tree's JSON
(``GET /api/v1/decks/{id}/tree``) keeps each such concept's encoded "head" (the
object up to its ``"children":[``) per learner and deck version
(studyapp/map/learner_memos.py), with the values it was encoded from, and reuses it
while they are equal.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from studyapp.decks.outline import CardView
from studyapp.map.learner_memos import LearnerMemos
from studyapp.map.mastery import ConceptMastery, SubtreeMastery
from studyapp.map.studied_concepts import MAX_MEMO_CONCEPTS
from studyapp.map.tree import ConceptNode

# About 1.6 kB per head (1.4 kB of JSON with benchmarks/map_page.py's texts): as many
# as the studied-concept memo holds (MAX_MEMO_CONCEPTS) take about 40 MB.
MAX_HEADS = MAX_MEMO_CONCEPTS


class EncodedHead(NamedTuple):
    """A head's JSON and the values it was encoded from (the concept's text is the key's)."""

    cards: tuple[CardView, ...]
    mastery: ConceptMastery
    subtree: SubtreeMastery | None
    json: bytes


studied_concept_heads: LearnerMemos[EncodedHead] = LearnerMemos(MAX_HEADS)


def learner_heads(user_id: int, deck_version: str) -> dict[int, EncodedHead]:
    """The learner's heads of this deck version by concept id (call ``trim`` when done)."""
    return studied_concept_heads.memo((user_id, deck_version))


def encoded_head(
    heads: dict[int, EncodedHead], node: ConceptNode, encode: Callable[[], bytes]
) -> bytes:
    """The head of ``node``: kept in ``heads`` if it was encoded from the same cards,
    mastery and sub-tree figures, else from ``encode()`` (then kept)."""
    found = heads.get(node.id)
    if (
        found is not None
        and found.cards == node.cards
        and found.mastery == node.mastery
        and found.subtree == node.subtree
    ):
        return found.json
    encoded = encode()
    heads[node.id] = EncodedHead(node.cards, node.mastery, node.subtree, encoded)
    return encoded
