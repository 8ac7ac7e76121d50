"""Learning and relearning cards: read live each time (they are few, and come due by the minute)."""

from __future__ import annotations

from fsrs import State
from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import Session

from studyapp.scheduling.queue.entries import QueueEntry, QueueKind, QueueScope
from studyapp.scheduling.queue.scope import ScopeShape, prepared, scope_parameters, scoped
from studyapp.scheduling.study_context import StudyContext
from studyapp.storage.models import Card, CardState, Concept

LEARNING_STATES = (State.Learning.value, State.Relearning.value)


@prepared
def _learning_statement(scope_shape: ScopeShape) -> Select:
    return scoped(
        select(CardState.card_id, Card.concept_id, Concept.deck_id, CardState.due)
        .join(Card, Card.id == CardState.card_id)
        .where(
            CardState.user_id == bindparam("user_id"),
            CardState.state.in_(LEARNING_STATES),
            CardState.due < bindparam("day_ends_at", type_=CardState.due.type),
        ),
        scope_shape,
    )


def learning_cards(session: Session, context: StudyContext, scope: QueueScope) -> list[QueueEntry]:
    """Learning and relearning cards due before the study day ends, earliest first.

    Their concepts' other cards are buried for the day.
    """
    rows = session.execute(
        _learning_statement(scope),
        {**scope_parameters(context.user_id, scope), "day_ends_at": context.day.ends_at},
    ).all()
    # Sorted here, not by the query: an ORDER BY on ``due`` tempts planners into the
    # (user, due) index, walking every due card to find the few learning ones (SQLite
    # did, at 14 ms a request with 2,850 due, whenever its statistics had been taken
    # while no card was in learning). Without it, the (user, state, due) index is used.
    return [
        QueueEntry(card_id, concept_id, deck_id, QueueKind.LEARNING, due)
        for card_id, concept_id, deck_id, due in sorted(rows, key=lambda row: (row[3], row[0]))
    ]
