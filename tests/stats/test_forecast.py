"""The due forecast (studyapp.stats.forecast), against hand-computed expectations.

Card states are inserted directly (:func:`add_state`); every expected number is a
literal, derived in a comment. Every test runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from studyapp.stats.dashboard import dashboard_stats
from studyapp.storage.db import transaction
from studyapp.storage.models import Concept
from tests.support.dashboard import NOW, context_for, utc
from tests.support.review_history import add_state, cards_by_concept


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
