"""The matching rule on its own: which stored concept each concept of a new version continues."""

from __future__ import annotations

from studyapp.decks.document import ConceptDraft, DeckDraft
from studyapp.decks.importing.matching import (
    SHORTEST_NEAR_IDENTICAL_SUMMARY,
    DraftConcept,
    MatchRule,
    StoredConcept,
    match_concepts,
    normalise_text,
    summary_similarity,
)
from studyapp.decks.validation import validate_deck

LONG = "A subset of a group that is itself a group under the same operation as the group."
OTHER = "The probability-weighted mean of a random variable over all of its outcomes."


def stored(
    concept_id: int,
    path: str,
    summary: str = LONG,
    *,
    key: str | None = None,
    retired: bool = False,
) -> StoredConcept:
    titles = tuple(path.split("/"))
    return StoredConcept(concept_id, key or path.lower(), titles[-1], titles, summary, retired)


def draft(path: str, summary: str = LONG, *, key: str | None = None) -> DraftConcept:
    titles = tuple(path.split("/"))
    return DraftConcept(key or path.lower(), titles[-1], titles, summary, key is None)


def matched(stored_concepts, drafts) -> dict[str, tuple[int, MatchRule]]:
    return {
        key: (match.concept_id, match.rule)
        for key, match in match_concepts(stored_concepts, drafts).items()
    }


def test_keys_match_first_and_nothing_is_taken_twice():
    result = matched(
        [stored(1, "A/X", LONG), stored(2, "B/Y", OTHER)],
        [draft("A/X", OTHER), draft("C/Y", LONG)],
    )
    # C/Y's summary equals the stored A/X's, but A/X already continues by key.
    assert result == {"a/x": (1, MatchRule.KEY), "c/y": (2, MatchRule.TITLE)}


def test_fallbacks_in_order_title_path_title_summary():
    result = matched(
        [
            stored(1, "A/X", key="explicit-x"),
            stored(2, "B/Y", OTHER),
            stored(3, "C/Z", "Zeta: " + LONG),
        ],
        [draft("A/X", OTHER), draft("D/Y", LONG), draft("E/Renamed", "Zeta: " + LONG)],
    )
    assert result == {
        "a/x": (1, MatchRule.TITLE_PATH),
        "d/y": (2, MatchRule.TITLE),
        "e/renamed": (3, MatchRule.SUMMARY),
    }


def test_title_paths_and_titles_are_compared_case_and_space_insensitively():
    result = matched([stored(1, "Old/Naive  Bayes")], [draft("New/naive bayes", OTHER)])
    assert result == {"new/naive bayes": (1, MatchRule.TITLE)}
    assert normalise_text("  Naïve\tBAYES \n") == "naïve bayes"


def test_explicit_keys_match_only_by_key_and_revive_retired_concepts():
    result = matched(
        [stored(1, "A/X"), stored(2, "Gone", OTHER, key="gone", retired=True)],
        [draft("B/X", key="new-x"), draft("Back", OTHER, key="gone")],
    )
    assert result == {"gone": (2, MatchRule.KEY)}


def test_a_repeated_title_is_ambiguous_on_either_side():
    two_stored = [stored(1, "A/Overview", "First " + LONG), stored(2, "B/Overview", OTHER)]
    assert matched(two_stored, [draft("C/Overview", "Unrelated text entirely.")]) == {}
    two_drafts = [draft("C/Overview", "One."), draft("D/Overview", "Two.")]
    assert matched([stored(1, "A/Overview", OTHER)], two_drafts) == {}


def test_live_concepts_are_preferred_to_retired_ones():
    live = stored(1, "B/X", OTHER)
    retired_same_path = stored(2, "A/X", LONG, retired=True)
    result = matched([live, retired_same_path], [draft("A/X", OTHER)])
    # The derived key a/x names the retired concept, but X moving from B is likelier.
    assert result == {"a/x": (1, MatchRule.TITLE)}
    result = matched([retired_same_path], [draft("A/X", OTHER)])
    assert result == {"a/x": (2, MatchRule.KEY)}
    result = matched([stored(3, "B/X", OTHER, retired=True)], [draft("C/X", LONG)])
    assert result == {"c/x": (3, MatchRule.TITLE)}


def test_near_identical_summaries_match_within_the_threshold():
    edited = LONG.replace("same operation", "same binary operation")
    rewritten = "A group inside another group, closed under its operation and inverses."
    assert summary_similarity(LONG, edited) >= 0.9 > summary_similarity(LONG, rewritten)
    assert matched([stored(1, "A/Subgroup")], [draft("A/Sub-group", edited)]) == {
        "a/sub-group": (1, MatchRule.SUMMARY)
    }
    assert matched([stored(1, "A/Subgroup")], [draft("A/Sub-group", rewritten)]) == {}


def test_short_summaries_match_only_when_equal():
    short, almost = "C005 in one sentence.", "C006 in one sentence."
    assert len(short) < SHORTEST_NEAR_IDENTICAL_SUMMARY
    assert summary_similarity(short, almost) > 0.9
    assert matched([stored(1, "C005", short)], [draft("C006", almost)]) == {}
    assert matched([stored(1, "C005", short)], [draft("C006", " c005  IN one sentence.")]) == {
        "c006": (1, MatchRule.SUMMARY)
    }


def test_a_summary_near_two_stored_ones_is_ambiguous():
    first = LONG.replace("itself", "in itself")
    second = LONG.replace("operation as", "operation, as")
    assert matched([stored(1, "A", first), stored(2, "B", second)], [draft("C", LONG)]) == {}
    assert matched([stored(1, "A", LONG)], [draft("B", first), draft("C", second)]) == {}


def test_validation_marks_derived_keys_and_derives_them_again():
    child = ConceptDraft("Cosets", "Translates of a subgroup.")
    pinned = ConceptDraft("Rings", "Two operations.", key="rings-pinned")
    deck = validate_deck(
        DeckDraft(
            "Algebra", concepts=[ConceptDraft("Groups", "One operation.", children=[child]), pinned]
        )
    )
    assert (child.key, child.key_is_derived) == ("groups/cosets", True)
    assert (pinned.key, pinned.key_is_derived) == ("rings-pinned", False)
    deck.concepts[0].title = "Group theory"
    validate_deck(deck)
    assert child.key == "group-theory/cosets"
