"""Infer the concept tree of a knowledge map from its concepts in page order.

The map explorer's page lists every concept of a map as a flat sequence of
(title, short summary, detailed explanation) triples. The tree is not marked,
but the order is not arbitrary: the explorer shows the key (top-level) concepts
first, then one group of sub-concepts each time someone expanded a concept.
So a page reads as

    K key concepts, then contiguous groups of sub-concepts; all members of a
    group share one parent, which appears before the group (a key concept or
    an earlier sub-concept), and no concept is the parent of two groups.

:func:`infer_parents` picks the reading of that shape that best fits the
wording. The evidence, all computed over the map's own concepts:

* **Affinity** of a candidate parent *p* with a concept *c*: the TF-IDF cosine
  of their texts, plus how much of *c*'s title *p*'s text names and how much
  of *p*'s title *c*'s text names (a parent's explanation often names its
  children's subjects; a child usually names its parent's). IDF comes from the
  map itself, so words found in every concept, such as the topic's name, weigh
  nothing.
* **Cohesion**: siblings resemble each other.
* **Wording hint**: a concept that calls itself a "sub-concept" is a little
  more likely to be one. Helpful when present, never required.

Scores are standardised (z-scores over all pairs of the map's concepts), so
the parameters mean the same for terse and wordy, small and large maps. A
branch-and-bound search over readings, bounded by a dynamic programme, then
finds the reading with the best total score; see :func:`infer_parents`.
Everything is deterministic.

A group has at most ``MAX_GROUP_SIZE`` members, far more than the explorer
shows at once, which keeps the work quadratic in the number of concepts
rather than cubic; callers limit the number of concepts (page text:
``MAX_PAGE_TEXT_CONCEPTS``), and ``MAX_WORD_OVERLAP`` bounds the pairwise
evidence for texts far longer or more repetitive than an explorer page's.
"""

from __future__ import annotations

import functools
import itertools
import math
import operator
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

Triple = tuple[str, str, str]
"""One concept as (title, short summary, detailed explanation)."""


@dataclass(frozen=True)
class InferenceParameters:
    """Knobs of the rule. Scores are in standard deviations of the map's own
    pairwise affinities, so the defaults carry over from map to map.

    The defaults sit in the middle of the range that reads every test map
    correctly (tests/data/page_text and the seed); see docs/page-text-inference.md.
    """

    group_penalty: float = 2.0
    """Cost of one more group. Higher values prefer fewer, longer groups;
    lower values split a run of siblings as soon as one of them resembles
    another earlier concept a bit more than their shared parent."""

    child_threshold: float = 0.75
    """Affinity with its parent that a concept must exceed for being a child
    to beat being a key concept. It is the likelihood-ratio cut between
    "unrelated" (affinity about 0) and "typical parent and child" (about 1.5
    to 3): a child must look more like the latter. It decides where the key
    concepts end."""

    title_mention_weight: float = 1.0
    """Weight of the title-named-in-text evidence, relative to the TF-IDF
    cosine of the two texts (weight 1)."""

    sibling_weight: float = 0.5
    """Weight of cohesion: each group member's mean similarity to its
    siblings is added, times this, to its affinity with the parent."""

    nested_group_penalty: float = 1.0
    """Extra cost of a group whose parent is itself a sub-concept, since
    people expand key concepts more often than their children. Without it a
    key concept that resembles the first group's parent tends to be read as
    that group's first member."""

    sub_concept_hint_bonus: float = 0.5
    """Bonus for placing a concept whose text calls it a "sub-concept" under
    another concept."""


DEFAULT_PARAMETERS = InferenceParameters()

# Titles weigh most because they name a concept's subject; the explanation is
# long and wanders into neighbouring subjects, so it weighs least.
_TITLE_WEIGHT = 3
_SUMMARY_WEIGHT = 2
_DETAIL_WEIGHT = 1

_STEM_LENGTH = 6
_MIN_STEM_LENGTH = 4
# Longest first: the first one that fits is stripped.
_INFLECTIONS = ("ities", "ity", "ings", "ing", "ers", "er", "ed", "ies", "es", "s")

MAX_GROUP_SIZE = 12
"""Longest group of sub-concepts a reading may have.

The explorer adds a handful of sub-concepts each time someone expands a
concept: 2 to 5 in every map seen so far (the seed and tests/data/page_text).
12 leaves more than twice the largest as headroom, and bounds the work: each
concept starts at most 12 candidate groups instead of up to n. A longer run
of siblings cannot be read as one group; since no concept heads two groups,
its part past the cap goes under another concept."""

MAX_WORD_OVERLAP = 10_000_000
"""Most words shared between pairs of concepts, summed over all pairs, that
the pairwise evidence may weigh; its time grows with this sum. Maps written
like the explorer's share 5 to 8 words per pair: 1.7 million in all for the
benchmark's 800 concepts, 2.6 million for 1,000, the limit at about 2,000.
Within the page-text limit only text far longer or more repetitive than an
explorer page exceeds it, and :func:`infer_parents` then raises
:class:`MapTooCostlyError` instead of taking tens of seconds: a crafted page
of 1,000 concepts and 2.4 MB shares about 113 million and would take 40 s."""

# Only this many best parents are kept per candidate group: the search is exact
# unless every one of them already heads another group, and memory stays
# linear in the number of candidate groups.
_PARENTS_KEPT_PER_GROUP = 8

_WORD = re.compile(r"[a-z0-9]+")
_SUB_CONCEPT_HINT = re.compile(r"\bsub-?\s?concepts?\b", re.IGNORECASE)
# Kept as running text: a word list reads and diffs better than one word per line.
_STOPWORDS = frozenset(
    """
    a about above after again against all also although am an and any are as at be because
    been before being below between both but by can could did do does doing down during each
    either even ever every few for from further had has have having he her here hers him his
    how however i if in into is it its itself just least less let like many may me might
    more most much must my neither no nor not of off often on once one only onto or other
    our ours out over own per rather same she should so some such than that the their theirs
    them then there these they this those though through thus to too under until up upon us
    very via was we were what when where whether which while who whom whose why will with
    within without would yet you your
    """.split()  # noqa: SIM905
)


class MapTooCostlyError(ValueError):
    """The concepts' texts overlap too much for the tree to be inferred quickly."""

    def __init__(self, overlap: int) -> None:
        self.overlap = overlap
        self.limit = MAX_WORD_OVERLAP
        super().__init__(
            f"pairs of concepts share {overlap:,} words in all; the limit is {MAX_WORD_OVERLAP:,}"
        )


def infer_parents(
    concepts: Sequence[Triple],
    parameters: InferenceParameters = DEFAULT_PARAMETERS,
) -> list[int | None]:
    """The parent of every concept of a map given in page order.

    ``concepts`` are (title, summary, detail) triples in the order the page
    lists them. The result has one entry per concept: ``None`` for a key
    (top-level) concept, otherwise the index of its parent, always smaller
    than the concept's own index.

    A reading makes the first K concepts key concepts (K >= 1) and cuts the
    rest into contiguous groups of at most ``MAX_GROUP_SIZE`` concepts, each
    under one earlier concept that heads no other group. Its score is the sum
    over groups of

        sum over members (affinity with the parent - child_threshold
                          + sibling_weight * mean similarity to its siblings
                          + sub_concept_hint_bonus if it calls itself one)
        - group_penalty  (- nested_group_penalty if the parent is not a key concept)

    Key concepts score 0, so reading every concept as a key concept scores 0
    and anything else must beat that. The best-scoring reading is returned.

    On an exact tie (rare with real text) the reading found first is kept:
    numbers of key concepts are tried from the most promising, more keys first
    on a tie; groups from the most promising, then the shorter, then the one
    with the earlier parent.

    With groups capped, preparing the search takes O(n^2 * MAX_GROUP_SIZE)
    time for n concepts, and the pairwise evidence time in proportion to the
    words shared by pairs of concepts, O(n^2) for texts of a given length. The
    search stops after ``_Search.BUDGET`` steps, which only contrived input
    reaches; the best reading found by then stands. A map from the explorer
    takes milliseconds; maps written like one take about 0.1 s for 200
    concepts, 1.1 to 1.6 s for 800 and 1.6 to 2.3 s for 1,000 on a 2-core
    machine (benchmarks/page_text_inference.py). Raises :class:`MapTooCostlyError`,
    before the pairwise work, when the texts share more words than
    ``MAX_WORD_OVERLAP`` allows.
    """
    count = len(concepts)
    if count <= 1:
        return [None] * count
    evidence = _Evidence.of(concepts, parameters)
    return _best_reading(evidence, parameters)


@dataclass(frozen=True)
class _Evidence:
    """Standardised pairwise scores of one map's concepts, by child.

    ``child_gain[c][p]`` (for p < c) is what placing concept ``c`` under
    concept ``p`` adds: affinity, minus the child threshold, plus the wording
    hint. ``cohesion[c][k]`` is the weighted sibling similarity of ``c`` and
    ``c - 1 - k``, for the ``MAX_GROUP_SIZE - 1`` concepts before ``c``: only
    concepts that fit in one group can be siblings.
    """

    child_gain: list[list[float]]
    cohesion: list[list[float]]

    @classmethod
    def of(cls, concepts: Sequence[Triple], parameters: InferenceParameters) -> _Evidence:
        documents = [_ConceptTerms.of(concept) for concept in concepts]
        idf = _inverse_document_frequencies(documents)
        overlap = _word_overlap(documents, idf)
        if overlap > MAX_WORD_OVERLAP:
            raise MapTooCostlyError(overlap)
        vectors = [_tf_idf_vector(document.weighted_counts, idf) for document in documents]
        # Rows by child: ``cosines[c][p]`` for p < c, pairs in the order
        # (0, 1), (0, 2), (1, 2), (0, 3), ... when read row after row.
        cosines = _cosines(vectors)
        # Cohesion is only needed between concepts close enough to be siblings.
        mean, spread = _mean_and_spread(cosines)
        cohesion = [
            [
                parameters.sibling_weight * z
                for z in reversed(
                    _z_scores(row[max(0, child - MAX_GROUP_SIZE + 1) :], mean, spread)
                )
            ]
            for child, row in enumerate(cosines)
        ]
        # The affinity is the cosine plus the title-mention term, which is 0
        # unless one of the two titles is named in the other concept's text.
        # The cosines become affinities in place.
        affinities = cosines
        shares = _title_shares(documents, idf)
        mentioned = {
            (min(one, other), max(one, other))
            for one, named in enumerate(shares)
            for other in named
        }
        for parent, child in mentioned:
            affinities[child][parent] = (
                cosines[child][parent]
                + parameters.title_mention_weight
                * (shares[child].get(parent, 0.0) + shares[parent].get(child, 0.0))
                / 2
            )
        mean, spread = _mean_and_spread(affinities)
        child_gain = []
        for child, row in enumerate(affinities):
            hint = parameters.sub_concept_hint_bonus if documents[child].calls_itself_sub else 0.0
            child_gain.append(
                [z - parameters.child_threshold + hint for z in _z_scores(row, mean, spread)]
            )
        return cls(child_gain=child_gain, cohesion=cohesion)


@dataclass(frozen=True)
class _ConceptTerms:
    """The stemmed content words of one concept.

    ``weighted_counts`` counts each word with its field's weight;
    ``title_terms`` are the title's words (the concept's subject);
    ``all_terms`` are the words of title, summary and detail together.
    """

    weighted_counts: Counter[str]
    title_terms: frozenset[str]
    all_terms: frozenset[str]
    calls_itself_sub: bool

    @classmethod
    def of(cls, concept: Triple) -> _ConceptTerms:
        title, summary, detail = concept
        counts: Counter[str] = Counter()
        for text, weight in (
            (title, _TITLE_WEIGHT),
            (summary, _SUMMARY_WEIGHT),
            (detail, _DETAIL_WEIGHT),
        ):
            for term in _terms(text):
                counts[term] += weight
        return cls(
            weighted_counts=counts,
            title_terms=frozenset(_terms(title)),
            all_terms=frozenset(counts),
            calls_itself_sub=bool(_SUB_CONCEPT_HINT.search(f"{summary}\n{detail}")),
        )


def _terms(text: str) -> list[str]:
    """Stemmed content words of ``text`` in order, stopwords dropped."""
    words = _WORD.findall(text.lower())
    return [_stem(word) for word in words if len(word) > 1 and word not in _STOPWORDS]


@functools.lru_cache(maxsize=1 << 16)
def _stem(word: str) -> str:
    """A crude, deterministic stem: strip one inflection, keep six letters.

    "windows"/"window", "contextual"/"context", "supplies"/"suppliers"/
    "supply" and "managing"/"management" meet. Collisions are rare and, within
    one map, cheap. Cached: a map repeats its words many times.
    """
    for suffix in _INFLECTIONS:
        if word.endswith(suffix) and len(word) - len(suffix) >= _MIN_STEM_LENGTH:
            if suffix == "s" and word.endswith(("ss", "us", "is")):
                break
            word = word[: -len(suffix)]
            break
    word = word[:_STEM_LENGTH]
    if len(word) > _MIN_STEM_LENGTH:
        word = word.rstrip("eiy")
    return word


def _inverse_document_frequencies(documents: Sequence[_ConceptTerms]) -> dict[str, float]:
    """Smoothed IDF over the map's concepts: a word found in every concept gets 0."""
    frequencies: Counter[str] = Counter()
    for document in documents:
        frequencies.update(document.all_terms)
    total = len(documents)
    return {term: math.log((total + 1) / (df + 1)) for term, df in frequencies.items()}


def _word_overlap(documents: Sequence[_ConceptTerms], idf: dict[str, float]) -> int:
    """The work of the pairwise evidence: each pair of concepts once per word
    of weight above 0 that both use, and each concept once per word of another
    concept's title that it uses."""
    using = Counter(term for document in documents for term in document.all_terms)
    shared = sum(count * (count - 1) // 2 for term, count in using.items() if idf[term])
    named = sum(using[term] for document in documents for term in document.title_terms if idf[term])
    return shared + named


def _tf_idf_vector(counts: Counter[str], idf: dict[str, float]) -> dict[str, float]:
    """Sublinear TF-IDF weights of one concept's words."""
    return {term: (1 + math.log(count)) * idf[term] for term, count in counts.items()}


def _cosines(vectors: Sequence[dict[str, float]]) -> list[list[float]]:
    """``cosines[c][p]``: the cosine similarity of vectors ``p`` and ``c``, for p < c.

    Computed through an inverted index, so the work grows with the pairs of
    concepts that share a word rather than with all pairs times all words.
    Each dot product adds its terms in the order of the shorter vector (the
    earlier one on a tie), as a pairwise loop over the shorter one would.
    """
    count = len(vectors)
    norms = [math.sqrt(sum(w * w for w in vector.values())) for vector in vectors]
    order = sorted(range(count), key=lambda index: (len(vectors[index]), index))
    # Per word: (concept, weight) in ``order``, and each concept's place there.
    postings: dict[str, list[tuple[int, float]]] = {}
    places: list[dict[str, int]] = [{} for _ in range(count)]
    for index in order:
        for term, weight in vectors[index].items():
            if weight:  # a word in every concept adds nothing
                entries = postings.setdefault(term, [])
                places[index][term] = len(entries)
                entries.append((index, weight))
    # dots[i][j]: the dot product of i and j when i comes first in ``order``, else 0.
    dots = [[0.0] * count for _ in range(count)]
    for index in order:
        row = dots[index]
        for term, place in places[index].items():
            weight = vectors[index][term]
            for other, other_weight in itertools.islice(postings[term], place + 1, None):
                row[other] += weight * other_weight
    columns = list(zip(*dots, strict=True))
    cosines = []
    for child in range(count):
        dots_with_child = map(operator.add, dots[child][:child], columns[child][:child])
        cosines.append(
            [
                dot / (norm * norms[child]) if norm and norms[child] else 0.0
                for dot, norm in zip(dots_with_child, norms, strict=False)
            ]
        )
    return cosines


def _title_shares(
    documents: Sequence[_ConceptTerms], idf: dict[str, float]
) -> list[dict[int, float]]:
    """``shares[s][o]``: the IDF-weighted share (0..1) of ``s``'s title words
    that ``o`` uses, for the concepts ``o`` that use any; 0 for the others."""
    concepts_using: dict[str, list[int]] = {}
    for index, document in enumerate(documents):
        for term in document.all_terms:
            concepts_using.setdefault(term, []).append(index)
    shares: list[dict[int, float]] = []
    for subject, document in enumerate(documents):
        total = sum(idf[term] for term in document.title_terms)
        named: dict[int, float] = {}
        if total:
            for term in document.title_terms:
                if idf[term]:
                    for other in concepts_using[term]:
                        named[other] = named.get(other, 0) + idf[term]
        named.pop(subject, None)
        shares.append({other: value / total for other, value in named.items()})
    return shares


def _z_scores(scores: list[float], mean: float, spread: float) -> list[float]:
    """The scores as z-scores; all 0 when the scores they come from do not vary."""
    if spread < 1e-12:
        return [0.0] * len(scores)
    return [(score - mean) / spread for score in scores]


def _mean_and_spread(rows: list[list[float]]) -> tuple[float, float]:
    """Mean and standard deviation of all the scores, read row after row."""
    count = sum(len(row) for row in rows)
    mean = sum(itertools.chain.from_iterable(rows)) / count
    return mean, math.sqrt(sum([(value - mean) ** 2 for row in rows for value in row]) / count)


# --- Choosing the reading -------------------------------------------------

_Group = tuple[int, int, int]
"""A group as (start, end, parent): members ``start..end-1`` under ``parent``."""


def _best_reading(evidence: _Evidence, parameters: InferenceParameters) -> list[int | None]:
    """Parents of the best-scoring reading, found by branch and bound.

    The search walks the page left to right, trying the most promising group
    first. :func:`_relaxed_bounds` solves the same problem with a parent
    allowed to head several groups (only not two in a row), which bounds what
    the rest of the page can still add and prunes nearly every branch on real
    maps while keeping the answer exact; see :class:`_Search`.
    """
    scorer = _GroupScorer(evidence, parameters.group_penalty)
    search = _Search(scorer, parameters.nested_group_penalty)
    key_counts = sorted(range(1, scorer.count), key=lambda k: (-search.key_bound(k), -k))
    for key_count in key_counts:
        if search.cannot_win(search.key_bound(key_count)) or not search.descend(key_count):
            break
    for key_count in key_counts:
        if search.cannot_win(search.key_bound(key_count)):
            break
        search.explore(key_count)

    parents: list[int | None] = [None] * scorer.count
    for start, end, parent in search.result():
        for member in range(start, end):
            parents[member] = parent
    return parents


class _GroupScorer:
    """The best parents of every candidate group, ranked once.

    Candidate groups are the runs ``start..end-1`` of at most
    ``MAX_GROUP_SIZE`` concepts after the first; for each, every earlier
    concept is scored as its parent. That is O(n^2 * MAX_GROUP_SIZE) work for
    n concepts, done with list operations that run in C.
    """

    def __init__(self, evidence: _Evidence, group_penalty: float) -> None:
        self.count = count = len(evidence.child_gain)
        # gain_before[e][p]: what concepts p+1..e-1 add as children of p, for p < e.
        gain_before: list[list[float]] = [[]]
        for child, gains in enumerate(evidence.child_gain):
            gain_before.append([*map(operator.add, gain_before[child], gains), 0.0])
        within = _cohesion_within_groups(evidence.cohesion)
        self.ranked: list[list[list[tuple[float, int]]]] = []
        """``ranked[start][size - 1]``: the group's best (score, parent) pairs,
        best first, earlier parent on ties; at most ``_PARENTS_KEPT_PER_GROUP``."""
        for start in range(count):
            by_size: list[list[tuple[float, int]]] = []
            likely: list[int] = []
            for end in range(start + 1, min(start + MAX_GROUP_SIZE, count) + 1):
                ranked = _best_parents(
                    gain_before[end],
                    gain_before[start],
                    within[start][end - start - 1],
                    group_penalty,
                    likely,
                )
                by_size.append(ranked)
                likely = [parent for _, parent in ranked]
            self.ranked.append(by_size)

    def best_parents(self, start: int, end: int) -> list[tuple[float, int]]:
        """The group's best (score, parent) pairs, best first, earlier parent on ties."""
        return self.ranked[start][end - start - 1]


def _best_parents(
    gain_to_end: list[float],
    gain_to_start: list[float],
    cohesion: float,
    group_penalty: float,
    likely: Sequence[int],
) -> list[tuple[float, int]]:
    """The best parents of the group between two columns of ``gain_before``.

    A group's score under parent p is its members' gain under p, plus the
    cohesion and minus the penalty, which are the same for every parent; so a
    cut on the members' gain picks the candidates and only they are scored.
    The cut is the least gain of ``likely`` (the best parents of the group one
    member shorter): at least that many parents reach it, so every parent
    kept does. Without enough of them it is found by sorting all gains.
    """
    parent_count = len(gain_to_start)  # the concepts before the group
    if parent_count <= _PARENTS_KEPT_PER_GROUP:
        parents: Iterable[int] = range(parent_count)
    else:
        if len(likely) == _PARENTS_KEPT_PER_GROUP:
            cut = min(gain_to_end[parent] - gain_to_start[parent] for parent in likely)
        else:
            gains = sorted(map(operator.sub, gain_to_end, gain_to_start))
            cut = gains[-_PARENTS_KEPT_PER_GROUP]
        # Adding the constants can round two different gains to one score, so
        # gains just below the cut are scored too; the ranking stays exact.
        cut -= 1e-9 * (1 + abs(cut) + abs(cohesion) + abs(group_penalty))
        parents = [
            parent
            for parent, (to_end, to_start) in enumerate(
                zip(gain_to_end, gain_to_start, strict=False)
            )
            if to_end - to_start >= cut
        ]
    # Sorted by (-score, parent): best first, earlier parent on ties.
    ranked = sorted(
        (-(gain_to_end[parent] - gain_to_start[parent] + cohesion - group_penalty), parent)
        for parent in parents
    )
    return [(-negated, parent) for negated, parent in ranked[:_PARENTS_KEPT_PER_GROUP]]


def _cohesion_within_groups(cohesion: list[list[float]]) -> list[list[float]]:
    """``within[s][k]``: cohesion earned by a group of concepts ``s..s+k``.

    Each member earns its mean cohesion with its siblings, so the total is
    ``2 * (sum over pairs) / (size - 1)``: it grows with the group like the
    affinity terms do, and a lone member earns nothing.
    """
    count = len(cohesion)
    within = []
    for start in range(count):
        sums = [0.0]
        pair_sum = 0.0
        for end in range(start + 1, min(start + MAX_GROUP_SIZE, count)):
            # cohesion[end][k] pairs ``end`` with ``end - 1 - k``; members in page order.
            pair_sum += sum(reversed(cohesion[end][: end - start]))
            sums.append(2 * pair_sum / (end - start))
        within.append(sums)
    return within


_Bound = tuple[float, int, float]
"""What the concepts from some start on can add at most, as (best, parent of
the first group of the best, best with another parent for the first group);
parent -1 stands for one of the parents not kept for a group."""


def _relaxed_bounds(scorer: _GroupScorer, charge: float = 0.0) -> list[_Bound]:
    """``bounds[s]``: the most that concepts ``s..n-1`` can add as groups when
    a parent may head several groups, only not two in a row, and each group
    costs ``charge`` more: an upper bound for the real problem if no group
    pays more than ``charge`` in extra.

    Forbidding only the same parent twice in a row costs the dynamic programme
    one extra value per start, and it matters: without it, splitting a group in
    two under one parent looks as good as keeping it whole whenever the two
    halves' cohesion outweighs the group penalty.
    """
    bounds: list[_Bound] = [(0.0, -1, 0.0)] * (scorer.count + 1)
    for start in range(scorer.count - 1, 0, -1):
        best, best_parent, other = -math.inf, -1, -math.inf
        for size, ranked in enumerate(scorer.ranked[start], start=1):
            rest = bounds[start + size]
            values = [(score - charge + _after(rest, parent), parent) for score, parent in ranked]
            if len(ranked) == _PARENTS_KEPT_PER_GROUP:  # any parent not kept
                values.append((ranked[-1][0] - charge + rest[0], -1))
            for value, parent in values:
                if value > best:
                    if parent != best_parent:
                        other = best
                    best, best_parent = value, parent
                elif parent != best_parent and value > other:
                    other = value
        bounds[start] = (best, best_parent, other)
    return bounds


def _after(bound: _Bound, parent: int) -> float:
    """The most a bound allows after a group under ``parent`` (never -1)."""
    best, best_parent, other = bound
    return other if parent == best_parent else best


class _Search:
    """Depth-first branch and bound over readings; remembers the best found.

    ``best_score`` starts at 0, the score of reading every concept as a key
    concept, which is also the answer when nothing beats it.

    Before searching, :meth:`descend` reads the page greedily for the most
    promising numbers of key concepts. The best of those readings is a floor:
    the search drops branches that cannot reach it (not those that could tie
    it, so the search still finds the same reading first), and it is the
    answer if the budget runs out before the search has beaten it.
    """

    BUDGET = 200_000
    """Candidate groups examined before giving up on proving optimality, and
    then the best reading so far stands. A step costs the same however large
    the map, so this bounds the search to about a tenth of a second. Maps
    need far fewer: about ten for the test maps, at most about 11,000 for
    generated maps of 1,000 concepts; random text of that size uses them all."""

    def __init__(self, scorer: _GroupScorer, nested_group_penalty: float) -> None:
        self._count = count = scorer.count
        self._nested_group_penalty = nested_group_penalty
        # Two bounds on what concepts s.. can add. ``bounds`` ignores the
        # nested-group penalty. ``charged`` charges it to every group, so it is
        # refunded for the groups under key concepts: at most one per key
        # concept not yet used as a parent. On large maps, whose groups are
        # mostly nested, only the second is close enough to prune.
        self._bounds = bounds = _relaxed_bounds(scorer)
        self._charged = _relaxed_bounds(scorer, nested_group_penalty)
        self._refund = max(nested_group_penalty, 0.0)
        # Per start: (promise, score, end, parent), most promising first, where
        # promise = score + bound of the rest, an upper bound of any completion.
        self._candidates = [
            sorted(
                (
                    (score + _after(bounds[end], parent), score, end, parent)
                    for end in range(start + 1, min(start + MAX_GROUP_SIZE, count) + 1)
                    for score, parent in scorer.best_parents(start, end)
                ),
                key=lambda candidate: (-candidate[0], candidate[2], candidate[3]),
            )
            for start in range(count)
        ]
        self._budget = self.BUDGET
        self.best_score = 0.0
        self.best_groups: tuple[_Group, ...] = ()
        self._floor = 0.0
        self._floor_groups: tuple[_Group, ...] = ()

    def cannot_win(self, bound: float) -> bool:
        """Whether readings scoring at most ``bound`` are not worth looking for."""
        return bound <= self.best_score or bound < self._floor

    def result(self) -> tuple[_Group, ...]:
        """The groups of the best reading found."""
        return self.best_groups if self.best_score >= self._floor else self._floor_groups

    def descend(self, key_count: int) -> bool:
        """Read the page with ``key_count`` key concepts by taking the most
        promising group with a free parent at each step, and raise the floor to
        its score if higher. False once the greedy readings have used a tenth
        of the budget."""
        if self._budget <= self.BUDGET - self.BUDGET // 10:
            return False
        start, used, score, groups = key_count, 0, 0.0, None
        while start < self._count:
            for candidate in self._candidates[start]:
                self._budget -= 1
                if not used >> candidate[3] & 1:
                    break
            else:
                return True  # every candidate's parent heads a group already
            _, group_score, end, parent = candidate
            if parent >= key_count:
                group_score -= self._nested_group_penalty
            used |= 1 << parent
            score += group_score
            groups = ((start, end, parent), groups)
            start = end
        if score > self._floor:
            self._floor, self._floor_groups = score, _unlinked(groups)
        return True

    def key_bound(self, key_count: int) -> float:
        """The most a reading with ``key_count`` key concepts can score."""
        return min(
            self._bounds[key_count][0], self._charged[key_count][0] + self._refund * key_count
        )

    def _rest_bound(self, end: int, parent: int, free_keys: int) -> float:
        """The most concepts ``end..`` can add after a group under ``parent``,
        with ``free_keys`` key concepts left that head no group."""
        return min(
            _after(self._bounds[end], parent),
            _after(self._charged[end], parent) + self._refund * free_keys,
        )

    def explore(self, key_count: int) -> None:
        """Search the readings with exactly ``key_count`` key concepts."""
        if self.cannot_win(self.key_bound(key_count)):
            return
        # Used parents are a bit set and groups a linked list (last group
        # first), so that a step costs the same however deep the search is.
        # Best score seen on reaching (start, used parents): a worse arrival
        # at the same state cannot lead anywhere better.
        seen: dict[tuple[int, int], float] = {}
        # Each frame: (start, used parents, key concepts not yet used as
        # parents, score so far, groups, next candidate).
        stack: list[tuple[int, int, int, float, _Groups, int]] = [
            (key_count, 0, key_count, 0.0, None, 0)
        ]
        while stack:
            start, used, free_keys, score_so_far, groups, index = stack.pop()
            if start == self._count:
                if score_so_far > self.best_score:
                    self.best_score, self.best_groups = score_so_far, _unlinked(groups)
                continue
            if index == 0:
                if seen.get((start, used), -math.inf) >= score_so_far:
                    continue
                seen[start, used] = score_so_far
            candidates = self._candidates[start]
            while index < len(candidates) and self._budget > 0:
                promise, score, end, parent = candidates[index]
                index += 1
                self._budget -= 1
                if self.cannot_win(score_so_far + promise):
                    break  # the rest promise even less
                if used >> parent & 1:
                    continue
                free_keys_after = free_keys
                if parent < key_count:
                    free_keys_after -= 1
                else:
                    score -= self._nested_group_penalty
                if self.cannot_win(
                    score_so_far + score + self._rest_bound(end, parent, free_keys_after)
                ):
                    continue
                stack.append((start, used, free_keys, score_so_far, groups, index))
                stack.append(
                    (
                        end,
                        used | 1 << parent,
                        free_keys_after,
                        score_so_far + score,
                        ((start, end, parent), groups),
                        0,
                    )
                )
                break


_Groups = tuple[_Group, "_Groups"] | None
"""Groups as a linked list, last group first."""


def _unlinked(groups: _Groups) -> tuple[_Group, ...]:
    """The groups of a linked list in page order."""
    found = []
    while groups is not None:
        group, groups = groups
        found.append(group)
    return tuple(reversed(found))
