"""A learner's deck tree (:func:`studyapp.map.tree.deck_tree`) flattened in map order.

:class:`Forest` looks concepts up by id, knows each one's level, ancestors and
branch, and adds up the whole deck's mastery. Pure Python over the tree: the
map page folds, draws and builds its panel from it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from studyapp.map.mastery import SubtreeMastery
from studyapp.map.tree import ConceptNode


@dataclass
class Forest:
    """The deck's concepts flattened in map order, with lookups."""

    roots: list[ConceptNode]
    nodes: list[ConceptNode] = field(default_factory=list)
    by_id: dict[int, ConceptNode] = field(default_factory=dict)
    level: dict[int, int] = field(default_factory=dict)  # 1 for roots, 2 for their children…

    def __post_init__(self) -> None:
        stack = [(root, 1) for root in reversed(self.roots)]
        while stack:
            node, level = stack.pop()
            self.nodes.append(node)
            self.by_id[node.id] = node
            self.level[node.id] = level
            stack.extend((child, level + 1) for child in reversed(node.children))

    def ancestors(self, concept_id: int) -> list[ConceptNode]:
        """Root first, not including the concept itself."""
        path: list[ConceptNode] = []
        node = self.by_id.get(concept_id)
        seen = set()
        while node is not None and node.parent_id is not None and node.parent_id not in seen:
            seen.add(node.parent_id)
            node = self.by_id.get(node.parent_id)
            if node is not None:
                path.append(node)
        return path[::-1]

    def branch(self, node: ConceptNode) -> Iterator[ConceptNode]:
        stack = [node]
        while stack:
            current = stack.pop()
            yield current
            stack.extend(current.children)

    def total(self) -> SubtreeMastery:
        return SubtreeMastery.together(
            root.subtree for root in self.roots if root.subtree is not None
        )
