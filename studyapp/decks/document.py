"""The parsed, not-yet-stored form of a deck file.

Every deck format (JSON, Markdown outline, the map explorer's page text) is
parsed into a :class:`DeckDraft`. Validation and the importer only ever see
drafts, so they do not care which format a deck came from.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from studyapp.errors import Invalid


@dataclass(frozen=True)
class SourceLocation:
    """Where in a deck file something was found.

    ``line`` is 1-based; ``json_path`` is a JSONPath-like pointer such as
    ``$.concepts[2].children[0]``; ``record`` names a record in a file that
    has no lines, such as ``note 1712345678901`` in an Anki package. Any of
    them may be missing when the format has no such notion.
    """

    file: str
    line: int | None = None
    json_path: str | None = None
    record: str | None = None

    def __str__(self) -> str:
        parts = [self.file]
        if self.line is not None:
            parts.append(f"line {self.line}")
        if self.json_path is not None:
            parts.append(self.json_path)
        if self.record is not None:
            parts.append(self.record)
        return ", ".join(parts)


@dataclass(frozen=True)
class DeckProblem:
    """One thing wrong with a deck file, phrased for the person who wrote it."""

    location: SourceLocation
    message: str

    def __str__(self) -> str:
        return f"{self.location}: {self.message}"


class DeckValidationError(Invalid):
    """A deck file cannot be imported; ``problems`` lists every reason found."""

    code = "invalid_deck"

    def __init__(self, problems: list[DeckProblem]) -> None:
        super().__init__("\n".join(str(problem) for problem in problems))
        self.problems = problems
        count = len(problems)
        # One sentence for the whole file; str(error) and details() have every problem.
        self.message = (
            f"The deck file cannot be imported: {count} problem{'s' if count != 1 else ''} found."
        )

    def details(self) -> dict[str, Any]:
        return {
            "problems": [
                {"location": str(problem.location), "message": problem.message}
                for problem in self.problems
            ]
        }


@dataclass
class ConceptDraft:
    """One concept of a knowledge map as read from a file.

    ``key`` is the concept's identity across versions of the deck; when a
    file gives none, validation derives one from the title path and sets
    ``key_is_derived``. A re-import matches concepts with derived keys by
    title path, title or summary when their key finds no match
    (:mod:`studyapp.decks.importing.matching`); a key the file gave is matched
    by key only.
    """

    title: str
    summary: str
    detail: str = ""
    key: str | None = None
    children: list[ConceptDraft] = field(default_factory=list)
    location: SourceLocation | None = None
    key_is_derived: bool = False

    def walk(self, depth: int = 1) -> Iterator[tuple[ConceptDraft, int]]:
        """Yield this concept and its descendants in map order with their depth (roots are 1)."""
        yield self, depth
        for child in self.children:
            yield from child.walk(depth + 1)


@dataclass
class DeckDraft:
    """A whole deck as read from a file: the topic and its concept forest.

    ``notices`` are things a reader left out without failing the import,
    phrased for the person importing, e.g. ``"3 notes of type Cloze skipped"``;
    formats that never leave anything out keep it empty.
    """

    title: str
    key: str | None = None
    description: str = ""
    concepts: list[ConceptDraft] = field(default_factory=list)
    source_name: str = "<deck>"
    source_format: str = "json"
    notices: list[str] = field(default_factory=list)

    def walk(self) -> Iterator[tuple[ConceptDraft, int]]:
        """Every concept in map order (a parent before its children) with its depth."""
        for concept in self.concepts:
            yield from concept.walk()

    def concept_count(self) -> int:
        return sum(1 for _ in self.walk())
