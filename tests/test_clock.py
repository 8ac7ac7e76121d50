"""The one clock's conversion to UTC: every stored time passes through ``as_utc``."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import text

from studyapp.clock import as_utc


@given(st.datetimes())
def test_a_naive_time_is_read_as_utc_exactly_as_replace_would(moment: datetime) -> None:
    converted = as_utc(moment)
    assert converted == moment.replace(tzinfo=UTC)
    assert converted.replace(tzinfo=None) == moment  # same wall time, to the microsecond
    assert converted.tzinfo is UTC  # what fsrs insists on


@given(
    st.datetimes(timezones=st.sampled_from([UTC, ZoneInfo("UTC"), ZoneInfo("Asia/Kolkata")]))
)
def test_an_aware_time_keeps_its_instant_and_gets_fsrs_s_utc(moment: datetime) -> None:
    converted = as_utc(moment)
    # The same instant. (Not ``==``: PEP 495 makes an inter-zone comparison unequal when
    # the local time is ambiguous, e.g. Kolkata's clocks going back at the end of 1869.)
    assert converted - moment == timedelta(0)
    assert converted.tzinfo is UTC


def test_a_utc_time_comes_back_unchanged() -> None:
    moment = datetime(2026, 3, 2, 9, 0, tzinfo=UTC) + timedelta(microseconds=7)
    assert as_utc(moment) is moment


def test_postgresql_hands_back_times_already_in_fsrs_s_utc(session) -> None:
    if session.get_bind().dialect.name != "postgresql":
        pytest.skip("SQLite returns naive times, which as_utc reads as UTC")
    moment = session.execute(text("SELECT TIMESTAMPTZ '2026-03-02 09:00:00+05:30'")).scalar_one()
    assert moment.tzinfo is UTC
    assert moment == datetime(2026, 3, 2, 3, 30, tzinfo=UTC)
