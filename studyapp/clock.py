"""The one clock: every "now" in studyapp comes from here.

Domain functions take ``now`` as an argument; only the web and CLI layers ask
the application's clock for it, so tests can freeze and advance time.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current moment, timezone-aware with ``tzinfo`` exactly ``datetime.timezone.utc``."""
        ...


class SystemClock:
    """Wall-clock time."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class FrozenClock:
    """A clock that only moves when told to (tests, simulations, benchmarks)."""

    def __init__(self, start: datetime) -> None:
        self._now = as_utc(start)

    def now(self) -> datetime:
        return self._now

    def set(self, moment: datetime) -> None:
        self._now = as_utc(moment)

    def advance(self, **delta: float) -> datetime:
        """Move forward by ``timedelta(**delta)`` and return the new now."""
        self._now += timedelta(**delta)
        return self._now


_UTC_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_NAIVE_EPOCH = _UTC_EPOCH.replace(tzinfo=None)


def as_utc(moment: datetime) -> datetime:
    """The same instant with ``tzinfo=timezone.utc``; a naive value is taken to be UTC already.

    fsrs refuses any other tzinfo (even ``ZoneInfo("UTC")``), so every time that
    reaches the scheduler passes through here or through the UTC column type.
    """
    tzinfo = moment.tzinfo
    if tzinfo is None:
        # moment.replace(tzinfo=UTC), exactly, in a tenth of the time: CPython 3.11's
        # replace() with a keyword costs about 1 µs, and a large deck's map reads
        # thousands of stored times per request (tests/test_clock.py compares them).
        return _UTC_EPOCH + (moment - _NAIVE_EPOCH)
    if tzinfo is UTC:
        return moment
    return moment.astimezone(UTC)
