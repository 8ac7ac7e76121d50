"""Helpers for re-import tests: Markdown outlines, a learner's history, what the database holds."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from studyapp.storage.models import Card, CardState, Concept, Deck, ReviewLog, User

STUDIED_STABILITY_DAYS = 12.5


@dataclass(frozen=True)
class Node:
    """One concept of an outline: its title, summary and children."""

    title: str
    summary: str
    children: tuple[Node, ...] = ()


def node(title: str, summary: str | None = None, *children: Node) -> Node:
    """``node("Groups", None, node("Subgroups"))``; the summary defaults to one about the title."""
    return Node(
        title, summary or f"What {title.lower()} means, told in a single plain sentence.", children
    )


def outline(*roots: Node, title: str = "Algebra") -> str:
    """A Markdown deck without keys (so every key is derived from the title path)."""
    lines = [f"# {title}", ""]

    def emit(concept: Node, depth: int) -> None:
        lines.extend([f"{'#' * (depth + 1)} {concept.title}", "", concept.summary, ""])
        for child in concept.children:
            emit(child, depth + 1)

    for root in roots:
        emit(root, 1)
    return "\n".join(lines)


def concept_by_key(session: Session, key: str) -> Concept:
    return session.scalars(select(Concept).where(Concept.key == key)).one()


def study(session: Session, user: User, concept_id: int, *, at: datetime) -> list[int]:
    """Give ``user`` a review state and two review log rows on each card of a concept.

    Returns the card ids. Committed, as a learner's reviews are.
    """
    card_ids = list(
        session.scalars(select(Card.id).where(Card.concept_id == concept_id).order_by(Card.id))
    )
    for card_id in card_ids:
        due = at + timedelta(days=STUDIED_STABILITY_DAYS)
        session.add(
            CardState(
                user_id=user.id,
                card_id=card_id,
                state=2,
                step=None,
                stability_days=STUDIED_STABILITY_DAYS,
                difficulty=5.0,
                due=due,
                last_review=at,
                reps=2,
                lapses=0,
            )
        )
        for days_ago in (3, 0):
            session.add(
                ReviewLog(
                    user_id=user.id,
                    card_id=card_id,
                    rating=3,
                    reviewed_at=at - timedelta(days=days_ago),
                    duration_ms=4000,
                    before_state=None if days_ago else 2,
                    after_state=2,
                    after_stability_days=STUDIED_STABILITY_DAYS,
                    after_difficulty=5.0,
                    after_due=due,
                )
            )
    session.commit()
    return card_ids


def history(session: Session) -> dict[int, tuple[Any, ...]]:
    """Card id -> (concept id, user id, state, stability, due, review log rows) per state."""
    logs = dict(
        session.execute(select(ReviewLog.card_id, func.count()).group_by(ReviewLog.card_id)).all()
    )
    rows = session.execute(
        select(
            CardState.card_id,
            Card.concept_id,
            CardState.user_id,
            CardState.state,
            CardState.stability_days,
            CardState.due,
        ).join(Card, Card.id == CardState.card_id)
    )
    return {row.card_id: (*row[1:], logs.get(row.card_id, 0)) for row in rows}


def table_counts(session: Session) -> dict[str, int]:
    return {
        model.__name__: session.scalar(select(func.count()).select_from(model))
        for model in (Deck, Concept, Card, CardState, ReviewLog)
    }


def live_keys(session: Session, deck_id: int) -> list[str]:
    return list(
        session.scalars(
            select(Concept.key)
            .where(Concept.deck_id == deck_id, Concept.retired_at.is_(None))
            .order_by(Concept.map_order)
        )
    )
