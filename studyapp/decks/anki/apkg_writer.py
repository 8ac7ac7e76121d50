"""A deck as an Anki package (``.apkg``), built with genanki.

Each concept becomes one note of studyapp's note type
(:mod:`studyapp.decks.anki.notetype`) with one card per card kind. A concept's
note goes in the Anki deck of its parent's title path, so the knowledge map
becomes Anki's deck tree: root concepts in ``Topic``, the children of
``Agent Loop`` in ``Topic::Agent Loop``, and so on. ``docs/anki.md`` explains
the choices.
"""

from __future__ import annotations

import io
import itertools
import json
import sqlite3
import tempfile
import zipfile
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path

import genanki

from studyapp.decks.anki.html import text_to_html
from studyapp.decks.anki.notetype import (
    DECK_KEY,
    DETAIL,
    FIELD_NAMES,
    KEY,
    MASKED_SUMMARY,
    PARENT_PATH,
    SUMMARY,
    TITLE,
    card_ordinal,
    deck_name,
    note_guid,
    parent_path,
    stable_id,
    studyapp_model,
)
from studyapp.decks.anki.scheduling import CardSchedule, anki_card_columns
from studyapp.decks.card_faces import mask_name
from studyapp.decks.document import ConceptDraft, DeckDraft
from studyapp.storage.models import CardKind

# What a package holds: Anki 2.1's legacy collection, which every Anki since
# 2.1 imports, and an empty media list.
COLLECTION_ENTRY = "collection.anki2"
MEDIA_ENTRY = "media"
# The scheduler version the collection declares; Anki upgrades older ones on
# import, which would rewrite the learning cards written here.
_SCHEDULER_VERSION = 2

SchedulingMap = Mapping[tuple[str, CardKind | str], CardSchedule]


def deck_to_apkg(
    draft: DeckDraft,
    *,
    scheduling: SchedulingMap | None = None,
    now: datetime | None = None,
) -> bytes:
    """The ``.apkg`` file of a validated deck draft.

    ``scheduling`` maps ``(concept key, card kind)`` to a user's memory state
    of that card; those cards are written as learning, review or relearning
    cards (Anki keeps them when "Import any learning progress" is ticked),
    every other card as new, in map order. ``now`` stamps the notes'
    modification time (Anki updates a note it already has when the package's
    copy is newer); it defaults to the current time.
    """
    deck_key = draft.key
    if not deck_key or any(concept.key is None for concept, _ in draft.walk()):
        raise ValueError("export a validated draft: the deck or a concept has no key")
    timestamp = (now or datetime.now(UTC)).timestamp()
    package = genanki.Package(_anki_decks(draft, deck_key))
    with tempfile.TemporaryDirectory(prefix="studyapp-apkg-") as folder:
        collection_path = Path(folder) / COLLECTION_ENTRY
        connection = sqlite3.connect(collection_path)
        try:
            cursor = connection.cursor()
            package.write_to_db(cursor, timestamp, itertools.count(int(timestamp * 1000)))
            _declare_scheduler_version(cursor)
            if scheduling:
                _write_scheduling(cursor, deck_key, scheduling)
            connection.commit()
        finally:
            connection.close()
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.write(collection_path, COLLECTION_ENTRY)
            archive.writestr(MEDIA_ENTRY, "{}")
    return buffer.getvalue()


def _anki_decks(draft: DeckDraft, deck_key: str) -> list[genanki.Deck]:
    """The top deck and one sub-deck per concept with children, notes in map order."""
    model = studyapp_model()
    top = genanki.Deck(
        stable_id("studyapp", "deck", deck_key),
        deck_name([draft.title]),
        description=text_to_html(draft.description),
    )
    decks = [top]
    position = itertools.count(1)

    def add(concept: ConceptDraft, deck: genanki.Deck, titles: list[str], keys: list[str]) -> None:
        key = str(concept.key)
        fields = {
            TITLE: concept.title,
            SUMMARY: concept.summary,
            DETAIL: concept.detail,
            PARENT_PATH: parent_path(titles),
            KEY: key,
            DECK_KEY: deck_key,
            MASKED_SUMMARY: mask_name(concept.summary, concept.title),
        }
        deck.add_note(
            genanki.Note(
                model=model,
                fields=[text_to_html(fields[name]) for name in FIELD_NAMES],
                guid=note_guid(deck_key, key),
                due=next(position),
            )
        )
        if not concept.children:
            return
        child_titles, child_keys = [*titles, concept.title], [*keys, key]
        sub_deck = genanki.Deck(
            stable_id("studyapp", "deck", deck_key, *child_keys),
            deck_name([draft.title, *child_titles]),
            description=text_to_html(concept.summary),
        )
        decks.append(sub_deck)
        for child in concept.children:
            add(child, sub_deck, child_titles, child_keys)

    for root in draft.concepts:
        add(root, top, [], [])
    return decks


def _declare_scheduler_version(cursor: sqlite3.Cursor) -> None:
    (conf_json,) = cursor.execute("SELECT conf FROM col").fetchone()
    conf = json.loads(conf_json)
    conf["schedVer"] = _SCHEDULER_VERSION
    cursor.execute("UPDATE col SET conf = ?", (json.dumps(conf),))


def _write_scheduling(cursor: sqlite3.Cursor, deck_key: str, scheduling: SchedulingMap) -> None:
    """Give the cards named in ``scheduling`` their memory state (the rest stay new)."""
    (created_seconds,) = cursor.execute("SELECT crt FROM col").fetchone()
    collection_created = datetime.fromtimestamp(created_seconds, UTC)
    note_ids = dict(cursor.execute("SELECT guid, id FROM notes").fetchall())
    for (concept_key, kind), schedule in scheduling.items():
        note_id = note_ids.get(note_guid(deck_key, concept_key))
        if note_id is None:
            continue
        columns = anki_card_columns(schedule, collection_created)
        cursor.execute(
            "UPDATE cards SET type = ?, queue = ?, due = ?, ivl = ?, factor = ?, reps = ?,"
            " lapses = ?, left = ?, data = ? WHERE nid = ? AND ord = ?",
            (
                columns.type,
                columns.queue,
                columns.due,
                columns.ivl,
                columns.factor,
                columns.reps,
                columns.lapses,
                columns.left,
                columns.data,
                note_id,
                card_ordinal(kind),
            ),
        )
