"""The study day: one rollover hour in the user's zone, daylight saving included."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from studyapp.scheduling.study_day import study_day_containing, study_day_for_date


@pytest.mark.parametrize(
    ("moment", "zone", "expected_date"),
    [
        (datetime(2026, 3, 2, 3, 59, tzinfo=UTC), "UTC", date(2026, 3, 1)),
        (datetime(2026, 3, 2, 4, 0, tzinfo=UTC), "UTC", date(2026, 3, 2)),
        # 23:30 in Los Angeles on the 1st is 07:30 UTC on the 2nd.
        (datetime(2026, 3, 2, 7, 30, tzinfo=UTC), "America/Los_Angeles", date(2026, 3, 1)),
        # 03:00 in Auckland on the 3rd (UTC+13) still belongs to the 2nd.
        (datetime(2026, 3, 2, 14, 0, tzinfo=UTC), "Pacific/Auckland", date(2026, 3, 2)),
    ],
)
def test_the_day_a_moment_belongs_to(moment, zone, expected_date):
    assert study_day_containing(moment, zone, 4).date == expected_date


def test_a_daylight_saving_day_is_23_hours_long():
    # Clocks in Los Angeles sprang forward on 8 March 2026.
    day = study_day_for_date(date(2026, 3, 7), "America/Los_Angeles", 4)
    assert (day.ends_at - day.starts_at).total_seconds() == 23 * 3600
    assert day.starts_at == datetime(2026, 3, 7, 12, 0, tzinfo=UTC)


@given(
    moment=st.datetimes(
        min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
    ),
    zone=st.sampled_from(
        [
            "UTC",
            "Europe/Berlin",
            "America/New_York",
            "Pacific/Chatham",
            "Asia/Kathmandu",
            "Pacific/Kiritimati",
        ]
    ),
    rollover=st.integers(min_value=0, max_value=23),
)
def test_every_moment_lies_inside_its_day(moment, zone, rollover):
    day = study_day_containing(moment, zone, rollover)
    assert day.starts_at <= moment < day.ends_at
    assert day.starts_at.tzinfo is UTC
