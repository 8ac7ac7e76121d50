"""The quiz tests' lookups by title, remembered cards and stored questions (tests/quiz)."""

from __future__ import annotations

from datetime import timedelta

from fsrs import State
from sqlalchemy import func, select

from studyapp.storage.db import transaction
from studyapp.storage.models import (
    Card,
    CardKind,
    CardState,
    Concept,
    Quiz,
    QuizQuestion,
    ReviewLog,
)


def concept_id(session, title: str) -> int:
    return session.scalars(select(Concept.id).where(Concept.title == title)).one()


def card_id(session, title: str, kind: CardKind = CardKind.RECALL) -> int:
    return session.scalars(
        select(Card.id).join(Card.concept).where(Concept.title == title, Card.kind == kind.value)
    ).one()


def remember(session, user, clock, card: int, *, stability: float, days_ago: float) -> None:
    """Give ``user`` a review-state memory of ``card`` last reviewed ``days_ago``."""
    last = clock.now() - timedelta(days=days_ago)
    with transaction(session):
        session.add(
            CardState(
                user_id=user.id,
                card_id=card,
                state=State.Review.value,
                step=None,
                stability_days=stability,
                difficulty=5.0,
                due=last + timedelta(days=stability),
                last_review=last,
                reps=3,
                lapses=0,
            )
        )


def take(session, quiz: Quiz, user) -> list:
    """Every question of the quiz as it comes, answering none (reads only)."""
    rows = session.scalars(
        select(QuizQuestion).where(QuizQuestion.quiz_id == quiz.id).order_by(QuizQuestion.position)
    ).all()
    return list(rows)


def log_count(session) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(ReviewLog))
