"""The map's tree layout (studyapp.map.layout): pure geometry, no database."""

from __future__ import annotations

import random
from itertools import combinations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from studyapp.map.layout import (
    DEFAULT_CONFIG,
    ELLIPSIS,
    Layout,
    LayoutConfig,
    MapInput,
    NodeBox,
    layout_forest,
    text_width,
    wrap_title,
)

Forest = list[tuple[int, int | None, str]]
WORDS = ["attention", "memory", "gradient", "token", "decoder"]
WORDS += ["context", "window", "policy", "reward", "alignment"]


def random_forest(count: int, seed: int, *, roots: int = 5, max_depth: int = 12) -> Forest:
    """``count`` concepts in map order (pre-order), ids 1..count, titles of 1-7 words."""
    rng = random.Random(seed)
    parent_of: dict[int, int | None] = {}
    depth: dict[int, int] = {}
    children: dict[int | None, list[int]] = {None: []}
    for concept_id in range(1, count + 1):
        candidates = [c for c in range(max(1, concept_id - 40), concept_id) if depth[c] < max_depth]
        parent = rng.choice(candidates) if candidates and concept_id > roots else None
        parent_of[concept_id] = parent
        depth[concept_id] = depth[parent] + 1 if parent else 0
        children.setdefault(parent, []).append(concept_id)
        children.setdefault(concept_id, [])
    titles = {
        concept_id: " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 7))).capitalize()
        for concept_id in parent_of
    }
    ordered: Forest = []
    stack = list(reversed(children[None]))
    while stack:
        concept_id = stack.pop()
        ordered.append((concept_id, parent_of[concept_id], titles[concept_id]))
        stack.extend(reversed(children[concept_id]))
    return ordered


def overlap(a: NodeBox, b: NodeBox) -> bool:
    return a.x < b.right and b.x < a.right and a.y < b.bottom and b.y < a.bottom


def overlapping_pairs_by_sweep(boxes: list[NodeBox]) -> list[tuple[int, int]]:
    """Pairs of boxes that overlap, found with a sweep line going down the canvas.

    Boxes are taken in order of their top edge; each is compared only with the
    boxes still "open" (bottom edge below its top), so the work is
    n × (boxes crossing one horizontal line), not n².
    """
    found = []
    active: list[NodeBox] = []
    for box in sorted(boxes, key=lambda b: b.y):
        active = [other for other in active if other.bottom > box.y]
        found.extend(
            (other.id, box.id) for other in active if other.x < box.right and box.x < other.right
        )
        active.append(box)
    return found


def check_tidy(layout: Layout, forest: Forest, collapsed: set[int] = frozenset()) -> None:
    """Every property the map relies on, for any forest."""
    boxes = layout.by_id
    children: dict[int, list[int]] = {}
    for concept_id, parent_id, _title in forest:
        if parent_id is not None:
            children.setdefault(parent_id, []).append(concept_id)
    assert not overlapping_pairs_by_sweep(layout.nodes)
    for box in layout.nodes:
        assert box.x >= 0 and box.right <= layout.width
        assert box.y >= 0 and box.bottom <= layout.height
        assert 1 <= len(box.lines) <= DEFAULT_CONFIG.max_lines
        kids = [boxes[kid] for kid in children.get(box.id, []) if kid in boxes]
        if box.collapsed:
            assert box.id in collapsed and not kids
            continue
        if not kids:
            continue
        for kid in kids:
            assert kid.x > box.right, "a child is right of its parent"
            assert kid.depth == box.depth + 1
        # Children are stacked in map order and the parent is centred on them.
        assert [kid.y for kid in kids] == sorted(kid.y for kid in kids)
        assert kids[0].y <= box.center_y <= kids[-1].bottom
        middle = (kids[0].center_y + kids[-1].center_y) / 2
        assert box.center_y == pytest.approx(middle, abs=1e-6)
    # One edge per visible child, from the parent's right side to the child's left side.
    assert len(layout.edges) == sum(1 for box in layout.nodes if box.parent_id is not None)
    for edge in layout.edges:
        parent, child = boxes[edge.parent_id], boxes[edge.child_id]
        assert (edge.x1, edge.y1) == pytest.approx((parent.right, parent.center_y))
        assert (edge.x2, edge.y2) == pytest.approx((child.x, child.center_y))


def test_a_small_tree_left_to_right_with_parents_centred():
    forest: Forest = [
        (1, None, "Algebra"),
        (2, 1, "Groups"),
        (3, 2, "Subgroups"),
        (4, 2, "Cosets"),
        (5, 1, "Rings"),
        (6, None, "Geometry"),
    ]
    layout = layout_forest(forest)
    assert [box.id for box in layout.nodes] == [1, 2, 3, 4, 5, 6]
    box = layout.by_id
    assert box[1].x == box[6].x < box[2].x == box[5].x < box[3].x == box[4].x
    assert box[2].center_y == pytest.approx((box[3].center_y + box[4].center_y) / 2)
    assert box[1].center_y == pytest.approx((box[2].center_y + box[5].center_y) / 2)
    assert box[3].bottom < box[4].y and box[2].bottom < box[5].y and box[1].bottom < box[6].y
    assert box[3].parent_id == 2 and box[1].parent_id is None
    assert (box[1].child_count, box[2].descendant_count, box[1].descendant_count) == (2, 2, 4)
    check_tidy(layout, forest)


def test_a_small_branch_tucks_in_beside_a_deep_one():
    # Root 1 has a deep branch (2 → 3 → 4 …) and a leaf sibling 9: the leaf only has to
    # clear node 2 in its column, not the whole deep branch (contours, not bounding boxes).
    forest: Forest = [(1, None, "Root"), (2, 1, "Deep")]
    forest += [(10 + i, 2, f"Leaf {i}") for i in range(6)]
    forest += [(9, 1, "Beside")]
    layout = layout_forest(forest)
    box = layout.by_id
    deep_children_bottom = max(box[10 + i].bottom for i in range(6))
    assert box[9].y < deep_children_bottom
    assert box[9].y >= box[2].bottom + DEFAULT_CONFIG.sibling_gap - 1e-9
    check_tidy(layout, forest)


def test_no_two_boxes_overlap_checking_every_pair():
    for seed in range(4):
        forest = random_forest(300, seed)
        layout = layout_forest(forest)
        assert len(layout.nodes) == 300
        for a, b in combinations(layout.nodes, 2):
            assert not overlap(a, b), (a.id, b.id)
        check_tidy(layout, forest)


def test_five_thousand_nodes_do_not_overlap_by_sweep():
    # Its speed is measured by benchmarks/map_page.py ("layout_forest() alone"), not here.
    forest = random_forest(5000, seed=42)
    layout = layout_forest(forest)
    assert len(layout.nodes) == layout.total_count == 5000
    assert not overlapping_pairs_by_sweep(layout.nodes)
    check_tidy(layout, forest)


def test_a_deep_chain_needs_no_recursion():
    # 4,000 levels: far past Python's recursion limit, so a recursive layout would fail.
    forest: Forest = [(1, None, "Top")] + [(i, i - 1, f"Level {i}") for i in range(2, 4001)]
    layout = layout_forest(forest)
    assert len(layout.nodes) == 4000
    assert len({box.center_y for box in layout.nodes}) == 1  # a chain is one straight row
    check_tidy(layout, forest)


def test_collapsed_branches_hide_their_descendants_and_count_them():
    forest: Forest = [
        (1, None, "Algebra"),
        (2, 1, "Groups"),
        (3, 2, "Subgroups"),
        (4, 3, "Normal subgroups"),
        (5, 2, "Cosets"),
        (6, 1, "Rings"),
        (7, None, "Geometry"),
    ]
    layout = layout_forest(forest, collapsed={2, 7, 999})
    assert [box.id for box in layout.nodes] == [1, 2, 6, 7]
    groups = layout.by_id[2]
    assert groups.collapsed and groups.hidden_count == 3 and groups.child_count == 2
    # A leaf cannot be collapsed; an unknown id changes nothing.
    assert not layout.by_id[7].collapsed and layout.by_id[7].hidden_count == 0
    assert layout.total_count == 7 and layout.hidden_count == 3
    assert {(edge.parent_id, edge.child_id) for edge in layout.edges} == {(1, 2), (1, 6)}
    check_tidy(layout, forest, {2, 7, 999})
    # A collapsed root hides the whole tree under it.
    everything_but_geometry = layout_forest(forest, collapsed={1})
    assert [box.id for box in everything_but_geometry.nodes] == [1, 7]
    assert everything_but_geometry.by_id[1].hidden_count == 5


def test_the_layout_is_deterministic_and_accepts_map_inputs():
    forest = random_forest(400, seed=7)
    first = layout_forest(forest, collapsed={5, 9})
    second = layout_forest(
        [MapInput(*item) for item in forest], collapsed=frozenset({9, 5})
    )
    assert first.nodes == second.nodes
    assert [edge.path for edge in first.edges] == [edge.path for edge in second.edges]
    assert (first.width, first.height) == (second.width, second.height)


def test_orphans_become_roots_and_cycles_are_left_out():
    forest: Forest = [
        (1, None, "Root"),
        (2, 42, "Parent gone"),  # parent not in the deck: drawn as a root
        (3, 4, "Cycle A"),
        (4, 3, "Cycle B"),  # unreachable from any root
        (5, 5, "Own parent"),  # treated as a root
        (1, None, "Duplicate id"),  # ignored
    ]
    layout = layout_forest(forest)
    assert [box.id for box in layout.nodes] == [1, 2, 5]
    assert all(box.parent_id is None for box in layout.nodes)
    assert layout.by_id[1].title == "Root"


def test_an_empty_forest_has_an_empty_canvas():
    layout = layout_forest([])
    assert layout.nodes == [] and layout.edges == []
    assert layout.width > 0 and layout.height > 0


def test_titles_wrap_at_word_boundaries_and_are_cut_with_an_ellipsis():
    width_em = 10.0
    assert wrap_title("Groups", width_em, 3) == (("Groups",), False)
    lines, cut = wrap_title("  Groups   and   rings  ", width_em, 3)
    assert lines == ("Groups and rings",) and not cut
    lines, cut = wrap_title("Long context windows and their implementation in practice", 18, 3)
    assert len(lines) == 2 and not cut
    assert " ".join(lines) == "Long context windows and their implementation in practice"
    long_title = " ".join(["retrieval"] * 30)
    lines, cut = wrap_title(long_title, width_em, 3)
    assert cut and len(lines) == 3 and lines[-1].endswith(ELLIPSIS)
    for line in lines:
        assert text_width(line, 1.0) <= width_em + 1e-9
    # A word wider than a line is split by characters.
    lines, cut = wrap_title("Pneumonoultramicroscopicsilicovolcanoconiosis", 12, 3)
    assert "".join(lines) == "Pneumonoultramicroscopicsilicovolcanoconiosis" and not cut
    assert len(lines) >= 2 and all(text_width(line, 1.0) <= 12 + 1e-9 for line in lines)
    assert wrap_title("", width_em, 3) == (("",), False)


def test_node_height_follows_its_lines_and_whether_it_has_children():
    config = LayoutConfig(max_lines=2)
    forest: Forest = [
        (1, None, "Short"),
        (2, 1, "A title long enough to need a second line in the box for sure"),
        (3, None, " ".join(["word"] * 80)),
    ]
    layout = layout_forest(forest, config=config)
    box = layout.by_id
    assert len(box[1].lines) == 1 and len(box[2].lines) == 2 and len(box[3].lines) == 2
    assert box[3].truncated and box[3].lines[-1].endswith(ELLIPSIS)
    assert box[1].height == config.node_height(1, True)
    assert box[2].height == config.node_height(2, False)
    assert box[3].height == config.node_height(2, False)


@st.composite
def forests(draw) -> tuple[Forest, set[int]]:
    count = draw(st.integers(min_value=0, max_value=60))
    parents: list[int | None] = []
    for index in range(count):
        choice = draw(st.integers(min_value=-1, max_value=index - 1)) if index else -1
        parents.append(None if choice < 0 else choice + 1)
    titles = draw(
        st.lists(
            st.text(
                alphabet=st.characters(blacklist_categories=("Cs",)), min_size=0, max_size=80
            ),
            min_size=count,
            max_size=count,
        )
    )
    children: dict[int | None, list[int]] = {}
    for index, parent in enumerate(parents, start=1):
        children.setdefault(parent, []).append(index)
    ordered: Forest = []
    stack = list(reversed(children.get(None, [])))
    while stack:
        concept_id = stack.pop()
        ordered.append((concept_id, parents[concept_id - 1], titles[concept_id - 1]))
        stack.extend(reversed(children.get(concept_id, [])))
    collapsed = draw(st.sets(st.integers(min_value=1, max_value=max(count, 1))))
    return ordered, collapsed


@settings(max_examples=150, deadline=None)
@given(forests())
def test_any_forest_is_laid_out_tidily(case):
    forest, collapsed = case
    layout = layout_forest(forest, collapsed=collapsed)
    check_tidy(layout, forest, collapsed)
    # Everything not under a collapsed node is visible, exactly once, in map order.
    parent_of = {concept_id: parent for concept_id, parent, _ in forest}

    def hidden(concept_id: int) -> bool:
        parent = parent_of[concept_id]
        while parent is not None:
            if parent in collapsed:
                return True
            parent = parent_of[parent]
        return False

    expected = [concept_id for concept_id, _, _ in forest if not hidden(concept_id)]
    assert [box.id for box in layout.nodes] == expected
    assert layout.total_count == len(forest)
    assert layout_forest(forest, collapsed=collapsed).nodes == layout.nodes
