"""The dashboard's figures (studyapp.stats.dashboard; docs/dashboard.md)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import Field, WithJsonSchema

from studyapp.api.schemas.common import (
    ApiModel,
    Count,
    Id,
    InlineModel,
    MasteryLevels,
    Share,
    Timestamp,
)
from studyapp.api.schemas.query import QueryId
from studyapp.stats.dashboard import DashboardStats
from studyapp.stats.history import PassFail
from studyapp.storage.models import QuizMode

StudyDate = Annotated[
    dt.date,
    WithJsonSchema(
        {"type": "string", "format": "date", "description": "A study day, by its local date."}
    ),
]


class StatsQuery(ApiModel):
    deck_id: QueryId = Field(default=None, description="Only this deck (default: all decks).")


class TodayFigures(InlineModel):
    reviewed: Count = Field(description="Ratings given today.")
    again: Count = Field(description="Of them, Again.")
    new_introduced: Count = Field(description="New cards seen today.")
    time_spent_ms: Count = Field(description="Answer time today.")
    due: Count = Field(description="Review cards still due today.")
    learning: Count = Field(description="Learning cards left today.")
    new_left: Count = Field(description="New cards still available.")


class DayReviews(InlineModel):
    date: StudyDate
    reviews: Count


class PassedFailed(InlineModel):
    passed: Count = Field(description="Rated Hard, Good or Easy.")
    failed: Count = Field(description="Rated Again.")
    rate: Share | None = Field(description="passed / (passed + failed).")

    @classmethod
    def of(cls, counts: PassFail) -> PassedFailed:
        return cls(passed=counts.passed, failed=counts.failed, rate=counts.rate)


class RetentionPeriod(InlineModel):
    days: Annotated[int, WithJsonSchema({"type": "integer", "minimum": 1})] = Field(
        description="Study days covered."
    )
    young: PassedFailed = Field(description="Scheduled interval under 21 days.")
    mature: PassedFailed = Field(description="Scheduled interval of 21 days or more.")
    all: PassedFailed


class TrueRetention(InlineModel):
    """Ratings of cards in review: not Again (passed) or Again."""

    today: RetentionPeriod
    yesterday: RetentionPeriod
    last_7_days: RetentionPeriod
    last_30_days: RetentionPeriod
    last_365_days: RetentionPeriod


class DayForecast(InlineModel):
    date: StudyDate
    due: Count


class CardStates(InlineModel):
    new: Count
    learning: Count
    review: Count
    relearning: Count
    retired: Count


class DeckMastery(InlineModel):
    deck_id: Id
    title: str
    levels: MasteryLevels = Field(
        description="Live concepts at each mastery level (docs/mastery.md)."
    )


class StabilityBin(InlineModel):
    from_days: Annotated[float, WithJsonSchema({"type": "number", "minimum": 0})]
    to_days: float | None = Field(description="Exclusive; null: no end.")
    cards: Count


class RetrievabilityBin(InlineModel):
    from_: Share = Field(alias="from")
    to: Share
    cards: Count


class HardConcept(InlineModel):
    concept_id: Id
    deck_id: Id
    title: str
    deck_title: str
    lapses: Count
    retrievability: Share | None
    map_path: str = Field(
        description="The concept on its deck's map.", examples=["/decks/3/map?focus=42"]
    )


class QuizScore(InlineModel):
    quiz_id: Id
    date: StudyDate
    taken_at: Timestamp
    mode: Literal[tuple(mode.value for mode in QuizMode)]
    answered: Count
    right: Count
    score: Share
    finished: bool


class BranchQuizzes(InlineModel):
    subtree: Id
    deck_id: Id
    title: str
    results: list[QuizScore]


class Stats(ApiModel):
    """How studying is going: docs/dashboard.md explains every figure."""

    deck_id: Id | None
    study_day: StudyDate
    time_zone: str
    day_rollover_hour: Annotated[
        int, WithJsonSchema({"type": "integer", "minimum": 0, "maximum": 23})
    ]
    today: TodayFigures
    streak_days: Count = Field(
        description="Consecutive study days with a rating, ending today (or yesterday if none "
        "yet today)."
    )
    heatmap: list[DayReviews] = Field(
        description="Ratings per study day, the last 365 days, oldest first."
    )
    desired_retention: Share
    true_retention: TrueRetention
    forecast: list[DayForecast] = Field(
        description="Cards falling due per study day, the next 30 days; the first (today) "
        "includes the overdue ones."
    )
    card_states: CardStates
    mastery_levels: MasteryLevels = Field(
        description="Live concepts at each mastery level (docs/mastery.md)."
    )
    mastery_by_deck: list[DeckMastery]
    stability_histogram: list[StabilityBin]
    retrievability_histogram: list[RetrievabilityBin]
    mean_retrievability: Share | None
    hardest: list[HardConcept] = Field(
        description="Most lapses first, then lowest mean retrievability.",
        json_schema_extra={"maxItems": 10},
    )
    quizzes: list[BranchQuizzes] = Field(
        description="Quiz scores per branch, most recently quizzed first."
    )

    @classmethod
    def of(cls, figures: DashboardStats) -> Stats:
        today = figures.today
        return cls(
            deck_id=figures.deck_id,
            study_day=figures.day.date,
            time_zone=figures.time_zone,
            day_rollover_hour=figures.day_rollover_hour,
            today=TodayFigures(
                reviewed=today.reviewed,
                again=today.again_count,
                new_introduced=today.new_introduced,
                time_spent_ms=today.time_spent_ms,
                due=today.due_left,
                learning=today.learning_left,
                new_left=today.new_left,
            ),
            streak_days=figures.streak_days,
            heatmap=figures.heatmap,
            desired_retention=figures.desired_retention,
            true_retention=TrueRetention(
                **{
                    period.period.value: RetentionPeriod(
                        days=period.days,
                        young=PassedFailed.of(period.young),
                        mature=PassedFailed.of(period.mature),
                        all=PassedFailed.of(period.all),
                    )
                    for period in figures.true_retention
                }
            ),
            forecast=figures.forecast,
            card_states=figures.card_states,
            mastery_levels=MasteryLevels.of(figures.mastery_levels),
            mastery_by_deck=[
                DeckMastery(
                    deck_id=deck.deck_id, title=deck.title, levels=MasteryLevels.of(deck.levels)
                )
                for deck in figures.mastery_by_deck
            ],
            stability_histogram=[
                StabilityBin(from_days=item.lower_days, to_days=item.upper_days, cards=item.cards)
                for item in figures.stability_histogram
            ],
            retrievability_histogram=[
                RetrievabilityBin(
                    from_=item.lower_percent / 100, to=item.upper_percent / 100, cards=item.cards
                )
                for item in figures.retrievability_histogram
            ],
            mean_retrievability=figures.mean_retrievability,
            hardest=figures.hardest,
            quizzes=[
                BranchQuizzes(
                    subtree=branch.subtree_id,
                    deck_id=branch.deck_id,
                    title=branch.title,
                    results=branch.quizzes,
                )
                for branch in figures.quizzes
            ],
        )
