"""The Markdown outline deck format (see docs/deck-format.md).

``# Topic`` names the deck (paragraphs under it describe it); each deeper
heading is a concept one level below the heading above it. Under a concept
heading the first paragraph is the short summary and the rest the detailed
explanation. A heading may end in ``{#key}`` to pin its key. Headings deeper
than six ``#`` are accepted so that the nesting limit, not Markdown, decides.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from studyapp.decks.document import (
    ConceptDraft,
    DeckDraft,
    DeckProblem,
    DeckValidationError,
    SourceLocation,
)

_HEADING = re.compile(r"^(?P<hashes>#+)[ \t]+(?P<title>.*?)(?:[ \t]+\{#(?P<key>[^}]+)\})?[ \t#]*$")


@dataclass
class _Section:
    level: int
    title: str
    key: str | None
    line: int
    paragraphs: list[str] = field(default_factory=list)


def _sections(text: str, source_name: str) -> tuple[list[_Section], list[DeckProblem]]:
    sections: list[_Section] = []
    problems: list[DeckProblem] = []
    paragraph: list[str] = []

    def end_paragraph() -> None:
        if paragraph and sections:
            sections[-1].paragraphs.append(" ".join(paragraph))
        paragraph.clear()

    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        heading = _HEADING.match(line)
        if heading:
            end_paragraph()
            sections.append(
                _Section(
                    level=len(heading["hashes"]),
                    title=heading["title"].strip(),
                    key=heading["key"].strip() if heading["key"] else None,
                    line=number,
                )
            )
        elif not line:
            end_paragraph()
        elif not sections:
            problems.append(
                DeckProblem(
                    SourceLocation(source_name, line=number),
                    "text before the first heading; a Markdown deck starts with '# Topic'",
                )
            )
            break
        else:
            paragraph.append(line)
    end_paragraph()
    return sections, problems


def parse_markdown_deck(text: str, source_name: str) -> DeckDraft:
    sections, problems = _sections(text, source_name)
    if not sections and not problems:
        problems.append(
            DeckProblem(SourceLocation(source_name, line=1), "no '# Topic' heading found")
        )
    if problems:
        raise DeckValidationError(problems)

    deck_section, concept_sections = sections[0], sections[1:]
    if deck_section.level != 1:
        problems.append(
            DeckProblem(
                SourceLocation(source_name, line=deck_section.line),
                "the first heading must be '# Topic' (one '#')",
            )
        )
    draft = DeckDraft(
        title=deck_section.title,
        key=deck_section.key,
        description="\n\n".join(deck_section.paragraphs),
        source_name=source_name,
        source_format="markdown",
    )
    # open_concepts[i] is the concept at depth i + 1 that later headings nest under.
    open_concepts: list[ConceptDraft] = []
    for section in concept_sections:
        location = SourceLocation(source_name, line=section.line)
        depth = section.level - 1
        if section.level == 1:
            problems.append(DeckProblem(location, "a deck has one '# Topic' heading only"))
            continue
        if depth > len(open_concepts) + 1:
            problems.append(
                DeckProblem(
                    location,
                    f"heading level jumps from {len(open_concepts) + 1} to {section.level} "
                    f"'#'; '{section.title}' has no parent heading",
                )
            )
            continue
        summary, *detail = section.paragraphs or [""]
        concept = ConceptDraft(
            title=section.title,
            summary=summary,
            detail="\n\n".join(detail),
            key=section.key,
            location=location,
        )
        del open_concepts[depth - 1 :]
        siblings = open_concepts[-1].children if open_concepts else draft.concepts
        siblings.append(concept)
        open_concepts.append(concept)
    if problems:
        raise DeckValidationError(problems)
    return draft


def deck_to_markdown(draft: DeckDraft) -> str:
    """The Markdown outline of a draft; keys are written so a re-import matches exactly."""
    lines = [_heading(1, draft.title, draft.key), ""]
    if draft.description:
        lines += [draft.description, ""]
    for concept, depth in draft.walk():
        lines += [_heading(depth + 1, concept.title, concept.key), "", concept.summary, ""]
        if concept.detail:
            lines += [concept.detail, ""]
    return "\n".join(lines)


def _heading(level: int, title: str, key: str | None) -> str:
    suffix = f" {{#{key}}}" if key else ""
    return f"{'#' * level} {title}{suffix}"
