"""Choosing the wrong options of a multiple-choice question: a pure function over the concept tree.

The wrong options ("distractors") for concept A, asked within the branch S
(a concept and its descendants), are ranked:

1. A's **siblings** in S (same parent) — the concepts most easily confused;
2. A's **cousins** in S (same grandparent, another parent);
3. the **rest of S**, nearest to A in the tree first;
4. only when S cannot supply enough (it has fewer than four concepts, or too
   many share a title): **the rest of the deck**, nearest to A in the tree
   first (the deck's roots count as siblings of each other).

Within a rank (and a distance), ties are broken by a shuffle seeded with
``seed`` when one is given (so two quizzes of one branch need not offer the
same wrong titles), else by closeness in map order. A concept whose title equals
(ignoring case and spacing) the answer's or an already chosen option's is
skipped: two identical titles would make the question ambiguous. The answer
itself is never chosen, nor is any concept twice; with fewer than ``count``
usable concepts in the whole deck, fewer options come back.

:class:`DistractorPicker` indexes the tree once (a quiz asks about every
concept of a branch) and then walks outwards from each answer, tier by tier
and distance by distance, stopping as soon as it has enough options: a
question costs about as much as the options it looks at, not the deck's size.
"""

from __future__ import annotations

import random
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import accumulate

DEFAULT_DISTRACTORS = 3

# Stands for the deck above its roots when walking the tree.
_DECK = 0


@dataclass(frozen=True)
class TreeConcept:
    """One concept of a deck's tree: its id, its parent's (None for a root) and its title."""

    id: int
    parent_id: int | None
    title: str


class DistractorPicker:
    """The distractor rule for one branch of one deck; see the module docstring."""

    def __init__(self, concepts: Sequence[TreeConcept], subtree_root_id: int) -> None:
        """``concepts`` is the whole deck in map order (a parent before its children)."""
        self._by_id = {concept.id: concept for concept in concepts}
        if subtree_root_id not in self._by_id:
            raise ValueError(f"concept {subtree_root_id} is not in the tree")
        if _DECK in self._by_id:
            raise ValueError("concept ids must be positive")
        self._position = {concept.id: index for index, concept in enumerate(concepts)}
        self._children: dict[int, list[int]] = {}
        for concept in concepts:
            parent = concept.parent_id if concept.parent_id in self._by_id else None
            self._children.setdefault(_DECK if parent is None else parent, []).append(concept.id)
        self.branch = {subtree_root_id}
        for concept in concepts:
            if concept.parent_id in self.branch:
                self.branch.add(concept.id)

    def choose(
        self, answer_id: int, *, count: int = DEFAULT_DISTRACTORS, seed: str | int | None = None
    ) -> list[int]:
        """Up to ``count`` concept ids to offer beside ``answer_id`` (a concept of the branch)."""
        if answer_id not in self.branch:
            raise ValueError(f"concept {answer_id} is not in the branch")
        answer = self._by_id[answer_id]
        taken_titles = {_title_key(answer.title)}
        chosen: list[int] = []
        offered = {answer_id}
        rng = random.Random(str(seed)) if seed is not None else None
        for group in self._ranked_groups(answer):
            ordered = (
                _lazy_shuffle(group, rng) if rng is not None else self._by_closeness(group, answer)
            )
            for concept_id in ordered:
                if concept_id in offered:
                    continue
                offered.add(concept_id)
                title = _title_key(self._by_id[concept_id].title)
                if title in taken_titles:
                    continue
                taken_titles.add(title)
                chosen.append(concept_id)
                if len(chosen) == count:
                    return chosen
        return chosen

    def _ranked_groups(self, answer: TreeConcept) -> Iterator[list[Sequence[int]]]:
        """Candidates in groups of equal rank, best group first, each group as a list of chunks
        (so a large family is never copied). Tie-breaks are left to the caller; a concept may
        reappear in a later group, where the caller skips it."""
        # The branch holds every descendant of its members: a relative is in it exactly
        # when their common ancestor is.
        parent = self._parent(answer.id)
        yield [self._children.get(parent, [])] if parent in self.branch else []  # siblings
        grandparent = self._parent(parent) if parent != _DECK else _DECK
        if grandparent in self.branch:  # cousins
            yield [
                self._children.get(uncle, [])
                for uncle in self._children.get(grandparent, [])
                if uncle != parent
            ]
        # The rest of the branch, then of the deck, one distance at a time.
        for level in self._levels(answer.id, within_branch=True):
            yield [level]
        for level in self._levels(answer.id, within_branch=False):
            yield [[concept_id for concept_id in level if concept_id not in self.branch]]

    def _parent(self, concept_id: int) -> int:
        parent = self._by_id[concept_id].parent_id
        return parent if parent in self._by_id else _DECK

    def _levels(self, start: int, *, within_branch: bool) -> Iterator[list[int]]:
        """Concepts at distance 1, 2, … from ``start`` (breadth first through parents and
        children; the deck joins the roots), inside the branch or across the whole deck."""
        seen = {start}
        frontier = [start]
        while frontier:
            following: list[int] = []
            for node in frontier:
                neighbours = list(self._children.get(node, []))
                if node != _DECK:
                    neighbours.append(self._parent(node))
                for neighbour in neighbours:
                    if neighbour in seen:
                        continue
                    if within_branch and neighbour not in self.branch:
                        continue
                    seen.add(neighbour)
                    following.append(neighbour)
            frontier = following
            level = [node for node in frontier if node != _DECK]
            if level:
                yield level

    def _by_closeness(self, group: list[Sequence[int]], answer: TreeConcept) -> list[int]:
        """Unseeded tie-break: nearest in map order first, then earlier."""
        here = self._position[answer.id]
        members = [concept_id for chunk in group for concept_id in chunk]
        return sorted(members, key=lambda c: (abs(self._position[c] - here), self._position[c]))


def _lazy_shuffle(group: list[Sequence[int]], rng: random.Random) -> Iterator[int]:
    """The group's members in a random order drawn from ``rng``, one at a time.

    A Fisher–Yates shuffle over the chunks' concatenation that only records the
    swaps it makes, so taking k members costs O(k log chunks), not O(size).
    """
    ends = list(accumulate(len(chunk) for chunk in group))
    total = ends[-1] if ends else 0
    swapped: dict[int, int] = {}
    for index in range(total):
        pick = rng.randrange(index, total)
        value = swapped.get(pick, pick)
        swapped[pick] = swapped.get(index, index)
        chunk = bisect_right(ends, value)
        start = ends[chunk - 1] if chunk else 0
        yield group[chunk][value - start]


def choose_distractors(
    concepts: Sequence[TreeConcept],
    answer_id: int,
    subtree_root_id: int,
    *,
    count: int = DEFAULT_DISTRACTORS,
    seed: str | int | None = None,
) -> list[int]:
    """Up to ``count`` concept ids to offer beside ``answer_id``, best first.

    ``concepts`` is the whole deck in map order (a parent before its children);
    ``answer_id`` must be in the sub-tree of ``subtree_root_id``. To ask about
    many concepts of one branch, build one :class:`DistractorPicker` instead.
    """
    if answer_id not in {concept.id for concept in concepts}:
        raise ValueError(f"concept {answer_id} is not in the tree")
    return DistractorPicker(concepts, subtree_root_id).choose(answer_id, count=count, seed=seed)


def shuffled_options(answer_id: int, distractors: Sequence[int], seed: str) -> list[int]:
    """The answer and its distractors in a deterministic order for ``seed``."""
    options = [answer_id, *distractors]
    random.Random(seed).shuffle(options)
    return options


def _title_key(title: str) -> str:
    return " ".join(title.casefold().split())
