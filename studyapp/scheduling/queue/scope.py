"""Which cards a study session draws from: the studied decks' live cards, in a deck or a branch.

The restriction is written with bound parameters (``user_id``, ``scope_deck_id``,
``scope_root_id``: :func:`scope_parameters`), so a statement built once per
scope shape serves every learner and every deck or branch: the queue's
statements are built at first use and reused (:func:`prepared`), which spares
SQLAlchemy building and hashing them on every request.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Select, bindparam
from sqlalchemy.orm import Session, aliased

from studyapp.decks.catalogue import studied_deck_clause
from studyapp.scheduling.queue.entries import QueueScope
from studyapp.storage.models import Card, Concept, Deck

ScopeShape = tuple[bool, bool]  # (narrowed to a deck, narrowed to a branch)


def shape(scope: QueueScope) -> ScopeShape:
    return (scope.deck_id is not None, scope.subtree_root_id is not None)


def scoped(query: Select, scope_shape: ScopeShape) -> Select:
    """Restrict a query over ``Card`` to live cards of the decks the user studies, within
    a scope of this shape (see :func:`studied_deck_clause`); the values come from
    :func:`scope_parameters`."""
    by_deck, by_branch = scope_shape
    query = (
        query.join(Concept, Concept.id == Card.concept_id)
        .join(Deck, Deck.id == Concept.deck_id)
        .where(Concept.retired_at.is_(None), studied_deck_clause(bindparam("user_id")))
    )
    if by_deck:
        query = query.where(Concept.deck_id == bindparam("scope_deck_id"))
    if by_branch:
        root = aliased(Concept)
        query = query.join(root, root.id == bindparam("scope_root_id")).where(
            Concept.deck_id == root.deck_id,
            Concept.map_order.between(root.map_order, root.subtree_last_order),
        )
    return query


def scope_parameters(user_id: int, scope: QueueScope) -> dict[str, Any]:
    return {
        "user_id": user_id,
        "scope_deck_id": scope.deck_id,
        "scope_root_id": scope.subtree_root_id,
    }


def restrict_to_scope(query: Select, user_id: int, scope: QueueScope, session: Session) -> Select:
    """:func:`scoped` with this user's and scope's values bound, for one-off queries."""
    del session  # the branch's bounds are read by the statement itself
    parameters = {
        name: value
        for name, value in scope_parameters(user_id, scope).items()
        if value is not None
    }
    return scoped(query, shape(scope)).params(parameters)


def prepared(build: Callable[[ScopeShape], Select]) -> Callable[[QueueScope], Select]:
    """``build(shape)`` made once per scope shape, then reused."""
    statements: dict[ScopeShape, Select] = {}

    def statement(scope: QueueScope) -> Select:
        key = shape(scope)
        if key not in statements:
            statements[key] = build(key)
        return statements[key]

    return statement
