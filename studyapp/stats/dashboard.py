"""How one user's studying is going: the figures behind the dashboard and ``GET /api/v1/stats``.

Plain Python over a session (no Flask); :func:`dashboard_stats` gathers
everything for one user and an optional deck. docs/dashboard.md explains each
figure; the essentials:

* **Study days** come from :mod:`studyapp.scheduling.study_day` only; their
  UTC bounds go to the database as a small table (:mod:`studyapp.stats.study_days`),
  so the grouping by day happens in SQL without any database time-zone function.
* **History** (reviews per day, time, streak, true retention;
  :mod:`studyapp.stats.history`) counts every rating the user gave, also on
  cards since retired: they happened. With a deck, the ratings of that deck's cards.
* **The collection** (card states, mastery, stability, retrievability, the
  hardest concepts: :mod:`studyapp.stats.collection`; the forecast:
  :mod:`studyapp.stats.forecast`) counts the cards of the decks the user
  studies, live concepts only, except the ``retired`` count. A deck the user
  removed from their studies drops out of these figures (its history stays in
  the ones above, and comes back here when they add it again).
* **Quiz history** covers the quizzes of every deck the user may see: like
  ratings, quizzes taken are history.
* **True retention** is Anki's: of the ratings given to cards in the review
  state, the share not rated Again; *mature* cards had been scheduled at least
  21 days ahead (:mod:`studyapp.stats.history`).
* **Retrievability** is FSRS's forgetting curve
  (:func:`studyapp.stats.collection.forgetting_curve`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import (
    func,
    select,
)
from sqlalchemy.orm import Session

from studyapp.decks.catalogue import (
    DeckSummary,
    studied_decks,
    visible_deck_clause,
)
from studyapp.map.mastery import MasteryLevel
from studyapp.scheduling.queue import QueueScope, todays_queue
from studyapp.scheduling.study_context import StudyContext
from studyapp.scheduling.study_day import StudyDay, study_day_containing
from studyapp.stats.collection import (
    CardStateCounts,
    DeckMastery,
    HardConcept,
    RetrievabilityBin,
    StabilityBin,
    collection_figures,
)
from studyapp.stats.forecast import DayForecast, forecast
from studyapp.stats.history import DayReviews, TrueRetention, daily_history, streak_days
from studyapp.storage.models import Concept, Deck, Quiz, QuizQuestion

QUIZ_BRANCHES = 8
QUIZZES_PER_BRANCH = 20


@dataclass(frozen=True)
class TodayFigures:
    """The current study day: ``reviewed`` ratings given (``again_count`` of them Again),
    ``new_introduced`` new cards seen for the first time, ``time_spent_ms`` answer time;
    and from today's queue, what is left: ``due_left`` review cards (within the daily
    limit), ``learning_left`` learning cards (also those due later today), ``new_left``."""

    reviewed: int
    again_count: int
    new_introduced: int
    time_spent_ms: int
    due_left: int
    learning_left: int
    new_left: int


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


@dataclass(frozen=True)
class DashboardStats:
    """Everything the dashboard shows, for one user and ``deck_id`` (None: all decks)."""

    deck_id: int | None
    decks: list[DeckSummary]
    day: StudyDay
    time_zone: str
    day_rollover_hour: int
    desired_retention: float
    today: TodayFigures
    streak_days: int
    heatmap: list[DayReviews]
    true_retention: list[TrueRetention]
    forecast: list[DayForecast]
    card_states: CardStateCounts
    mastery_levels: dict[MasteryLevel, int]
    mastery_by_deck: list[DeckMastery]
    stability_histogram: list[StabilityBin]
    retrievability_histogram: list[RetrievabilityBin]
    mean_retrievability: float | None
    hardest: list[HardConcept]
    quizzes: list[BranchQuizzes] = field(default_factory=list)

    @property
    def deck_title(self) -> str | None:
        return next((deck.title for deck in self.decks if deck.id == self.deck_id), None)


def dashboard_stats(
    session: Session, context: StudyContext, deck_id: int | None = None
) -> DashboardStats:
    """All the figures for ``context``'s user; ``deck_id`` must be a deck they may see.

    ``decks`` lists the decks they study; a ``deck_id`` they may see but do not
    study has its history and an empty collection.
    """
    user_id = context.user_id
    decks = studied_decks(session, user_id)
    daily = daily_history(session, context, deck_id)
    collection = collection_figures(session, context, deck_id, decks)
    queue = todays_queue(session, context, QueueScope(deck_id=deck_id))
    return DashboardStats(
        deck_id=deck_id,
        decks=decks,
        day=context.day,
        time_zone=context.time_zone,
        day_rollover_hour=context.day_rollover_hour,
        desired_retention=context.scheduler.desired_retention,
        today=TodayFigures(
            reviewed=daily.today_reviews,
            again_count=daily.today_again,
            new_introduced=daily.today_new,
            time_spent_ms=daily.today_duration_ms,
            due_left=len(queue.review),
            learning_left=len(queue.learning) + queue.learning_later_today,
            new_left=len(queue.new),
        ),
        streak_days=streak_days(session, context, deck_id, daily),
        heatmap=[DayReviews(day.date, day.reviews) for day in daily.days],
        true_retention=daily.retention,
        forecast=forecast(session, context, deck_id),
        card_states=collection.card_states,
        mastery_levels=collection.mastery_levels,
        mastery_by_deck=collection.mastery_by_deck,
        stability_histogram=collection.stability_histogram,
        retrievability_histogram=collection.retrievability_histogram,
        mean_retrievability=collection.mean_retrievability,
        hardest=collection.hardest,
        quizzes=quiz_history(session, context, deck_id),
    )


# --- quizzes ---------------------------------------------------------------------------


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


__all__ = [
    "BranchQuizzes",
    "DashboardStats",
    "TodayFigures",
    "dashboard_stats",
]
