"""The package layout is the architecture: layers import only downwards, the domain knows no HTTP.

Each package's ``__init__`` docstring says what it may import; this test holds
the code to it, so a change that runs an import back up fails here rather
than in review.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import pytest

import studyapp

PACKAGE = Path(studyapp.__file__).resolve().parent

# What each part of studyapp may import from studyapp (besides itself). Lowest first.
ALLOWED: dict[str, set[str]] = {
    "clock": set(),
    "config": set(),
    "errors": set(),
    "storage": {"clock", "config"},
    "accounts": {"storage", "errors", "clock"},
    "decks": {"storage", "errors", "clock"},
    "scheduling": {"decks", "storage", "errors", "clock"},
    "map": {"scheduling", "decks", "storage", "errors", "clock"},
    "library": {"map", "scheduling", "decks", "storage", "errors", "clock"},
    "quiz": {"library", "map", "scheduling", "decks", "storage", "errors", "clock"},
    "stats": {"map", "scheduling", "decks", "storage", "errors", "clock"},
    "backup": {"accounts", "library", "decks", "storage", "errors", "clock"},
}
DOMAIN = set(ALLOWED)
ADAPTERS = {"web", "api", "cli"}
HTTP_LIBRARIES = {"flask", "flask_login", "flask_wtf", "werkzeug", "wtforms"}
# Not HTTP: werkzeug's password hashing, which accounts uses.
NOT_HTTP = {"werkzeug.security"}


def _part(module: str) -> str | None:
    """``studyapp.decks.formats.reading`` -> ``decks``; None outside studyapp."""
    parts = module.split(".")
    if parts[0] != "studyapp":
        return None
    return parts[1] if len(parts) > 1 else "studyapp"


def _imports() -> dict[str, set[tuple[str, str]]]:
    """Each studyapp part's imports: (importing file, imported module)."""
    found: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for path in PACKAGE.rglob("*.py"):
        relative = path.relative_to(PACKAGE.parent).with_suffix("")
        module = ".".join(relative.parts).removesuffix(".__init__")
        part = _part(module)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
                if node.module == "studyapp":
                    names = [f"studyapp.{alias.name}" for alias in node.names]
                for name in names:
                    found[part].add((str(relative), name))
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    found[part].add((str(relative), alias.name))
    return found


IMPORTS = _imports()


@pytest.mark.parametrize("part", sorted(ALLOWED))
def test_each_domain_package_imports_only_the_layers_below_it(part: str) -> None:
    upward = sorted(
        f"{source} imports {module}"
        for source, module in IMPORTS[part]
        if (target := _part(module)) not in (None, part, "studyapp")
        and target not in ALLOWED[part]
    )
    assert not upward, upward


@pytest.mark.parametrize("part", sorted(DOMAIN))
def test_the_domain_knows_nothing_of_http(part: str) -> None:
    """Importing, cards, the queue, ratings, mastery and stats are plain Python."""
    web = sorted(
        f"{source} imports {module}"
        for source, module in IMPORTS[part]
        if (module.split(".")[0] in HTTP_LIBRARIES and module not in NOT_HTTP)
        or _part(module) in ADAPTERS
    )
    assert not web, web


def test_every_package_says_what_it_owns() -> None:
    undocumented = [
        str(init.relative_to(PACKAGE.parent))
        for init in PACKAGE.rglob("__init__.py")
        if not ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
    ]
    assert not undocumented


def test_a_newcomer_finds_the_core_rules_by_their_names() -> None:
    """Where a rating becomes state, where a deck file is parsed, where mastery is defined,
    and where the day boundary is decided."""
    for path in (
        "scheduling/rating.py",
        "decks/formats/reading.py",
        "map/mastery.py",
        "scheduling/study_day.py",
        "scheduling/queue",
    ):
        assert (PACKAGE / path).exists(), path
