"""Reading an Anki package (``.apkg``) as a deck draft.

The package is untrusted: :mod:`studyapp.decks.anki.archive` takes the
collection out into a temporary folder this module creates and removes,
:mod:`studyapp.decks.anki.collection` reads it read-only, and
:mod:`studyapp.decks.anki.notes` and :mod:`studyapp.decks.anki.tree` turn
its notes and decks into a map. Validation is left to
:func:`studyapp.decks.formats.reading.read_deck_bytes`.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from studyapp.decks.anki.archive import extract_collection
from studyapp.decks.anki.collection import read_collection
from studyapp.decks.anki.notes import SkippedNotes, imported_note
from studyapp.decks.anki.tree import build_deck
from studyapp.decks.document import DeckDraft, SourceLocation

SOURCE_FORMAT = "apkg"


def parse_apkg(data: bytes, source_name: str) -> DeckDraft:
    """The unvalidated draft of an ``.apkg`` file; raises :class:`DeckValidationError`.

    Notes that cannot become concepts (other note types, empty sides) are
    left out and counted in the draft's ``notices``.
    """
    with tempfile.TemporaryDirectory(prefix="studyapp-apkg-") as folder:
        collection_path = Path(folder) / "collection.sqlite3"
        extract_collection(data, source_name, collection_path)
        contents = read_collection(collection_path, source_name)
    skipped = SkippedNotes()
    notes = []
    for note in contents.notes:
        imported = imported_note(
            note.notetype.name,
            note.notetype.field_names,
            note.fields,
            note.deck_path,
            SourceLocation(source_name, record=f"note {note.note_id}"),
            skipped,
        )
        if imported is not None:
            notes.append(imported)
    return build_deck(
        notes,
        source_name=source_name,
        source_format=SOURCE_FORMAT,
        fallback_title=Path(source_name).stem,
        deck_descriptions=contents.deck_descriptions,
        notices=skipped.notices(),
    )
