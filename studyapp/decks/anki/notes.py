"""Which Anki notes become concepts, and with what texts.

Shared by the package and the text importers. Two kinds of note are read:

- studyapp's own note type (see :mod:`studyapp.decks.anki.notetype`): title,
  summary, detail, key and place in the map are restored exactly;
- Anki's Basic family ("Basic", "Basic (and reversed card)", "Basic
  (optional reversed card)", "Basic (type in the answer)", or any note type
  with fields named Front and Back): the Front is the title and the Back the
  summary, or, when the Back is long, its first sentence is the summary and
  the rest the detail (:func:`split_back`).

Any other note, and a note with nothing left on a side once its HTML is
removed, is skipped and counted in a :class:`SkippedNotes` tally.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from studyapp.decks.anki.html import html_to_text
from studyapp.decks.anki.notetype import (
    DECK_KEY,
    DETAIL,
    KEY,
    PARENT_PATH,
    SUMMARY,
    TITLE,
    is_studyapp_notetype,
)
from studyapp.decks.document import SourceLocation
from studyapp.decks.validation import MAX_TITLE_LENGTH

BASIC_NOTETYPES = frozenset(
    {
        "Basic",
        "Basic (and reversed card)",
        "Basic (optional reversed card)",
        "Basic (type in the answer)",
    }
)
FRONT = "Front"
BACK = "Back"
# A Back longer than this (in characters, on its first line) is split into a
# one-sentence summary and a detail.
LONG_BACK_CHARACTERS = 200
# A sentence ends at . ! or ? after two characters that are neither space nor
# a dot (so "e.g." and "U.S." do not end one), before a capital or digit.
_SENTENCE_END = re.compile(r"(?<=[^\s.]{2}[.!?])([\"'”’)\]]*)\s+(?=[\"'“‘(\[]?[A-Z0-9])")


@dataclass(frozen=True)
class StudyappPlacement:
    """Where a studyapp note sits in its deck: parent title path, concept key, deck key."""

    parent_path: str
    key: str
    deck_key: str


@dataclass(frozen=True)
class ImportedNote:
    """A note that becomes one concept; ``deck_path`` is its Anki deck as name parts."""

    deck_path: tuple[str, ...]
    title: str
    summary: str
    detail: str
    location: SourceLocation
    placement: StudyappPlacement | None = None


@dataclass
class SkippedNotes:
    """A tally of notes left out, by reason, to report as notices."""

    by_reason: Counter[str] = field(default_factory=Counter)

    def add(self, reason: str) -> None:
        self.by_reason[reason] += 1

    def notices(self) -> list[str]:
        """``["3 notes of type Cloze skipped", "1 note with an empty front skipped"]``."""
        return [
            f"{count} {'note' if count == 1 else 'notes'} {reason} skipped"
            for reason, count in sorted(self.by_reason.items())
        ]


def imported_note(
    notetype_name: str | None,
    field_names: Sequence[str],
    field_values: Sequence[str],
    deck_path: tuple[str, ...],
    location: SourceLocation,
    skipped: SkippedNotes,
    *,
    to_text: Callable[[str], str] = html_to_text,
) -> ImportedNote | None:
    """The note as a concept's texts, or None (and a tally in ``skipped``) if it is left out.

    ``notetype_name`` None means the note type is not known (a text export
    without a note type column) and the note is read as Basic; ``to_text``
    turns a field value into plain text (HTML is removed by default).
    """
    values = dict(zip(field_names, field_values, strict=False))
    if is_studyapp_notetype(field_names):
        title, summary = to_text(values[TITLE]), to_text(values[SUMMARY])
        detail = to_text(values[DETAIL])
        placement = StudyappPlacement(
            parent_path=to_text(values[PARENT_PATH]),
            key=to_text(values[KEY]),
            deck_key=to_text(values[DECK_KEY]),
        )
    elif notetype_name is None or notetype_name in BASIC_NOTETYPES or _has_front_and_back(values):
        front, back = _front_and_back(values, field_values)
        title = " ".join(to_text(front).split())
        summary, detail = split_back(to_text(back))
        placement = None
    else:
        skipped.add(f"of type {notetype_name or '(unknown)'}")
        return None
    if not title:
        skipped.add("with an empty front")
        return None
    if len(title) > MAX_TITLE_LENGTH:
        skipped.add(f"with a front longer than {MAX_TITLE_LENGTH} characters")
        return None
    if not summary:
        skipped.add("with an empty back")
        return None
    return ImportedNote(deck_path, title, summary, detail, location, placement)


def split_back(text: str) -> tuple[str, str]:
    """A Back's text as (summary, detail).

    The first line is the summary and the other lines the detail; a first
    line longer than :data:`LONG_BACK_CHARACTERS` gives only its first
    sentence to the summary, the rest goes to the detail.
    """
    first_line, _, rest = text.strip().partition("\n")
    if len(first_line) > LONG_BACK_CHARACTERS and (end := _SENTENCE_END.search(first_line)):
        remainder = first_line[end.end() :]
        first_line = first_line[: end.end(1)]
        rest = f"{remainder}\n{rest}" if rest else remainder
    return first_line.strip(), rest.strip()


def _has_front_and_back(values: dict[str, str]) -> bool:
    return FRONT in values and BACK in values


def _front_and_back(values: dict[str, str], field_values: Sequence[str]) -> tuple[str, str]:
    if _has_front_and_back(values):
        return values[FRONT], values[BACK]
    padded = [*field_values, "", ""]
    return padded[0], padded[1]
