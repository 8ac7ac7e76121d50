"""Mastery: levels at their boundaries, retrievability and fading, sub-trees, dates ahead."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fsrs import Card as FsrsCard
from fsrs import Scheduler, State
from hypothesis import given
from hypothesis import strategies as st

from studyapp.map.mastery import (
    MASTERED_STABILITY_DAYS,
    PROFICIENT_STABILITY_DAYS,
    CardMemory,
    MasteryLevel,
    concept_mastery,
    mastery_level,
    subtree_masteries,
)
from studyapp.scheduling.memory import SchedulerSettings
from tests.support.strategies import forests

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
SETTINGS = SchedulerSettings(enable_fuzzing=False)
NEW = CardMemory(None, None, None, None)


def review(stability: float, days_ago: float = 0.0, due_in_days: float = 1.0) -> CardMemory:
    return CardMemory(
        State.Review.value,
        stability,
        NOW - timedelta(days=days_ago),
        NOW + timedelta(days=due_in_days),
    )


def learning(stability: float = 2.0) -> CardMemory:
    return CardMemory(State.Learning.value, stability, NOW, NOW + timedelta(minutes=10))


@pytest.mark.parametrize(
    ("cards", "level"),
    [
        ([NEW, NEW, NEW], MasteryLevel.NOT_STARTED),
        ([learning(), NEW, NEW], MasteryLevel.LEARNING),
        ([review(30), review(30), learning(30)], MasteryLevel.LEARNING),
        ([review(0.99), review(30), review(30)], MasteryLevel.LEARNING),
        ([review(1.0), NEW, NEW], MasteryLevel.FAMILIAR),
        ([review(30), review(30), NEW], MasteryLevel.FAMILIAR),
        ([review(30), review(30), review(PROFICIENT_STABILITY_DAYS - 0.01)], MasteryLevel.FAMILIAR),
        ([review(30), review(30), review(PROFICIENT_STABILITY_DAYS)], MasteryLevel.PROFICIENT),
        ([review(30), review(30), review(MASTERED_STABILITY_DAYS - 0.01)], MasteryLevel.PROFICIENT),
        ([review(30), review(30), review(MASTERED_STABILITY_DAYS)], MasteryLevel.MASTERED),
    ],
    ids=[
        "nothing-reviewed",
        "one-in-learning",
        "relearning-beats-strong-cards",
        "stability-under-a-day",
        "one-reviewed-card",
        "one-card-still-new",
        "just-under-proficient",
        "proficient-at-7-days",
        "just-under-mastered",
        "mastered-at-21-days",
    ],
)
def test_each_level_boundary(cards, level):
    assert mastery_level(cards) is level


def fsrs_retrievability(stability: float, days_ago: float, at: datetime) -> float:
    card = FsrsCard(
        card_id=1,
        state=State.Review,
        stability=stability,
        last_review=NOW - timedelta(days=days_ago),
        due=NOW,
    )
    return Scheduler().get_card_retrievability(card, at)


def master(cards, at=NOW, desired_retention=0.9):
    return concept_mastery(
        cards, at=at, due_before=at, desired_retention=desired_retention, scheduler=SETTINGS
    )


def test_retrievability_is_the_mean_of_the_reviewed_cards_as_fsrs_computes_it():
    result = master([review(10, days_ago=5), review(40, days_ago=20), NEW])
    expected = (fsrs_retrievability(10, 5, NOW) + fsrs_retrievability(40, 20, NOW)) / 2
    assert result.retrievability == pytest.approx(expected, abs=1e-12)
    assert master([NEW, NEW]).retrievability is None


def test_fading_when_retrievability_falls_below_desired_retention_whatever_the_level():
    # Stability is the interval at which recall falls to 90%: one day past it, the card fades.
    mastered_but_overdue = [review(30, days_ago=31)] * 3
    result = master(mastered_but_overdue)
    assert result.level is MasteryLevel.MASTERED
    assert result.fading and result.retrievability < 0.9
    fresh = master([review(30, days_ago=29)] * 3)
    assert not fresh.fading
    assert master(mastered_but_overdue, desired_retention=0.85).fading is False


def test_as_of_a_later_date_the_same_cards_have_faded():
    cards = [review(10, days_ago=1, due_in_days=9)] * 3
    today = master(cards)
    in_a_month = master(cards, at=NOW + timedelta(days=30))
    assert not today.fading and in_a_month.fading
    assert in_a_month.retrievability == pytest.approx(
        fsrs_retrievability(10, 1, NOW + timedelta(days=30))
    )
    assert today.level is in_a_month.level is MasteryLevel.PROFICIENT
    assert (today.due_cards, in_a_month.due_cards) == (0, 3)


def test_subtree_counts_levels_of_the_concept_and_all_descendants():
    #   1
    #   ├── 2
    #   │   └── 4
    #   └── 3
    concepts = [(1, None), (2, 1), (4, 2), (3, 1)]
    masteries = {
        1: master([review(30), review(30), review(30)]),
        2: master([learning(), NEW, NEW]),
        4: master([NEW, NEW, NEW]),
        3: master([review(30, days_ago=31)] * 3),
    }
    subtrees = subtree_masteries(concepts, masteries)
    root = subtrees[1]
    assert root.concept_count == 4
    assert root.levels[MasteryLevel.MASTERED] == 2
    assert root.levels[MasteryLevel.LEARNING] == 1
    assert root.levels[MasteryLevel.NOT_STARTED] == 1
    with_chances = [m.retrievability for m in masteries.values() if m.retrievability is not None]
    assert root.mean_retrievability == pytest.approx(sum(with_chances) / len(with_chances))
    assert subtrees[2].concept_count == 2 and subtrees[2].share(MasteryLevel.NOT_STARTED) == 0.5
    assert subtrees[4].mean_retrievability is None


# A card as mastery reads it, drawn from every kind of state, stability and due date.
remembered_cards = st.one_of(
    st.just(NEW),
    st.builds(
        CardMemory,
        st.sampled_from([s.value for s in State]),
        st.one_of(st.none(), st.floats(0.01, 400)),
        st.just(NOW - timedelta(days=3)),
        st.sampled_from([NOW - timedelta(hours=1), NOW + timedelta(days=2)]),
    ),
)


@given(st.lists(remembered_cards, max_size=4))
def test_a_concepts_level_is_the_level_of_its_cards(cards: list[CardMemory]) -> None:
    result = master(cards)
    assert result.level is mastery_level(cards)
    reviewed = [card for card in cards if card.state is not None]
    assert result.due_cards == sum(card.due < NOW for card in reviewed)




@given(forests(), st.data())
def test_subtrees_add_up_what_a_walk_down_each_branch_counts(forest, data) -> None:
    masteries = {
        concept_id: master(data.draw(st.lists(remembered_cards, min_size=1, max_size=3)))
        for concept_id, _ in forest
    }
    children: dict[int | None, list[int]] = {}
    for concept_id, parent in forest:
        children.setdefault(parent, []).append(concept_id)

    def branch(concept_id: int) -> list[int]:
        found = [concept_id]
        for child in children.get(concept_id, []):
            found += branch(child)
        return found

    subtrees = subtree_masteries(forest, masteries)
    for concept_id, _ in forest:
        members = [masteries[member] for member in branch(concept_id)]
        subtree = subtrees[concept_id]
        assert subtree.levels == {
            level: sum(m.level is level for m in members) for level in MasteryLevel
        }
        chances = [m.retrievability for m in members if m.retrievability is not None]
        assert subtree.retrievability_count == len(chances)
        assert subtree.retrievability_sum == pytest.approx(sum(chances))
        assert subtree.not_started is all(m.level is MasteryLevel.NOT_STARTED for m in members)
