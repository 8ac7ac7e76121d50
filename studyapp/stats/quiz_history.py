"""Quiz history: each branch's quiz scores over time.

Covers the quizzes of every deck the user may see (like ratings, quizzes taken
are history) that have at least one answer: per branch (the subtree a quiz
covered), the share of answered questions answered right (0–1), dated by the
study day it was finished (or started, if abandoned). At most
:data:`QUIZ_BRANCHES` branches, the one quizzed most recently first, and
:data:`QUIZZES_PER_BRANCH` quizzes each, the latest ones.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from studyapp.decks.catalogue import visible_deck_clause
from studyapp.scheduling.study_context import StudyContext
from studyapp.scheduling.study_day import study_day_containing
from studyapp.storage.models import Concept, Deck, Quiz, QuizQuestion

QUIZ_BRANCHES = 8
QUIZZES_PER_BRANCH = 20


@dataclass(frozen=True)
class QuizScore:
    """One quiz of a branch: ``right`` of ``answered`` questions, on its study ``date``."""

    quiz_id: int
    date: date
    taken_at: datetime
    mode: str
    answered: int
    right: int
    finished: bool

    @property
    def score(self) -> float:
        return self.right / self.answered if self.answered else 0.0


@dataclass(frozen=True)
class BranchQuizzes:
    """A branch's quizzes, oldest first (at most :data:`QUIZZES_PER_BRANCH`, the latest ones)."""

    subtree_id: int
    deck_id: int
    title: str
    quizzes: list[QuizScore]


def quiz_history(
    session: Session, context: StudyContext, deck_id: int | None = None
) -> list[BranchQuizzes]:
    """Each branch's quiz scores over time (quizzes with at least one answer), the branch
    quizzed most recently first; at most :data:`QUIZ_BRANCHES` branches."""
    answered = func.count(QuizQuestion.answered_at)
    right = func.count(QuizQuestion.id).filter(QuizQuestion.correct.is_(True))
    query = (
        select(
            Quiz.id,
            Quiz.subtree_id,
            Quiz.deck_id,
            Concept.title,
            Quiz.mode,
            Quiz.created_at,
            Quiz.finished_at,
            answered,
            right,
        )
        .join(QuizQuestion, QuizQuestion.quiz_id == Quiz.id)
        .join(Concept, Concept.id == Quiz.subtree_id)
        .join(Deck, Deck.id == Quiz.deck_id)
        .where(Quiz.user_id == context.user_id, visible_deck_clause(context.user_id))
        .group_by(Quiz.id, Concept.title)
        .having(answered > 0)
        .order_by(Quiz.created_at.desc(), Quiz.id.desc())
        .limit(QUIZ_BRANCHES * QUIZZES_PER_BRANCH)
    )
    if deck_id is not None:
        query = query.where(Quiz.deck_id == deck_id)
    branches: dict[int, BranchQuizzes] = {}
    for (
        quiz_id,
        subtree_id,
        quiz_deck,
        title,
        mode,
        created,
        finished,
        n,
        n_right,
    ) in session.execute(query):
        branch = branches.get(subtree_id)
        if branch is None:
            if len(branches) >= QUIZ_BRANCHES:
                continue
            branch = branches[subtree_id] = BranchQuizzes(subtree_id, quiz_deck, title, [])
        if len(branch.quizzes) >= QUIZZES_PER_BRANCH:
            continue
        taken_at = finished or created
        branch.quizzes.append(
            QuizScore(
                quiz_id=quiz_id,
                date=study_day_containing(
                    taken_at, context.time_zone, context.day_rollover_hour
                ).date,
                taken_at=taken_at,
                mode=mode,
                answered=n,
                right=n_right,
                finished=finished is not None,
            )
        )
    for branch in branches.values():
        branch.quizzes.reverse()
    return list(branches.values())


__all__ = ["BranchQuizzes"]
