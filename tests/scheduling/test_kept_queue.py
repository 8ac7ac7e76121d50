"""The kept day's queue always agrees with the queue worked out from scratch.

Whatever a learner does — answering the next card or another one in the queue,
undoing, a quiz rating a card early, adding or removing a deck, studying a deck
or a branch, time passing across learning steps and study days — the kept
queue (studyapp/scheduling/queue/kept.py) must give the same cards in the same
order as tests/scheduling/queue_oracle.py, and the next card and the check on a
rated card must follow it.
"""

from __future__ import annotations

import contextlib
import itertools
import random
from datetime import timedelta

from fsrs import State
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from studyapp.errors import StudyappError
from studyapp.library.enrolment import enrol, unenrol
from studyapp.scheduling.memory import Grade
from studyapp.scheduling.queue.daily import is_in_queue, next_in_queue, todays_queue
from studyapp.scheduling.queue.entries import QueueScope
from studyapp.scheduling.rating import apply_rating, rate_card, undo_last_rating
from studyapp.scheduling.study_context import StudyContext
from studyapp.storage.db import transaction
from studyapp.storage.models import Card, CardState, Concept
from tests.conftest import START
from tests.scheduling.queue_oracle import reference_queue
from tests.support.factories import concept, deck_json

_numbers = itertools.count()

operations = st.one_of(
    st.tuples(st.just("answer next"), st.sampled_from(list(Grade))),
    st.tuples(st.just("answer any"), st.integers(0, 30), st.sampled_from(list(Grade))),
    st.tuples(st.just("undo")),
    st.tuples(st.just("wait"), st.sampled_from([1, 9, 30, 200, 600, 1440, 2000])),
    st.tuples(st.just("quiz"), st.integers(0, 60), st.sampled_from(list(Grade))),
    st.tuples(st.just("enrol second deck")),
    st.tuples(st.just("remove second deck")),
    st.tuples(st.just("scope"), st.integers(0, 3)),
)


def _deck(key: str, seed: int) -> str:
    rng = random.Random(seed)
    roots = []
    for r in range(3):
        children = [concept(f"{key} {r}.{c}") for c in range(rng.randint(1, 3))]
        roots.append(concept(f"{key} {r}", children=children))
    return deck_json(key=key, title=key, concepts=roots)


def _history(session, user_id: int, deck_id: int, seed: int) -> None:
    """Review states on some of the deck's cards: due before, during and after today."""
    rng = random.Random(seed)
    cards = session.scalars(
        select(Card.id)
        .join(Concept, Concept.id == Card.concept_id)
        .where(Concept.deck_id == deck_id)
    ).all()
    with transaction(session):
        for card_id in rng.sample(list(cards), len(cards) // 2):
            stability = rng.choice([0.5, 2.0, 5.0, 12.0, 40.0])
            last_review = START - timedelta(days=rng.uniform(0.5, 30))
            session.add(
                CardState(
                    user_id=user_id,
                    card_id=card_id,
                    state=State.Review.value,
                    step=None,
                    stability_days=stability,
                    difficulty=rng.uniform(2, 8),
                    due=START + timedelta(hours=rng.uniform(-72, 60)),
                    last_review=last_review,
                    reps=2,
                    lapses=0,
                )
            )


def _shape(queue):
    return (
        [(entry.kind, entry.card_id) for entry in queue],
        queue.learning_later_today,
        queue.learning_ahead,
    )


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    seed=st.integers(0, 10_000),
    new_per_day=st.integers(0, 4),
    reviews_per_day=st.integers(0, 6),
    steps=st.lists(operations, min_size=1, max_size=18),
)
def test_the_kept_queue_agrees_with_the_queue_worked_out_afresh(
    session, clock, make_user, import_text, seed, new_per_day, reviews_per_day, steps
):
    clock.set(START)
    number = next(_numbers)
    user = make_user(
        f"kept{number}", new_cards_per_day=new_per_day, max_reviews_per_day=reviews_per_day
    )
    first = import_text(_deck(f"first{number}", seed), f"first{number}.json", studied_by=user)
    second = import_text(_deck(f"second{number}", seed + 1), f"second{number}.json")
    _history(session, user.id, first.deck.id, seed)
    _history(session, user.id, second.deck.id, seed + 2)
    concept_ids = session.scalars(
        select(Concept.id).where(Concept.deck_id == first.deck.id).order_by(Concept.map_order)
    ).all()
    scopes = [
        QueueScope(),
        QueueScope(deck_id=first.deck.id),
        QueueScope(subtree_root_id=concept_ids[0]),
        QueueScope(deck_id=first.deck.id, subtree_root_id=concept_ids[-3]),
    ]
    scope = scopes[0]

    def context() -> StudyContext:
        session.refresh(user.settings)
        return StudyContext.for_user(user.settings, clock.now(), enable_fuzzing=False)

    def check() -> None:
        for checked in {scope, scopes[0]}:
            expected = reference_queue(session, context(), checked)
            assert _shape(todays_queue(session, context(), checked)) == _shape(expected), checked
            nxt = next_in_queue(session, context(), checked)
            assert (nxt and nxt.card_id) == (
                expected.next_entry() and expected.next_entry().card_id
            )
            for entry in expected:
                assert is_in_queue(session, context(), entry.card_id, checked)
            session.commit()  # as the request that read the queue does

    check()
    for step in steps:
        action = step[0]
        if action == "answer next":
            entry = next_in_queue(session, context(), scope)
            if entry is not None:
                rate_card(session, context(), card_id=entry.card_id, grade=step[1], scope=scope)
        elif action == "answer any":
            entries = list(todays_queue(session, context(), scope))
            session.commit()
            if entries:
                card_id = entries[step[1] % len(entries)].card_id
                rate_card(session, context(), card_id=card_id, grade=step[2], scope=scope)
        elif action == "undo":
            with contextlib.suppress(StudyappError):  # nothing to undo today
                undo_last_rating(session, context())
        elif action == "wait":
            clock.advance(minutes=step[1])
        elif action == "quiz":
            cards = session.scalars(
                select(Card.id)
                .join(Concept, Concept.id == Card.concept_id)
                .where(Concept.deck_id == first.deck.id)
                .order_by(Card.id)
            ).all()
            with transaction(session):
                apply_rating(
                    session,
                    context(),
                    card_id=cards[step[1] % len(cards)],
                    grade=step[2],
                    require_in_queue=False,
                )
        elif action == "enrol second deck":
            with transaction(session):
                enrol(session, user.id, second.deck.id, clock.now())
        elif action == "remove second deck":
            with transaction(session):
                unenrol(session, user.id, second.deck.id)
        elif action == "scope":
            scope = scopes[step[1]]
        check()
