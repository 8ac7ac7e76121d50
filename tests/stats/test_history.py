"""Daily history (studyapp.stats.history), against hand-computed expectations: ratings per
study day across time zones and DST, the streak, today's totals and true retention.

Histories are built by inserting ReviewLog rows directly (:func:`add_log`); every
expected number is a literal, derived in a comment. Every test runs on SQLite and
PostgreSQL.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from studyapp.stats.dashboard import dashboard_stats
from studyapp.stats.history import RetentionPeriod
from studyapp.storage.db import transaction
from tests.support.dashboard import NOW, context_for, utc
from tests.support.review_history import add_log, cards_by_concept


def heatmap_dict(stats) -> dict[date, int]:
    return {day.date: day.reviews for day in stats.heatmap if day.reviews}


# --- study days -----------------------------------------------------------------------


def test_reviews_are_bucketed_by_study_day_in_kiritimati(session, make_user, deck):
    # Pacific/Kiritimati is UTC+14 all year; rollover 04:00 local = 14:00 UTC the day before.
    ada = make_user("ada", time_zone="Pacific/Kiritimati", day_rollover_hour=4)
    card = cards_by_concept(session, deck.id)["Groups"][0]
    with transaction(session):
        add_log(session, ada, card, utc(2026, 3, 1, 14, 30))  # 03-02 04:30 local -> 03-02
        add_log(session, ada, card, utc(2026, 3, 2, 8, 59))  # 03-02 22:59 local -> 03-02
        add_log(session, ada, card, utc(2026, 3, 1, 13, 30))  # 03-02 03:30 local -> 03-01
        add_log(session, ada, card, utc(2026, 2, 28, 13, 59))  # 03-01 03:59 local -> 02-28
        add_log(session, ada, card, utc(2026, 2, 27, 20, 0))  # 02-28 10:00 local -> 02-28
    # NOW is 03-02 23:00 local: today is 03-02.
    stats = dashboard_stats(session, context_for(ada, NOW))
    assert stats.day.date == date(2026, 3, 2)
    assert heatmap_dict(stats) == {
        date(2026, 3, 2): 2,
        date(2026, 3, 1): 1,
        date(2026, 2, 28): 2,
    }
    assert len(stats.heatmap) == 365
    assert stats.heatmap[-1].date == date(2026, 3, 2)
    assert stats.heatmap[0].date == date(2025, 3, 3)  # 364 days earlier
    assert stats.today.reviewed == 2
    assert stats.streak_days == 3  # 02-28, 03-01, 03-02


def test_study_days_follow_los_angeles_across_the_march_dst_change(session, make_user, deck):
    # DST starts Sun 2026-03-08 02:00 PST. With rollover 04:00, study day 03-07 runs
    # 03-07 12:00 UTC (04:00 PST) to 03-08 11:00 UTC (04:00 PDT): 23 hours.
    ada = make_user("ada", time_zone="America/Los_Angeles", day_rollover_hour=4)
    card = cards_by_concept(session, deck.id)["Groups"][0]
    with transaction(session):
        add_log(session, ada, card, utc(2026, 3, 7, 11, 59))  # 03:59 PST 03-07 -> 03-06
        add_log(session, ada, card, utc(2026, 3, 7, 12, 0))  # 04:00 PST 03-07 -> 03-07
        add_log(session, ada, card, utc(2026, 3, 8, 10, 30))  # 03:30 PDT 03-08 -> 03-07
        add_log(session, ada, card, utc(2026, 3, 8, 11, 30))  # 04:30 PDT 03-08 -> 03-08
        add_log(session, ada, card, utc(2026, 3, 9, 12, 0))  # 05:00 PDT 03-09 -> 03-09
    # Now: 03-10 13:00 PDT; nothing yet today, so the streak ends yesterday (03-09):
    # 03-09, 03-08, 03-07, 03-06 -> 4 days.
    stats = dashboard_stats(session, context_for(ada, utc(2026, 3, 10, 20, 0)))
    assert heatmap_dict(stats) == {
        date(2026, 3, 6): 1,
        date(2026, 3, 7): 2,
        date(2026, 3, 8): 1,
        date(2026, 3, 9): 1,
    }
    assert stats.today.reviewed == 0
    assert stats.streak_days == 4


def test_streak_is_zero_after_a_missed_day_and_extends_past_the_heatmap(session, make_user, deck):
    ada = make_user("ada")  # UTC, rollover 04:00
    card = cards_by_concept(session, deck.id)["Groups"][0]
    with transaction(session):
        add_log(session, ada, card, NOW - timedelta(days=2))  # 02-28 only
    assert dashboard_stats(session, context_for(ada, NOW)).streak_days == 0

    bob = make_user("bob")
    with transaction(session):
        for back in range(400):  # 400 consecutive study days ending today (10:00 UTC each)
            add_log(session, bob, card, utc(2026, 3, 2, 8, 0) - timedelta(days=back))
    assert dashboard_stats(session, context_for(bob, NOW)).streak_days == 400


# --- today and true retention ---------------------------------------------------------


def test_today_and_true_retention_young_and_mature(session, make_user, deck):
    # Pacific/Auckland is NZDT (UTC+13) in March 2026; rollover 04:00.
    # NOW = 03-02 22:00 NZDT: today runs 03-01 15:00 UTC .. 03-02 15:00 UTC,
    # yesterday 02-28 15:00 UTC .. 03-01 15:00 UTC.
    ada = make_user("ada", time_zone="Pacific/Auckland", desired_retention=0.85)
    bob = make_user("bob", time_zone="Pacific/Auckland")
    card = cards_by_concept(session, deck.id)["Groups"][0]
    today = utc(2026, 3, 2, 1, 0)  # 14:00 NZDT 03-02
    with transaction(session):
        add_log(
            session, ada, card, today, rating=3, interval_days=5, duration_ms=1000
        )  # young pass
        add_log(
            session, ada, card, today, rating=1, interval_days=5, duration_ms=2000
        )  # young fail
        add_log(
            session, ada, card, today, rating=4, interval_days=30, duration_ms=3000
        )  # mature pass
        add_log(
            session, ada, card, today, rating=2, interval_days=21, duration_ms=4000
        )  # mature (=21)
        add_log(session, ada, card, today, rating=3, before_state=None, duration_ms=5000)  # new
        add_log(session, ada, card, today, rating=1, before_state=1, duration_ms=6000)  # learning
        add_log(session, ada, card, today, rating=1, before_state=3, duration_ms=7000)  # relearning
        yesterday = utc(2026, 3, 1, 10, 0)  # 23:00 NZDT 03-01
        add_log(session, ada, card, yesterday, rating=1, interval_days=20.9)  # young fail
        add_log(session, ada, card, yesterday, rating=3, interval_days=40)  # mature pass
        add_log(
            session, ada, card, NOW - timedelta(days=5), rating=1, interval_days=60
        )  # mature fail
        add_log(
            session, ada, card, NOW - timedelta(days=20), rating=3, interval_days=3
        )  # young pass
        add_log(
            session, ada, card, NOW - timedelta(days=200), rating=1, interval_days=100
        )  # m. fail
        add_log(session, ada, card, NOW - timedelta(days=400), rating=3, interval_days=3)  # too old
        # Another user's ratings never count.
        for rating in (1, 1, 1, 3):
            add_log(session, bob, card, today, rating=rating, interval_days=30)
    stats = dashboard_stats(session, context_for(ada, NOW))

    # Today: 7 ratings; Again: the young fail, the learning and the relearning one = 3;
    # one new card; 1+2+...+7 s = 28,000 ms.
    assert stats.today.reviewed == 7
    assert stats.today.again_count == 3
    assert stats.today.new_introduced == 1
    assert stats.today.time_spent_ms == 28_000
    assert stats.desired_retention == 0.85

    retention = {period.period: period for period in stats.true_retention}

    def figures(period: RetentionPeriod):
        item = retention[period]
        return (
            (item.young.passed, item.young.failed),
            (item.mature.passed, item.mature.failed),
            (item.all.passed, item.all.failed),
        )

    # today: young 1/1, mature 2/0, all 3/1
    assert figures(RetentionPeriod.TODAY) == ((1, 1), (2, 0), (3, 1))
    assert retention[RetentionPeriod.TODAY].young.rate == 0.5
    assert retention[RetentionPeriod.TODAY].mature.rate == 1.0
    assert retention[RetentionPeriod.TODAY].all.rate == 0.75
    # yesterday: young 0/1 (20.9 days is young), mature 1/0
    assert figures(RetentionPeriod.YESTERDAY) == ((0, 1), (1, 0), (1, 1))
    assert retention[RetentionPeriod.YESTERDAY].young.rate == 0.0
    # 7 days: today + yesterday + the mature fail 5 days ago
    assert figures(RetentionPeriod.LAST_7_DAYS) == ((1, 2), (3, 1), (4, 3))
    # 30 days: + the young pass 20 days ago -> all 5/3 = 0.625
    assert figures(RetentionPeriod.LAST_30_DAYS) == ((2, 2), (3, 1), (5, 3))
    assert retention[RetentionPeriod.LAST_30_DAYS].all.rate == 0.625
    # 365 days: + the mature fail 200 days ago (400 days ago is out) -> all 5/4
    assert figures(RetentionPeriod.LAST_365_DAYS) == ((2, 2), (3, 2), (5, 4))
    assert retention[RetentionPeriod.LAST_365_DAYS].all.rate == pytest.approx(5 / 9)
