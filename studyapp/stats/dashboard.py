"""How one user's studying is going: the figures behind the dashboard and ``GET /api/v1/stats``.

Plain Python over a session (no Flask); :func:`dashboard_stats` gathers
everything for one user and an optional deck into :class:`DashboardStats`, from
one module per kind of figure. docs/dashboard.md explains each figure.

* :mod:`studyapp.stats.history`: what the user rated, per study day (the
  heatmap, today's totals, the streak, true retention). It counts every rating
  the user gave, also on cards since retired: they happened. With a deck, the
  ratings of that deck's cards.
* :mod:`studyapp.stats.collection` (card states, mastery, stability and
  retrievability, the hardest concepts) and :mod:`studyapp.stats.forecast`
  (cards falling due per study day): the cards of the decks the user studies,
  live concepts only, except the ``retired`` count. A deck the user removed
  from their studies drops out of these figures (its history stays in the ones
  above, and comes back here when they add it again).
* :mod:`studyapp.stats.quiz_history`: each branch's quiz scores, over every
  deck the user may see: like ratings, quizzes taken are history.
* :mod:`studyapp.stats.study_days`: the SQL under them, study days' UTC bounds
  as a small table, so the grouping by day needs no database time-zone function.

:class:`TodayFigures` puts today's history beside what today's queue
(:func:`studyapp.scheduling.queue.todays_queue`) has left.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from studyapp.decks.catalogue import DeckSummary, studied_decks
from studyapp.map.mastery import MasteryLevel
from studyapp.scheduling.queue.daily import todays_queue
from studyapp.scheduling.queue.entries import QueueScope
from studyapp.scheduling.study_context import StudyContext
from studyapp.scheduling.study_day import StudyDay
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
from studyapp.stats.quiz_history import BranchQuizzes, quiz_history


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


__all__ = ["DashboardStats", "TodayFigures", "dashboard_stats"]
