"""Anki packages: our export imported by real Anki, Anki's packages read by us, hostile files."""

from __future__ import annotations

import io
import json
import os
import sqlite3
import tempfile
import zipfile
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from anki.collection import (
    Collection,
    ExportAnkiPackageOptions,
    ImportAnkiPackageOptions,
    ImportAnkiPackageRequest,
)

from studyapp.decks.anki import archive as anki_archive
from studyapp.decks.anki import collection as anki_collection
from studyapp.decks.anki.apkg_writer import deck_to_apkg
from studyapp.decks.anki.scheduling import CardSchedule
from studyapp.decks.document import DeckDraft, DeckValidationError
from studyapp.decks.formats.json_deck import deck_to_json_document
from studyapp.decks.formats.reading import deck_files, read_deck_bytes, read_deck_path
from studyapp.decks.keys import key_from_title_path
from tests.support.factories import concept, deck_json
from tests.support.paths import DECKS_DIR

SHIPPED_DECKS = [path for path in deck_files([DECKS_DIR]) if path.suffix != ".apkg"]
EXPORTED_AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def anki(tmp_path: Path) -> Iterator[Collection]:
    """A fresh, empty Anki collection, closed after the test."""
    folder = tmp_path / "anki"
    folder.mkdir()
    collection = Collection(str(folder / "collection.anki2"))
    yield collection
    collection.close()


@pytest.fixture(autouse=True)
def own_temp_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Temporary files of the code under test go to a folder the test can inspect."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def import_into(
    collection: Collection, package: bytes, tmp_path: Path, *, with_scheduling: bool = False
):
    path = tmp_path / f"package-{os.urandom(4).hex()}.apkg"
    path.write_bytes(package)
    return collection.import_anki_package(
        ImportAnkiPackageRequest(
            package_path=str(path),
            options=ImportAnkiPackageOptions(with_scheduling=with_scheduling),
        )
    )


def export_from(collection: Collection, tmp_path: Path, *, legacy: bool) -> bytes:
    path = tmp_path / f"from-anki-{os.urandom(4).hex()}.apkg"
    collection.export_anki_package(
        out_path=str(path),
        options=ExportAnkiPackageOptions(
            with_scheduling=False, with_deck_configs=False, with_media=False, legacy=legacy
        ),
        limit=None,
    )
    return path.read_bytes()


def note_by_title(collection: Collection, title: str):
    notes = [collection.get_note(nid) for nid in collection.find_notes("")]
    [note] = [note for note in notes if note["Title"] == title]
    return note


def deck_of(collection: Collection, note) -> str:
    return collection.decks.name(note.cards()[0].did)


def same_content(draft: DeckDraft) -> dict:
    return deck_to_json_document(draft)


# --- our export, imported by Anki -------------------------------------------------------------


@pytest.mark.parametrize("path", SHIPPED_DECKS, ids=lambda p: p.name)
def test_anki_imports_each_shipped_deck_and_a_reexport_updates_instead_of_duplicating(
    path: Path, anki: Collection, tmp_path: Path
):
    draft = read_deck_path(path)
    concepts = draft.concept_count()

    log = import_into(anki, deck_to_apkg(draft, now=EXPORTED_AT), tmp_path).log
    assert len(log.new) == concepts
    assert anki.note_count() == concepts
    assert anki.card_count() == concepts * 3

    root = next(node for node in draft.concepts if node.children)
    note = note_by_title(anki, root.title)
    assert note["Summary"] and note["Key"] == root.key
    assert note["Deck key"] == draft.key
    assert note["Parent path"] == ""
    assert deck_of(anki, note) == draft.title
    child = root.children[0]
    child_note = note_by_title(anki, child.title)
    assert child_note["Parent path"] == root.title
    assert deck_of(anki, child_note) == f"{draft.title}::{root.title}"
    assert [card.template()["name"] for card in child_note.cards()] == [
        "Recall",
        "Recognise",
        "Explain",
    ]
    sub_decks = {f"{draft.title}::{node.title}" for node in draft.concepts if node.children}
    expected_decks = {draft.title} | sub_decks
    assert expected_decks <= {deck.name for deck in anki.decks.all_names_and_ids()}

    # The next version of the deck: one summary edited, exported later.
    child.summary = "An edited summary."
    log = import_into(anki, deck_to_apkg(draft, now=EXPORTED_AT + timedelta(days=1)), tmp_path).log
    assert len(log.new) == 0
    assert len(log.updated) == concepts
    assert anki.note_count() == concepts
    assert anki.card_count() == concepts * 3
    assert note_by_title(anki, child.title)["Summary"] == "An edited summary."


def test_cards_show_what_studyapp_shows_for_each_kind(anki: Collection, tmp_path: Path):
    content = deck_json(
        concepts=[
            concept(
                "Groups",
                summary="Groups have an identity & inverses.",
                children=[
                    concept("Cosets", summary="A coset of a subgroup shifts it.", detail=""),
                ],
            )
        ]
    )
    import_into(anki, deck_to_apkg(read_deck_bytes(content.encode(), "a.json")), tmp_path)
    recall, recognise, explain = note_by_title(anki, "Cosets").cards()

    assert "Groups" in recall.question() and "Cosets" in recall.question()
    assert "A coset of a subgroup shifts it." in recall.answer()
    assert "_____ of a subgroup shifts it." in recognise.question()
    assert "Cosets" not in recognise.question().replace("Groups", "")
    assert "Cosets" in recognise.answer()
    assert "Cosets: A coset of a subgroup shifts it." in explain.question()
    # No detail: the explain card's back falls back to the summary.
    assert explain.answer().count("A coset of a subgroup shifts it.") == 2
    groups = note_by_title(anki, "Groups").cards()[0]
    assert "identity &amp; inverses" in groups.answer()


def test_scheduling_becomes_anki_fsrs_memory_state(anki: Collection, tmp_path: Path):
    draft = read_deck_path(DECKS_DIR / "react-agent-pattern.md")
    key = draft.concepts[0].key
    now = datetime.now(UTC)
    scheduling = {
        (key, "recall"): CardSchedule(
            state=2,
            stability_days=12.3456,
            difficulty=5.5,
            due=now + timedelta(days=5),
            last_review=now - timedelta(days=7),
            reps=4,
            lapses=1,
        ),
        (key, "explain"): CardSchedule(
            state=1,
            stability_days=0.4,
            difficulty=6.25,
            due=now + timedelta(minutes=10),
            last_review=now,
            reps=1,
        ),
    }
    package = deck_to_apkg(draft, scheduling=scheduling)
    import_into(anki, package, tmp_path, with_scheduling=True)

    recall, recognise, explain = note_by_title(anki, draft.concepts[0].title).cards()
    assert (recall.type, recall.queue) == (2, 2)
    assert recall.due - anki.sched.today in (4, 5, 6)  # day boundaries may differ by a day
    assert recall.ivl == 12
    assert recall.memory_state.stability == pytest.approx(12.346, abs=1e-3)
    assert recall.memory_state.difficulty == pytest.approx(5.5)
    assert recall.last_review_time == int((now - timedelta(days=7)).timestamp())
    assert (recall.reps, recall.lapses) == (4, 1)
    assert (explain.type, explain.queue) == (1, 1)
    assert explain.due == int((now + timedelta(minutes=10)).timestamp())
    assert explain.memory_state.difficulty == pytest.approx(6.25)
    assert (recognise.type, recognise.queue) == (0, 0)
    assert anki.card_count() == draft.concept_count() * 3


def test_without_scheduling_every_card_is_new_in_map_order(anki: Collection, tmp_path: Path):
    draft = read_deck_path(DECKS_DIR / "interest-rates.md")
    import_into(anki, deck_to_apkg(draft), tmp_path)
    card_ids = anki.find_cards("is:new")
    assert len(card_ids) == draft.concept_count() * 3
    due_of_note = {anki.get_card(cid).nid: anki.get_card(cid).due for cid in card_ids}
    in_due_order = sorted(due_of_note, key=due_of_note.__getitem__)
    assert [anki.get_note(nid)["Title"] for nid in in_due_order] == [
        node.title for node, _ in draft.walk()
    ]


def test_the_same_deck_exports_the_same_ids_and_guids():
    draft = read_deck_path(DECKS_DIR / "spaced-repetition.md")

    def identities(package: bytes) -> tuple:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "c.sqlite3"
            path.write_bytes(zipfile.ZipFile(io.BytesIO(package)).read("collection.anki2"))
            connection = sqlite3.connect(path)
            try:
                (models, decks) = connection.execute("SELECT models, decks FROM col").fetchone()
                guids = [row[0] for row in connection.execute("SELECT guid FROM notes ORDER BY id")]
            finally:
                connection.close()
        return sorted(json.loads(models)), sorted(json.loads(decks)), guids

    first = identities(deck_to_apkg(draft, now=EXPORTED_AT))
    second = identities(deck_to_apkg(draft, now=EXPORTED_AT + timedelta(hours=5)))
    assert first == second
    assert len(set(first[2])) == draft.concept_count()


def test_export_refuses_an_unvalidated_draft():
    with pytest.raises(ValueError, match="validated"):
        deck_to_apkg(DeckDraft(title="T", concepts=[]))


# --- round trips through our import -----------------------------------------------------------


@pytest.mark.parametrize("path", SHIPPED_DECKS, ids=lambda p: p.name)
def test_our_export_reads_back_as_the_same_deck(path: Path):
    draft = read_deck_path(path)
    again = read_deck_bytes(deck_to_apkg(draft), "again.apkg")
    assert again.source_format == "apkg"
    assert again.notices == []
    assert same_content(again) == same_content(draft)


@pytest.mark.parametrize("legacy", [True, False], ids=["legacy", "anki21b"])
def test_a_deck_that_went_through_anki_reads_back_as_the_same_deck(
    legacy: bool, anki: Collection, tmp_path: Path
):
    draft = read_deck_path(DECKS_DIR / "claude-code-architecture.json")
    import_into(anki, deck_to_apkg(draft), tmp_path)
    again = read_deck_bytes(export_from(anki, tmp_path, legacy=legacy), "from-anki.apkg")
    assert same_content(again) == same_content(draft)


# --- Anki's own notes -------------------------------------------------------------------------


@pytest.fixture
def anki_made_package(anki: Collection, tmp_path: Path):
    """Export Anki's Basic, reversed and Cloze notes in ``Topic::Sub::Leaf`` (legacy or not)."""
    basic = anki.models.by_name("Basic")
    reversed_ = anki.models.by_name("Basic (and reversed card)")
    topic = anki.decks.id("Topic")
    leaf = anki.decks.id("Topic::Sub::Leaf")
    deck = anki.decks.get(topic)
    deck["desc"] = "All about <i>topics</i>."
    anki.decks.save(deck)

    def add(model, deck_id, front, back):
        note = anki.new_note(model)
        note["Front"], note["Back"] = front, back
        anki.add_note(note, deck_id)

    add(basic, topic, "<b>Mitochondria</b>&nbsp;", "The powerhouse of the cell.<br>Makes ATP.")
    add(
        reversed_,
        leaf,
        '<div>Ribosome</div><script>alert("x")</script>',
        "<div>Builds proteins from mRNA; it reads codons one by one and joins the amino acids "
        "they stand for into a chain, which takes a rather long sentence, longer than two "
        "hundred characters, to explain fully here. Found in all "
        "cells.</div><style>div { color: red }</style><div>Second paragraph &amp; more.</div>",
    )
    add(basic, anki.decks.id("Topic::Sub"), "Cytoplasm", "Fills the cell.[sound:cyto.mp3]")
    add(basic, topic, "<img src='cell.png'>", "An image-only front.")
    cloze = anki.new_note(anki.models.by_name("Cloze"))
    cloze["Text"] = "{{c1::Nucleus}} holds DNA"
    anki.add_note(cloze, topic)

    def make(legacy: bool) -> bytes:
        return export_from(anki, tmp_path, legacy=legacy)

    return make


@pytest.mark.parametrize("legacy", [True, False], ids=["legacy", "anki21b"])
def test_basic_notes_become_a_tree_with_sanitised_text(anki_made_package, legacy: bool):
    draft = read_deck_bytes(anki_made_package(legacy), "biology.apkg")

    assert draft.title == "Topic"
    assert draft.description == "All about topics."
    assert sorted(draft.notices) == [
        "1 note of type Cloze skipped",
        "1 note with an empty front skipped",
    ]
    mitochondria, sub = draft.concepts
    assert (mitochondria.title, mitochondria.summary, mitochondria.detail) == (
        "Mitochondria",
        "The powerhouse of the cell.",
        "Makes ATP.",
    )
    assert mitochondria.key == "mitochondria"
    assert (sub.title, sub.summary) == ("Sub", "Cards from the Anki sub-deck Sub.")
    cytoplasm, leaf = sub.children
    assert (cytoplasm.title, cytoplasm.summary) == ("Cytoplasm", "Fills the cell.")
    [ribosome] = leaf.children
    assert ribosome.title == "Ribosome"
    assert ribosome.summary.startswith("Builds proteins from mRNA;")
    assert ribosome.summary.endswith("to explain fully here.")
    assert ribosome.detail == "Found in all cells.\nSecond paragraph & more."
    assert ribosome.key == "sub/leaf/ribosome"
    assert str(ribosome.location).startswith("biology.apkg, note ")


def test_problems_in_an_anki_package_name_the_note(anki: Collection, tmp_path: Path):
    basic = anki.models.by_name("Basic")
    for _ in range(2):
        note = anki.new_note(basic)
        note["Front"], note["Back"] = "Twin", "Same title twice."
        anki.add_note(note, anki.decks.id("Topic"))
    with pytest.raises(DeckValidationError) as raised:
        read_deck_bytes(export_from(anki, tmp_path, legacy=True), "twins.apkg")
    [problem] = raised.value.problems
    assert str(problem).startswith("twins.apkg, note ")
    assert "duplicate key 'twin'" in str(problem)


# --- hostile and broken packages --------------------------------------------------------------


def zip_of(entries: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def our_collection() -> bytes:
    package = deck_to_apkg(read_deck_path(DECKS_DIR / "spaced-repetition.md"))
    return zipfile.ZipFile(io.BytesIO(package)).read("collection.anki2")


def refusal(data: bytes, name: str = "hostile.apkg") -> str:
    with pytest.raises(DeckValidationError) as raised:
        read_deck_bytes(data, name)
    [problem] = raised.value.problems
    return str(problem)


def test_a_file_that_is_not_a_zip_is_refused():
    assert refusal(b"PK\x03\x04 not really a zip") == (
        "hostile.apkg: not an Anki package: the file is not a zip archive"
    )
    assert refusal(b"") == "hostile.apkg: the file is empty"


def test_a_zip_without_a_collection_is_refused():
    message = refusal(zip_of({"media": b"{}", "notes.txt": b"hello"}))
    assert "not an Anki package: there is no collection inside" in message
    assert "collection.anki21b" in message


def test_a_zip_bomb_is_refused_before_it_is_unpacked(own_temp_dir: Path):
    bomb = zip_of({"collection.anki2": bytes(50 * 1024**2)})
    assert len(bomb) < 100 * 1024
    assert "compressed more than 200 to 1" in refusal(bomb)
    assert list(own_temp_dir.iterdir()) == []


def test_an_oversized_collection_is_refused(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(anki_archive, "MAX_COLLECTION_BYTES", 64 * 1024)
    message = refusal(zip_of({"collection.anki2": os.urandom(100 * 1024)}))
    assert "the collection unpacks to" in message and "the limit is" in message


def test_a_zstd_collection_is_cut_off_at_the_limit(monkeypatch: pytest.MonkeyPatch):
    zstandard = pytest.importorskip("zstandard")
    monkeypatch.setattr(anki_archive, "MAX_COLLECTION_BYTES", 1024**2)
    compressed = zstandard.ZstdCompressor().compress(bytes(20 * 1024**2))
    message = refusal(zip_of({"collection.anki21b": compressed}, zipfile.ZIP_STORED))
    assert "the collection unpacks to more than 1 MB" in message


def test_too_many_entries_are_refused(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(anki_archive, "MAX_ENTRIES", 10)
    entries = {str(number): b"x" for number in range(11)}
    entries["collection.anki2"] = our_collection()
    assert "the archive has 12 entries; the limit is 10" in refusal(zip_of(entries))


def test_entry_names_that_climb_out_are_never_used(
    tmp_path: Path, own_temp_dir: Path, monkeypatch: pytest.MonkeyPatch
):
    workdir = tmp_path / "work" / "inner"
    workdir.mkdir(parents=True)
    monkeypatch.chdir(workdir)
    package = zip_of(
        {
            "../../evil": b"pwned",
            "/etc/evil-absolute": b"pwned",
            "../collection.anki2": b"not this one",
            "collection.anki2": our_collection(),
        }
    )
    draft = read_deck_bytes(package, "tricky.apkg")
    assert draft.title == "Spaced Repetition"
    assert [path for path in tmp_path.rglob("*evil*")] == []
    assert list(own_temp_dir.iterdir()) == []


def test_a_corrupted_collection_is_refused(own_temp_dir: Path):
    collection = bytearray(our_collection())
    collection[100:4096] = os.urandom(3996)
    message = refusal(zip_of({"collection.anki2": bytes(collection)}))
    assert "the collection inside is damaged or not an Anki collection" in message
    assert list(own_temp_dir.iterdir()) == []


def test_a_collection_that_is_not_sqlite_is_refused():
    message = refusal(zip_of({"collection.anki21": b"just some text" * 20}))
    assert message == "hostile.apkg: the collection inside is not an SQLite database"


def test_a_damaged_zstd_collection_is_refused():
    message = refusal(zip_of({"collection.anki21b": b"\x28\xb5\x2f\xfd garbage"}))
    assert "is damaged and cannot be decompressed" in message


def test_an_sqlite_file_that_is_not_a_collection_is_refused(tmp_path: Path):
    path = tmp_path / "other.sqlite3"
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE notes (id INTEGER)")
    connection.execute("CREATE VIEW cards AS SELECT 1")
    connection.commit()
    connection.close()
    message = refusal(zip_of({"collection.anki2": path.read_bytes()}))
    assert message == "hostile.apkg: not an Anki collection: it has no col, cards table"


def test_more_notes_than_a_deck_may_have_are_refused(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(anki_collection, "MAX_NOTES", 5)
    message = refusal(zip_of({"collection.anki2": our_collection()}))
    assert "notes; the limit is 5" in message


def patched_entry_header(package: bytes, *, local_offset: int, central_offset: int, value: int):
    """The package with one 2-byte field of every local and central entry header set to value."""
    data = bytearray(package)
    for signature, offset in ((b"PK\x03\x04", local_offset), (b"PK\x01\x02", central_offset)):
        start = data.find(signature)
        while start != -1:
            data[start + offset : start + offset + 2] = value.to_bytes(2, "little")
            start = data.find(signature, start + 4)
    return bytes(data)


@pytest.mark.parametrize(
    ("local_offset", "central_offset", "value"),
    [(8, 10, 99), (6, 8, 1)],
    ids=["unknown-compression", "encrypted"],
)
def test_entries_zipfile_cannot_read_are_refused(local_offset, central_offset, value):
    package = zip_of({"collection.anki2": our_collection()}, zipfile.ZIP_STORED)
    broken = patched_entry_header(
        package, local_offset=local_offset, central_offset=central_offset, value=value
    )
    assert refusal(broken) == (
        "hostile.apkg: collection.anki2 is encrypted or compressed in a way studyapp cannot read"
    )


def test_a_package_is_recognised_by_content_whatever_its_name():
    package = deck_to_apkg(read_deck_path(DECKS_DIR / "spaced-repetition.md"))
    assert read_deck_bytes(package, "upload").source_format == "apkg"
    assert "there is no collection inside" in refusal(zip_of({"a.txt": b"x"}), "notes.zip")


def test_notes_added_in_anki_to_a_studyapp_sub_deck_join_that_concept(
    anki: Collection, tmp_path: Path
):
    draft = read_deck_path(DECKS_DIR / "react-agent-pattern.md")
    parent = next(node for node in draft.concepts if node.children)
    import_into(anki, deck_to_apkg(draft), tmp_path)
    note = anki.new_note(anki.models.by_name("Basic"))
    note["Front"], note["Back"] = "Added in Anki", "A card someone wrote in Anki."
    anki.add_note(note, anki.decks.id(f"{draft.title}::{parent.title}"))

    again = read_deck_bytes(export_from(anki, tmp_path, legacy=False), "edited.apkg")

    [same_parent] = [node for node in again.concepts if node.key == parent.key]
    assert [child.key for child in same_parent.children[:-1]] == [
        child.key for child in parent.children
    ]
    added = same_parent.children[-1]
    assert (added.title, added.summary) == ("Added in Anki", "A card someone wrote in Anki.")
    assert added.key == key_from_title_path([parent.title, "Added in Anki"])
