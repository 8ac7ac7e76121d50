"""Which moment the map shows for ``as_of`` (studyapp/map/moment.py), without HTTP."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from studyapp.map.moment import MAX_YEARS_AHEAD, AsOfError, map_moment
from studyapp.scheduling.memory import SchedulerSettings
from studyapp.scheduling.study_context import StudyContext
from studyapp.scheduling.study_day import study_day_containing

NOW = datetime(2026, 3, 2, 21, 30, tzinfo=UTC)  # 10:30 on 3 March in Auckland


def context(now: datetime = NOW, time_zone: str = "Pacific/Auckland") -> StudyContext:
    return StudyContext(
        user_id=1,
        now=now,
        day=study_day_containing(now, time_zone, 4),
        time_zone=time_zone,
        day_rollover_hour=4,
        new_cards_per_day=20,
        max_reviews_per_day=200,
        scheduler=SchedulerSettings(enable_fuzzing=False),
    )


@pytest.mark.parametrize("raw", [None, "", "  ", "2026-03-03"])
def test_today_is_the_real_now_counting_cards_due_by_the_study_days_end(raw):
    learner = context()
    moment = map_moment(raw, learner)
    assert moment.is_today and moment.param is None
    assert moment.day == date(2026, 3, 3)  # the learner's day, not UTC's
    assert (moment.at, moment.due_before) == (NOW, learner.day.ends_at)


def test_a_later_date_is_the_start_of_that_study_day():
    moment = map_moment("2026-03-10", context())
    assert not moment.is_today and moment.param == "2026-03-10"
    # 04:00 in Auckland (NZDT, UTC+13) on 10 March is 15:00 UTC on 9 March.
    assert moment.at == datetime(2026, 3, 9, 15, 0, tzinfo=UTC)
    assert moment.due_before == moment.at + timedelta(days=1)


@pytest.mark.parametrize(
    ("raw", "status", "code"),
    [
        ("tomorrow", 400, "invalid_date"),
        ("2026-02-30", 400, "invalid_date"),
        ("2026-03-02", 422, "date_in_past"),  # still "today" in UTC, but not for the learner
        (f"{2026 + MAX_YEARS_AHEAD}-03-04", 422, "date_out_of_range"),
    ],
)
def test_a_date_the_map_cannot_show_says_why(raw, status, code):
    with pytest.raises(AsOfError) as refused:
        map_moment(raw, context())
    assert (refused.value.status, refused.value.code) == (status, code)
    assert refused.value.message


def test_the_furthest_date_from_29_february_is_28_february():
    leap_day = context(now=datetime(2028, 2, 29, 12, 0, tzinfo=UTC), time_zone="UTC")
    assert map_moment(None, leap_day).latest == date(2028 + MAX_YEARS_AHEAD, 2, 28)
    assert map_moment(f"{2028 + MAX_YEARS_AHEAD}-02-28", leap_day).day.month == 2
