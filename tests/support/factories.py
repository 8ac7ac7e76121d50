"""Small builders for deck files used across tests."""

from __future__ import annotations

import json
from typing import Any

# A tree spec is a list of (title, children) pairs.
TreeSpec = list[tuple[str, "TreeSpec"]]


def concept(
    title: str, children: list[dict[str, Any]] | None = None, **fields: Any
) -> dict[str, Any]:
    return {
        "title": title,
        "summary": fields.pop("summary", f"{title} in one sentence."),
        "detail": fields.pop("detail", f"A longer explanation of {title}."),
        "children": children or [],
        **fields,
    }


def tree(spec: TreeSpec) -> list[dict[str, Any]]:
    return [concept(title, tree(children)) for title, children in spec]


def deck_json(
    key: str = "algebra",
    title: str = "Algebra",
    concepts: list[dict[str, Any]] | None = None,
    **extra: Any,
) -> str:
    """A JSON deck file's text; by default two roots with two children each."""
    if concepts is None:
        concepts = tree(
            [
                ("Groups", [("Subgroups", []), ("Cosets", [])]),
                ("Rings", [("Ideals", []), ("Fields", [])]),
            ]
        )
    return json.dumps(
        {"key": key, "title": title, "description": "", "concepts": concepts, **extra}
    )


def flat_deck_json(count: int, key: str = "flat") -> str:
    """``count`` root concepts named C000, C001, … in map order."""
    return deck_json(
        key=key, title=key.title(), concepts=[concept(f"C{i:03d}") for i in range(count)]
    )
