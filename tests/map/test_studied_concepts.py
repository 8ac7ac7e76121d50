"""The map's memo of studied concepts never changes what a learner sees.

``deck_tree`` reuses a studied concept's views and mastery while its card states,
each card's whole elapsed days, what is due and the learner's settings stay the
same (studyapp/map/studied_concepts.py), and the tree JSON reuses a studied
concept's encoded object while its values stay the same
(studyapp/api/studied_concept_heads.py). These tests compare both against the
tree computed and encoded afresh, through reviews, passing time, new due cut-offs
and new settings, and check that reuse happens when nothing changed.
"""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import orjson
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, update

from studyapp.api import serialize
from studyapp.decks.outline import CardView
from studyapp.map import tree as map_tree
from studyapp.map.learner_memos import LearnerMemos
from studyapp.map.mastery import NOT_STARTED_MASTERY
from studyapp.map.studied_concepts import StudiedConcept, studied_concept
from studyapp.map.tree import deck_tree
from studyapp.scheduling.memory import SchedulerSettings, forgetting_curve
from studyapp.storage.models import Card, CardState, Concept
from tests.conftest import START
from tests.support.api import iter_concepts, signed_in
from tests.support.factories import deck_json, tree

THREE_LEVELS = tree(
    [
        (f"Topic {t}", [(f"Part {t}.{p}", [(f"Point {t}.{p}.{q}", []) for q in range(3)])
                        for p in range(3)])
        for t in range(3)
    ]
)  # fmt: skip

_user_numbers = itertools.count()


def scheduler(desired_retention: float = 0.9) -> SchedulerSettings:
    return SchedulerSettings(desired_retention=desired_retention, enable_fuzzing=False)


def deck_card_ids(session, deck_id: int) -> list[int]:
    return list(
        session.scalars(
            select(Card.id)
            .join(Concept, Card.concept_id == Concept.id)
            .where(Concept.deck_id == deck_id)
            .order_by(Card.id)
        )
    )


def set_state(
    session,
    user_id: int,
    card_id: int,
    *,
    state: int,
    stability_days: float,
    last_review: datetime,
) -> None:
    """Write the user's state of the card as a review at ``last_review`` would leave it."""
    values = {
        "state": state,
        "step": None if state == 2 else 0,
        "stability_days": stability_days,
        "difficulty": 5.0,
        "due": last_review + timedelta(days=stability_days),
        "last_review": last_review,
    }
    states = CardState.__table__
    changed = session.execute(
        update(states)
        .where(states.c.user_id == user_id, states.c.card_id == card_id)
        .values(**values, reps=states.c.reps + 1, version=states.c.version + 1)
    )
    if changed.rowcount == 0:
        session.execute(
            states.insert().values(
                user_id=user_id, card_id=card_id, reps=1, lapses=0, version=1, **values
            )
        )
    session.commit()


def flattened(roots) -> list[tuple]:
    """Every node's id, cards, mastery and sub-tree figures, in map order."""
    out = []
    stack = list(reversed(roots))
    while stack:
        node = stack.pop()
        out.append((node.id, node.parent_id, node.cards, node.mastery, node.subtree))
        stack.extend(reversed(node.children))
    return out


def plain_json(roots) -> bytes:
    return orjson.dumps([serialize.plain_concept(root) for root in roots], option=orjson.OPT_UTC_Z)


moves = st.one_of(
    st.tuples(st.just("wait"), st.integers(min_value=1, max_value=40)),  # hours
    st.tuples(
        st.just("review"),
        st.integers(min_value=0, max_value=10_000),  # which card (modulo the deck's cards)
        st.sampled_from([1, 2, 3]),  # learning, review, relearning
        st.sampled_from([0.4, 3.0, 12.0, 45.0]),  # stability in days
        st.integers(min_value=0, max_value=72),  # hours before now
    ),
    st.tuples(st.just("retention"), st.sampled_from([0.8, 0.9, 0.97])),
    st.tuples(st.just("cutoff"), st.integers(min_value=-12, max_value=48)),  # hours from now
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(moves, min_size=1, max_size=14))
def test_the_memo_and_the_encoded_heads_read_as_computed_afresh(
    session, import_text, make_user, steps
):
    deck = import_text(deck_json(key="memo", concepts=THREE_LEVELS)).deck
    user = make_user(f"learner{next(_user_numbers)}")
    cards = deck_card_ids(session, deck.id)
    memos: LearnerMemos[StudiedConcept] = LearnerMemos(max_values=1_000)
    at, cutoff_hours, retention = START, 15, 0.9
    for step in steps:
        match step:
            case ("wait", hours):
                at += timedelta(hours=hours)
            case ("review", index, state, stability_days, hours_ago):
                set_state(
                    session,
                    user.id,
                    cards[index % len(cards)],
                    state=state,
                    stability_days=stability_days,
                    last_review=at - timedelta(hours=hours_ago, minutes=index % 60),
                )
            case ("retention", value):
                retention = value
            case ("cutoff", hours):
                cutoff_hours = hours
        asked = {
            "now": at,
            "scheduler_settings": scheduler(retention),
            "due_before": at + timedelta(hours=cutoff_hours),
        }
        remembered = deck_tree(session, user.id, deck.id, memo=memos, **asked)
        fresh = deck_tree(session, user.id, deck.id, memo=None, **asked)
        assert flattened(remembered) == flattened(fresh)
        assert orjson.dumps(serialize.concepts(remembered, user.id)) == plain_json(fresh)


def test_a_tree_with_nothing_changed_reuses_every_studied_concept(session, import_text, make_user):
    deck = import_text(deck_json(key="memo", concepts=THREE_LEVELS)).deck
    user = make_user("ada")
    for card_id in deck_card_ids(session, deck.id)[::4]:
        set_state(
            session,
            user.id,
            card_id,
            state=2,
            stability_days=9.0,
            last_review=START - timedelta(days=2),
        )
    memos: LearnerMemos[StudiedConcept] = LearnerMemos(max_values=1_000)

    def studied_cards(at: datetime) -> dict[int, tuple[CardView, ...]]:
        roots = deck_tree(
            session, user.id, deck.id, now=at, scheduler_settings=scheduler(), memo=memos
        )
        return {
            node_id: node_cards
            for node_id, _, node_cards, mastery, _ in flattened(roots)
            if mastery is not NOT_STARTED_MASTERY
        }

    first = studied_cards(START)
    assert len(first) >= 10
    an_hour_later = studied_cards(START + timedelta(hours=1))
    assert all(an_hour_later[key] is first[key] for key in first)  # the very same views
    a_day_later = studied_cards(START + timedelta(days=1))
    assert all(a_day_later[key] is not first[key] for key in first)
    chances = {card.retrievability for cards in a_day_later.values() for card in cards}
    assert chances - {card.retrievability for cards in first.values() for card in cards}


def test_a_computed_concept_holds_until_a_card_starts_a_new_whole_day_or_falls_due():
    reviewed = START - timedelta(days=2, hours=1)  # 08:00 two days before START (09:00)
    row = (7, 2, 10.0, 5.0, START + timedelta(hours=3), reviewed, 2, 0)  # due at 12:00
    at, due_before = START, START + timedelta(hours=1)
    result = studied_concept(
        (row,),
        (CardView.new(7, "recall"),),
        at=at,
        due_before=due_before,
        curve=forgetting_curve(scheduler()),
        settings=scheduler(),
    )
    rows = (row,)
    assert result.mastery.due_cards == 0
    next_whole_day = reviewed + timedelta(days=3)  # 08:00 tomorrow
    assert result.holds_for(rows, next_whole_day - timedelta(seconds=2), due_before)
    assert not result.holds_for(rows, next_whole_day, due_before)
    assert result.holds_for(rows, reviewed + timedelta(days=2), due_before)  # 08:00 today
    assert not result.holds_for(rows, reviewed + timedelta(days=2, seconds=-1), due_before)
    due = row[4]
    assert result.holds_for(rows, at, due)  # a cut-off at the due moment: still not due
    assert not result.holds_for(rows, at, due + timedelta(seconds=1))
    other_row = (*row[:2], 11.0, *row[3:])
    assert not result.holds_for((other_row,), at, due_before)


def test_a_review_updates_the_branch_figures_of_every_studied_ancestor(
    client, make_user, session, import_text
):
    ada = signed_in(client, make_user, "ada")
    deck_id = import_text(deck_json(key="memo", concepts=THREE_LEVELS), studied_by=ada.user).deck.id
    topic = next(
        c["id"] for c in iter_concepts(ada.tree(deck_id)["concepts"]) if c["title"] == "Topic 0"
    )
    for _ in range(3):
        ada.rate_next(3, subtree=topic)
    before = {c["title"]: c for c in iter_concepts(ada.tree(deck_id)["concepts"])}
    ada.rate_next(1, subtree=topic)  # Again on the next card of the branch
    after = {c["title"]: c for c in iter_concepts(ada.tree(deck_id)["concepts"])}
    assert before["Topic 0"]["mastery"]["subtree"] != after["Topic 0"]["mastery"]["subtree"]
    changed = [t for t in after if after[t] != before[t]]
    assert "Topic 0" in changed and all(
        t.startswith(("Topic 0", "Part 0.", "Point 0.")) for t in changed
    )


def test_memos_keep_their_bound_dropping_the_least_recently_used_learner_first():
    memos: LearnerMemos[str] = LearnerMemos(max_values=4)
    ada, bob, cy = memos.memo(("ada", "v1")), memos.memo(("bob", "v1")), memos.memo(("cy", "v1"))
    ada.update({1: "a", 2: "a"})
    bob.update({1: "b", 2: "b"})
    memos.trim()
    assert len(memos) == 3 and memos.value_count == 4
    assert memos.memo(("ada", "v1")) is ada  # Ada's is now the most recently used
    cy.update({1: "c"})
    memos.trim()
    assert memos.memo(("ada", "v1")) is ada and memos.value_count == 3
    assert memos.memo(("bob", "v1")) == {}  # Bob's went first
    huge = memos.memo(("dee", "v1"))
    huge.update({n: "d" for n in range(10)})
    memos.trim()
    assert len(memos) == 1 and memos.memo(("dee", "v1")) is huge  # the latest stays
    memos.clear()
    assert len(memos) == 0


def test_new_settings_start_a_new_memo(session, import_text, make_user):
    deck = import_text(deck_json(key="memo", concepts=THREE_LEVELS)).deck
    user = make_user("ada")
    (first_card, *_) = deck_card_ids(session, deck.id)
    set_state(
        session,
        user.id,
        first_card,
        state=2,
        stability_days=2.0,
        last_review=START - timedelta(days=3),
    )
    memos: LearnerMemos[StudiedConcept] = LearnerMemos(max_values=1_000)

    def fading(retention: float) -> bool:
        roots = deck_tree(
            session,
            user.id,
            deck.id,
            now=START,
            scheduler_settings=scheduler(retention),
            memo=memos,
        )
        return next(m for _, _, _, m, _ in flattened(roots) if m is not NOT_STARTED_MASTERY).fading

    assert fading(0.97) is True
    assert fading(0.5) is False
    assert len(memos) == 2


def test_memo_times_are_utc_whatever_the_database_returns(session, import_text, make_user):
    deck = import_text(deck_json(key="memo", concepts=THREE_LEVELS)).deck
    user = make_user("ada")
    (first_card, *_) = deck_card_ids(session, deck.id)
    set_state(session, user.id, first_card, state=2, stability_days=5.0, last_review=START)
    roots = deck_tree(session, user.id, deck.id, now=START, scheduler_settings=scheduler())
    (view,) = [card for _, _, cards, _, _ in flattened(roots) for card in cards if card.state]
    assert view.due.tzinfo is UTC and view.last_review.tzinfo is UTC


def test_the_map_and_the_deck_page_share_the_learners_memo(
    client, login, make_user, import_text, session, monkeypatch
):
    """Cards due later today would be "not due" for a page counting up to now: the pages
    that show no due counts ask with the map's cut-off, so moving between them recomputes
    nothing."""
    ada = make_user("ada")
    deck = import_text(deck_json(key="memo", concepts=THREE_LEVELS), studied_by=ada).deck
    for card_id in deck_card_ids(session, deck.id)[:12]:
        set_state(  # due 2.4 hours after START, later the same study day
            session,
            ada.id,
            card_id,
            state=2,
            stability_days=2.1,
            last_review=START - timedelta(days=2),
        )
    login("ada")
    assert client.get(f"/decks/{deck.id}/map").status_code == 200
    computed = []

    def counting(*args, **kwargs):
        computed.append(args[0])
        return studied_concept(*args, **kwargs)

    monkeypatch.setattr(map_tree, "studied_concept", counting)
    assert client.get(f"/decks/{deck.id}").status_code == 200
    assert client.get(f"/decks/{deck.id}/map").status_code == 200
    assert computed == []
