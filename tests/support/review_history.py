"""A learner's history written straight into the database: review logs, card states, ratings."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from studyapp.scheduling.memory import Grade
from studyapp.scheduling.rating import rate_card
from studyapp.scheduling.study_context import StudyContext
from studyapp.storage.models import (
    Card,
    CardKind,
    CardState,
    Concept,
    ReviewLog,
    User,
)
from tests.conftest import START


def add_log(
    session,
    user: User,
    card_id: int,
    at: datetime,
    *,
    rating: int = 3,
    before_state: int | None = 2,
    interval_days: float = 5.0,
    duration_ms: int | None = 1000,
) -> None:
    """One rating; a review-state rating had been scheduled ``interval_days`` before it was due."""
    last = at - timedelta(days=interval_days) if before_state else None
    session.add(
        ReviewLog(
            user_id=user.id,
            card_id=card_id,
            rating=rating,
            reviewed_at=at,
            duration_ms=duration_ms,
            before_state=before_state,
            before_stability_days=interval_days if before_state else None,
            before_difficulty=5.0 if before_state else None,
            before_due=(last + timedelta(days=interval_days)) if last else None,
            before_last_review=last,
            after_state=2,
            after_stability_days=10.0,
            after_difficulty=5.0,
            after_due=at + timedelta(days=10),
        )
    )


def add_state(
    session,
    user: User,
    card_id: int,
    *,
    state: int = 2,
    stability_days: float = 10.0,
    due: datetime = START + timedelta(days=10),
    last_review: datetime = START,
    lapses: int = 0,
) -> None:
    session.add(
        CardState(
            user_id=user.id,
            card_id=card_id,
            state=state,
            step=None if state == 2 else 0,
            stability_days=stability_days,
            difficulty=5.0,
            due=due,
            last_review=last_review,
            reps=1 + lapses,
            lapses=lapses,
        )
    )


def cards_by_concept(session, deck_id: int) -> dict[str, list[int]]:
    """Card ids per concept title, in kind order recall, recognise, explain."""
    rows = session.execute(
        select(Concept.title, Card.id, Card.kind)
        .join(Card, Card.concept_id == Concept.id)
        .where(Concept.deck_id == deck_id)
    ).all()
    order = {"recall": 0, "recognise": 1, "explain": 2}
    found: dict[str, list[tuple[int, int]]] = {}
    for title, card_id, kind in rows:
        found.setdefault(title, []).append((order[kind], card_id))
    return {title: [card for _, card in sorted(cards)] for title, cards in found.items()}


def rate(session, user, card_id: int, grade: Grade, now) -> None:
    session.expire_all()
    context = StudyContext.for_user(user.settings, now, enable_fuzzing=False)
    rate_card(session, context, card_id=card_id, grade=grade)


def card_id(session, deck_id: int, title: str, kind: CardKind = CardKind.RECALL) -> int:
    return session.scalar(
        select(Card.id)
        .join(Concept, Concept.id == Card.concept_id)
        .where(Concept.deck_id == deck_id, Concept.title == title, Card.kind == kind.value)
    )
