"""Learning steps as users type them: "1m 10m", "15m 1h 1d"."""

from __future__ import annotations

import re
from datetime import timedelta

from studyapp.errors import Invalid

_STEP = re.compile(r"^(\d+(?:\.\d+)?)(s|m|h|d)$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
MAX_STEPS = 10


class StepsError(Invalid):
    """Learning steps that are not a list of durations like ``1m 10m 1h``."""

    code = "invalid_steps"


def parse_steps(text: str) -> tuple[timedelta, ...]:
    """``"1m 10m"`` -> ``(1 minute, 10 minutes)``. An empty text means no steps."""
    steps = []
    for token in text.split():
        match = _STEP.match(token.strip().lower())
        if not match:
            raise StepsError(
                f"'{token}' is not a step; write durations like 1m, 10m, 1h or 1d, "
                "separated by spaces"
            )
        seconds = float(match[1]) * _UNIT_SECONDS[match[2]]
        if seconds <= 0:
            raise StepsError(f"'{token}' must be longer than zero")
        steps.append(timedelta(seconds=seconds))
    if len(steps) > MAX_STEPS:
        raise StepsError(f"at most {MAX_STEPS} steps")
    return tuple(steps)
