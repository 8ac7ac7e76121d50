"""Quiz history (studyapp.stats.quiz_history), against hand-computed expectations.

Quizzes are inserted directly (:func:`add_quiz`); every expected number is a literal,
derived in a comment. Every test runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from studyapp.stats.dashboard import dashboard_stats
from studyapp.storage.db import transaction
from studyapp.storage.models import Card, Concept, Quiz, QuizQuestion
from tests.support.dashboard import NOW, context_for, utc


def add_quiz(session, user, deck, subtree, created, answers: list[bool | None], finished=True):
    quiz = Quiz(
        user_id=user.id,
        deck_id=deck.id,
        subtree_id=subtree.id,
        mode="recall",
        practice_only=False,
        question_count=len(answers),
        created_at=created,
        finished_at=created + timedelta(minutes=5) if finished else None,
        before_not_started=0,
        before_learning=0,
        before_familiar=0,
        before_proficient=0,
        before_mastered=0,
        before_mean_retrievability=None,
    )
    session.add(quiz)
    session.flush()
    card_id = session.scalars(select(Card.id).where(Card.concept_id == subtree.id)).first()
    for position, correct in enumerate(answers):
        session.add(
            QuizQuestion(
                quiz_id=quiz.id,
                position=position,
                card_id=card_id,
                concept_id=subtree.id,
                prompt_kind="recall",
                rating=None if correct is None else (3 if correct else 1),
                correct=correct,
                answered_at=None if correct is None else created + timedelta(minutes=1),
            )
        )


def test_quiz_scores_per_branch_over_time(session, make_user, deck):
    ada = make_user("ada", time_zone="Pacific/Kiritimati")
    bob = make_user("bob")
    groups = session.scalars(select(Concept).where(Concept.title == "Groups")).one()
    rings = session.scalars(select(Concept).where(Concept.title == "Rings")).one()
    with transaction(session):
        # Groups: 2 of 3 answered right (one unanswered, quiz abandoned), then 3 of 3.
        add_quiz(
            session,
            ada,
            deck,
            groups,
            utc(2026, 2, 20, 13, 0),
            [True, False, True, None],
            finished=False,
        )
        add_quiz(session, ada, deck, groups, utc(2026, 2, 25, 15, 0), [True, True, True])
        # Rings: quizzed last (most recent first), 1 of 2; and one with no answer at all.
        add_quiz(session, ada, deck, rings, utc(2026, 3, 1, 0, 0), [True, False])
        add_quiz(session, ada, deck, rings, utc(2026, 3, 1, 1, 0), [None, None], finished=False)
        add_quiz(session, bob, deck, rings, utc(2026, 3, 1, 2, 0), [False])  # not ada's
    stats = dashboard_stats(session, context_for(ada, NOW))
    assert [(branch.title, len(branch.quizzes)) for branch in stats.quizzes] == [
        ("Rings", 1),
        ("Groups", 2),
    ]
    rings_quiz = stats.quizzes[0].quizzes[0]
    assert (rings_quiz.answered, rings_quiz.right, rings_quiz.score) == (2, 1, 0.5)
    assert rings_quiz.date == date(2026, 3, 1)  # 03-01 14:05 local
    first, second = stats.quizzes[1].quizzes
    assert (first.answered, first.right, first.finished) == (3, 2, False)
    assert first.score == pytest.approx(2 / 3)
    # Created 02-20 13:00 UTC = 02-21 03:00 local, before the 04:00 rollover -> 02-20.
    assert first.date == date(2026, 2, 20)
    assert (second.answered, second.right, second.score) == (3, 3, 1.0)
    # Finished 02-25 15:05 UTC = 02-26 05:05 local -> 02-26.
    assert second.date == date(2026, 2, 26)
