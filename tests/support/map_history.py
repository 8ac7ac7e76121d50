"""A learner's memory of a map's concepts, written straight into the database."""

from __future__ import annotations

from datetime import timedelta

from fsrs import State
from sqlalchemy import select

from studyapp.storage.models import Card, CardState, Concept, ReviewLog
from tests.conftest import START


def concept_ids(session, deck_id: int) -> dict[str, int]:
    return dict(
        session.execute(
            select(Concept.title, Concept.id).where(Concept.deck_id == deck_id)
        ).all()
    )


def card_ids(session, concept_id: int) -> dict[str, int]:
    return dict(
        session.execute(select(Card.kind, Card.id).where(Card.concept_id == concept_id)).all()
    )


def remember(
    session,
    user_id: int,
    concept_id: int,
    *,
    stability: float,
    days_ago: float,
    state: State = State.Review,
    kinds: tuple[str, ...] = ("recall", "recognise", "explain"),
    now=START,
) -> None:
    """Give the user a memory of the concept's cards, as if reviewed ``days_ago`` days ago."""
    cards = card_ids(session, concept_id)
    last = now - timedelta(days=days_ago)
    for kind in kinds:
        due = last + timedelta(days=stability) if state == State.Review else now
        session.add(
            CardState(
                user_id=user_id,
                card_id=cards[kind],
                state=state.value,
                step=None if state == State.Review else 0,
                stability_days=stability,
                difficulty=5.0,
                due=due,
                last_review=last,
                reps=3,
                lapses=0,
            )
        )
        session.add(
            ReviewLog(
                user_id=user_id,
                card_id=cards[kind],
                rating=3,
                reviewed_at=last,
                duration_ms=4000,
                before_state=State.Review.value,
                after_state=state.value,
                after_stability_days=stability,
                after_difficulty=5.0,
                after_due=due,
            )
        )
    session.commit()
