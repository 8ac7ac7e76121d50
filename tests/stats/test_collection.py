"""The collection (studyapp.stats.collection), against hand-computed expectations: card
states, mastery, the stability and retrievability histograms, the hardest concepts, and
the forgetting curve against fsrs.

Card states are inserted directly (:func:`build_collection`, :func:`add_state`); every
expected number is a literal, derived in a comment. Every test runs on SQLite and
PostgreSQL.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from studyapp.map.mastery import MasteryLevel
from studyapp.scheduling.memory import SchedulerSettings, retrievability
from studyapp.stats.collection import forgetting_curve
from studyapp.stats.dashboard import dashboard_stats
from studyapp.storage.db import transaction
from studyapp.storage.models import Concept, User
from tests.support.dashboard import NOW, context_for
from tests.support.factories import deck_json
from tests.support.review_history import add_log, add_state, cards_by_concept

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
