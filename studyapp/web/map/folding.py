"""What the map's URL says, and which branches are folded.

:class:`MapState` parses and rebuilds the query (date, focused concept, depth,
folded and opened ids); :class:`Folding` decides from it which nodes are
folded and where each node's fold toggle leads. A large deck opens with as many
levels as :func:`default_fold_depth` allows.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from flask import url_for

from studyapp.map.forest import Forest
from studyapp.map.moment import MapMoment

LARGE_DECK = 300  # concepts; a larger deck opens folded
DEFAULT_VISIBLE = 300  # at most this many nodes when a large deck opens

_ID = re.compile(r"\d{1,12}")


def default_fold_depth(forest: Forest) -> int | None:
    """How many levels a large deck opens with (None: a small deck, all open).

    As many levels as fit in :data:`DEFAULT_VISIBLE` nodes, and at least the roots.
    """
    if len(forest.nodes) <= LARGE_DECK:
        return None
    per_level: dict[int, int] = {}
    for level in forest.level.values():
        per_level[level] = per_level.get(level, 0) + 1
    shown = 0
    for level in sorted(per_level):
        shown += per_level[level]
        if shown > DEFAULT_VISIBLE:
            return max(level - 1, 1)
    return None


def _ids(raw: str | None) -> frozenset[int]:
    """Comma-separated ids; anything that is not one (or no longer exists) is ignored."""
    if not raw:
        return frozenset()
    return frozenset(int(part) for part in raw.split(",") if _ID.fullmatch(part.strip()))


@dataclass(frozen=True)
class MapState:
    """What the URL says about the map: the date, the open panel and what is folded."""

    deck_id: int
    as_of: str | None = None
    focus: int | None = None
    depth: str | None = None  # None: automatic; "all"; or digits
    collapsed: frozenset[int] = frozenset()
    expanded: frozenset[int] = frozenset()

    @classmethod
    def from_args(cls, deck_id: int, args: Mapping[str, str], moment: MapMoment) -> MapState:
        depth = (args.get("depth") or "").strip().lower() or None
        if depth is not None and depth != "all" and not (depth.isdigit() and len(depth) < 4):
            depth = None
        focus = (args.get("focus") or "").strip()
        return cls(
            deck_id=deck_id,
            as_of=moment.param,
            focus=int(focus) if _ID.fullmatch(focus) else None,
            depth=depth,
            collapsed=_ids(args.get("collapsed")),
            expanded=_ids(args.get("expanded")),
        )

    def fold_depth(self, forest: Forest) -> int | None:
        if self.depth == "all":
            return None
        if self.depth is not None:
            return int(self.depth)
        return default_fold_depth(forest)

    def params(self, **changes: object) -> dict[str, str]:
        values = {
            "as_of": self.as_of,
            "focus": self.focus,
            "depth": self.depth,
            "collapsed": self.collapsed,
            "expanded": self.expanded,
            **changes,
        }
        params: dict[str, str] = {}
        for name, value in values.items():
            if value is None or value == frozenset() or value == "":
                continue
            if isinstance(value, frozenset | set):
                params[name] = ",".join(str(item) for item in sorted(value))
            else:
                params[name] = str(value)
        return params

    def url(self, **changes: object) -> str:
        return _with_query(url_for("map.map_page", deck_id=self.deck_id), self.params(**changes))

    def panel_url(self, concept_id: int) -> str:
        return _with_query(
            url_for("map.concept_panel", deck_id=self.deck_id, concept_id=concept_id),
            self.params(focus=None),
        )


def _with_query(path: str, params: dict[str, str]) -> str:
    # Values are digits, commas, dates or "all": nothing to escape, and commas stay readable.
    if not params:
        return path
    return path + "?" + "&".join(f"{name}={value}" for name, value in params.items())


@dataclass
class Folding:
    """Which nodes are folded, and the state each node's toggle link leads to."""

    state: MapState
    by_depth: frozenset[int]  # folded by the depth rule
    collapsed: set[int]  # folded in the end

    @classmethod
    def resolve(cls, state: MapState, forest: Forest) -> Folding:
        depth = state.fold_depth(forest)
        by_depth = frozenset(
            node.id
            for node in forest.nodes
            if depth is not None and forest.level[node.id] == depth and node.children
        )
        collapsed = (set(by_depth) | set(state.collapsed)) - set(state.expanded)
        # The focused concept is always visible: open every branch that hides it.
        if state.focus is not None and state.focus in forest.by_id:
            collapsed.difference_update(node.id for node in forest.ancestors(state.focus))
        return cls(state=state, by_depth=by_depth, collapsed=collapsed)

    def toggle_url(self, node_id: int, focus_hidden: bool) -> str:
        state = self.state
        collapsed, expanded = set(state.collapsed), set(state.expanded)
        if node_id in self.collapsed:
            collapsed.discard(node_id)
            if node_id in self.by_depth:
                expanded.add(node_id)
        else:
            expanded.discard(node_id)
            if node_id not in self.by_depth:
                collapsed.add(node_id)
        focus = None if focus_hidden else state.focus
        return (
            state.url(focus=focus, collapsed=frozenset(collapsed), expanded=frozenset(expanded))
            + f"#node-{node_id}"
        )
