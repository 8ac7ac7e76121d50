"""Word-level differences between two texts, for showing an edit side by side."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

# Words with the space after them, so joining the pieces gives the text back.
_WORDS = re.compile(r"\S+\s*|\s+")


@dataclass(frozen=True)
class Piece:
    """A run of text; ``changed`` when the other side does not have it."""

    text: str
    changed: bool


def word_diff(old: str, new: str) -> tuple[list[Piece], list[Piece]]:
    """``old`` and ``new`` cut into runs, marking the words removed from ``old`` and those
    added in ``new``; the runs of each side join back into that side's text."""
    old_words, new_words = _WORDS.findall(old), _WORDS.findall(new)
    # Compare words without their trailing spaces, so re-wrapping is not an edit.
    matcher = difflib.SequenceMatcher(
        None, [w.rstrip() for w in old_words], [w.rstrip() for w in new_words], autojunk=False
    )
    before: list[Piece] = []
    after: list[Piece] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if i2 > i1:
            before.append(Piece("".join(old_words[i1:i2]), tag != "equal"))
        if j2 > j1:
            after.append(Piece("".join(new_words[j1:j2]), tag != "equal"))
    return before, after
