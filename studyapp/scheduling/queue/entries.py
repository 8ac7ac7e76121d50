"""The queue's shapes: kinds of entry, a session's scope, the daily limits, the day's queue."""

from __future__ import annotations

import enum
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from studyapp.scheduling.study_day import StudyDay

# Anki's learn-ahead limit: learning cards due this soon are shown early when nothing
# else is left today.
LEARN_AHEAD = timedelta(minutes=20)


class QueueKind(enum.StrEnum):
    LEARNING = "learning"
    REVIEW = "review"
    NEW = "new"


@dataclass(frozen=True)
class QueueScope:
    """Which cards a session draws from; every field narrows it, None means no restriction.

    ``subtree_root_id`` is a concept id: that concept and all its descendants.
    """

    deck_id: int | None = None
    subtree_root_id: int | None = None

    @property
    def key(self) -> str:
        """A stable name for the scope: "all", "deck:12", "subtree:34", "deck:12/subtree:34"."""
        parts = []
        if self.deck_id is not None:
            parts.append(f"deck:{self.deck_id}")
        if self.subtree_root_id is not None:
            parts.append(f"subtree:{self.subtree_root_id}")
        return "/".join(parts) or "all"


@dataclass(frozen=True)
class DailyLimits:
    """The user's limits and what today has already used of them."""

    new_cards_per_day: int
    max_reviews_per_day: int
    new_introduced_today: int
    reviews_done_today: int

    @property
    def new_left(self) -> int:
        return max(0, self.new_cards_per_day - self.new_introduced_today)

    @property
    def reviews_left(self) -> int:
        return max(0, self.max_reviews_per_day - self.reviews_done_today)


@dataclass(frozen=True)
class QueueEntry:
    card_id: int
    concept_id: int
    deck_id: int
    kind: QueueKind
    due: datetime | None
    # Review cards: the chance of recall (0–1) at the start of the study day, their order.
    retrievability: float | None = None


@dataclass
class DailyQueue:
    """Today's cards for one user and scope, in the order they will be shown."""

    day: StudyDay
    now: datetime
    limits: DailyLimits
    learning: list[QueueEntry] = field(default_factory=list)
    review: list[QueueEntry] = field(default_factory=list)
    new: list[QueueEntry] = field(default_factory=list)
    learning_later_today: int = 0
    learning_ahead: bool = False

    def __iter__(self) -> Iterator[QueueEntry]:
        yield from self.learning
        yield from self.review
        yield from self.new

    def next_entry(self) -> QueueEntry | None:
        return next(iter(self), None)

    def contains(self, card_id: int) -> bool:
        return any(entry.card_id == card_id for entry in self)

    @property
    def remaining(self) -> int:
        """Cards still to be answered today, counting learning cards due later today."""
        return len(self.learning) + len(self.review) + len(self.new) + self.learning_later_today

    @property
    def is_done(self) -> bool:
        return self.next_entry() is None
