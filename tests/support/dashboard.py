"""The dashboard tests' moment and study contexts (tests/stats, figures of studyapp.stats)."""

from __future__ import annotations

from datetime import UTC, datetime

from studyapp.scheduling.study_context import StudyContext
from studyapp.storage.models import User

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def context_for(user: User, now: datetime) -> StudyContext:
    return StudyContext.for_user(user.settings, now, enable_fuzzing=False)
