"""Hypothesis strategies shared by several test modules."""

from __future__ import annotations

from hypothesis import strategies as st


@st.composite
def forests(draw) -> list[tuple[int, int | None]]:
    """(id, parent id) pairs in map order: each concept follows its parent's sub-tree."""
    size = draw(st.integers(1, 30))
    order: list[tuple[int, int | None]] = []
    for concept_id in range(1, size + 1):
        parent = draw(st.sampled_from([None, *(cid for cid, _ in order)])) if order else None
        # Insert after the parent's last descendant so every sub-tree stays one run.
        at = len(order)
        if parent is not None:
            at = [cid for cid, _ in order].index(parent) + 1
            inside = {parent}
            while at < len(order) and order[at][1] in inside:
                inside.add(order[at][0])
                at += 1
        order.insert(at, (concept_id, parent))
    return order
