"""Moving concepts of a parsed deck under another parent before importing it."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from studyapp.decks.document import DeckValidationError
from studyapp.decks.formats.reading import read_deck_bytes
from studyapp.decks.importing.hierarchy_edit import (
    MAX_MOVES,
    ParentMove,
    apply_moves,
    finish_moves,
    moves_from_text,
    moves_to_text,
)
from tests.support.factories import concept, deck_json

OUTLINE = """\
# Algebra

## Groups

Groups in one sentence.

### Subgroups

Subgroups in one sentence.

### Cosets

Cosets in one sentence.

## Rings

Rings in one sentence.
"""


def parsed(text: str = OUTLINE, name: str = "algebra.md"):
    return read_deck_bytes(text.encode(), name)


def shape(draft) -> list[tuple[str, int]]:
    return [(node.title, depth) for node, depth in draft.walk()]


def test_a_move_puts_the_concept_and_its_branch_last_under_the_new_parent():
    draft = parsed()
    moved = apply_moves(draft, [ParentMove("groups", "rings")])
    assert shape(moved) == [("Rings", 1), ("Groups", 2), ("Subgroups", 3), ("Cosets", 3)]
    assert shape(draft)[0] == ("Groups", 1)  # the parsed draft is left as it was


def test_moving_to_the_top_level_and_derived_keys_follow_the_new_path():
    moved = finish_moves(apply_moves(parsed(), [ParentMove("groups/cosets", None)]))
    assert shape(moved) == [("Groups", 1), ("Subgroups", 2), ("Rings", 1), ("Cosets", 1)]
    assert [node.key for node, _ in moved.walk()][-1] == "cosets"


def test_keys_a_file_gave_stay_when_a_concept_moves():
    document = deck_json(
        concepts=[
            concept("Groups", key="g", children=[concept("Cosets", key="c")]),
            concept("Rings", key="r"),
        ]
    )
    moved = finish_moves(apply_moves(parsed(document, "a.json"), [ParentMove("c", "r")]))
    assert [(node.key, depth) for node, depth in moved.walk()] == [("g", 1), ("r", 1), ("c", 2)]


def test_moves_apply_in_order_naming_concepts_by_their_first_keys():
    moves = [ParentMove("groups/cosets", "rings"), ParentMove("groups", "groups/cosets")]
    assert shape(apply_moves(parsed(), moves)) == [
        ("Rings", 1),
        ("Cosets", 2),
        ("Groups", 3),
        ("Subgroups", 4),
    ]


@pytest.mark.parametrize(
    ("move", "message"),
    [
        (
            ParentMove("groups", "groups/cosets"),
            "'Groups' cannot go under 'Cosets', which is inside it",
        ),
        (ParentMove("groups", "groups"), "which is inside it"),
        (ParentMove("fields", None), "there is no concept 'fields'"),
        (ParentMove("groups", "fields"), "there is no concept 'fields'"),
    ],
)
def test_impossible_moves_are_refused_with_the_reason(move, message):
    with pytest.raises(DeckValidationError) as refused:
        apply_moves(parsed(), [move])
    assert message in str(refused.value)


def test_a_move_that_gives_two_siblings_one_title_is_reported():
    text = OUTLINE + "\n### Subgroups\n\nAnother subgroups.\n"  # under Rings
    draft = parsed(text)
    with pytest.raises(DeckValidationError) as refused:
        finish_moves(apply_moves(draft, [ParentMove("rings/subgroups", "groups")]))
    assert "duplicate key" in str(refused.value)


def test_moves_travel_as_text_and_bad_text_is_refused():
    moves = [ParentMove("a", None), ParentMove("b/c", "a")]
    assert moves_from_text(moves_to_text(moves)) == moves
    assert moves_from_text("") == []
    for bad in (
        '{"a": 1}',
        "[[1, 2]]",
        '[["a"]]',
        "not json",
        "[" + ",".join(['["a",null]'] * (MAX_MOVES + 1)) + "]",
    ):
        with pytest.raises(ValueError):
            moves_from_text(bad)


@given(st.lists(st.tuples(st.integers(0, 3), st.integers(-1, 3)), max_size=12))
def test_any_sequence_of_moves_keeps_every_concept_once_or_is_refused(pairs):
    draft = parsed()
    keys = [node.key for node, _ in draft.walk()]
    moves = [ParentMove(keys[a], None if b < 0 else keys[b]) for a, b in pairs]
    try:
        moved = apply_moves(draft, moves)
    except DeckValidationError as refused:
        assert all("move" in problem.message for problem in refused.problems)
        return
    assert sorted(node.key for node, _ in moved.walk()) == sorted(keys)
