"""Anki's "Notes in Plain Text" export (``.txt``/``.tsv``) as a deck draft.

The file starts with header lines Anki writes and reads::

    #separator:tab            Tab, Comma, Semicolon, Space, Pipe, Colon, or the character
    #html:true                whether fields are HTML (else: detected from the fields)
    #columns:Front<TAB>Back   column names, split with the separator
    #notetype:Basic           one note type for every row
    #deck:Topic::Sub          one deck for every row
    #guid column:1            1-based columns holding a per-row value
    #notetype column:2
    #deck column:3
    #tags column:6

Other ``#`` lines before the first row are comments. Rows are separated
values quoted as Anki (and CSV) quotes them: a field containing the separator,
a quote or a line break is wrapped in ``"``, with ``""`` for a quote. The
columns that are not guid, note type, deck or tags columns are the note's
fields in order; named ``#columns`` map Front and Back by name. Notes become
concepts by the rules of :mod:`studyapp.decks.anki.notes` and
:mod:`studyapp.decks.anki.tree`; without deck information the deck is named
after the file.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from studyapp.decks.anki.html import html_to_text, normalise_text
from studyapp.decks.anki.notes import (
    BACK,
    BASIC_NOTETYPES,
    FRONT,
    ImportedNote,
    SkippedNotes,
    imported_note,
)
from studyapp.decks.anki.notetype import (
    DECK_SEPARATOR,
    FIELD_NAMES,
    NOTETYPE_NAME,
    is_studyapp_notetype,
)
from studyapp.decks.anki.tree import build_deck
from studyapp.decks.document import DeckDraft, DeckProblem, DeckValidationError, SourceLocation

SOURCE_FORMAT = "anki_text"
# Separator names Anki writes, in the order Anki tries them when a file names none.
SEPARATORS = {
    "tab": "\t",
    "pipe": "|",
    "semicolon": ";",
    "colon": ":",
    "comma": ",",
    "space": " ",
}
_COLUMN_HEADERS = ("guid column", "notetype column", "deck column", "tags column")
_SNIFF_CHARACTERS = 8 * 1024
_LOOKS_LIKE_HTML = re.compile(r"</?[A-Za-z][^<>]*>")


def looks_like_anki_text(text: str) -> bool:
    """Whether a text starts like Anki's plain-text export: ``#separator:`` or ``#html:``."""
    first_line = text.lstrip("\ufeff").split("\n", 1)[0].strip().lower()
    return first_line.startswith(("#separator:", "#html:"))


@dataclass
class _Header:
    """What the header lines say; ``columns`` holds the 1-based meta columns by header name."""

    separator: str | None = None
    html: bool | None = None
    column_names: str | None = None
    notetype: str | None = None
    deck: str | None = None
    columns: dict[str, int] = field(default_factory=dict)
    line_count: int = 0


def parse_anki_text(text: str, source_name: str) -> DeckDraft:
    """The unvalidated draft of an Anki text export; raises :class:`DeckValidationError`.

    Problems are reported with their line; notes that cannot become concepts
    are left out and counted in the draft's ``notices``.
    """
    lines = text.splitlines(keepends=True)
    header = _read_header(lines, source_name)
    body = "".join(lines[header.line_count :])
    separator = header.separator or _sniff_separator(body)
    rows = _read_rows(body, separator, header.line_count, source_name)
    is_html = header.html
    if is_html is None:
        is_html = any(_LOOKS_LIKE_HTML.search(value) for _, row in rows for value in row)
    to_text: Callable[[str], str] = html_to_text if is_html else normalise_text
    labels = _column_labels(header, separator)
    meta_columns = {number - 1 for number in header.columns.values()}
    notetype_column = header.columns.get("notetype column")
    deck_column = header.columns.get("deck column")
    skipped = SkippedNotes()
    notes: list[ImportedNote] = []
    for line, row in rows:
        values = [value for index, value in enumerate(row) if index not in meta_columns]
        notetype = _cell(row, notetype_column) if notetype_column else header.notetype
        deck = _cell(row, deck_column) if deck_column else header.deck or ""
        note = imported_note(
            notetype,
            _field_names(notetype, labels, meta_columns, len(values)),
            values,
            tuple(part.strip() for part in deck.split(DECK_SEPARATOR) if part.strip()),
            SourceLocation(source_name, line=line),
            skipped,
            to_text=to_text,
        )
        if note is not None:
            notes.append(note)
    return build_deck(
        notes,
        source_name=source_name,
        source_format=SOURCE_FORMAT,
        fallback_title=Path(source_name).stem,
        notices=skipped.notices(),
    )


def _read_header(lines: list[str], source_name: str) -> _Header:
    header = _Header()
    problems: list[DeckProblem] = []
    for number, raw in enumerate(lines, start=1):
        line = raw.rstrip("\r\n")
        if number == 1:
            line = line.lstrip("\ufeff")
        if not line.startswith("#"):
            break
        header.line_count = number
        key, colon, value = line[1:].partition(":")
        if not colon:
            continue
        problem = _apply_header(header, key.strip().lower(), value)
        if problem:
            problems.append(DeckProblem(SourceLocation(source_name, line=number), problem))
    if problems:
        raise DeckValidationError(problems)
    return header


def _apply_header(header: _Header, key: str, value: str) -> str | None:
    """Record one header line; the problem with its value, if any."""
    if key == "separator":
        named = SEPARATORS.get(value.strip().lower())
        if named is None and len(value) != 1:
            return (
                f"unknown separator {value!r}: use Tab, Comma, Semicolon, Space, Pipe, "
                "Colon or the character itself"
            )
        header.separator = named or value
    elif key == "html":
        if value.strip().lower() not in ("true", "false"):
            return f"#html must be true or false, not {value.strip()!r}"
        header.html = value.strip().lower() == "true"
    elif key == "columns":
        header.column_names = value
    elif key == "notetype":
        header.notetype = value.strip()
    elif key == "deck":
        header.deck = value.strip()
    elif key in _COLUMN_HEADERS:
        if not value.strip().isdigit() or int(value) < 1:
            return f"#{key} must be a column number (1 for the first column), not {value.strip()!r}"
        header.columns[key] = int(value)
    return None


def _sniff_separator(body: str) -> str:
    """The first of Anki's separators that occurs in the rows, as Anki guesses it."""
    sample = body[:_SNIFF_CHARACTERS]
    return next((char for char in SEPARATORS.values() if char in sample), " ")


def _read_rows(
    body: str, separator: str, first_line: int, source_name: str
) -> list[tuple[int, list[str]]]:
    """The non-empty rows with the line each starts on."""
    reader = csv.reader(io.StringIO(body, newline=""), delimiter=separator, quotechar='"')
    rows: list[tuple[int, list[str]]] = []
    consumed = 0
    try:
        for row in reader:
            line = first_line + consumed + 1
            consumed = reader.line_num
            if any(value.strip() for value in row):
                rows.append((line, row))
    except csv.Error as error:
        location = SourceLocation(source_name, line=first_line + consumed + 1)
        raise DeckValidationError(
            [DeckProblem(location, f"the row cannot be read: {error}")]
        ) from error
    return rows


def _column_labels(header: _Header, separator: str) -> list[str]:
    if header.column_names is None:
        return []
    reader = csv.reader([header.column_names], delimiter=separator, quotechar='"')
    return [label.strip() for label in next(reader, [])]


def _field_names(
    notetype: str | None, labels: list[str], meta_columns: set[int], count: int
) -> list[str]:
    """Names of a row's field values, in order.

    studyapp's note type has its own; otherwise ``#columns`` names count when
    they name Front and Back (or studyapp's fields); otherwise a Basic note's
    values are Front and Back by position, and any other note's are unnamed.
    """
    if notetype is not None and notetype.startswith(NOTETYPE_NAME):
        return list(FIELD_NAMES)
    named = [label for index, label in enumerate(labels) if index not in meta_columns]
    if is_studyapp_notetype(named) or (FRONT in named and BACK in named):
        return named
    unnamed = [f"Field {number}" for number in range(1, count + 1)]
    if notetype is None or notetype in BASIC_NOTETYPES:
        return [FRONT, BACK, *unnamed[2:]]
    return unnamed


def _cell(row: list[str], column: int) -> str:
    return row[column - 1] if column <= len(row) else ""
