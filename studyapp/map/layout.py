"""A tidy left-to-right layout of a concept forest, computed on the server (pure Python, no DB).

Depth decides the column (x); within a column, nodes are stacked top to
bottom in map order, every parent is centred vertically on its first and
last child, and sibling sub-trees are packed as closely as their
**contours** allow (Reingold–Tilford): two sub-trees only need to be apart
at the depths where both have nodes, so a small branch may tuck in beside a
deep one.

Contours are kept per sub-tree as two lists (the top and bottom edge of the
sub-tree at each depth below its root) with a lazy offset, stored deepest
level first so that adding a parent's own level is an ``append``. Merging a
sub-tree into its older siblings costs the depth the two have in common,
and in the merged contour the longer list is reused, so the whole layout is
O(n) for any tree shape (each level of a contour is "paid for" once, when a
shorter contour is folded into a longer one).

Titles are wrapped to the node's width with Arial/Liberation Sans metrics
(``map.css`` asks for those fonts, and a small safety factor covers fonts a
little wider), at most ``max_lines`` lines, the last one ending in "…" when
the title does not fit; the full title is kept for tooltips and labels.

Collapsed nodes keep their place but hide their descendants; they report
how many are hidden.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from itertools import accumulate

ELLIPSIS = "…"


@dataclass(frozen=True)
class LayoutConfig:
    """Sizes in SVG user units (CSS pixels at zoom 1)."""

    node_width: float = 256.0
    column_gap: float = 72.0
    sibling_gap: float = 14.0  # between two children of one parent
    branch_gap: float = 26.0  # between nodes of different branches (cousins, roots)
    font_size: float = 14.0
    line_height: float = 18.0
    max_lines: int = 3
    padding_x: float = 12.0
    padding_top: float = 10.0
    meta_height: float = 22.0  # the row under the title: level, fading mark, due badge
    bar_height: float = 12.0  # the sub-tree bar, for nodes that have children
    padding_bottom: float = 10.0
    margin: float = 24.0  # around the whole drawing
    toggle_room: float = 44.0  # right of the last column, for a collapsed node's "+N" toggle
    width_safety: float = 1.06  # estimated text widths are multiplied by this

    @property
    def text_width(self) -> float:
        return self.node_width - 2 * self.padding_x

    def node_height(self, line_count: int, has_children: bool) -> float:
        return (
            self.padding_top
            + line_count * self.line_height
            + self.meta_height
            + (self.bar_height if has_children else 0.0)
            + self.padding_bottom
        )


DEFAULT_CONFIG = LayoutConfig()


@dataclass(frozen=True, slots=True)
class MapInput:
    """One concept as the layout needs it; a forest is a sequence of these in map order."""

    id: int
    parent_id: int | None
    title: str


@dataclass(slots=True)
class NodeBox:
    """A visible node: its box (top-left corner, size) and what the drawing needs to know."""

    id: int
    parent_id: int | None
    depth: int
    x: float
    y: float
    width: float
    height: float
    title: str
    lines: tuple[str, ...]
    truncated: bool
    child_count: int  # children in the forest, visible or not
    collapsed: bool  # has children and they are hidden
    hidden_count: int  # descendants hidden by this node's collapse (0 unless collapsed)
    descendant_count: int  # all descendants in the forest

    @property
    def has_children(self) -> bool:
        return self.child_count > 0

    @property
    def center_y(self) -> float:
        return self.y + self.height / 2

    @property
    def right(self) -> float:
        return self.x + self.width

    @property
    def bottom(self) -> float:
        return self.y + self.height


@dataclass(slots=True)
class Edge:
    """A parent-to-child connection, from the parent's right edge to the child's left edge."""

    parent_id: int
    child_id: int
    x1: float
    y1: float
    x2: float
    y2: float

    @property
    def path(self) -> str:
        """An SVG path: a horizontal S-curve between the two points."""
        middle = (self.x1 + self.x2) / 2
        return (
            f"M{_n(self.x1)} {_n(self.y1)}C{_n(middle)} {_n(self.y1)} "
            f"{_n(middle)} {_n(self.y2)} {_n(self.x2)} {_n(self.y2)}"
        )


@dataclass
class Layout:
    nodes: list[NodeBox]  # visible nodes in map order
    edges: list[Edge]
    width: float
    height: float
    total_count: int  # every node reachable in the forest, hidden ones included
    by_id: dict[int, NodeBox] = field(default_factory=dict)

    @property
    def hidden_count(self) -> int:
        return self.total_count - len(self.nodes)


def _n(value: float) -> str:
    """A coordinate for SVG: at most one decimal, no trailing zeros."""
    rounded = round(value, 1)
    return str(int(rounded)) if rounded == int(rounded) else str(rounded)


# --- text measuring -------------------------------------------------------------------

# Advance widths of Arial Bold (= Liberation Sans Bold) in 1/1000 em, for printable ASCII.
_BOLD_ASCII = (
    # space ! " # $ % & ' ( ) * + , - . /
    "278 333 474 556 556 889 722 238 333 333 389 584 278 333 278 278 "
    # 0-9
    "556 556 556 556 556 556 556 556 556 556 "
    # : ; < = > ? @
    "333 333 584 584 584 611 975 "
    # A-Z
    "722 722 722 722 667 611 778 722 278 556 722 611 833 722 778 667 778 722 667 611 "
    "722 667 944 667 667 611 "
    # [ \ ] ^ _ `
    "333 278 333 584 556 333 "
    # a-z
    "556 611 556 611 556 333 611 611 278 278 556 278 889 611 611 611 611 389 556 333 "
    "611 556 778 556 556 500 "
    # { | } ~
    "389 280 389 584"
)


class _Widths(dict):
    """Character -> width in em; characters outside the table get a generous default."""

    def __missing__(self, char: str) -> float:
        code = ord(char)
        if code >= 0x2E80:  # CJK and other full-width scripts
            width = 1.0
        elif char.isspace():
            width = 0.278
        else:
            width = 0.65
        self[char] = width
        return width


_EM_WIDTHS = _Widths(
    (chr(32 + index), int(value) / 1000) for index, value in enumerate(_BOLD_ASCII.split())
)
_EM_WIDTHS.update(
    {ELLIPSIS: 1.0, "–": 0.556, "—": 1.0, "‘": 0.278, "’": 0.278, "“": 0.5, "”": 0.5, "•": 0.35}
)


def text_width(text: str, font_size: float = DEFAULT_CONFIG.font_size) -> float:
    """The estimated rendered width of ``text`` in bold at ``font_size`` px (no safety factor)."""
    return sum(map(_EM_WIDTHS.__getitem__, text)) * font_size


# The same table for ASCII as bytes in 1/200 em, so that ``str.translate`` and ``sum`` over
# bytes (both in C) measure an ASCII string several times faster than a Python loop.
_UNITS = 200
_ASCII_UNITS = bytes(
    round(_EM_WIDTHS[chr(code)] * _UNITS) if 32 <= code < 127 else round(0.278 * _UNITS)
    for code in range(256)
)


def _em(text: str) -> float:
    """The width of ``text`` in em (bold)."""
    if text.isascii():
        return sum(text.encode("ascii").translate(_ASCII_UNITS)) / _UNITS
    return sum(map(_EM_WIDTHS.__getitem__, text))


def _units(text: str) -> list[int]:
    """Running widths of ``text`` in 1/200 em: item i is the width of ``text[: i + 1]``."""
    if text.isascii():
        return list(accumulate(text.encode("ascii").translate(_ASCII_UNITS)))
    return list(accumulate(round(_EM_WIDTHS[char] * _UNITS) for char in text))


def wrap_title(
    title: str, max_width_em: float, max_lines: int
) -> tuple[tuple[str, ...], bool]:
    """``title`` in at most ``max_lines`` lines of at most ``max_width_em`` em each.

    Lines break at spaces; a word longer than a line is split by characters.
    Returns the lines and whether the title was cut short (the last line then
    ends with "…"). Running widths and ``bisect`` find each break, so a title
    costs a few C-level passes rather than a Python loop per character.
    """
    if _em(title) <= max_width_em:  # the usual case: one line
        return (" ".join(title.split()),), False
    text = " ".join(title.split())
    running = _units(text)
    length = len(text)
    limit = max_width_em * _UNITS
    lines: list[str] = []
    start = 0
    while start < length and len(lines) < max_lines:
        base = running[start - 1] if start else 0
        end = bisect_right(running, base + limit, start)  # text[start:end] fits
        if end >= length:
            lines.append(text[start:])
            start = length
            break
        cut = text.rfind(" ", start, end + 1)
        if cut > start:
            lines.append(text[start:cut])
            start = cut + 1
        else:  # one word wider than the line
            cut = max(end, start + 1)
            lines.append(text[start:cut])
            start = cut
    if start >= length:
        return tuple(lines), False
    lines[-1] = _with_ellipsis(lines[-1], max_width_em)
    return tuple(lines), True


def _with_ellipsis(line: str, max_width_em: float) -> str:
    limit = max_width_em - _EM_WIDTHS[ELLIPSIS]
    width = 0.0
    cut = len(line)
    for position, char in enumerate(line):
        width += _EM_WIDTHS[char]
        if width > limit:
            cut = position
            break
    return line[:cut].rstrip() + ELLIPSIS


# --- the layout -----------------------------------------------------------------------


class _Contour:
    """A sub-tree's top and bottom edge at each depth below its root, relative to the root's
    centre. Stored deepest level first; the actual value is the stored one plus ``offset``."""

    __slots__ = ("bottoms", "offset", "tops")

    def __init__(self, tops: list[float], bottoms: list[float], offset: float) -> None:
        self.tops = tops
        self.bottoms = bottoms
        self.offset = offset


def layout_forest(
    concepts: Iterable[MapInput | tuple[int, int | None, str]],
    collapsed: Collection[int] = (),
    config: LayoutConfig = DEFAULT_CONFIG,
) -> Layout:
    """Place every visible node of the forest; see the module docstring for the rules.

    ``concepts`` lists each concept once with its parent's id (None for a
    root); siblings are drawn in the order given. A concept whose parent is
    not in the list is a root. Concepts that cannot be reached from a root
    (a cycle of parents) are left out.
    """
    # Work on positions 0..n-1 in lists rather than on ids in dicts: it is much faster.
    ids: list[int] = []
    parent_ids: list[int | None] = []
    titles: list[str] = []
    position_of: dict[int, int] = {}
    for item in concepts:
        concept_id, parent_id, title = (
            (item.id, item.parent_id, item.title) if isinstance(item, MapInput) else item
        )
        if concept_id in position_of:
            continue
        position_of[concept_id] = len(ids)
        ids.append(concept_id)
        parent_ids.append(parent_id)
        titles.append(title)
    count = len(ids)

    parent: list[int] = [-1] * count
    children: list[list[int]] = [[] for _ in range(count)]
    roots: list[int] = []
    for index, parent_id in enumerate(parent_ids):
        found = position_of.get(parent_id, -1) if parent_id is not None else -1
        if found < 0 or found == index:
            roots.append(index)
        else:
            parent[index] = found
            children[found].append(index)

    # Pre-order over every reachable node (iterative: trees may be deep).
    depth = [0] * count
    order: list[int] = []
    stack = roots[::-1]
    while stack:
        index = stack.pop()
        order.append(index)
        kids = children[index]
        if kids:
            below = depth[index] + 1
            for kid in kids:
                depth[kid] = below
            stack.extend(reversed(kids))

    descendants = [0] * count
    for index in reversed(order):
        up = parent[index]
        if up >= 0:
            descendants[up] += descendants[index] + 1

    folded = [False] * count
    for concept_id in collapsed:
        index = position_of.get(concept_id, -1)
        if index >= 0 and children[index]:
            folded[index] = True

    # The visible nodes, in pre-order, skipping what collapsed nodes hide.
    visible: list[int] = []
    stack = roots[::-1]
    while stack:
        index = stack.pop()
        visible.append(index)
        if not folded[index]:
            kids = children[index]
            if kids:
                stack.extend(reversed(kids))

    width_em = config.text_width / config.font_size / config.width_safety
    max_lines = config.max_lines
    lines_of: list[tuple[str, ...]] = [()] * count
    truncated_of = [False] * count
    height_of = [0.0] * count
    heights = {
        (lines, has_kids): config.node_height(lines, has_kids)
        for lines in range(1, max_lines + 1)
        for has_kids in (False, True)
    }
    for index in visible:
        lines, truncated = wrap_title(titles[index], width_em, max_lines)
        lines_of[index] = lines
        truncated_of[index] = truncated
        height_of[index] = heights[len(lines), bool(children[index])]

    relative = _place(visible, roots, children, folded, height_of, config)

    # Absolute centres, top-down (a parent comes before its children in ``visible``).
    center = [0.0] * count
    top = 0.0
    for index in visible:
        up = parent[index]
        y = relative[index] + (center[up] if up >= 0 else 0.0)
        center[index] = y
        edge = y - height_of[index] / 2
        if edge < top:
            top = edge
    shift = config.margin - top
    column = config.node_width + config.column_gap
    margin = config.margin
    node_width = config.node_width

    nodes: list[NodeBox] = []
    by_id: dict[int, NodeBox] = {}
    edges: list[Edge] = []
    max_depth = 0
    bottom = 0.0
    for index in visible:
        level = depth[index]
        if level > max_depth:
            max_depth = level
        height = height_of[index]
        y = center[index] - height / 2 + shift
        x = margin + level * column
        up = parent[index]
        is_folded = folded[index]
        box = NodeBox(
            ids[index],
            ids[up] if up >= 0 else None,
            level,
            x,
            y,
            node_width,
            height,
            titles[index],
            lines_of[index],
            truncated_of[index],
            len(children[index]),
            is_folded,
            descendants[index] if is_folded else 0,
            descendants[index],
        )
        if y + height > bottom:
            bottom = y + height
        nodes.append(box)
        by_id[box.id] = box
        if up >= 0:
            edges.append(
                Edge(ids[up], box.id, x - config.column_gap, center[up] + shift, x, y + height / 2)
            )
    if nodes:
        width = (
            2 * margin
            + (max_depth + 1) * node_width
            + max_depth * config.column_gap
            + config.toggle_room
        )
        height = bottom + margin
    else:
        width = height = 2 * margin
    return Layout(
        nodes=nodes,
        edges=edges,
        width=width,
        height=height,
        total_count=len(order),
        by_id=by_id,
    )


def _place(
    visible: list[int],
    roots: list[int],
    children: list[list[int]],
    folded: list[bool],
    height_of: list[float],
    config: LayoutConfig,
) -> list[float]:
    """Each visible node's centre relative to its parent's centre (roots: to the first root)."""
    count = len(height_of)
    # A contour per sub-tree; None for a node drawn without children (its own box is its
    # contour), which spares an object for most nodes.
    contours: list[_Contour | None] = [None] * count
    half_of = [height / 2 for height in height_of]
    relative = [0.0] * count
    sibling_gap, branch_gap = config.sibling_gap, config.branch_gap
    for index in reversed(visible):  # children before parents
        kids = children[index]
        if not kids or folded[index]:
            continue
        merged, positions = _stack(kids, contours, half_of, sibling_gap, branch_gap)
        middle = (positions[0] + positions[-1]) / 2
        for kid, position in zip(kids, positions, strict=True):
            relative[kid] = position - middle
            contours[kid] = None
        merged.offset -= middle
        half = half_of[index]
        merged.tops.append(-half - merged.offset)
        merged.bottoms.append(half - merged.offset)
        contours[index] = merged
    if roots:
        _merged, positions = _stack(roots, contours, half_of, branch_gap, branch_gap)
        for root, position in zip(roots, positions, strict=True):
            relative[root] = position
    return relative


def _stack(
    subtrees: list[int],
    contours: list[_Contour | None],
    half_of: list[float],
    first_gap: float,
    deeper_gap: float,
) -> tuple[_Contour, list[float]]:
    """Stack sub-trees top to bottom as tightly as their contours allow.

    Returns the merged contour (relative to the first sub-tree's root) and
    each sub-tree root's position relative to the first. ``first_gap``
    separates the roots themselves, ``deeper_gap`` their descendants.
    """
    first = subtrees[0]
    acc = contours[first]
    if acc is None:
        half = half_of[first]
        acc = _Contour([-half], [half], 0.0)
    positions = [0.0]
    for index in range(1, len(subtrees)):
        node = subtrees[index]
        subtree = contours[node]
        if subtree is None:
            # A single box: only the level of the roots is compared.
            half = half_of[node]
            position = acc.bottoms[-1] + acc.offset + half + first_gap
            acc.bottoms[-1] = position + half - acc.offset
            positions.append(position)
            continue
        a_tops, a_bottoms, a_off = acc.tops, acc.bottoms, acc.offset
        s_tops, s_bottoms, s_off = subtree.tops, subtree.bottoms, subtree.offset
        a_len, s_len = len(a_tops), len(s_tops)
        common = min(a_len, s_len)
        # Level 0 (the roots) is the last item of each list.
        position = (a_bottoms[-1] + a_off) - (s_tops[-1] + s_off) + first_gap
        for level in range(1, common):
            needed = (
                (a_bottoms[a_len - 1 - level] + a_off)
                - (s_tops[s_len - 1 - level] + s_off)
                + deeper_gap
            )
            if needed > position:
                position = needed
        positions.append(position)
        if s_len <= a_len:
            # The merged bottom edge is the new sub-tree's at its levels.
            delta = s_off + position - a_off
            for level in range(s_len):
                a_bottoms[a_len - 1 - level] = s_bottoms[s_len - 1 - level] + delta
        else:
            # The new sub-tree is deeper: reuse its lists, keep the old top edge where both are.
            new_off = s_off + position
            delta = a_off - new_off
            for level in range(a_len):
                s_tops[s_len - 1 - level] = a_tops[a_len - 1 - level] + delta
            subtree.offset = new_off
            acc = subtree
    return acc, positions
