"""What each kind of card shows, made from its concept's texts when it is shown.

Faces are not stored: a re-imported deck with edited texts shows the new
texts on the same cards, with their review history intact.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from studyapp.storage.models import CardKind

MASK = "_____"
# Title words too common to give the answer away; kept visible on recognise cards.
_UNMASKED_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "the",
        "of",
        "in",
        "on",
        "for",
        "to",
        "with",
        "from",
        "by",
        "or",
        "vs",
        "versus",
        "its",
        "their",
        "this",
        "that",
        "how",
        "why",
        "what",
        "when",
        "into",
        "as",
        "at",
        "is",
        "are",
        "be",
    ]
)
_MIN_MASKED_WORD_LENGTH = 3


@dataclass(frozen=True)
class CardFaces:
    """``context`` is the parent concept's title (shown above a recall question), if any."""

    front: str
    back: str
    context: str | None = None


def make_faces(
    kind: CardKind | str, title: str, summary: str, detail: str, parent_title: str | None
) -> CardFaces:
    match CardKind(kind):
        case CardKind.RECALL:
            return CardFaces(front=title, back=summary, context=parent_title)
        case CardKind.RECOGNISE:
            return CardFaces(front=mask_name(summary, title), back=title, context=parent_title)
        case CardKind.EXPLAIN:
            return CardFaces(
                front=f"{title}: {summary}",
                back=detail or summary,
                context=parent_title,
            )


def mask_name(text: str, title: str) -> str:
    """Hide the concept's own name in ``text``: the whole title, then each telling title word.

    Words are matched case-insensitively and with any ending (so "Mechanisms"
    also hides "mechanism" and "mechanisms"); a parenthesised acronym in the
    title, such as "(RLHF)", is hidden too.
    """
    masked = re.sub(re.escape(title), MASK, text, flags=re.IGNORECASE) if title.strip() else text
    for word in _telling_words(title):
        stem = _stem(word)
        masked = re.sub(rf"\b{re.escape(stem)}\w*", MASK, masked, flags=re.IGNORECASE)
    return re.sub(rf"{MASK}(?:[\s-]+{MASK})+", MASK, masked)


def _telling_words(title: str) -> list[str]:
    words = re.findall(r"[A-Za-z0-9][A-Za-z0-9'’]*", title)
    return [
        word
        for word in words
        if word.lower() not in _UNMASKED_WORDS
        and (len(word) >= _MIN_MASKED_WORD_LENGTH or word.isupper())
    ]


def _stem(word: str) -> str:
    """A crude stem so plurals and verb forms match: drop a common English ending."""
    lowered = word.lower()
    for suffix in ("ations", "ation", "ments", "ment", "ies", "es", "s", "ing", "ed"):
        if lowered.endswith(suffix) and len(lowered) - len(suffix) >= 4:
            return lowered[: -len(suffix)]
    return lowered
