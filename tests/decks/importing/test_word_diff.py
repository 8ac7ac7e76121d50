"""Word-level differences shown in the import preview."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from studyapp.decks.importing.word_diff import Piece, word_diff


def test_only_the_words_that_differ_are_marked():
    before, after = word_diff(
        "Rates rise when inflation rises.", "Rates fall when inflation falls."
    )
    assert before == [
        Piece("Rates ", False),
        Piece("rise ", True),
        Piece("when inflation ", False),
        Piece("rises.", True),
    ]
    assert [piece.text for piece in after if piece.changed] == ["fall ", "falls."]


def test_identical_texts_have_no_marks_and_rewrapping_is_not_an_edit():
    before, after = word_diff("one two  three", "one two three")
    assert not any(piece.changed for piece in before + after)


@given(st.text(), st.text())
def test_each_side_joins_back_into_its_text(old, new):
    before, after = word_diff(old, new)
    assert "".join(piece.text for piece in before) == old
    assert "".join(piece.text for piece in after) == new
