"""What the user rated, day by day: the heatmap, today's totals, the streak, true retention.

Counts every rating the user gave, also on cards since retired: they happened.
With a deck, the ratings of that deck's cards. Days are study days
(:mod:`studyapp.stats.study_days`); counts are ratings, times are milliseconds
of answer time, the streak is a number of study days.

**True retention** is Anki's: of the ratings given to cards in the review
state (``before_state`` = review), the share not rated Again (0–1). A card is
*mature* when the interval it was scheduled with before that rating
(``before_due - before_last_review``) is at least :data:`MATURE_INTERVAL_DAYS`
days, *young* otherwise.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from fsrs import State
from sqlalchemy import func, literal, select, true, union_all
from sqlalchemy.orm import Session

from studyapp.scheduling.study_context import StudyContext
from studyapp.scheduling.study_day import StudyDay, study_day_for_date
from studyapp.stats.study_days import at_least_days_apart, day_bounds_table, study_days_ending
from studyapp.storage.models import Card, Concept, ReviewLog

HEATMAP_DAYS = 365
MATURE_INTERVAL_DAYS = 21


class RetentionPeriod(enum.StrEnum):
    TODAY = "today"
    YESTERDAY = "yesterday"
    LAST_7_DAYS = "last_7_days"
    LAST_30_DAYS = "last_30_days"
    LAST_365_DAYS = "last_365_days"

    @property
    def label(self) -> str:
        return _PERIOD_LABELS[self]


_PERIOD_LABELS = {
    RetentionPeriod.TODAY: "Today",
    RetentionPeriod.YESTERDAY: "Yesterday",
    RetentionPeriod.LAST_7_DAYS: "Last 7 days",
    RetentionPeriod.LAST_30_DAYS: "Last 30 days",
    RetentionPeriod.LAST_365_DAYS: "Last 365 days",
}


@dataclass(frozen=True)
class DayReviews:
    """Ratings given on one study day (named by its local date)."""

    date: date
    reviews: int


@dataclass(frozen=True)
class PassFail:
    """Ratings of review-state cards: ``passed`` Hard/Good/Easy, ``failed`` Again."""

    passed: int = 0
    failed: int = 0

    @property
    def total(self) -> int:
        return self.passed + self.failed

    @property
    def rate(self) -> float | None:
        """The share passed, 0–1; None when there was nothing to rate."""
        return self.passed / self.total if self.total else None

    def __add__(self, other: PassFail) -> PassFail:
        return PassFail(self.passed + other.passed, self.failed + other.failed)


@dataclass(frozen=True)
class TrueRetention:
    period: RetentionPeriod
    days: int  # study days covered, ending today
    young: PassFail
    mature: PassFail

    @property
    def all(self) -> PassFail:
        return self.young + self.mature


@dataclass(frozen=True)
class DailyHistory:
    """Ratings per study day over the last :data:`HEATMAP_DAYS` days (oldest first; the
    last is today), today's totals, and true retention per period."""

    days: list[DayReviews]
    today_again: int
    today_new: int
    today_duration_ms: int
    retention: list[TrueRetention]

    @property
    def today_reviews(self) -> int:
        return self.days[-1].reviews


def _in_scope(deck_id: int | None):
    """SQL condition on ``ReviewLog``: the rated card belongs to the deck (True: no deck)."""
    if deck_id is None:
        return true()
    deck_cards = (
        select(Card.id)
        .join(Concept, Concept.id == Card.concept_id)
        .where(Concept.deck_id == deck_id)
    )
    return ReviewLog.card_id.in_(deck_cards.scalar_subquery())


def _daily_counts(
    session: Session, user_id: int, study_days: Sequence[StudyDay], deck_id: int | None
) -> list[int]:
    """Ratings per study day: one correlated count per row of the day-bounds table, each a
    range scan of ``ix_review_logs_user_id_reviewed_at`` (index only, without a deck)."""
    bounds = day_bounds_table(study_days)
    per_day = (
        select(func.count())
        .select_from(ReviewLog)
        .where(
            ReviewLog.user_id == user_id,
            ReviewLog.reviewed_at >= bounds.c.starts_at,
            ReviewLog.reviewed_at < bounds.c.ends_at,
            _in_scope(deck_id),
        )
        .correlate(bounds.table)
        .scalar_subquery()
    )
    found = dict(session.execute(select(bounds.c.day_index, per_day)).all())
    return [found.get(index, 0) for index in range(len(study_days))]


def _days_with_reviews(
    session: Session, user_id: int, study_days: Sequence[StudyDay], deck_id: int | None
) -> list[bool]:
    """Whether each study day has a rating: one index probe per day (EXISTS, not count)."""
    bounds = day_bounds_table(study_days)
    any_rating = (
        select(ReviewLog.id)
        .where(
            ReviewLog.user_id == user_id,
            ReviewLog.reviewed_at >= bounds.c.starts_at,
            ReviewLog.reviewed_at < bounds.c.ends_at,
            _in_scope(deck_id),
        )
        .correlate(bounds.table)
        .exists()
    )
    found = dict(session.execute(select(bounds.c.day_index, any_rating)).all())
    return [bool(found.get(index)) for index in range(len(study_days))]


# (days back from today where the period ends, its length in study days)
_PERIOD_DAYS = {
    RetentionPeriod.TODAY: (0, 1),
    RetentionPeriod.YESTERDAY: (1, 1),
    RetentionPeriod.LAST_7_DAYS: (0, 7),
    RetentionPeriod.LAST_30_DAYS: (0, 30),
    RetentionPeriod.LAST_365_DAYS: (0, 365),
}


def daily_history(
    session: Session, context: StudyContext, deck_id: int | None = None, days: int = HEATMAP_DAYS
) -> DailyHistory:
    """Two statements: ratings per study day (:func:`_daily_counts`), and today's totals
    and true retention: filtered counts over disjoint buckets of study days (a UNION ALL
    of one range scan each, the buckets' UTC bounds as parameters), summed into periods."""
    study_days = study_days_ending(
        context.day, max(days, 365), context.time_zone, context.day_rollover_hour
    )
    counts = _daily_counts(session, context.user_id, study_days[-days:], deck_id)
    newest_first = study_days[::-1]
    # Disjoint buckets of study days (newest first), summed into the periods below:
    # today, yesterday, days 2-6, 7-29 and 30-364 back.
    buckets = [(0, 1), (1, 2), (2, 7), (7, 30), (30, 365)]
    in_review = ReviewLog.before_state == State.Review.value
    mature = at_least_days_apart(
        ReviewLog.before_last_review, ReviewLog.before_due, MATURE_INTERVAL_DAYS
    )
    passed, failed = ReviewLog.rating > 1, ReviewLog.rating == 1
    count = func.count(ReviewLog.id)
    parts = []
    for index, (first, last) in enumerate(buckets):
        # One SELECT per bucket, each a range scan of the user's reviewed_at index: much
        # cheaper on SQLite than testing every row against every bucket. Cheap tests
        # first: SQLite stops at the first false one.
        today_columns = (
            [
                count.filter(failed),
                count.filter(ReviewLog.before_state.is_(None)),
                func.coalesce(func.sum(ReviewLog.duration_ms), 0),
            ]
            if index == 0
            else [literal(0), literal(0), literal(0)]
        )
        parts.append(
            select(
                literal(index).label("bucket"),
                *today_columns,
                count.filter(in_review, passed),
                count.filter(in_review, failed),
                count.filter(in_review, passed, mature),
                count.filter(in_review, failed, mature),
            ).where(
                ReviewLog.user_id == context.user_id,
                ReviewLog.reviewed_at >= newest_first[last - 1].starts_at,
                ReviewLog.reviewed_at < newest_first[first].ends_at,
                _in_scope(deck_id),
            )
        )
    rows = {row[0]: row[1:] for row in session.execute(union_all(*parts))}
    today_again, today_new, today_duration = rows[0][:3]
    outcomes = [value for index in range(len(buckets)) for value in rows[index][3:]]
    # Per bucket: (young, mature) pass/fail, young = all review-state ratings - mature.
    per_bucket = []
    for index in range(len(buckets)):
        all_passed, all_failed, mature_passed, mature_failed = outcomes[index * 4 : index * 4 + 4]
        per_bucket.append(
            (
                PassFail(all_passed - mature_passed, all_failed - mature_failed),
                PassFail(mature_passed, mature_failed),
            )
        )
    retention = []
    for period, (skip, length) in _PERIOD_DAYS.items():
        young, mature_counts = PassFail(), PassFail()
        for (first, last), (bucket_young, bucket_mature) in zip(buckets, per_bucket, strict=True):
            if skip <= first and last <= skip + length:
                young += bucket_young
                mature_counts += bucket_mature
        retention.append(TrueRetention(period, length, young, mature_counts))
    return DailyHistory(
        days=[
            DayReviews(day.date, reviews)
            for day, reviews in zip(study_days[-days:], counts, strict=True)
        ],
        today_again=today_again,
        today_new=today_new,
        today_duration_ms=int(today_duration or 0),
        retention=retention,
    )


def streak_days(
    session: Session, context: StudyContext, deck_id: int | None, daily: DailyHistory
) -> int:
    """Consecutive study days with at least one rating, ending today (or yesterday when
    nothing was rated yet today). Looks further back only if the streak fills the window."""
    counts = [day.reviews for day in reversed(daily.days)]  # newest first
    if counts and counts[0] == 0:
        counts = counts[1:]
    streak = 0
    for reviews in counts:
        if not reviews:
            return streak
        streak += 1
    # The whole window was studied: keep counting in earlier windows.
    oldest = daily.days[0].date
    while True:
        earlier_day = study_day_for_date(
            oldest - timedelta(days=1), context.time_zone, context.day_rollover_hour
        )
        window = study_days_ending(
            earlier_day, HEATMAP_DAYS, context.time_zone, context.day_rollover_hour
        )
        for studied in reversed(_days_with_reviews(session, context.user_id, window, deck_id)):
            if not studied:
                return streak
            streak += 1
        oldest = window[0].date


__all__ = [
    "DayReviews",
    "PassFail",
    "RetentionPeriod",
    "TrueRetention",
]
