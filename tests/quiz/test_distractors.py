"""Wrong options for multiple-choice questions: siblings, then cousins, then the rest of the branch.

Pure tests over small trees (no database), plus a hypothesis property over
random trees.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from studyapp.quiz.distractors import (
    TreeConcept,
    choose_distractors,
    shuffled_options,
)

# A tree spec: (id, parent id, title), listed in map order (parents first).
#
#   1 Algebra
#     2 Groups
#       3 Subgroups
#       4 Cosets
#       5 Normal subgroups
#     6 Rings
#       7 Ideals
#       8 Fields
#     9 Modules
#   10 Analysis
#     11 Limits
#     12 Series
ALGEBRA = [
    TreeConcept(1, None, "Algebra"),
    TreeConcept(2, 1, "Groups"),
    TreeConcept(3, 2, "Subgroups"),
    TreeConcept(4, 2, "Cosets"),
    TreeConcept(5, 2, "Normal subgroups"),
    TreeConcept(6, 1, "Rings"),
    TreeConcept(7, 6, "Ideals"),
    TreeConcept(8, 6, "Fields"),
    TreeConcept(9, 1, "Modules"),
    TreeConcept(10, None, "Analysis"),
    TreeConcept(11, 10, "Limits"),
    TreeConcept(12, 10, "Series"),
]
SIBLINGS_OF = {3: {4, 5}, 7: {8}, 2: {6, 9}}


def test_siblings_come_first():
    chosen = choose_distractors(ALGEBRA, 3, 1)
    assert len(chosen) == 3
    assert set(chosen[:2]) == {4, 5}
    # Then a cousin (a child of Rings), not Groups (the parent) or a root.
    assert chosen[2] in {7, 8}


def test_cousins_come_before_the_rest_of_the_branch():
    # Ideals has one sibling (Fields); its cousins are Groups' children.
    chosen = choose_distractors(ALGEBRA, 7, 1)
    assert chosen[0] == 8
    assert set(chosen[1:]) <= {3, 4, 5}


def test_the_rest_of_the_branch_nearest_first_after_siblings_and_cousins():
    # Groups' siblings are Rings and Modules; it has no cousins (its parent is a root),
    # and the rest of the branch begins with the nearest: Algebra and Groups' children.
    chosen = choose_distractors(ALGEBRA, 2, 1)
    assert set(chosen[:2]) == {6, 9}
    assert chosen[2] in {1, 3, 4, 5}


def test_the_answer_is_never_offered_and_nothing_twice():
    for concept in ALGEBRA:
        chosen = choose_distractors(ALGEBRA, concept.id, concept.id if concept.id != 1 else 1)
        assert concept.id not in chosen
        assert len(chosen) == len(set(chosen))


def test_only_the_branch_when_it_has_enough_concepts():
    branch = {2, 3, 4, 5}
    for answer in branch:
        chosen = choose_distractors(ALGEBRA, answer, 2)
        assert len(chosen) == 3
        assert set(chosen) <= branch - {answer}


def test_a_small_branch_borrows_the_nearest_concepts_of_the_deck():
    # Rings' branch is Rings, Ideals, Fields: one option must come from elsewhere.
    chosen = choose_distractors(ALGEBRA, 7, 6)
    assert chosen[:2] == [8, 6]
    # Nearest elsewhere in the tree: Algebra, two steps up from Ideals (before Groups and
    # Modules at three).
    assert chosen[2] == 1
    assert choose_distractors(ALGEBRA, 7, 6, count=4)[3] in {2, 9}


def test_a_one_concept_branch_takes_all_from_the_deck_nearest_first():
    chosen = choose_distractors(ALGEBRA, 9, 9)
    # Modules' parent is one step away; its siblings two.
    assert chosen[0] == 1
    assert set(chosen[1:]) == {2, 6}


def test_roots_are_related_through_the_deck():
    chosen = choose_distractors(ALGEBRA, 10, 10)
    # Analysis' own children first (one step), then Algebra (a root, two steps).
    assert set(chosen[:2]) == {11, 12}
    assert chosen[2] == 1


@pytest.mark.parametrize("size", [1, 2, 3])
def test_fewer_options_when_the_deck_is_small(size):
    tree = [TreeConcept(1, None, "Root")] + [
        TreeConcept(i, 1, f"Child {i}") for i in range(2, size + 1)
    ]
    chosen = choose_distractors(tree, 1, 1)
    assert sorted(chosen) == list(range(2, size + 1))


def test_a_title_equal_to_the_answers_or_another_options_is_skipped():
    tree = [
        TreeConcept(1, None, "Physics"),
        TreeConcept(2, 1, "Overview"),
        TreeConcept(3, 1, "overview "),
        TreeConcept(4, 1, "Energy"),
        TreeConcept(5, 1, "Energy"),
        TreeConcept(6, 1, "Work"),
    ]
    chosen = choose_distractors(tree, 2, 1)
    titles = [next(c.title for c in tree if c.id == i).casefold().strip() for i in chosen]
    assert 3 not in chosen
    assert len(set(titles)) == len(titles)
    assert "overview" not in titles
    assert len(chosen) == 3


def test_deterministic_for_the_same_input_and_seed():
    assert choose_distractors(ALGEBRA, 3, 1) == choose_distractors(ALGEBRA, 3, 1)
    assert choose_distractors(ALGEBRA, 2, 1, seed="7:2") == choose_distractors(
        ALGEBRA, 2, 1, seed="7:2"
    )


def test_a_seed_varies_the_choice_within_a_rank_but_never_across_ranks():
    # Groups' children are all cousins of Ideals; which two come depends on the seed.
    seen = set()
    for seed in range(40):
        chosen = choose_distractors(ALGEBRA, 7, 1, seed=seed)
        assert chosen[0] == 8
        assert set(chosen[1:]) <= {3, 4, 5}
        seen.add(frozenset(chosen[1:]))
    assert len(seen) > 1


def test_the_answer_must_be_in_the_branch():
    with pytest.raises(ValueError):
        choose_distractors(ALGEBRA, 11, 1)
    with pytest.raises(ValueError):
        choose_distractors(ALGEBRA, 99, 1)


def test_shuffled_options_are_a_permutation_fixed_by_the_seed():
    first = shuffled_options(3, [4, 5, 7], "12:40")
    assert sorted(first) == [3, 4, 5, 7]
    assert shuffled_options(3, [4, 5, 7], "12:40") == first
    orders = {tuple(shuffled_options(3, [4, 5, 7], f"12:{n}")) for n in range(30)}
    assert len(orders) > 1
    assert {order.index(3) for order in orders} == {0, 1, 2, 3}


# --- property: random trees ----------------------------------------------------------


@st.composite
def trees(draw):
    """A random forest in map order with a few duplicate titles, a branch root and an answer."""
    size = draw(st.integers(min_value=1, max_value=30))
    parents: list[int | None] = [None]
    for index in range(1, size):
        parents.append(draw(st.one_of(st.none(), st.integers(min_value=0, max_value=index - 1))))
    # Map order: pre-order of this forest.
    children: dict[int | None, list[int]] = {}
    for index, parent in enumerate(parents):
        children.setdefault(parent, []).append(index)
    order: list[int] = []

    def visit(node: int) -> None:
        order.append(node)
        for child in children.get(node, []):
            visit(child)

    for root in children.get(None, []):
        visit(root)
    letters = st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    titles = draw(st.lists(letters, min_size=size, max_size=size))
    unique = draw(st.booleans())
    concepts = [
        TreeConcept(
            node + 1,
            None if parents[node] is None else parents[node] + 1,
            f"T{node}" if unique else titles[node],
        )
        for node in order
    ]
    root = draw(st.sampled_from(concepts)).id
    branch = _branch(concepts, root)
    answer = draw(st.sampled_from(sorted(branch)))
    seed = draw(st.one_of(st.none(), st.integers(0, 1000)))
    return concepts, root, answer, seed


def _branch(concepts: list[TreeConcept], root: int) -> set[int]:
    inside = {root}
    for concept in concepts:
        if concept.parent_id in inside:
            inside.add(concept.id)
    return inside


@settings(max_examples=300, deadline=None)
@given(trees())
def test_property_distractors_over_random_trees(case):
    concepts, root, answer, seed = case
    by_id = {concept.id: concept for concept in concepts}
    chosen = choose_distractors(concepts, answer, root, seed=seed)

    # Never the answer, never twice, never a repeated or the answer's title.
    assert answer not in chosen
    assert len(chosen) == len(set(chosen))
    titles = [by_id[i].title.casefold() for i in chosen] + [by_id[answer].title.casefold()]
    assert len(titles) == len(set(titles))
    # As many as possible, up to three.
    usable = {c.title.casefold() for c in concepts} - {by_id[answer].title.casefold()}
    assert len(chosen) == min(3, len(usable))
    # Same input, same output.
    assert chosen == choose_distractors(concepts, answer, root, seed=seed)

    branch = _branch(concepts, root)
    usable_in_branch = {by_id[i].title.casefold() for i in branch} - {
        by_id[answer].title.casefold()
    }
    if len(usable_in_branch) >= 3:
        assert set(chosen) <= branch
    # Ranks never go backwards: siblings, then cousins, then the rest of the branch,
    # then elsewhere.
    parent = by_id[answer].parent_id
    grandparent = by_id[parent].parent_id if parent is not None else None

    def tier(concept_id: int) -> int:
        concept = by_id[concept_id]
        if concept_id not in branch:
            return 3
        if concept.parent_id == parent:
            return 0
        if (
            concept.parent_id is not None
            and grandparent is not None
            and by_id[concept.parent_id].parent_id == grandparent
        ):
            return 1
        return 2

    tiers = [tier(i) for i in chosen]
    assert tiers == sorted(tiers)
    # A sibling is only passed over when every sibling's title is already taken.
    if chosen and len(chosen) == 3:
        skipped_siblings = [
            c.id
            for c in concepts
            if c.id in branch
            and c.id != answer
            and c.parent_id == parent
            and c.id not in chosen
            and c.title.casefold() not in titles
        ]
        assert not skipped_siblings or all(t == 0 for t in tiers)


def reference_distractors(concepts: list[TreeConcept], answer: int, root: int) -> list[int]:
    """The rule written as plainly as possible: rank every concept, then take the best three
    with distinct titles (unseeded: ties by closeness in map order)."""
    by_id = {c.id: c for c in concepts}
    position = {c.id: i for i, c in enumerate(concepts)}
    branch = _branch(concepts, root)

    def ancestors(concept_id: int | None) -> list[int | None]:
        path: list[int | None] = []
        while concept_id is not None:
            path.append(concept_id)
            concept_id = by_id[concept_id].parent_id
        return [*path, None]  # None: the deck above the roots

    answer_path = ancestors(answer)

    def distance(concept_id: int) -> int:
        path = ancestors(concept_id)
        common = next(node for node in path if node in answer_path)
        return path.index(common) + answer_path.index(common)

    parent = by_id[answer].parent_id
    grandparent = by_id[parent].parent_id if parent is not None else None

    def rank(c: TreeConcept) -> tuple[int, int, int, int]:
        if c.id not in branch:
            tier = 3
        elif c.parent_id == parent:
            tier = 0
        elif c.parent_id is not None and grandparent is not None and (
            by_id[c.parent_id].parent_id == grandparent
        ):
            tier = 1
        else:
            tier = 2
        return (
            tier,
            distance(c.id) if tier >= 2 else 0,
            abs(position[c.id] - position[answer]),
            position[c.id],
        )

    titles = {by_id[answer].title.casefold()}
    chosen: list[int] = []
    for c in sorted((c for c in concepts if c.id != answer), key=rank):
        if len(chosen) == 3:
            break
        if c.title.casefold() not in titles:
            titles.add(c.title.casefold())
            chosen.append(c.id)
    return chosen


@settings(max_examples=300, deadline=None)
@given(trees())
def test_property_the_walk_matches_the_plain_ranking(case):
    concepts, root, answer, _seed = case
    assert choose_distractors(concepts, answer, root) == reference_distractors(
        concepts, answer, root
    )
