"""Reading the stored deck an import would update, before planning it.

:func:`find_deck_for_import` finds the deck (for one owner, by key);
:func:`stored_rows` reads its concepts, live and retired, as :class:`StoredRow`;
:func:`stored_title_paths` gives each one's titles from its root down; and
:func:`review_state_counts` counts the review states on each concept.
"""

from __future__ import annotations

from typing import NamedTuple

from sqlalchemy import func, literal, select
from sqlalchemy.orm import Session

from studyapp.decks.importing.changes import TitlePath
from studyapp.storage.models import Card, CardState, Concept, Deck


def find_deck_for_import(
    session: Session, key: str, owner_id: int | None, *, lock: bool = False
) -> Deck | None:
    """The stored deck a draft with ``key`` would update for this owner, if any.

    ``lock`` holds the row until the transaction ends (PostgreSQL; SQLite
    takes its database-wide write lock at the first write instead).
    """
    owner_clause = Deck.owner_id.is_(None) if owner_id is None else Deck.owner_id == owner_id
    statement = select(Deck).where(Deck.key == key, owner_clause)
    if lock:
        statement = statement.with_for_update()
    return session.scalars(statement).one_or_none()


class StoredRow(NamedTuple):
    """A stored concept as the plan reads it; the first eight fields as in
    :class:`~studyapp.decks.importing.changes.ConceptRow`."""

    key: str
    title: str
    summary: str
    detail: str
    position: int
    depth: int
    map_order: int
    subtree_last_order: int
    id: int
    parent_id: int | None
    retired: bool


def stored_rows(session: Session, deck_id: int) -> list[StoredRow]:
    rows = session.execute(
        select(
            Concept.key,
            Concept.title,
            Concept.summary,
            Concept.detail,
            Concept.position,
            Concept.depth,
            Concept.map_order,
            Concept.subtree_last_order,
            Concept.id,
            Concept.parent_id,
            Concept.retired_at.is_not(None),
        ).where(Concept.deck_id == deck_id)
    )
    return [StoredRow(*row) for row in rows]


def stored_title_paths(rows: list[StoredRow]) -> dict[int, TitlePath]:
    """Each stored concept's titles from its root down, following the stored parents."""
    by_id = {row.id: row for row in rows}
    paths: dict[int, TitlePath] = {}
    for row in rows:
        chain: list[StoredRow] = []
        current: StoredRow | None = row
        while current is not None and current.id not in paths and current not in chain:
            chain.append(current)
            current = by_id.get(current.parent_id)
        path = paths.get(current.id, ()) if current is not None else ()
        for item in reversed(chain):
            path = (*path, item.title)
            paths[item.id] = path
    return paths


def review_state_counts(
    session: Session, deck_id: int, user_id: int | None
) -> dict[int, tuple[int, int]]:
    """Concept id -> (review states of every user, review states of ``user_id``)."""
    user_count = (
        func.count().filter(CardState.user_id == user_id) if user_id is not None else literal(0)
    )
    rows = session.execute(
        select(Card.concept_id, func.count(), user_count)
        .join(CardState, CardState.card_id == Card.id)
        .where(Card.concept_id.in_(select(Concept.id).where(Concept.deck_id == deck_id)))
        .group_by(Card.concept_id)
    )
    return {concept_id: (everyone, user) for concept_id, everyone, user in rows}
