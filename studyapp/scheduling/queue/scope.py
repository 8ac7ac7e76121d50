"""Which cards a study session draws from: the studied decks' live cards, in a deck or a branch."""

from __future__ import annotations

from sqlalchemy import Select
from sqlalchemy.orm import Session

from studyapp.decks.catalogue import studied_deck_clause
from studyapp.scheduling.queue.entries import QueueScope
from studyapp.storage.models import Card, Concept, Deck


def restrict_to_scope(query: Select, user_id: int, scope: QueueScope, session: Session) -> Select:
    """Restrict a query over ``Card`` to live cards of the decks the user studies, within
    ``scope`` (see :func:`studied_deck_clause`)."""
    query = (
        query.join(Concept, Concept.id == Card.concept_id)
        .join(Deck, Deck.id == Concept.deck_id)
        .where(Concept.retired_at.is_(None), studied_deck_clause(user_id))
    )
    if scope.deck_id is not None:
        query = query.where(Concept.deck_id == scope.deck_id)
    if scope.subtree_root_id is not None:
        root = session.get(Concept, scope.subtree_root_id)
        if root is None:
            return query.where(Card.id.is_(None))
        query = query.where(
            Concept.deck_id == root.deck_id,
            Concept.map_order.between(root.map_order, root.subtree_last_order),
        )
    return query
