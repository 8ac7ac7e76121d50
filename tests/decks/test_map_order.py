"""Map order's shape helpers: every branch is one run of the concepts."""

from __future__ import annotations

from hypothesis import given

from studyapp.decks.map_order import branch_ends, parent_indexes
from tests.support.strategies import forests


def test_a_parent_outside_the_list_makes_a_root() -> None:
    assert parent_indexes([(7, None), (8, 7), (9, 99)]) == [None, 0, None]


@given(forests())
def test_each_branch_runs_from_the_concept_to_its_last_descendant(forest) -> None:
    parents = parent_indexes(forest)
    ends = branch_ends(parents)
    for index, (concept_id, _) in enumerate(forest):
        descendants, frontier = set(), {concept_id}
        while frontier:
            frontier = {cid for cid, parent in forest if parent in frontier}
            descendants |= frontier
        run = {cid for cid, _ in forest[index + 1 : ends[index] + 1]}
        assert run == descendants
