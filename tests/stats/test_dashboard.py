"""The dashboard as a whole (studyapp.stats.dashboard): what it shows before anything
was rated. Each kind of figure has its own tests beside this file (test_history.py,
test_forecast.py, test_collection.py, test_quiz_history.py). Every test runs on SQLite
and PostgreSQL.
"""

from __future__ import annotations

from studyapp.stats.dashboard import dashboard_stats
from tests.support.dashboard import NOW, context_for


def test_nothing_rated_gives_empty_rates(session, make_user, deck):
    ada = make_user("ada")
    stats = dashboard_stats(session, context_for(ada, NOW))
    assert all(period.all.rate is None for period in stats.true_retention)
    assert stats.streak_days == 0
    assert stats.today.reviewed == 0
    assert stats.mean_retrievability is None
    assert stats.hardest == []
    assert sum(day.reviews for day in stats.heatmap) == 0
