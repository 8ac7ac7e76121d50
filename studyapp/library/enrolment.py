"""Which decks a user studies: adding a deck to their studies and removing it.

A user may *see* the public decks and their own private decks
(:func:`studyapp.scheduling.queue.visible_deck_clause`); they *study* the
visible decks they are enrolled in (:func:`studyapp.scheduling.queue.studied_deck_clause`),
and only those fill their daily queue, today's counts and the dashboard.

Removing a deck deletes the enrolment row and nothing else: the user's card
states and review log of the deck stay, so adding it again brings back their
progress exactly as it was (cards that fell due meanwhile are simply overdue).

Every function works inside the caller's transaction and never commits. Adding
and removing are idempotent, and adding is safe against a concurrent twin (a
double click): the insert skips a row that already exists instead of failing.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, exists, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from studyapp.decks.catalogue import studied_deck_clause, visible_deck, visible_deck_clause
from studyapp.storage.models import Deck, Enrolment

# Rows per INSERT: three parameters each, well under SQLite's 999-variable limit.
_INSERT_CHUNK = 300


def enrol(session: Session, user_id: int, deck_id: int, now: datetime) -> bool:
    """Add the deck to the user's studies; True if it was added now, False if it already was.

    :class:`~studyapp.decks.catalogue.NotFound` when the user may not see the deck (or it
    does not exist).
    """
    visible_deck(session, user_id, deck_id)
    return _insert_if_missing(session, [(user_id, deck_id)], now) == 1


def unenrol(session: Session, user_id: int, deck_id: int) -> bool:
    """Remove the deck from the user's studies, keeping their history of it.

    True if it was removed now, False if the user did not study it.
    :class:`~studyapp.decks.catalogue.NotFound` when the user may not see the deck.
    """
    visible_deck(session, user_id, deck_id)
    removed = session.execute(
        delete(Enrolment)
        .where(Enrolment.user_id == user_id, Enrolment.deck_id == deck_id)
        .execution_options(synchronize_session=False)
    ).rowcount
    return removed == 1


def is_enrolled(session: Session, user_id: int, deck_id: int) -> bool:
    """Whether the user has added the deck to their studies (whether or not they still see it)."""
    return bool(
        session.scalar(
            select(
                exists().where(Enrolment.user_id == user_id, Enrolment.deck_id == deck_id)
            )
        )
    )


def studies_any_deck(session: Session, user_id: int) -> bool:
    """Whether the user studies at least one deck (enrolled in it, and may still see it)."""
    first = session.scalar(select(Deck.id).where(studied_deck_clause(user_id)).limit(1))
    return first is not None


def enrolled_deck_ids(session: Session, user_id: int) -> set[int]:
    """The ids of every deck the user has added, visible or not (one query)."""
    return set(session.scalars(select(Enrolment.deck_id).where(Enrolment.user_id == user_id)))


def enrol_in_visible_decks(session: Session, user_id: int, now: datetime) -> int:
    """Enrol the user in every deck they may see (public or their own); returns how many
    enrolments are new. What every user had before enrolments existed (migration 0003)."""
    deck_ids = session.scalars(select(Deck.id).where(visible_deck_clause(user_id))).all()
    return _insert_if_missing(session, [(user_id, deck_id) for deck_id in deck_ids], now)


def _insert_if_missing(session: Session, pairs: list[tuple[int, int]], now: datetime) -> int:
    """INSERT … ON CONFLICT DO NOTHING (SQLite and PostgreSQL); the number of rows inserted."""
    if not pairs:
        return 0
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    inserted = 0
    for start in range(0, len(pairs), _INSERT_CHUNK):
        rows = [
            {"user_id": user, "deck_id": deck, "created_at": now}
            for user, deck in pairs[start : start + _INSERT_CHUNK]
        ]
        table = Enrolment.__table__
        statement = (
            insert(table)
            .values(rows)
            .on_conflict_do_nothing(index_elements=[table.c.user_id, table.c.deck_id])
            .returning(table.c.deck_id)  # the rows inserted; rowcount is not portable here
        )
        inserted += len(session.execute(statement).all())
    return inserted
