"""Reading notes, their note types and their decks out of an Anki collection file.

Two layouts exist. Schema 11 (``collection.anki2`` and ``collection.anki21``)
keeps note types and decks as JSON in the ``col`` table and writes deck paths
as ``A::B``; schema 18 (``collection.anki21b``) has ``notetypes``, ``fields``
and ``decks`` tables, writes deck paths as ``A\\x1fB`` and keeps a deck's
description in a protocol-buffer blob. :func:`read_collection` reads both
into the same plain records.

The file comes from a stranger: it is opened read-only, its tables must be
tables (not views that could run arbitrary queries), and every query runs
under a time budget.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.request import pathname2url

from studyapp.decks.document import DeckProblem, DeckValidationError, SourceLocation
from studyapp.decks.validation import MAX_CONCEPTS

FIELD_SEPARATOR = "\x1f"
LEGACY_DECK_SEPARATOR = "::"
DECK_SEPARATOR_SCHEMA_18 = "\x1f"
# More notes than concepts a deck may have is refused before any is read.
MAX_NOTES = MAX_CONCEPTS
QUERY_TIME_BUDGET_SECONDS = 20.0
_PROGRESS_EVERY_INSTRUCTIONS = 10_000
_REQUIRED_TABLES = ("col", "notes", "cards")
_SCHEMA_18_TABLES = ("notetypes", "fields", "decks")


@dataclass(frozen=True)
class NoteType:
    """A note type: its name and its field names in order."""

    name: str
    field_names: tuple[str, ...]


@dataclass(frozen=True)
class CollectionNote:
    """One note: its id, note type, raw field HTML (in field order) and deck path.

    ``deck_path`` is the deck of the note's first card as its name parts,
    ``("Topic", "Sub")``; empty when the note has no card.
    """

    note_id: int
    notetype: NoteType
    fields: tuple[str, ...]
    deck_path: tuple[str, ...]


@dataclass
class CollectionContents:
    """What studyapp reads from a collection: notes in id order and deck descriptions (HTML)."""

    notes: list[CollectionNote] = field(default_factory=list)
    deck_descriptions: dict[tuple[str, ...], str] = field(default_factory=dict)


def read_collection(path: Path, source_name: str) -> CollectionContents:
    """Read every note of the collection at ``path``; raises :class:`DeckValidationError`."""

    def fail(message: str) -> DeckValidationError:
        return DeckValidationError([DeckProblem(SourceLocation(source_name), message)])

    uri = f"file:{pathname2url(str(path))}?mode=ro"
    try:
        connection = sqlite3.connect(uri, uri=True)
    except sqlite3.Error as error:
        raise fail(f"the collection inside cannot be opened ({error})") from error
    try:
        _set_time_budget(connection)
        connection.execute("PRAGMA query_only = ON")
        tables = _tables(connection)
        missing = [name for name in _REQUIRED_TABLES if name not in tables]
        if missing:
            raise fail(f"not an Anki collection: it has no {', '.join(missing)} table")
        (note_count,) = connection.execute("SELECT count(*) FROM notes").fetchone()
        if note_count > MAX_NOTES:
            raise fail(f"the package has {note_count:,} notes; the limit is {MAX_NOTES:,}")
        if all(name in tables for name in _SCHEMA_18_TABLES):
            notetypes, decks = _schema_18_notetypes(connection), _schema_18_decks(connection)
        else:
            notetypes, decks = _schema_11_notetypes_and_decks(connection, fail)
        return _collection(connection, notetypes, decks)
    except sqlite3.Error as error:
        if "interrupted" in str(error):
            raise fail(
                f"reading the collection took longer than {QUERY_TIME_BUDGET_SECONDS:.0f} seconds"
            ) from error
        raise fail(
            f"the collection inside is damaged or not an Anki collection ({error})"
        ) from error
    finally:
        connection.close()


def _set_time_budget(connection: sqlite3.Connection) -> None:
    deadline = time.monotonic() + QUERY_TIME_BUDGET_SECONDS
    connection.set_progress_handler(
        lambda: int(time.monotonic() > deadline), _PROGRESS_EVERY_INSTRUCTIONS
    )


def _tables(connection: sqlite3.Connection) -> set[str]:
    rows = connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    return {name for (name,) in rows}


# A deck: its path (name parts) and its description HTML.
_Deck = tuple[tuple[str, ...], str]


def _schema_18_notetypes(connection: sqlite3.Connection) -> dict[int, NoteType]:
    names = dict(connection.execute("SELECT id, name FROM notetypes").fetchall())
    fields: dict[int, list[str]] = {}
    for notetype_id, field_name in connection.execute(
        "SELECT ntid, name FROM fields ORDER BY ntid, ord"
    ):
        fields.setdefault(notetype_id, []).append(str(field_name))
    return {
        notetype_id: NoteType(str(name), tuple(fields.get(notetype_id, [])))
        for notetype_id, name in names.items()
    }


def _schema_18_decks(connection: sqlite3.Connection) -> dict[int, _Deck]:
    return {
        deck_id: (
            _deck_path(str(name), DECK_SEPARATOR_SCHEMA_18),
            _normal_deck_description(kind if isinstance(kind, bytes) else b""),
        )
        for deck_id, name, kind in connection.execute("SELECT id, name, kind FROM decks")
    }


def _schema_11_notetypes_and_decks(
    connection: sqlite3.Connection, fail: Callable[[str], DeckValidationError]
) -> tuple[dict[int, NoteType], dict[int, _Deck]]:
    row = connection.execute("SELECT models, decks FROM col").fetchone()
    if row is None:
        raise fail("not an Anki collection: its col table is empty")
    try:
        models, decks = json.loads(row[0]), json.loads(row[1])
    except (TypeError, ValueError) as error:
        raise fail("the collection's note types or decks are not valid JSON") from error
    if not isinstance(models, dict) or not isinstance(decks, dict):
        raise fail("the collection's note types or decks are not valid JSON objects")
    notetypes = {}
    for model_id, model in models.items():
        if isinstance(model, dict):
            fields = model.get("flds") if isinstance(model.get("flds"), list) else []
            notetypes[_int(model_id)] = NoteType(
                str(model.get("name", "")),
                tuple(str(f.get("name", "")) for f in fields if isinstance(f, dict)),
            )
    return notetypes, {
        _int(deck_id): (
            _deck_path(str(deck.get("name", "")), LEGACY_DECK_SEPARATOR),
            str(deck.get("desc", "")),
        )
        for deck_id, deck in decks.items()
        if isinstance(deck, dict)
    }


def _collection(
    connection: sqlite3.Connection,
    notetypes: dict[int, NoteType],
    decks: dict[int, _Deck],
) -> CollectionContents:
    # A note's deck is that of its first card (its home deck if the card is
    # in a filtered deck for now).
    note_decks: dict[int, int] = {}
    for note_id, deck_id, original_deck_id in connection.execute(
        "SELECT nid, did, odid FROM cards ORDER BY nid, ord"
    ):
        note_decks.setdefault(note_id, original_deck_id or deck_id)
    unknown = NoteType("", ())
    collection = CollectionContents(deck_descriptions={path: desc for path, desc in decks.values()})
    for note_id, notetype_id, flds in connection.execute(
        "SELECT id, mid, flds FROM notes ORDER BY id"
    ):
        deck_id = note_decks.get(note_id)
        collection.notes.append(
            CollectionNote(
                note_id=note_id,
                notetype=notetypes.get(notetype_id, unknown),
                fields=tuple(str(flds or "").split(FIELD_SEPARATOR)),
                deck_path=decks[deck_id][0] if deck_id in decks else (),
            )
        )
    return collection


def _deck_path(name: str, separator: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in name.split(separator) if part.strip())


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1


def _normal_deck_description(kind: bytes) -> str:
    """The description of a schema-18 deck: field 4 of the normal deck (field 1) of ``kind``."""
    normal = _protobuf_field(kind, 1)
    description = _protobuf_field(normal, 4) if normal is not None else None
    return description.decode("utf-8", "replace") if description is not None else ""


def _protobuf_field(message: bytes, number: int) -> bytes | None:
    """The first length-delimited field ``number`` of a protocol-buffer message, if any.

    Reads just enough of the wire format (varints, fixed widths and
    length-delimited values) to skip the other fields; malformed input gives None.
    """
    position = 0
    while position < len(message):
        tag, position = _varint(message, position)
        if position < 0:
            return None
        field_number, wire_type = tag >> 3, tag & 7
        if wire_type == 0:
            _, position = _varint(message, position)
        elif wire_type == 1:
            position += 8
        elif wire_type == 5:
            position += 4
        elif wire_type == 2:
            length, position = _varint(message, position)
            if position < 0 or position + length > len(message):
                return None
            if field_number == number:
                return message[position : position + length]
            position += length
        else:
            return None
        if position < 0:
            return None
    return None


def _varint(data: bytes, position: int) -> tuple[int, int]:
    """The varint at ``position`` and the position after it; (0, -1) when it is cut off."""
    value = shift = 0
    while position < len(data) and shift < 64:
        byte = data[position]
        position += 1
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return value, position
        shift += 7
    return 0, -1
