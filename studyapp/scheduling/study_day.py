"""The one place that decides where a study day begins and ends.

A study day runs from the user's rollover hour (4 a.m. by default, as in
Anki) in their own time zone to the same hour the next day, so a late-night
session still counts for the evening's day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, available_timezones

from studyapp.clock import as_utc


@dataclass(frozen=True)
class StudyDay:
    """One user's study day: the local calendar ``date`` it is named after and its UTC bounds."""

    date: date
    starts_at: datetime
    ends_at: datetime


def study_day_containing(moment: datetime, time_zone: str, rollover_hour: int) -> StudyDay:
    zone = ZoneInfo(time_zone)
    local = moment.astimezone(zone)
    day = (local - timedelta(hours=rollover_hour)).date()
    return study_day_for_date(day, time_zone, rollover_hour)


def study_day_for_date(day: date, time_zone: str, rollover_hour: int) -> StudyDay:
    zone = ZoneInfo(time_zone)
    starts = datetime.combine(day, time(rollover_hour), tzinfo=zone)
    ends = datetime.combine(day + timedelta(days=1), time(rollover_hour), tzinfo=zone)
    return StudyDay(date=day, starts_at=as_utc(starts), ends_at=as_utc(ends))


def is_known_time_zone(name: str) -> bool:
    return name in _known_time_zones()


_ZONES: frozenset[str] | None = None


def _known_time_zones() -> frozenset[str]:
    global _ZONES
    if _ZONES is None:
        _ZONES = frozenset(available_timezones())
    return _ZONES


def time_zone_choices() -> list[str]:
    return sorted(_known_time_zones())
