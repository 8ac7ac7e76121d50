"""The dashboard's figures (studyapp.stats.dashboard), against hand-computed expectations.

Histories are built by inserting CardState and ReviewLog rows directly
(:func:`add_log`, :func:`add_state`); every expected number is a literal,
derived in a comment. Every test runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from studyapp.map.mastery import MasteryLevel
from studyapp.scheduling.memory import SchedulerSettings, retrievability
from studyapp.scheduling.study_context import StudyContext
from studyapp.stats.collection import forgetting_curve
from studyapp.stats.dashboard import dashboard_stats
from studyapp.stats.history import RetentionPeriod
from studyapp.storage.db import transaction
from studyapp.storage.models import Card, Concept, Quiz, QuizQuestion, User
from tests.support.factories import deck_json
from tests.support.review_history import add_log, add_state, cards_by_concept

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def context_for(user: User, now: datetime) -> StudyContext:
    return StudyContext.for_user(user.settings, now, enable_fuzzing=False)








@pytest.fixture
def deck(import_text):
    # Groups (Subgroups, Cosets), Rings (Ideals, Fields): 6 concepts, 18 cards.
    return import_text(deck_json()).deck


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


def test_nothing_rated_gives_empty_rates(session, make_user, deck):
    ada = make_user("ada")
    stats = dashboard_stats(session, context_for(ada, NOW))
    assert all(period.all.rate is None for period in stats.true_retention)
    assert stats.streak_days == 0
    assert stats.today.reviewed == 0
    assert stats.mean_retrievability is None
    assert stats.hardest == []
    assert sum(day.reviews for day in stats.heatmap) == 0


# --- forecast -------------------------------------------------------------------------


def test_forecast_by_study_day_with_overdue_today(session, make_user, enrol, deck):
    # Kiritimati (UTC+14), rollover 04:00: study day D runs (D-1) 14:00 UTC .. D 14:00 UTC.
    ada = make_user("ada", time_zone="Pacific/Kiritimati")
    bob = make_user("bob", time_zone="Pacific/Kiritimati")
    enrol(ada, deck)
    enrol(bob, deck)
    cards = cards_by_concept(session, deck.id)
    live = cards["Groups"] + cards["Subgroups"]
    with transaction(session):
        add_state(session, ada, live[0], due=utc(2026, 2, 20, 0, 0))  # overdue -> today
        add_state(session, ada, live[1], due=utc(2026, 3, 2, 13, 59))  # today
        add_state(session, ada, live[2], due=utc(2026, 3, 2, 14, 0), state=1)  # 03-03 (learning)
        add_state(session, ada, live[3], due=utc(2026, 3, 30, 13, 59))  # 03-31 03:59 -> 03-30
        add_state(session, ada, live[4], due=utc(2026, 3, 30, 14, 0))  # 03-31 04:00 -> 03-31
        add_state(session, ada, live[5], due=utc(2026, 3, 31, 14, 0))  # 04-01: beyond 30 days
        add_state(session, bob, live[0], due=utc(2026, 3, 2, 0, 0))  # another user
        # A retired concept's card is no longer studied.
        fields = session.scalars(select(Concept).where(Concept.title == "Fields")).one()
        fields.retired_at = NOW - timedelta(days=1)
        add_state(session, ada, cards["Fields"][0], due=utc(2026, 3, 2, 0, 0))
    stats = dashboard_stats(session, context_for(ada, NOW))
    assert len(stats.forecast) == 30
    assert stats.forecast[0].date == date(2026, 3, 2)
    assert stats.forecast[29].date == date(2026, 3, 31)
    assert {day.date: day.due for day in stats.forecast if day.due} == {
        date(2026, 3, 2): 2,
        date(2026, 3, 3): 1,
        date(2026, 3, 30): 1,
        date(2026, 3, 31): 1,
    }


# --- the collection -------------------------------------------------------------------


F = 0.9 ** (-1 / 0.1542) - 1  # FSRS-6 factor with the default decay w20 = 0.1542


def build_collection(session, ada: User, deck_id: int) -> dict[str, list[int]]:
    """Groups mastered, Subgroups proficient, Cosets familiar, Rings learning, Ideals not
    started, Fields retired (one card in review)."""
    cards = cards_by_concept(session, deck_id)
    with transaction(session):
        g, s, c, r = cards["Groups"], cards["Subgroups"], cards["Cosets"], cards["Rings"]
        # Groups: S 25, 30, 22 -> mastered; the first last reviewed 75 days ago (t = 3S).
        add_state(session, ada, g[0], stability_days=25, last_review=NOW - timedelta(days=75))
        add_state(session, ada, g[1], stability_days=30)
        add_state(session, ada, g[2], stability_days=22)
        # Subgroups: S 8, 10, 30 -> proficient; the first reviewed 80 days ago (t = 10S).
        add_state(
            session, ada, s[0], stability_days=8, last_review=NOW - timedelta(days=80), lapses=2
        )
        add_state(session, ada, s[1], stability_days=10, lapses=1)
        add_state(session, ada, s[2], stability_days=30)
        # Cosets: S 3 and 5, one card new -> familiar.
        add_state(session, ada, c[0], stability_days=3, lapses=1)
        add_state(session, ada, c[1], stability_days=5)
        # Rings: one card learning (S 0.5), one relearning (S 2) -> learning.
        add_state(session, ada, r[0], state=1, stability_days=0.5)
        add_state(session, ada, r[1], state=3, stability_days=2)
        fields = session.scalars(
            select(Concept).where(Concept.deck_id == deck_id, Concept.title == "Fields")
        ).one()
        fields.retired_at = NOW - timedelta(days=1)
        add_state(session, ada, cards["Fields"][0], stability_days=40, lapses=9)
    return cards


def test_card_states_mastery_histograms_and_hardest(session, make_user, enrol, deck):
    ada = make_user("ada")
    bob = make_user("bob")
    enrol(ada, deck)
    enrol(bob, deck)
    cards = build_collection(session, ada, deck.id)
    with transaction(session):  # bob's states never count for ada
        for card_id in cards["Ideals"]:
            add_state(session, bob, card_id, stability_days=100, lapses=5)
    stats = dashboard_stats(session, context_for(ada, NOW))

    # 18 cards: Fields' 3 are retired; studied live: 3+3+2+2 = 10; new: 1+1+3 = 5.
    states = stats.card_states
    assert (states.new, states.learning, states.review, states.relearning, states.retired) == (
        5,
        1,
        8,
        1,
        3,
    )
    assert stats.mastery_levels == {
        MasteryLevel.NOT_STARTED: 1,  # Ideals
        MasteryLevel.LEARNING: 1,  # Rings
        MasteryLevel.FAMILIAR: 1,  # Cosets
        MasteryLevel.PROFICIENT: 1,  # Subgroups
        MasteryLevel.MASTERED: 1,  # Groups (Fields is retired)
    }
    assert [(item.deck_id, item.title) for item in stats.mastery_by_deck] == [(deck.id, "Algebra")]

    # Stabilities of the 10 live studied cards: 25 30 22 | 8 10 30 | 3 5 | 0.5 2
    assert [
        (item.lower_days, item.upper_days, item.cards) for item in stats.stability_histogram
    ] == [
        (0, 1, 1),  # 0.5
        (1, 3, 1),  # 2
        (3, 7, 2),  # 3, 5
        (7, 14, 2),  # 8, 10
        (14, 21, 0),
        (21, 30, 2),  # 25, 22
        (30, 60, 2),  # 30, 30
        (60, 90, 0),
        (90, 180, 0),
        (180, 365, 0),
        (365, None, 0),
    ]
    # R = (1 + F t/S)^-0.1542 with F = 0.98035: t = 0 -> 1.0 (8 cards);
    # t = 3S -> 3.9411^-0.1542 = 0.80939; t = 10S -> 10.8035^-0.1542 = 0.69283.
    assert [item.cards for item in stats.retrievability_histogram] == [0, 0, 0, 0, 0, 0, 1, 0, 1, 8]
    # mean = (8 + 0.80939 + 0.69283) / 10 = 0.950222
    assert stats.mean_retrievability == pytest.approx(0.950222, abs=1e-5)

    # Hardest: most lapses first (Subgroups 3, Cosets 1), then lowest mean R:
    # Groups (2 + 0.80939) / 3 = 0.93646, Rings 1.0. Ideals unstudied, Fields retired.
    hardest = [(item.title, item.lapses) for item in stats.hardest]
    assert hardest == [("Subgroups", 3), ("Cosets", 1), ("Groups", 0), ("Rings", 0)]
    assert stats.hardest[0].retrievability == pytest.approx((2 + 0.69283) / 3, abs=1e-5)
    assert stats.hardest[2].retrievability == pytest.approx(0.93646, abs=1e-5)
    subgroups_id = session.scalars(select(Concept.id).where(Concept.title == "Subgroups")).one()
    assert stats.hardest[0].map_path == f"/decks/{deck.id}/map?focus={subgroups_id}"


def test_a_deck_filter_counts_only_that_deck(session, make_user, enrol, deck, import_text):
    ada = make_user("ada")
    other = import_text(deck_json(key="other", title="Other")).deck
    enrol(ada, deck, other)
    cards = build_collection(session, ada, deck.id)
    other_cards = cards_by_concept(session, other.id)
    with transaction(session):
        add_state(session, ada, other_cards["Groups"][0], stability_days=4, lapses=7)
        add_log(session, ada, other_cards["Groups"][0], NOW - timedelta(hours=1), rating=1)
        add_log(session, ada, cards["Groups"][0], NOW - timedelta(hours=1), rating=3)
    both = dashboard_stats(session, context_for(ada, NOW))
    only = dashboard_stats(session, context_for(ada, NOW), deck.id)
    # Both decks: 36 cards, 3 retired, 11 studied live, 22 new.
    assert both.card_states.total == 36
    assert both.card_states.new == 22
    assert both.today.reviewed == 2
    assert [item.title for item in both.mastery_by_deck] == ["Algebra", "Other"]
    assert both.hardest[0].title == "Groups" and both.hardest[0].deck_id == other.id  # 7 lapses
    # Only Algebra: as in the test above, and one rating today.
    assert only.card_states.total == 18
    assert only.card_states.new == 5
    assert only.today.reviewed == 1
    assert only.today.again_count == 0
    assert [item.title for item in only.hardest][:2] == ["Subgroups", "Cosets"]
    assert only.deck_title == "Algebra"


def test_the_forgetting_curve_matches_fsrs():
    settings = SchedulerSettings(desired_retention=0.9)
    curve = forgetting_curve(settings)
    for stability in (0.3, 1.0, 2.5, 21.0, 300.0):
        for days in (0, 1, 2, 7, 30, 400):
            expected = retrievability(stability, NOW - timedelta(days=days), NOW, settings)
            assert curve(stability, days) == pytest.approx(expected, rel=1e-12)
    assert curve(None, 3) is None
    assert curve(10.0, -2) == 1.0  # a review "in the future" counts as none elapsed
    # Hand check: t = S gives 0.9 by construction of F.
    assert curve(10.0, 10) == pytest.approx(0.9)


# --- quizzes --------------------------------------------------------------------------


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
