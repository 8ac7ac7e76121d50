"""Map order: how a deck's concepts are listed everywhere (a parent before its children,
each sub-tree as one unbroken run), and what that order lets one compute without recursion."""

from __future__ import annotations

from collections.abc import Sequence


def branch_ends(parent_indexes: Sequence[int | None]) -> list[int]:
    """For concepts in map order, each given by its parent's index (None for a root): the
    index of each concept's last descendant, its own index for a leaf.

    A concept's branch (itself and all its descendants) is then
    ``concepts[index : branch_ends[index] + 1]``.
    """
    ends = list(range(len(parent_indexes)))
    # Walking backwards finishes every child before its parent.
    for index in range(len(parent_indexes) - 1, -1, -1):
        parent = parent_indexes[index]
        if parent is not None and ends[index] > ends[parent]:
            ends[parent] = ends[index]
    return ends


def parent_indexes(ids_and_parents: Sequence[tuple[int, int | None]]) -> list[int | None]:
    """Each concept's parent as an index into ``ids_and_parents`` (None for a root, or for a
    parent that is not in the list)."""
    position = {concept_id: index for index, (concept_id, _) in enumerate(ids_and_parents)}
    return [position.get(parent_id) for _, parent_id in ids_and_parents]
