"""A learner's studied concepts as the map last computed them, kept while they still hold.

A concept's card views and mastery (``deck_tree``) are a pure function of:

* the learner's card state rows for its cards (what reviews, undo and imports write);
* for each reviewed card, the **whole days** since its last review (FSRS counts
  elapsed time in 24-hour periods, so retrievability steps once a day per card);
* which cards fall due before the "due before" moment;
* the forgetting curve and the desired retention (the learner's settings).

So the map keeps, per process, each studied concept's result with the rows it was
computed from and the span of moments over which the other inputs stay the same;
the next request reuses it if its rows are equal and its moments fall in that
span. Nothing needs invalidating: a review changes the rows, a new day or a new
due moment leaves the span, new settings start a new memo, and a new deck version
(``Deck.content_version``, renewed by every import) is a new key.

The memo (studyapp/map/learner_memos.py) is bounded by the number of concepts it holds,
whole learner-decks going least recently used first; each app server keeps its own.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import NamedTuple

from studyapp.clock import as_utc
from studyapp.decks.outline import CardView
from studyapp.map.learner_memos import LearnerMemos
from studyapp.map.mastery import ConceptMastery, concept_mastery
from studyapp.scheduling.memory import ForgettingCurve, SchedulerSettings

# About 2.2 kB per studied concept (its rows, views and mastery; measured with
# tracemalloc on benchmarks/map_page.py's deck): 25,000 keep a worker's memo near
# 55 MB, ten learners who studied half of a 5,000-concept deck, or hundreds of
# learners of typical decks.
MAX_MEMO_CONCEPTS = 25_000

StateRow = tuple  # (card_id, state, stability_days, difficulty, due, last_review, reps, lapses)

_EARLIEST = datetime.min.replace(tzinfo=UTC)
_LATEST = datetime.max.replace(tzinfo=UTC)
_DAY_S = 24 * 3600


class StudiedConcept(NamedTuple):
    """One concept's views and mastery for one learner, computed from ``rows`` (one per
    card, None for a card with no state row), and valid for every moment ``at`` with
    ``valid_from <= at < valid_until`` and every due cut-off ``due_before`` with
    ``due_after < due_before <= due_until``.

    A named tuple because a large map makes thousands per request when a day has passed.
    """

    rows: tuple[StateRow | None, ...]
    cards: tuple[CardView, ...]
    mastery: ConceptMastery
    valid_from: datetime
    valid_until: datetime
    due_after: datetime
    due_until: datetime

    def holds_for(
        self, rows: tuple[StateRow | None, ...], at: datetime, due_before: datetime
    ) -> bool:
        return (
            self.valid_from <= at < self.valid_until
            and self.due_after < due_before <= self.due_until
            and self.rows == rows
        )


def studied_concept(
    rows: tuple[StateRow | None, ...],
    new_cards: tuple[CardView, ...],
    *,
    at: datetime,
    due_before: datetime,
    curve: ForgettingCurve,
    settings: SchedulerSettings,
) -> StudiedConcept:
    """A concept's card views and mastery at ``at`` from one learner's state ``rows`` of its
    cards (None for a card they never reviewed, shown as in ``new_cards``; times naive UTC
    or in ``timezone.utc``), with the span over which each card's whole elapsed days and
    due-or-not stay the same. ``at`` and ``due_before`` are in ``timezone.utc``: subtracting
    and comparing datetimes that share a tzinfo skips the offset lookups."""
    views: list[CardView] = []
    # How far ``at`` is into the current whole day since each card's last review, in whole
    # seconds: the span runs from the latest of those day starts to the earliest day end,
    # each rounded inwards to the second (a span a little short is only a missed reuse).
    least_into_day_s, most_into_day_s = _DAY_S, -1
    due_after, due_until = _EARLIEST, _LATEST
    after_days = curve.after_days
    for row, new_card in zip(rows, new_cards, strict=True):
        if row is None:
            views.append(new_card)
            continue
        _, state, stability, difficulty, due, last_review, reps, lapses = row
        chance = None
        if last_review is not None:
            last_review = as_utc(last_review)
            since = at - last_review  # normalised: 0 <= seconds < a day, also when negative
            into_day_s = since.seconds
            if into_day_s < least_into_day_s:
                least_into_day_s = into_day_s
            if into_day_s > most_into_day_s:
                most_into_day_s = into_day_s
            if stability is not None:
                chance = after_days(stability, since.days)
        due = as_utc(due)
        if due < due_before:
            if due > due_after:
                due_after = due
        elif due < due_until:
            due_until = due
        views.append(
            CardView(
                new_card.id,
                new_card.kind,
                state,
                stability,
                difficulty,
                due,
                last_review,
                chance,
                reps,
                lapses,
            )
        )
    mastery = concept_mastery(
        views,
        at=at,
        due_before=due_before,
        desired_retention=settings.desired_retention,
        scheduler=settings,
        chances=[view.retrievability for view in views],
    )
    if most_into_day_s < 0:  # no last review: time changes nothing
        valid_from, valid_until = _EARLIEST, _LATEST
    else:
        valid_from = at - timedelta(0, least_into_day_s)  # positional: a third the cost
        valid_until = at + timedelta(0, _DAY_S - 1 - most_into_day_s)
    return StudiedConcept(
        rows, tuple(views), mastery, valid_from, valid_until, due_after, due_until
    )


def studied_concept_memo(
    memos: LearnerMemos[StudiedConcept],
    user_id: int,
    deck_version: str,
    curve: ForgettingCurve,
    desired_retention: float,
) -> dict[int, StudiedConcept]:
    """The learner's studied concepts of this deck version, by concept id, computed under
    this forgetting curve and desired retention (new settings start a new memo)."""
    return memos.memo((user_id, deck_version, curve, desired_retention))


studied_concepts: LearnerMemos[StudiedConcept] = LearnerMemos(MAX_MEMO_CONCEPTS)
