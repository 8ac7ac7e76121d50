"""Studying through studyapp gives exactly what the fsrs package computes on its own."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

from fsrs import Card as FsrsCard
from fsrs import Rating, Scheduler, State
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from studyapp.scheduling.memory import Grade, SchedulerSettings, retrievability
from studyapp.scheduling.rating import find_card_state, rate_card
from studyapp.scheduling.study_context import StudyContext
from studyapp.storage.models import Card
from tests.support.factories import flat_deck_json

STUDY_DAYS = 60
_user_numbers = itertools.count()


def study_along(session, user, card_id, clock, grades) -> tuple[list[tuple], list[tuple]]:
    """Rate ``card_id`` whenever it falls due, once through studyapp and once through fsrs.

    Returns both histories of (state, step, stability, difficulty, due, last_review).
    """
    reference = FsrsCard(card_id=card_id, due=clock.now())
    scheduler = Scheduler(enable_fuzzing=False)
    ours, theirs = [], []
    end = clock.now() + timedelta(days=STUDY_DAYS)
    for grade in grades:
        if reference.due > end:
            break
        clock.set(max(clock.now(), reference.due))
        context = StudyContext.for_user(user.settings, clock.now(), enable_fuzzing=False)
        rate_card(session, context, card_id=card_id, grade=grade)
        reference, _ = scheduler.review_card(reference, Rating(int(grade)), clock.now())
        session.expire_all()
        state = find_card_state(session, user.id, card_id)
        ours.append(
            (
                state.state,
                state.step,
                state.stability_days,
                state.difficulty,
                state.due,
                state.last_review,
            )
        )
        theirs.append(
            (
                reference.state.value,
                reference.step,
                reference.stability,
                reference.difficulty,
                reference.due,
                reference.last_review,
            )
        )
    return ours, theirs


def first_recall_card(session) -> int:
    return session.scalars(select(Card.id).where(Card.kind == "recall").order_by(Card.id)).first()


def test_a_scripted_sixty_day_study_matches_fsrs_exactly(session, import_text, make_user, clock):
    ada = make_user("ada")
    import_text(flat_deck_json(1), studied_by=ada)
    script = itertools.cycle(
        [
            Grade.GOOD,
            Grade.GOOD,
            Grade.AGAIN,
            Grade.GOOD,
            Grade.HARD,
            Grade.EASY,
            Grade.GOOD,
            Grade.AGAIN,
            Grade.GOOD,
        ]
    )
    ours, theirs = study_along(
        session, ada, first_recall_card(session), clock, itertools.islice(script, 200)
    )
    assert len(ours) >= 10
    assert ours == theirs
    assert theirs[-1][4] > clock.now()  # the card ends scheduled into the future


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(grades=st.lists(st.sampled_from(list(Grade)), min_size=1, max_size=25))
def test_any_rating_sequence_matches_fsrs(session, import_text, make_user, clock, grades):
    user = make_user(f"learner{next(_user_numbers)}")
    import_text(flat_deck_json(1), studied_by=user)
    start = clock.now()
    ours, theirs = study_along(session, user, first_recall_card(session), clock, grades)
    clock.set(start)
    assert ours == theirs


@given(
    stability_days=st.floats(min_value=0.001, max_value=36500),
    elapsed_seconds=st.integers(min_value=-86_400, max_value=400 * 86_400),
    desired_retention=st.sampled_from([0.7, 0.85, 0.9, 0.97]),
)
def test_fast_retrievability_is_exactly_what_fsrs_computes(
    stability_days: float, elapsed_seconds: int, desired_retention: float
) -> None:
    """The map's bulk retrievability and fsrs's own never differ, whatever the gap."""
    last_review = datetime(2026, 3, 1, 8, 30, tzinfo=UTC)
    now = last_review + timedelta(seconds=elapsed_seconds)
    settings_ = SchedulerSettings(desired_retention=desired_retention)
    card = FsrsCard(
        card_id=1, state=State.Review, stability=stability_days, last_review=last_review, due=now
    )
    expected = Scheduler(desired_retention=desired_retention).get_card_retrievability(card, now)
    assert retrievability(stability_days, last_review, now, settings_) == expected
