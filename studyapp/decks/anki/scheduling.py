"""A studyapp FSRS memory state as the columns of an Anki card.

Anki keeps a card's scheduling in ``cards.type`` (0 new, 1 learning, 2 review,
3 relearning), ``cards.queue`` (which queue shows it), ``cards.due`` (a Unix
time in seconds for cards in the learning queue, a day number counted from the
collection's creation for review cards), ``cards.ivl`` (the current interval
in days), ``cards.factor`` (ease in permille, unused by FSRS), ``cards.left``
(learning steps still to go) and, for FSRS, the JSON ``cards.data`` column:
``{"s": stability in days, "d": difficulty 1–10, "lrt": last review as Unix
seconds}``.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from fsrs import State

SECONDS_PER_DAY = 86_400
# Anki's default day boundary (4 a.m.); review due days are counted from it.
ANKI_ROLLOVER_HOUR = 4
# The ease Anki gives a card when it graduates; only its SM-2 scheduler reads it.
DEFAULT_EASE_PERMILLE = 2500

ANKI_TYPE_LEARNING = 1
ANKI_TYPE_REVIEW = 2
ANKI_TYPE_RELEARNING = 3
ANKI_QUEUE_LEARNING = 1
ANKI_QUEUE_REVIEW = 2


@dataclass(frozen=True)
class CardSchedule:
    """One user's FSRS memory state of one card, to carry into Anki.

    ``state`` is an ``fsrs.State`` value as stored in ``CardState.state``
    (1 learning, 2 review, 3 relearning); ``stability_days`` is the interval
    after which recall probability falls to 90%; ``difficulty`` is FSRS's 1–10;
    ``due`` and ``last_review`` are UTC moments; ``reps`` counts reviews and
    ``lapses`` forgotten reviews.
    """

    state: int
    stability_days: float | None
    difficulty: float | None
    due: datetime
    last_review: datetime | None
    reps: int = 0
    lapses: int = 0


@dataclass(frozen=True)
class AnkiCardColumns:
    """The scheduling columns of one row of Anki's ``cards`` table."""

    type: int
    queue: int
    due: int
    ivl: int
    factor: int
    reps: int
    lapses: int
    left: int
    data: str


def anki_card_columns(schedule: CardSchedule, collection_created: datetime) -> AnkiCardColumns:
    """The Anki columns for ``schedule`` in a collection created at ``collection_created``.

    Review cards are due on a day number counted from the collection's first
    day boundary; Anki counts days at the importing computer's own boundary,
    so a review can move by up to a day. Learning and relearning cards keep
    their exact due moment. They are written with one step left, so their
    next successful answer graduates them.
    """
    state = State(schedule.state)
    if state is State.Review:
        return _columns(
            schedule,
            type_=ANKI_TYPE_REVIEW,
            queue=ANKI_QUEUE_REVIEW,
            due=due_day_number(schedule.due, collection_created),
            ivl=_review_interval_days(schedule),
            factor=DEFAULT_EASE_PERMILLE,
            left=0,
        )
    relearning = state is State.Relearning
    return _columns(
        schedule,
        type_=ANKI_TYPE_RELEARNING if relearning else ANKI_TYPE_LEARNING,
        queue=ANKI_QUEUE_LEARNING,
        due=int(schedule.due.timestamp()),
        ivl=_stability_interval_days(schedule) if relearning else 0,
        factor=DEFAULT_EASE_PERMILLE if relearning else 0,
        left=1,
    )


def due_day_number(due: datetime, collection_created: datetime) -> int:
    """The Anki day number of ``due``: whole days since the collection's first day boundary."""
    created = collection_created.astimezone(UTC)
    first_boundary = created.replace(hour=ANKI_ROLLOVER_HOUR, minute=0, second=0, microsecond=0)
    if first_boundary > created:
        first_boundary -= timedelta(days=1)
    return math.floor((due - first_boundary).total_seconds() / SECONDS_PER_DAY)


def fsrs_card_data(schedule: CardSchedule) -> str:
    """The JSON of Anki's ``cards.data`` column for this memory state (as Anki rounds it)."""
    data: dict[str, float | int] = {}
    if schedule.stability_days is not None:
        data["s"] = round(schedule.stability_days, 3)
    if schedule.difficulty is not None:
        data["d"] = round(schedule.difficulty, 3)
    if schedule.last_review is not None:
        data["lrt"] = int(schedule.last_review.timestamp())
    return json.dumps(data, separators=(",", ":")) if data else ""


def _columns(
    schedule: CardSchedule, *, type_: int, queue: int, due: int, ivl: int, factor: int, left: int
) -> AnkiCardColumns:
    return AnkiCardColumns(
        type=type_,
        queue=queue,
        due=due,
        ivl=ivl,
        factor=factor,
        reps=schedule.reps,
        lapses=schedule.lapses,
        left=left,
        data=fsrs_card_data(schedule),
    )


def _review_interval_days(schedule: CardSchedule) -> int:
    """The interval the card was last given: last review to due, in whole days (at least 1)."""
    if schedule.last_review is None:
        return _stability_interval_days(schedule)
    days = (schedule.due - schedule.last_review).total_seconds() / SECONDS_PER_DAY
    return max(1, round(days))


def _stability_interval_days(schedule: CardSchedule) -> int:
    return max(1, round(schedule.stability_days or 1))
