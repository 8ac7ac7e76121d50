"""Who is studying, when, and under which settings: the input of every scheduling call.

The web and API layers build one per request from the user's settings and the
app's clock (:func:`StudyContext.for_user`); the domain never reads the clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from studyapp.scheduling.memory import SchedulerSettings
from studyapp.scheduling.study_day import StudyDay, study_day_containing, study_day_for_date
from studyapp.storage.models import UserSettings


@dataclass(frozen=True)
class StudyContext:
    """Who is studying, when, and under which settings."""

    user_id: int
    now: datetime
    day: StudyDay
    time_zone: str
    day_rollover_hour: int
    new_cards_per_day: int
    max_reviews_per_day: int
    scheduler: SchedulerSettings

    @classmethod
    def for_user(
        cls, settings: UserSettings, now: datetime, *, enable_fuzzing: bool = True
    ) -> StudyContext:
        return cls(
            user_id=settings.user_id,
            now=now,
            day=study_day_containing(now, settings.time_zone, settings.day_rollover_hour),
            time_zone=settings.time_zone,
            day_rollover_hour=settings.day_rollover_hour,
            new_cards_per_day=settings.new_cards_per_day,
            max_reviews_per_day=settings.max_reviews_per_day,
            scheduler=SchedulerSettings(
                desired_retention=settings.desired_retention,
                learning_steps=settings.learning_steps,
                relearning_steps=settings.relearning_steps,
                enable_fuzzing=enable_fuzzing,
            ),
        )

    def next_day(self) -> StudyDay:
        return study_day_for_date(
            self.day.date + timedelta(days=1), self.time_zone, self.day_rollover_hour
        )
