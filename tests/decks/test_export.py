"""Downloading a deck as JSON or Markdown gives a file that imports as the same deck."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from studyapp.decks.document import ConceptDraft, DeckDraft
from studyapp.decks.export import ExportFormat, export_deck, stored_draft, user_scheduling
from studyapp.decks.formats.reading import deck_files, read_deck_bytes, read_deck_path
from studyapp.decks.importing.importer import import_deck
from studyapp.scheduling.memory import Grade
from studyapp.scheduling.rating import rate_card
from studyapp.scheduling.study_context import StudyContext
from studyapp.storage.db import transaction
from studyapp.storage.models import Card, Concept, Deck
from tests.support.factories import concept, deck_json
from tests.support.paths import DECKS_DIR

SHIPPED_DECKS = sorted(deck_files([DECKS_DIR]))


def shape(draft: DeckDraft) -> tuple:
    """What a learner would notice of a deck: its texts, keys and tree."""

    def node(concept: ConceptDraft) -> tuple:
        children = tuple(node(child) for child in concept.children)
        return (concept.key, concept.title, concept.summary, concept.detail, children)

    return (
        draft.key,
        draft.title,
        draft.description,
        tuple(node(root) for root in draft.concepts),
    )


def test_every_shipped_deck_is_checked():
    assert len(SHIPPED_DECKS) >= 4


@pytest.mark.parametrize("export_format", list(ExportFormat))
@pytest.mark.parametrize("path", SHIPPED_DECKS, ids=lambda path: path.name)
def test_a_shipped_deck_survives_export_and_reimport(session, clock, path, export_format):
    original = read_deck_path(path)
    with transaction(session):
        deck = import_deck(session, original, owner_id=None, now=clock.now()).deck

    exported = export_deck(stored_draft(session, deck), export_format)
    again = read_deck_bytes(exported.content, exported.filename)

    assert shape(again) == shape(read_deck_path(path))
    with transaction(session):
        report = import_deck(session, again, owner_id=None, now=clock.now())
    assert report.deck.id == deck.id
    assert (report.added, report.changed, report.moved, report.retired) == ([], [], [], [])
    assert report.unchanged == original.concept_count()


def test_retired_concepts_are_not_exported(session, import_text):
    import_text(deck_json())
    import_text(deck_json(concepts=[concept("Groups", [concept("Cosets")])]))
    deck = session.scalars(select(Deck)).one()
    draft = stored_draft(session, deck)
    assert [(c.title, depth) for c, depth in draft.walk()] == [("Groups", 1), ("Cosets", 2)]


def test_file_names_come_from_the_deck_key(session, import_text):
    deck = import_text(deck_json(key="Linear Algebra & Co")).deck
    draft = stored_draft(session, deck)
    assert export_deck(draft, ExportFormat.JSON).filename == "linear-algebra-co.json"
    assert export_deck(draft, ExportFormat.MARKDOWN).filename == "linear-algebra-co.md"


def test_an_anki_export_can_carry_my_memory_of_the_cards(session, make_user, import_text, clock):
    ada, bob = make_user("ada"), make_user("bob")
    deck = import_text(deck_json(), studied_by=ada).deck
    groups_recall = session.scalar(
        select(Card.id)
        .join(Concept, Concept.id == Card.concept_id)
        .where(Concept.title == "Groups", Card.kind == "recall")
    )
    context = StudyContext.for_user(ada.settings, clock.now(), enable_fuzzing=False)
    rate_card(session, context, card_id=groups_recall, grade=Grade.EASY)

    mine = user_scheduling(session, ada.id, deck)
    assert list(mine) == [("groups", "recall")]
    memory = mine["groups", "recall"]
    assert memory.state == 2 and memory.reps == 1 and memory.stability_days > 1
    assert memory.due > clock.now() and memory.last_review == clock.now()
    assert user_scheduling(session, bob.id, deck) == {}
    package = export_deck(stored_draft(session, deck), ExportFormat.APKG, scheduling=mine)
    assert package.filename == "algebra.apkg" and package.content[:2] == b"PK"
