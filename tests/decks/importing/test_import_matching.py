"""Re-importing keeps concepts that were only moved or renamed, with everyone's review history.

Markdown decks have no keys: each is derived from the title path, so it
changes whenever a concept or an ancestor is moved or renamed. The importer
then falls back to the title path, the title and the summary
(docs/deck-format.md, "Re-importing: how concepts are matched").
"""

from __future__ import annotations

import itertools
import json
import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from studyapp.decks.importing.matching import MatchRule, summary_similarity
from studyapp.storage.models import Card, Concept
from tests.support.factories import concept, deck_json
from tests.support.importing import (
    Node,
    concept_by_key,
    history,
    live_keys,
    node,
    outline,
    study,
)

GROUPS = "A set with an associative operation, an identity, and an inverse for every element."
SUBGROUPS = "A subset of a group that is itself a group under the same operation."
COSETS = "The set obtained by multiplying every element of a subgroup by one fixed element."
RINGS = "A set with addition and a multiplication that distributes over the addition."
IDEALS = "A subring that absorbs multiplication by any element of the whole ring."
FIELDS = "A commutative ring in which every nonzero element has a multiplicative inverse."


def algebra(groups: tuple[Node, ...] | None = None, rings: tuple[Node, ...] | None = None) -> str:
    """Version 1 of the test deck, or a version with other children under Groups or Rings."""
    if groups is None:
        groups = (node("Subgroups", SUBGROUPS), node("Cosets", COSETS))
    if rings is None:
        rings = (node("Ideals", IDEALS), node("Fields", FIELDS))
    return outline(node("Groups", GROUPS, *groups), node("Rings", RINGS, *rings))


def import_md(import_text, text: str):
    return import_text(text, "algebra.md")


def rule_of(report, key: str) -> MatchRule:
    return next(match.rule for match in report.plan.matches if match.draft_key == key)


def test_a_moved_concept_keeps_its_cards_and_every_review(session, import_text, make_user, clock):
    ada = make_user("ada")
    import_md(import_text, algebra())
    cosets = concept_by_key(session, "groups/cosets")
    card_ids = study(session, ada, cosets.id, at=clock.now())
    before = history(session)

    report = import_md(
        import_text,
        algebra(
            groups=(node("Subgroups", SUBGROUPS),),
            rings=(node("Ideals", IDEALS), node("Fields", FIELDS), node("Cosets", COSETS)),
        ),
    )

    session.expire_all()
    moved = session.get(Concept, cosets.id)
    assert moved.key == "rings/cosets" and moved.retired_at is None
    assert moved.parent_id == concept_by_key(session, "rings").id
    assert [card.id for card in moved.cards] == card_ids
    assert history(session) == before
    assert (report.added, report.changed, report.retired) == ([], [], [])
    assert report.moved == ["rings/cosets"]
    assert rule_of(report, "rings/cosets") is MatchRule.TITLE


def test_a_renamed_concept_is_recognised_by_its_summary(session, import_text, make_user, clock):
    ada = make_user("ada")
    import_md(import_text, algebra())
    cosets = concept_by_key(session, "groups/cosets")
    study(session, ada, cosets.id, at=clock.now())
    before = history(session)

    report = import_md(
        import_text, algebra(groups=(node("Subgroups", SUBGROUPS), node("Left cosets", COSETS)))
    )

    session.expire_all()
    renamed = session.get(Concept, cosets.id)
    assert (renamed.key, renamed.title) == ("groups/left-cosets", "Left cosets")
    assert history(session) == before
    assert report.changed == ["groups/left-cosets"]
    assert (report.added, report.moved, report.retired) == ([], [], [])
    assert rule_of(report, "groups/left-cosets") is MatchRule.SUMMARY
    (update,) = report.plan.updates
    assert (update.old.title, update.new.title) == ("Cosets", "Left cosets")
    assert update.old_key == "groups/cosets"


def test_renamed_and_moved_with_a_near_identical_summary(session, import_text, make_user, clock):
    ada = make_user("ada")
    import_md(import_text, algebra())
    cosets = concept_by_key(session, "groups/cosets")
    study(session, ada, cosets.id, at=clock.now())
    before = history(session)
    edited = COSETS.replace("every element", "each element")
    assert summary_similarity(COSETS, edited) >= 0.9

    report = import_md(
        import_text,
        algebra(
            groups=(node("Subgroups", SUBGROUPS),),
            rings=(node("Ideals", IDEALS), node("Fields", FIELDS), node("Left cosets", edited)),
        ),
    )

    session.expire_all()
    assert session.get(Concept, cosets.id).key == "rings/left-cosets"
    assert history(session) == before
    assert report.changed == report.moved == ["rings/left-cosets"]
    (update,) = report.plan.updates
    assert update.matched_by is MatchRule.SUMMARY
    assert (update.old.summary, update.new.summary) == (COSETS, edited)
    assert (update.move.old_parent_path, update.move.new_parent_path) == (("Groups",), ("Rings",))


def test_a_moved_concept_with_a_new_summary_is_recognised_by_its_title(session, import_text):
    import_md(import_text, algebra())
    cosets_id = concept_by_key(session, "groups/cosets").id
    rewritten = "Translates of a subgroup; they partition the group into equal parts."

    report = import_md(
        import_text,
        algebra(
            groups=(node("Subgroups", SUBGROUPS),),
            rings=(node("Ideals", IDEALS), node("Fields", FIELDS), node("Cosets", rewritten)),
        ),
    )

    assert concept_by_key(session, "rings/cosets").id == cosets_id
    assert rule_of(report, "rings/cosets") is MatchRule.TITLE
    assert report.changed == report.moved == ["rings/cosets"]


def test_a_renamed_parent_keeps_its_whole_branch(session, import_text, make_user, clock):
    ada = make_user("ada")
    import_md(import_text, algebra())
    ideals = concept_by_key(session, "rings/ideals")
    study(session, ada, ideals.id, at=clock.now())
    before = history(session)
    ids_before = {c.title: c.id for c in session.scalars(select(Concept))}

    report = import_md(
        import_text,
        outline(
            node("Groups", GROUPS, node("Subgroups", SUBGROUPS), node("Cosets", COSETS)),
            node("Ring theory", RINGS, node("Ideals", IDEALS), node("Fields", FIELDS)),
        ),
    )

    session.expire_all()
    ids_after = {c.title: c.id for c in session.scalars(select(Concept))}
    ids_before["Ring theory"] = ids_before.pop("Rings")
    assert ids_after == ids_before
    assert concept_by_key(session, "ring-theory/ideals").id == ideals.id
    assert history(session) == before
    assert report.changed == ["ring-theory"]
    assert (report.added, report.moved, report.retired) == ([], [], [])
    assert report.unchanged == 5


def test_a_split_keeps_the_old_concept_under_its_title_and_adds_the_other(
    session, import_text, make_user, clock
):
    ada = make_user("ada")
    import_md(import_text, algebra())
    ideals = concept_by_key(session, "rings/ideals")
    study(session, ada, ideals.id, at=clock.now())
    before = history(session)

    report = import_md(
        import_text,
        algebra(
            rings=(
                node("Ideals", "A two-sided ideal: an additive subgroup closed under products."),
                node("Principal ideals", "The ideal generated by a single element of the ring."),
                node("Fields", FIELDS),
            )
        ),
    )

    assert concept_by_key(session, "rings/ideals").id == ideals.id
    assert history(session) == before
    assert report.changed == ["rings/ideals"]
    assert report.added == ["rings/principal-ideals"]
    principal = concept_by_key(session, "rings/principal-ideals")
    assert session.scalar(select(func.count()).where(Card.concept_id == principal.id)) == 3


def test_a_removed_concept_is_retired_with_its_history_and_comes_back(
    session, import_text, make_user, clock
):
    ada = make_user("ada")
    first = import_md(import_text, algebra())
    fields = concept_by_key(session, "rings/fields")
    study(session, ada, fields.id, at=clock.now())
    before = history(session)

    removed = import_md(import_text, algebra(rings=(node("Ideals", IDEALS),)))
    session.expire_all()
    assert removed.retired == ["rings/fields"]
    assert session.get(Concept, fields.id).retired_at == clock.now()
    assert "rings/fields" not in live_keys(session, first.deck.id)
    assert history(session) == before

    back = import_md(import_text, algebra())
    session.expire_all()
    assert back.changed == ["rings/fields"] and back.added == []
    (update,) = back.plan.updates
    assert update.restored and not update.texts_changed
    assert session.get(Concept, fields.id).retired_at is None
    assert history(session) == before


def test_a_removed_concept_added_back_elsewhere_comes_back(session, import_text):
    import_md(import_text, algebra())
    fields_id = concept_by_key(session, "rings/fields").id
    import_md(import_text, algebra(rings=(node("Ideals", IDEALS),)))

    back = import_md(
        import_text,
        algebra(
            groups=(node("Subgroups", SUBGROUPS), node("Cosets", COSETS), node("Fields", FIELDS)),
            rings=(node("Ideals", IDEALS),),
        ),
    )

    assert concept_by_key(session, "groups/fields").id == fields_id
    assert back.changed == back.moved == ["groups/fields"]
    assert rule_of(back, "groups/fields") is MatchRule.TITLE


def two_overviews(first: str, second: str, parents: tuple[str, str]) -> str:
    return outline(
        node(parents[0], GROUPS, node("Overview", first)),
        node(parents[1], RINGS, node("Overview", second)),
    )


def test_ambiguous_titles_are_not_matched(session, import_text):
    import_md(import_text, two_overviews(SUBGROUPS, IDEALS, ("Groups", "Rings")))

    report = import_md(
        import_text,
        two_overviews(
            "Where group theory starts and what it is for, in brief.",
            "Where ring theory starts and what it is for, in brief.",
            ("Group theory", "Ring theory"),
        ),
    )

    assert sorted(report.added) == ["group-theory/overview", "ring-theory/overview"]
    assert sorted(report.retired) == ["groups/overview", "rings/overview"]
    assert sorted(report.changed) == ["group-theory", "ring-theory"]


def test_same_titles_are_told_apart_by_their_summaries(session, import_text):
    import_md(import_text, two_overviews(SUBGROUPS, IDEALS, ("Groups", "Rings")))
    groups_overview = concept_by_key(session, "groups/overview").id
    rings_overview = concept_by_key(session, "rings/overview").id

    report = import_md(
        import_text, two_overviews(SUBGROUPS, IDEALS, ("Group theory", "Ring theory"))
    )

    assert concept_by_key(session, "group-theory/overview").id == groups_overview
    assert concept_by_key(session, "ring-theory/overview").id == rings_overview
    assert rule_of(report, "group-theory/overview") is MatchRule.SUMMARY
    assert (report.added, report.retired) == ([], [])


def test_explicit_keys_are_matched_by_key_only(session, import_text):
    import_text(
        deck_json(
            concepts=[
                concept("Groups", key="groups", summary=GROUPS),
                concept(
                    "Rings",
                    key="rings",
                    summary=RINGS,
                    children=[
                        concept("Ideals", key="ideals", summary=IDEALS),
                    ],
                ),
            ]
        )
    )
    groups_id = concept_by_key(session, "groups").id
    ideals_id = concept_by_key(session, "ideals").id

    report = import_text(
        deck_json(
            concepts=[
                concept(
                    "Groups",
                    key="group-theory",
                    summary=GROUPS,
                    children=[
                        concept("Ideals", key="ideals", summary=IDEALS),
                    ],
                ),
                concept("Rings", key="rings", summary=RINGS),
            ]
        )
    )

    assert report.added == ["group-theory"]
    assert report.retired == ["groups"]
    assert report.moved == ["ideals"]
    assert concept_by_key(session, "ideals").id == ideals_id
    assert concept_by_key(session, "groups").id == groups_id
    assert concept_by_key(session, "groups").retired_at is not None


def test_a_deck_converted_from_json_keys_to_markdown_keeps_its_concepts(session, import_text):
    first = import_text(
        deck_json(
            concepts=[
                concept(
                    "Groups",
                    key="grp",
                    summary=GROUPS,
                    children=[
                        concept("Cosets", key="grp-cosets", summary=COSETS),
                    ],
                ),
            ]
        )
    )
    ids = {c.key: c.id for c in session.scalars(select(Concept))}

    report = import_md(import_text, outline(node("Groups", GROUPS, node("Cosets", COSETS))))

    assert report.deck.id == first.deck.id
    assert concept_by_key(session, "groups").id == ids["grp"]
    assert concept_by_key(session, "groups/cosets").id == ids["grp-cosets"]
    assert {match.rule for match in report.plan.matches} == {MatchRule.TITLE_PATH}
    assert (report.added, report.retired, report.moved) == ([], [], [])


def test_swapped_summaries_stay_with_the_title_path(session, import_text):
    import_md(import_text, algebra())
    subgroups_id = concept_by_key(session, "groups/subgroups").id

    report = import_md(
        import_text, algebra(groups=(node("Subgroups", COSETS), node("Cosets", SUBGROUPS)))
    )

    assert concept_by_key(session, "groups/subgroups").id == subgroups_id
    assert concept_by_key(session, "groups/subgroups").summary == COSETS
    assert sorted(report.changed) == ["groups/cosets", "groups/subgroups"]
    assert {rule_of(report, key) for key in report.changed} == {MatchRule.KEY}


def test_a_live_concept_moving_onto_a_retired_concepts_path_takes_over_its_key(
    session, import_text, make_user, clock
):
    ada = make_user("ada")
    two = outline(
        node("Groups", GROUPS, node("Overview", SUBGROUPS)),
        node("Rings", RINGS, node("Overview", IDEALS)),
    )
    import_md(import_text, two)
    old_groups_overview = concept_by_key(session, "groups/overview").id
    rings_overview = concept_by_key(session, "rings/overview").id
    study(session, ada, rings_overview, at=clock.now())
    before = history(session)
    import_md(
        import_text,
        outline(node("Groups", GROUPS), node("Rings", RINGS, node("Overview", IDEALS))),
    )

    report = import_md(
        import_text,
        outline(node("Groups", GROUPS, node("Overview", IDEALS)), node("Rings", RINGS)),
    )

    session.expire_all()
    assert concept_by_key(session, "groups/overview").id == rings_overview
    assert report.moved == ["groups/overview"]
    assert (report.added, report.retired) == ([], [])
    old = session.get(Concept, old_groups_overview)
    assert old.retired_at is not None and old.key.startswith("groups/overview~retired-")
    assert history(session) == before


def test_reimporting_after_fallback_matches_changes_nothing(session, import_text):
    import_md(import_text, algebra())
    moved = algebra(
        groups=(node("Subgroups", SUBGROUPS),),
        rings=(node("Ideals", IDEALS), node("Fields", FIELDS), node("Cosets", COSETS)),
    )
    import_md(import_text, moved)

    again = import_md(import_text, moved)

    assert (again.added, again.changed, again.moved, again.retired) == ([], [], [], [])
    assert again.unchanged == 6
    assert {match.rule for match in again.plan.matches} == {MatchRule.KEY}


# --- Property: only moved or only renamed concepts are never lost ----------------------

_deck_numbers = itertools.count()
VOCABULARY = [
    "".join(letters)
    for letters in itertools.islice(itertools.product("bcdfglmnprstv", "aeiou", "klmnrst"), 400)
]


@st.composite
def deck_edits(draw):
    """A tree of concepts with unique titles and unrelated summaries, and edits to it.

    Returns (parents after, titles after, summaries after, the indices of
    concepts removed, how many concepts to add, parents, titles, summaries
    before); a parent is an index or None. Renaming with a near-identical
    summary adds a word at its end (similarity above 0.93).
    """
    count = draw(st.integers(min_value=2, max_value=14))
    seed = draw(st.integers(min_value=0, max_value=1000))
    parents = [None] + [draw(st.sampled_from([None, *range(index)])) for index in range(1, count)]
    titles = [f"Concept {index}" for index in range(count)]
    summaries = [_sentence(random.Random(f"{seed}-{index}")) for index in range(count)]

    new_parents, new_titles, new_summaries = list(parents), list(titles), list(summaries)
    kinds = draw(
        st.lists(
            st.sampled_from(["keep", "move", "rename", "rename near", "remove"]),
            min_size=count,
            max_size=count,
        )
    )
    for index, kind in enumerate(kinds):
        if kind == "move":
            below = _descendants(new_parents, index)
            new_parents[index] = draw(
                st.sampled_from([None, *(i for i in range(count) if i not in below)])
            )
        elif kind == "rename":
            new_titles[index] = f"Renamed {index}"
        elif kind == "rename near":
            new_titles[index] = f"Renamed {index}"
            new_summaries[index] = summaries[index][:-1] + " again."
    removed = {
        index
        for index, kind in enumerate(kinds)
        if kind == "remove" and not any(new_parents[i] == index for i in range(count))
    }
    # A deck keeps at least one concept: with every one removed, at least one is added.
    added = draw(st.integers(min_value=0 if len(removed) < count else 1, max_value=3))
    return new_parents, new_titles, new_summaries, removed, added, parents, titles, summaries


def _sentence(rng: random.Random) -> str:
    """Sixteen words of the vocabulary: two such sentences are never near-identical."""
    return " ".join(rng.choice(VOCABULARY) for _ in range(16)).capitalize() + "."


def _descendants(parents, index):
    found = {index}
    changed = True
    while changed:
        changed = False
        for child, parent in enumerate(parents):
            if parent in found and child not in found:
                found.add(child)
                changed = True
    return found


def _markdown(key, parents, titles, summaries, skip=frozenset(), extra=()):
    def children(parent):
        return [
            node(titles[i], summaries[i], *children(i))
            for i in range(len(parents))
            if parents[i] == parent and i not in skip
        ]

    roots = [*children(None), *extra]
    return outline(*roots, title=key)


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(edits=deck_edits())
def test_moved_or_renamed_concepts_always_keep_their_cards(session, import_text, edits):
    new_parents, new_titles, new_summaries, removed, added, parents, titles, summaries = edits
    key = f"Property deck {next(_deck_numbers)}"
    first = import_md(import_text, _markdown(key, parents, titles, summaries))
    deck_id = first.deck.id
    ids_by_title = {
        c.title: c.id for c in session.scalars(select(Concept).where(Concept.deck_id == deck_id))
    }
    extra = [
        node(f"Added {n}", f"A brand new concept number {n}, unlike any other one here.")
        for n in range(added)
    ]

    report = import_md(
        import_text,
        _markdown(key, new_parents, new_titles, new_summaries, skip=removed, extra=extra),
    )

    session.expire_all()
    stored = {c.id: c for c in session.scalars(select(Concept).where(Concept.deck_id == deck_id))}
    for index, title in enumerate(titles):
        kept = stored[ids_by_title[title]]
        if index in removed:
            assert kept.retired_at is not None
        else:
            assert kept.retired_at is None and kept.title == new_titles[index]
            assert len(kept.cards) == 3
    live = sorted((c for c in stored.values() if c.retired_at is None), key=lambda c: c.map_order)
    assert [c.map_order for c in live] == list(range(len(live)))
    assert len(live) == len(titles) - len(removed) + added
    assert len(report.added) == added
    assert len({c.key for c in stored.values()}) == len(stored)
    json.dumps(report.plan.to_dict())
