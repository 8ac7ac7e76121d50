"""Intervals as Anki writes them on its answer buttons: "10m", "1h", "3d", "2.5mo", "1.1y"."""

from __future__ import annotations

from datetime import timedelta

_MINUTE = 60
_HOUR = 60 * _MINUTE
_DAY = 24 * _HOUR
_MONTH = 30 * _DAY
_YEAR = 365 * _DAY


def format_interval(interval: timedelta) -> str:
    seconds = max(0.0, interval.total_seconds())
    if seconds < _MINUTE:
        return "<1m"
    if seconds < _HOUR:
        return f"{round(seconds / _MINUTE)}m"
    if seconds < _DAY:
        return f"{round(seconds / _HOUR)}h"
    if seconds < _MONTH:
        return f"{round(seconds / _DAY)}d"
    if seconds < _YEAR:
        return _one_decimal(seconds / _MONTH) + "mo"
    return _one_decimal(seconds / _YEAR) + "y"


def _one_decimal(value: float) -> str:
    text = f"{value:.1f}"
    return text.removesuffix(".0")
