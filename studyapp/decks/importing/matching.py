"""Which stored concept each concept of a new deck version continues. Pure: no database.

A concept that continues a stored one keeps its cards, and with them every
user's review state and history. The rule (docs/deck-format.md, "Re-importing:
how concepts are matched"):

1. **Key.** A concept whose key the file gave (an *explicit* key) matches the
   stored concept with that key, live or retired (a retired one comes back),
   and nothing else. A concept whose key was derived from its title path
   matches a live stored concept with that key.
2. **Fallbacks**, for concepts with derived keys only, against the live
   stored concepts still unmatched, in this order: the same **title path**,
   the same **title**, the same or a **near-identical summary**.
3. Rules 1 and 2 again for the concepts still unmatched, against the
   **retired** stored concepts. Live ones go first, so that a concept moved
   onto a path where a retired concept once was continues the live concept.

Each rule runs over every concept before the next starts (greedy in rule
order), a stored concept continues at most one new concept, and a later rule
never takes a stored concept an earlier one matched. Title path, title and
summary matches are made only when unambiguous: exactly one unmatched new
concept and one unmatched stored concept (of the live or the retired ones)
share the value.

Texts are compared after :func:`normalise_text`. Summaries match when they are
equal so normalised (tried first) or *near-identical*: both are at least
:data:`SHORTEST_NEAR_IDENTICAL_SUMMARY` characters long, they have at least
half of the new summary's word pairs in common
(:data:`SHARED_WORD_PAIRS_FRACTION`) and :data:`SUMMARY_SIMILARITY_THRESHOLD`
or more :func:`summary_similarity`.
"""

from __future__ import annotations

import enum
import math
import re
import unicodedata
from collections import defaultdict
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from itertools import pairwise

SUMMARY_SIMILARITY_THRESHOLD = 0.9
"""Least :func:`summary_similarity` (0–1) of two near-identical summaries: for
summaries of about 150 characters, up to about 15 characters may differ."""

SHARED_WORD_PAIRS_FRACTION = 0.5
"""Least fraction of the new summary's distinct word pairs (two words in a row)
that a near-identical stored summary must contain: the same wording, give or
take a few words. It lets an index of word pairs find the candidates, so no
two summaries are compared unless they have that much in common."""

SHORTEST_NEAR_IDENTICAL_SUMMARY = 40
"""Summaries shorter than this (normalised characters) match only when equal: in
a short text a few differing characters tend to be another name, as in
"C005 in one sentence." and "C006 in one sentence." (similarity 0.95)."""

_WORD = re.compile(r"\w+")


class MatchRule(enum.StrEnum):
    """Which rule matched a new concept to a stored one."""

    KEY = "key"
    TITLE_PATH = "title_path"
    TITLE = "title"
    SUMMARY = "summary"


@dataclass(frozen=True, slots=True)
class StoredConcept:
    """What matching needs of a concept already in the database.

    ``title_path`` is the titles from its root down to it, as stored;
    ``retired`` is true when it is absent from the deck's latest version.
    """

    id: int
    key: str
    title: str
    title_path: tuple[str, ...]
    summary: str
    retired: bool


@dataclass(frozen=True, slots=True)
class DraftConcept:
    """What matching needs of a concept of the version being imported.

    ``key_is_derived`` is true when the file gave no key and validation derived
    it from the title path; only such concepts are matched by the fallbacks.
    """

    key: str
    title: str
    title_path: tuple[str, ...]
    summary: str
    key_is_derived: bool


@dataclass(frozen=True, slots=True)
class ConceptMatch:
    """The new concept ``draft_key`` continues stored concept ``concept_id``, by ``rule``."""

    draft_key: str
    concept_id: int
    rule: MatchRule


def normalise_text(text: str) -> str:
    """``text`` as compared by matching: NFKC, case-folded, runs of whitespace as one space."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def summary_similarity(first: str, second: str) -> float:
    """How alike two summaries are, from 0 (nothing in common) to 1 (equal once normalised).

    difflib's ratio of the normalised texts: twice the characters in matching
    blocks over the characters in both.
    """
    return SequenceMatcher(
        None, normalise_text(first), normalise_text(second), autojunk=False
    ).ratio()


def match_concepts(
    stored: Iterable[StoredConcept], drafts: Iterable[DraftConcept]
) -> dict[str, ConceptMatch]:
    """Each new concept that continues a stored one, by its key: the rule of this module.

    Keys are unique among ``stored`` (one deck's concepts) and among ``drafts``
    (one validated file). Concepts absent from the result are new.
    """
    stored = list(stored)
    drafts = list(drafts)
    matches: dict[str, ConceptMatch] = {}
    taken: set[int] = set()
    texts = _NormalisedTexts()

    def accept(pairs: Iterable[tuple[DraftConcept, StoredConcept]], rule: MatchRule) -> None:
        for draft, concept in pairs:
            matches[draft.key] = ConceptMatch(draft.key, concept.id, rule)
            taken.add(concept.id)

    stored_by_key = {concept.key: concept for concept in stored}
    accept(
        (
            (draft, concept)
            for draft in drafts
            if (concept := stored_by_key.get(draft.key)) is not None
            and not (draft.key_is_derived and concept.retired)
        ),
        MatchRule.KEY,
    )
    for retired in (False, True):
        waiting = [d for d in drafts if d.key_is_derived and d.key not in matches]
        if retired:
            accept(
                (
                    (draft, concept)
                    for draft in waiting
                    if (concept := stored_by_key.get(draft.key)) is not None
                    and concept.id not in taken
                ),
                MatchRule.KEY,
            )
        for rule, field_index in _EQUALITY_RULES:
            waiting = [d for d in waiting if d.key not in matches]
            pool = [c for c in stored if c.retired == retired and c.id not in taken]
            accept(_unambiguous_pairs(waiting, pool, texts, field_index), rule)
        waiting = [d for d in waiting if d.key not in matches]
        pool = [c for c in stored if c.retired == retired and c.id not in taken]
        accept(_near_identical_summaries(waiting, pool, texts), MatchRule.SUMMARY)
    return matches


_Concept = StoredConcept | DraftConcept
_Texts = tuple[tuple[str, ...], str, str]
_TITLE_PATH, _TITLE, _SUMMARY = range(3)
_EQUALITY_RULES = (
    (MatchRule.TITLE_PATH, _TITLE_PATH),
    (MatchRule.TITLE, _TITLE),
    (MatchRule.SUMMARY, _SUMMARY),
)


class _NormalisedTexts:
    """A concept's normalised (title path, title, summary) and its summary's word pairs,
    each worked out once per concept."""

    def __init__(self) -> None:
        self._by_object: dict[int, _Texts] = {}
        self._pairs_by_object: dict[int, frozenset[tuple[str, ...]]] = {}

    def __call__(self, concept: _Concept) -> _Texts:
        # Keyed by id(): every concept outlives the matching that asks.
        found = self._by_object.get(id(concept))
        if found is None:
            found = (
                tuple(normalise_text(title) for title in concept.title_path),
                normalise_text(concept.title),
                normalise_text(concept.summary),
            )
            self._by_object[id(concept)] = found
        return found

    def word_pairs(self, concept: _Concept) -> frozenset[tuple[str, ...]]:
        found = self._pairs_by_object.get(id(concept))
        if found is None:
            found = self._pairs_by_object[id(concept)] = _word_pairs(self(concept)[_SUMMARY])
        return found


def _unambiguous_pairs(
    drafts: Sequence[DraftConcept],
    pool: Sequence[StoredConcept],
    texts: _NormalisedTexts,
    field_index: int,
) -> list[tuple[DraftConcept, StoredConcept]]:
    """Pairs whose normalised field no other concept in ``drafts`` or ``pool`` shares."""
    if not drafts or not pool:
        return []
    drafts_by_value: dict[Hashable, list[DraftConcept]] = defaultdict(list)
    for draft in drafts:
        drafts_by_value[texts(draft)[field_index]].append(draft)
    stored_by_value: dict[Hashable, list[StoredConcept]] = defaultdict(list)
    for concept in pool:
        stored_by_value[texts(concept)[field_index]].append(concept)
    return [
        (same_drafts[0], candidates[0])
        for shared, same_drafts in drafts_by_value.items()
        if len(same_drafts) == 1 and len(candidates := stored_by_value.get(shared, ())) == 1
    ]


def _near_identical_summaries(
    drafts: Sequence[DraftConcept], pool: Sequence[StoredConcept], texts: _NormalisedTexts
) -> list[tuple[DraftConcept, StoredConcept]]:
    """Unambiguous pairs of near-identical summaries.

    Equal summaries left over from the equality rule are ambiguous ones; they
    count as partners here too, so they stay ambiguous.

    Candidates come from an index of the stored summaries' word pairs: a
    stored summary with ``needed`` of the new summary's pairs has one of the
    ``k - needed + 1`` rarest of its ``k`` pairs that occur in the index at
    all (prefix filtering), so only the index entries of rare pairs are read;
    unrelated texts share few pairs. Candidates are then checked by length
    (difflib's ratio is at most ``2 * shorter / (both lengths)``), by shared
    pairs, and by the ratio.
    """
    if not drafts or not pool:
        return []
    pool_texts = [texts(concept)[_SUMMARY] for concept in pool]
    pool_pairs = [texts.word_pairs(concept) for concept in pool]
    postings: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for index, pairs in enumerate(pool_pairs):
        if len(pool_texts[index]) >= SHORTEST_NEAR_IDENTICAL_SUMMARY:
            for pair in pairs:
                postings[pair].append(index)
    frequency = {pair: len(indices) for pair, indices in postings.items()}

    partners_of_draft: dict[int, list[int]] = {}
    drafts_of_stored: dict[int, int] = defaultdict(int)
    for draft_index, draft in enumerate(drafts):
        text = texts(draft)[_SUMMARY]
        pairs = texts.word_pairs(draft)
        if len(text) < SHORTEST_NEAR_IDENTICAL_SUMMARY or not pairs:
            continue
        needed = max(1, math.ceil(len(pairs) * SHARED_WORD_PAIRS_FRACTION))
        indexed = sorted(pairs & frequency.keys(), key=frequency.__getitem__)
        if len(indexed) < needed:
            continue
        candidates: set[int] = set()
        for pair in indexed[: len(indexed) - needed + 1]:
            candidates.update(postings[pair])
        partners = [
            index
            for index in candidates
            if _lengths_allow(text, pool_texts[index])
            and len(pairs & pool_pairs[index]) >= needed
            and _at_least_threshold(text, pool_texts[index])
        ]
        if partners:
            partners_of_draft[draft_index] = partners
            for index in partners:
                drafts_of_stored[index] += 1
    return [
        (drafts[draft_index], pool[partners[0]])
        for draft_index, partners in partners_of_draft.items()
        if len(partners) == 1 and drafts_of_stored[partners[0]] == 1
    ]


def _word_pairs(text: str) -> frozenset[tuple[str, ...]]:
    """The distinct pairs of consecutive words of ``text`` (its one word, if it has one)."""
    words = _WORD.findall(text)
    if len(words) < 2:
        return frozenset((word,) for word in words)
    return frozenset(pairwise(words))


def _lengths_allow(first: str, second: str) -> bool:
    """Whether two texts' lengths allow the threshold: a ratio is at most 2 * shorter / both."""
    shorter, both = min(len(first), len(second)), len(first) + len(second)
    return 2 * shorter >= SUMMARY_SIMILARITY_THRESHOLD * both


def _at_least_threshold(first: str, second: str) -> bool:
    """Whether two normalised summaries are at least the threshold alike; the cheap bound first."""
    matcher = SequenceMatcher(None, first, second, autojunk=False)
    return (
        matcher.quick_ratio() >= SUMMARY_SIMILARITY_THRESHOLD
        and matcher.ratio() >= SUMMARY_SIMILARITY_THRESHOLD
    )
