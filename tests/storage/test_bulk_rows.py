"""Bulk inserts and updates store every value exactly, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, literal, select

from studyapp.storage.bulk_rows import insert_rows, update_rows
from studyapp.storage.db import UTCDateTime, transaction
from studyapp.storage.models import Concept, Deck
from tests.support.query_counter import count_queries

CONCEPTS = Concept.__table__
AWKWARD = 'Naïve "Bayes" \\ tab\tnew\nline 𝔼[X] — 50%'


def test_rows_round_trip_with_awkward_text_and_nulls(session):
    with transaction(session):
        deck = Deck(
            key="d",
            title="D",
            source_format="json",
            created_at=datetime(2026, 1, 1, tzinfo=UTC),
            updated_at=datetime(2026, 1, 1, tzinfo=UTC),
        )
        session.add(deck)
        session.flush()
        rows = [
            {
                "deck_id": deck.id,
                "parent_id": None,
                "key": f"{AWKWARD} {index}",
                "title": AWKWARD,
                "summary": AWKWARD * 3,
                "detail": "",
                "position": index,
                "depth": 1,
                "map_order": index,
                "subtree_last_order": index,
            }
            for index in range(3)
        ]
        inserted = insert_rows(session, CONCEPTS, rows, returning=(CONCEPTS.c.id, CONCEPTS.c.key))
        ids = {key: concept_id for concept_id, key in inserted}
        assert set(ids) == {row["key"] for row in rows}

        first, second = ids[f"{AWKWARD} 0"], ids[f"{AWKWARD} 1"]
        retired = datetime(2026, 2, 3, 4, 5, 6, tzinfo=UTC)
        update_rows(
            session,
            CONCEPTS,
            [{"id": second, "parent_id": first, "title": "Second", "depth": 2}],
            also_set={"retired_at": literal(retired, UTCDateTime())},
        )

    stored = {
        row.id: row
        for row in session.execute(select(CONCEPTS).where(CONCEPTS.c.deck_id == deck.id))
    }
    assert stored[first].summary == AWKWARD * 3 and stored[first].retired_at is None
    assert (stored[second].parent_id, stored[second].title, stored[second].depth) == (
        first,
        "Second",
        2,
    )
    assert stored[second].retired_at == retired
    assert stored[second].summary == AWKWARD * 3
    assert session.scalar(select(func.count()).select_from(CONCEPTS)) == 3


def test_nothing_to_write_sends_nothing(session, engine):
    with count_queries(engine) as log:
        assert insert_rows(session, CONCEPTS, [], returning=(CONCEPTS.c.id,)) == []
        update_rows(session, CONCEPTS, [])
    assert log.count == 0
