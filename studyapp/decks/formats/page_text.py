"""Read a knowledge map from text copied off the map explorer's web page.

Such a text looks like this (topic chips and navigation first, both optional)::

    AI Agents
    LLM

    Explore |

    Claude Code Architec... — Interactive Knowledge Map

    Claude Code Architecture

    Key Concepts

    Transformer Foundation

    Claude's core architecture is built upon the Transformer ...

    Understanding the Transformer architecture, particularly ...

The line just above "Key Concepts" is the map's title. After it come the
concepts as (title, short summary, detailed explanation) paragraphs separated
by blank lines; lines not separated by a blank line belong to one paragraph.
The page does not mark which concept elaborates which:
:mod:`studyapp.decks.formats.hierarchy_inference` infers the tree from the order and
the wording.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from studyapp.decks.document import (
    ConceptDraft,
    DeckDraft,
    DeckProblem,
    DeckValidationError,
    SourceLocation,
)
from studyapp.decks.formats.hierarchy_inference import MapTooCostlyError, infer_parents

SOURCE_FORMAT = "page_text"
KEY_CONCEPTS_HEADING = "Key Concepts"

MAX_PAGE_TEXT_CONCEPTS = 800
"""Most concepts a page text may have, far more than an explorer page holds.
Inferring the tree weighs every pair of concepts, so its time grows with the
square of their number: on a 2-core machine a page of 800 concepts takes 1.1
to 1.6 s and one of 1,000 took 1.6 to 2.3 s (benchmarks/page_text_inference.py),
while an import, which may be a web upload, should stay under about 2 s.
Larger decks come as JSON or a Markdown outline, which write the tree out and
go up to the general limit (``validation.MAX_CONCEPTS``)."""

_NAVIGATION_TITLE = re.compile(r"\s[—–-]{1,2}\s*Interactive Knowledge Map\s*$")
_EXPLORE_LINK = re.compile(r"^Explore\s*\|?$")
_SENTENCE_END = (".", "!", "?")
# A concept title is a short noun phrase; text much longer than this in a
# title slot means the paragraphs are out of step.
_LONGEST_TITLE_CHARACTERS = 120
_MOST_WORDS_IN_A_SENTENCE_LIKE_TITLE = 8


@dataclass(frozen=True)
class _Paragraph:
    """Consecutive non-blank lines joined with spaces.

    ``line`` is the 1-based number of its first line.
    """

    text: str
    line: int
    line_count: int


@dataclass(frozen=True)
class _ConceptTriple:
    title: _Paragraph
    summary: _Paragraph
    detail: _Paragraph


def looks_like_page_text(text: str) -> bool:
    """Whether ``text`` is probably map explorer page text, for format sniffing.

    True when a line reads exactly "Key Concepts" and either the explorer's
    "… — Interactive Knowledge Map" line comes before it or the paragraphs
    after it start like a (title, summary, explanation) triple.
    """
    lines = _normalised_lines(text)
    heading = _key_concepts_line_index(lines)
    if heading is None:
        return False
    if any(_NAVIGATION_TITLE.search(line) for line in lines[:heading]):
        return True
    paragraphs = _paragraphs(lines, first_index=heading + 1)
    return len(paragraphs) >= 3 and _looks_like_title(paragraphs[0])


def parse_page_text(text: str, source_name: str) -> DeckDraft:
    """Parse page text into a draft deck with its concept tree inferred.

    The deck's title is the line above "Key Concepts" and its description is
    left empty: the page has no description of the map, and copying a
    concept's summary there would only repeat it. Keys are left to shared
    validation. Raises :class:`DeckValidationError` listing every problem found.
    """
    lines = _normalised_lines(text)
    heading = _key_concepts_line_index(lines)
    if heading is None:
        raise DeckValidationError(
            [
                _problem(
                    source_name,
                    1,
                    f'no line reading "{KEY_CONCEPTS_HEADING}" found; map explorer page text '
                    f'has the map title, then "{KEY_CONCEPTS_HEADING}", then the concepts',
                )
            ]
        )

    problems: list[DeckProblem] = []
    title = _map_title(lines, heading)
    if title is None:
        problems.append(
            _problem(
                source_name,
                heading + 1,
                f'no map title found: the line above "{KEY_CONCEPTS_HEADING}" '
                "should be the map's title",
            )
        )
    paragraphs = _paragraphs(lines, first_index=heading + 1)
    triples = _concept_triples(paragraphs, source_name, heading + 1, problems)
    if len(triples) > MAX_PAGE_TEXT_CONCEPTS:
        problems.append(_too_many_concepts_problem(len(triples), source_name, heading + 1))
    if problems or title is None:
        raise DeckValidationError(problems)

    try:
        parents = infer_parents([(t.title.text, t.summary.text, t.detail.text) for t in triples])
    except MapTooCostlyError as error:
        raise DeckValidationError(
            [
                _problem(
                    source_name,
                    heading + 1,
                    "the concepts' texts are too long or too much alike to infer the tree "
                    f"quickly: {error}. Import the deck as JSON or as a Markdown outline, "
                    "which write the tree out (see deck-format.md)",
                )
            ]
        ) from error
    return DeckDraft(
        title=title,
        description="",
        concepts=_concept_forest(triples, parents, source_name),
        source_name=source_name,
        source_format=SOURCE_FORMAT,
    )


def _normalised_lines(text: str) -> list[str]:
    """Lines without line endings or trailing whitespace, whatever the newline style."""
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    return [line.rstrip() for line in text.split("\n")]


def _key_concepts_line_index(lines: Sequence[str]) -> int | None:
    """0-based index of the first "Key Concepts" line, if any."""
    for index, line in enumerate(lines):
        if line.strip() == KEY_CONCEPTS_HEADING:
            return index
    return None


def _map_title(lines: Sequence[str], heading: int) -> str | None:
    """The last non-blank line above the heading, unless it is page navigation."""
    for line in reversed(lines[:heading]):
        candidate = line.strip()
        if not candidate:
            continue
        if _NAVIGATION_TITLE.search(candidate) or _EXPLORE_LINK.match(candidate):
            return None
        return candidate
    return None


def _paragraphs(lines: Sequence[str], first_index: int) -> list[_Paragraph]:
    """Paragraphs of ``lines[first_index:]``, numbered by their 1-based first line."""
    paragraphs: list[_Paragraph] = []
    pending: list[str] = []
    first_line = 0
    for index in range(first_index, len(lines) + 1):
        line = lines[index].strip() if index < len(lines) else ""
        if line:
            if not pending:
                first_line = index + 1
            pending.append(line)
        elif pending:
            paragraphs.append(_Paragraph(" ".join(pending), first_line, len(pending)))
            pending = []
    return paragraphs


def _concept_triples(
    paragraphs: Sequence[_Paragraph],
    source_name: str,
    heading_line: int,
    problems: list[DeckProblem],
) -> list[_ConceptTriple]:
    """Group paragraphs into concepts, adding to ``problems`` what does not fit."""
    if not paragraphs:
        problems.append(
            _problem(
                source_name,
                heading_line,
                f'no concepts after "{KEY_CONCEPTS_HEADING}"; each concept needs a title, '
                "a one-sentence summary and a detailed explanation, separated by blank lines",
            )
        )
        return []

    triples: list[_ConceptTriple] = []
    for index in range(0, len(paragraphs) - 2, 3):
        title, summary, detail = paragraphs[index : index + 3]
        if not _looks_like_title(title):
            # Everything after this point is out of step, so one problem says it all.
            problems.append(_out_of_step_problem(title, triples, source_name))
            return triples
        triples.append(_ConceptTriple(title, summary, detail))

    leftover = paragraphs[len(triples) * 3 :]
    if leftover:
        problems.append(_incomplete_last_concept_problem(leftover, source_name))
    return triples


def _looks_like_title(paragraph: _Paragraph) -> bool:
    """Whether a paragraph can be a concept title rather than a sentence or more."""
    text = paragraph.text
    if paragraph.line_count > 1 or len(text) > _LONGEST_TITLE_CHARACTERS:
        return False
    reads_as_sentence = (
        text.endswith(_SENTENCE_END) and len(text.split()) > _MOST_WORDS_IN_A_SENTENCE_LIKE_TITLE
    )
    return not reads_as_sentence


def _out_of_step_problem(
    paragraph: _Paragraph, triples: Sequence[_ConceptTriple], source_name: str
) -> DeckProblem:
    """Where paragraphs stop fitting the (title, summary, explanation) pattern.

    When the previous concept's "explanation" is really the next title, that
    concept lost a paragraph: point at it rather than at the symptom.
    """
    previous = triples[-1] if triples else None
    if previous is not None and _reads_as_bare_title(previous.detail):
        return _problem(
            source_name,
            previous.title.line,
            f'the concept "{_shortened(previous.title.text)}" has only one paragraph before '
            f'the next title "{_shortened(previous.detail.text)}" (line {previous.detail.line}); '
            "each concept needs a one-sentence summary and a detailed explanation",
        )
    after = f' (after concept "{_shortened(previous.title.text)}")' if previous else ""
    return _problem(
        source_name,
        paragraph.line,
        f"expected a concept title here{after} but found a sentence: "
        f'"{_shortened(paragraph.text)}". A title may be missing here, a summary or '
        "explanation may be missing above, or two paragraphs may lack the blank line "
        "between them",
    )


def _reads_as_bare_title(paragraph: _Paragraph) -> bool:
    """A title-like paragraph that is not even a sentence, so it cannot be an explanation."""
    return _looks_like_title(paragraph) and not paragraph.text.endswith(_SENTENCE_END)


def _incomplete_last_concept_problem(
    leftover: Sequence[_Paragraph], source_name: str
) -> DeckProblem:
    title = leftover[0]
    found = "nothing follows it" if len(leftover) == 1 else "only one paragraph follows it"
    return _problem(
        source_name,
        title.line,
        f'the last concept "{_shortened(title.text)}" is incomplete: {found}, but each '
        "concept needs a one-sentence summary and a detailed explanation after its title",
    )


def _too_many_concepts_problem(count: int, source_name: str, heading_line: int) -> DeckProblem:
    return _problem(
        source_name,
        heading_line,
        f"the page has {count:,} concepts; page text is limited to {MAX_PAGE_TEXT_CONCEPTS:,}, "
        "because inferring the tree takes time that grows with the square of the number of "
        "concepts. Import a larger deck as JSON or as a Markdown outline, which write the "
        "tree out (see deck-format.md)",
    )


def _concept_forest(
    triples: Sequence[_ConceptTriple], parents: Sequence[int | None], source_name: str
) -> list[ConceptDraft]:
    """Nest the concepts per ``parents``; siblings keep their page order."""
    concepts = [
        ConceptDraft(
            title=triple.title.text,
            summary=triple.summary.text,
            detail=triple.detail.text,
            location=SourceLocation(file=source_name, line=triple.title.line),
        )
        for triple in triples
    ]
    roots: list[ConceptDraft] = []
    for concept, parent in zip(concepts, parents, strict=True):
        siblings = roots if parent is None else concepts[parent].children
        siblings.append(concept)
    return roots


def _problem(source_name: str, line: int, message: str) -> DeckProblem:
    return DeckProblem(SourceLocation(file=source_name, line=line), message)


def _shortened(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
