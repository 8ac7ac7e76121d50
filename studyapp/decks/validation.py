"""Checks every deck draft passes before anything is written, whatever its format."""

from __future__ import annotations

from studyapp.decks.document import (
    ConceptDraft,
    DeckDraft,
    DeckProblem,
    DeckValidationError,
    SourceLocation,
)
from studyapp.decks.keys import bounded_key, key_from_title_path, slugify

MAX_DEPTH = 12
MAX_CONCEPTS = 20_000
MAX_TITLE_LENGTH = 300
MAX_KEY_LENGTH = 1000
MAX_DECK_KEY_LENGTH = 200
NUL_MESSAGE = "the text contains a NUL character (\\u0000), which cannot be stored"
# Formats whose files have no lines to point at: deck-level problems name the file only.
_FORMATS_WITHOUT_LINES = frozenset({"json", "apkg"})


def validate_deck(draft: DeckDraft) -> DeckDraft:
    """Fill in missing keys and check the draft; raise with every problem found.

    Keys a file leaves out are derived from the title path (and marked
    ``key_is_derived``), so two siblings with the same title and no keys are
    reported as a duplicate key.
    """
    problems: list[DeckProblem] = []
    deck_location = SourceLocation(
        draft.source_name,
        line=None if draft.source_format in _FORMATS_WITHOUT_LINES else 1,
        json_path="$" if draft.source_format == "json" else None,
    )
    if not draft.title.strip():
        problems.append(DeckProblem(deck_location, "the deck has no title"))
    elif len(draft.title) > MAX_TITLE_LENGTH:
        problems.append(
            DeckProblem(
                deck_location, f"the deck title is longer than {MAX_TITLE_LENGTH} characters"
            )
        )
    draft.title = draft.title.strip()
    if not draft.key:
        draft.key = bounded_key(slugify(draft.title), MAX_DECK_KEY_LENGTH) if draft.title else None
    elif len(draft.key) > MAX_DECK_KEY_LENGTH:
        problems.append(
            DeckProblem(
                deck_location, f"the deck key is longer than {MAX_DECK_KEY_LENGTH} characters"
            )
        )
    if any("\x00" in text for text in (draft.title, draft.key or "", draft.description)):
        problems.append(DeckProblem(deck_location, NUL_MESSAGE))
    if not draft.concepts:
        left_out = f" ({'; '.join(draft.notices)})" if draft.notices else ""
        problems.append(DeckProblem(deck_location, f"the deck has no concepts{left_out}"))

    count = draft.concept_count()
    if count > MAX_CONCEPTS:
        problems.append(
            DeckProblem(
                deck_location,
                f"the deck has {count:,} concepts; the limit is {MAX_CONCEPTS:,}",
            )
        )
        raise DeckValidationError(problems)

    first_location_of_key: dict[str, SourceLocation] = {}

    def visit(concept: ConceptDraft, title_path: list[str], depth: int) -> None:
        location = concept.location or deck_location
        concept.title = concept.title.strip()
        concept.summary = concept.summary.strip()
        concept.detail = concept.detail.strip()
        if depth > MAX_DEPTH:
            problems.append(
                DeckProblem(
                    location,
                    f"'{concept.title}' is nested {depth} levels deep; the limit is {MAX_DEPTH}",
                )
            )
            return
        if not concept.title:
            problems.append(DeckProblem(location, "a concept has no title"))
        elif len(concept.title) > MAX_TITLE_LENGTH:
            problems.append(
                DeckProblem(location, f"the title is longer than {MAX_TITLE_LENGTH} characters")
            )
        if not concept.summary:
            problems.append(
                DeckProblem(location, f"'{concept.title or '(untitled)'}' has no short summary")
            )
        path = [*title_path, concept.title]
        if concept.key is not None and not concept.key.strip():
            concept.key = None
        if concept.key is None or concept.key_is_derived:
            # Deriving again on a second validation follows any title edited since.
            concept.key = bounded_key(key_from_title_path(path), MAX_KEY_LENGTH)
            concept.key_is_derived = True
        concept.key = concept.key.strip()
        if any(
            "\x00" in text for text in (concept.title, concept.summary, concept.detail, concept.key)
        ):
            problems.append(DeckProblem(location, NUL_MESSAGE))
        if len(concept.key) > MAX_KEY_LENGTH:
            problems.append(
                DeckProblem(location, f"the key is longer than {MAX_KEY_LENGTH} characters")
            )
        elif concept.key in first_location_of_key:
            problems.append(
                DeckProblem(
                    location,
                    f"duplicate key '{concept.key}' (first used at "
                    f"{first_location_of_key[concept.key]})",
                )
            )
        else:
            first_location_of_key[concept.key] = location
        for child in concept.children:
            visit(child, path, depth + 1)

    for root in draft.concepts:
        visit(root, [], 1)
    if problems:
        raise DeckValidationError(problems)
    return draft
