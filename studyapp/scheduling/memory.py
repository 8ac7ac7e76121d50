"""FSRS memory states, and the one function that turns (state, rating, now) into the next state.

Everything that needs the scheduler's answer — applying a rating, previewing
the four buttons, ordering due cards by retrievability — goes through here,
so studyapp and the ``fsrs`` package can never disagree.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from fsrs import Card as FsrsCard
from fsrs import Rating, Scheduler, State

from studyapp.scheduling.steps import parse_steps


class Grade(enum.IntEnum):
    """The four answer buttons, numbered as on the keyboard (and as fsrs numbers them)."""

    AGAIN = 1
    HARD = 2
    GOOD = 3
    EASY = 4

    @property
    def label(self) -> str:
        return self.name.capitalize()


@dataclass(frozen=True)
class MemoryState:
    """Where one card stands in one user's memory.

    ``state`` is an ``fsrs.State`` (learning, review, relearning); ``step`` the
    learning or relearning step (None in review); ``stability_days`` the
    interval after which recall probability falls to 90%; ``difficulty`` 1–10;
    ``due`` and ``last_review`` are UTC moments.
    """

    state: State
    step: int | None
    stability_days: float | None
    difficulty: float | None
    due: datetime
    last_review: datetime | None


@dataclass(frozen=True)
class SchedulerSettings:
    """The parts of a user's settings that change FSRS's answers."""

    desired_retention: float = 0.9
    learning_steps: str = "1m 10m"
    relearning_steps: str = "10m"
    enable_fuzzing: bool = True


@lru_cache(maxsize=256)
def scheduler_for(settings: SchedulerSettings) -> Scheduler:
    return Scheduler(
        desired_retention=settings.desired_retention,
        learning_steps=parse_steps(settings.learning_steps),
        relearning_steps=parse_steps(settings.relearning_steps),
        enable_fuzzing=settings.enable_fuzzing,
    )


def next_memory_state(
    before: MemoryState | None,
    grade: Grade,
    now: datetime,
    settings: SchedulerSettings,
    *,
    card_id: int = 0,
) -> MemoryState:
    """The state a card moves to when rated ``grade`` at ``now`` (``before`` None: a new card)."""
    scheduler = scheduler_for(settings)
    card, _log = scheduler.review_card(_to_fsrs(before, now, card_id), Rating(int(grade)), now)
    return MemoryState(
        state=card.state,
        step=card.step,
        stability_days=card.stability,
        difficulty=card.difficulty,
        due=card.due,
        last_review=card.last_review,
    )


def preview_grades(
    before: MemoryState | None, now: datetime, settings: SchedulerSettings, *, card_id: int = 0
) -> dict[Grade, MemoryState]:
    """What each of the four buttons would do, without changing anything.

    Fuzzing is off for previews so the interval on a button is the interval
    FSRS computes, not one random draw of it.
    """
    unfuzzed = SchedulerSettings(
        desired_retention=settings.desired_retention,
        learning_steps=settings.learning_steps,
        relearning_steps=settings.relearning_steps,
        enable_fuzzing=False,
    )
    return {
        grade: next_memory_state(before, grade, now, unfuzzed, card_id=card_id) for grade in Grade
    }


@dataclass(frozen=True)
class ForgettingCurve:
    """FSRS's forgetting curve for one parameter set: R = (1 + factor·t/S)^decay.

    ``t`` is the whole days (24-hour periods) since the last review and ``S`` the
    stability in days, exactly as ``fsrs.Scheduler.get_card_retrievability``
    computes it (a test compares the two). Pages that show thousands of cards use
    this instead of building an ``fsrs.Card`` per card.
    """

    factor: float
    decay: float

    def retrievability(
        self, stability_days: float | None, last_review: datetime | None, now: datetime
    ) -> float | None:
        """The probability (0–1) of recall at ``now``; None before any review."""
        if stability_days is None or last_review is None:
            return None
        return self.after_days(stability_days, (now - last_review).days)

    def after_days(self, stability_days: float, elapsed_days: int) -> float:
        """The probability (0–1) of recall ``elapsed_days`` whole days after the last review
        (a negative count, a moment before that review, counts as 0)."""
        if elapsed_days < 0:
            elapsed_days = 0
        return (1 + self.factor * elapsed_days / stability_days) ** self.decay


@lru_cache(maxsize=256)
def forgetting_curve(settings: SchedulerSettings) -> ForgettingCurve:
    decay = -scheduler_for(settings).parameters[20]
    return ForgettingCurve(factor=0.9 ** (1 / decay) - 1, decay=decay)


def retrievability(
    stability_days: float | None,
    last_review: datetime | None,
    now: datetime,
    settings: SchedulerSettings,
) -> float | None:
    """FSRS's probability (0–1) that the card is recalled at ``now``; None before any review."""
    return forgetting_curve(settings).retrievability(stability_days, last_review, now)


def interval_until_due(state: MemoryState, now: datetime) -> timedelta:
    return state.due - now


def _to_fsrs(before: MemoryState | None, now: datetime, card_id: int) -> FsrsCard:
    if before is None:
        return FsrsCard(card_id=card_id, state=State.Learning, step=0, due=now)
    return FsrsCard(
        card_id=card_id,
        state=before.state,
        step=before.step,
        stability=before.stability_days,
        difficulty=before.difficulty,
        due=before.due,
        last_review=before.last_review,
    )
