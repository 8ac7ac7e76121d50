"""Reading deck files: every format, every error a writer can make, and round trips."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from studyapp.decks.document import DeckDraft, DeckValidationError
from studyapp.decks.formats.json_deck import deck_to_json_document
from studyapp.decks.formats.markdown_deck import deck_to_markdown
from studyapp.decks.formats.reading import (
    MAX_DECK_BYTES,
    deck_files,
    read_deck_bytes,
    read_deck_path,
)
from studyapp.decks.validation import MAX_CONCEPTS, MAX_DEPTH
from tests.support.factories import concept, deck_json
from tests.support.paths import DECKS_DIR


def problems_of(content: str | bytes, name: str = "deck.json") -> list[str]:
    data = content.encode("utf-8") if isinstance(content, str) else content
    with pytest.raises(DeckValidationError) as raised:
        read_deck_bytes(data, name)
    return [str(problem) for problem in raised.value.problems]


def titles(draft: DeckDraft) -> list[tuple[int, str]]:
    return [(depth, node.title) for node, depth in draft.walk()]


# --- JSON -----------------------------------------------------------------


def test_json_deck_reads_tree_and_derives_missing_keys_from_title_path():
    draft = read_deck_bytes(deck_json().encode(), "algebra.json")
    assert draft.key == "algebra"
    assert titles(draft) == [
        (1, "Groups"),
        (2, "Subgroups"),
        (2, "Cosets"),
        (1, "Rings"),
        (2, "Ideals"),
        (2, "Fields"),
    ]
    assert draft.concepts[0].children[1].key == "groups/cosets"


def test_json_explicit_keys_are_kept():
    content = deck_json(concepts=[concept("Groups", key="g-1", children=[concept("Sub", key="s")])])
    draft = read_deck_bytes(content.encode(), "d.json")
    assert [node.key for node, _ in draft.walk()] == ["g-1", "s"]


def test_json_deck_without_key_gets_one_from_its_title():
    content = json.dumps({"title": "Linear Algebra!", "concepts": [concept("Vectors")]})
    assert read_deck_bytes(content.encode(), "d.json").key == "linear-algebra"


def test_invalid_json_names_file_and_line():
    [problem] = problems_of('{\n  "title": "x",\n  "concepts": [\n}', "broken.json")
    assert problem.startswith("broken.json, line 4: invalid JSON")


@pytest.mark.parametrize(
    ("field", "expected"),
    [("title", "a concept has no title"), ("summary", "has no short summary")],
)
def test_missing_title_or_summary_is_reported_with_json_path(field, expected):
    broken = concept("Cosets")
    broken[field] = ""
    content = deck_json(concepts=[concept("Groups", children=[concept("Subgroups"), broken])])
    [problem] = problems_of(content, "d.json")
    assert "d.json, $.concepts[0].children[1]" in problem
    assert expected in problem


def test_every_problem_is_reported_at_once():
    content = deck_json(
        concepts=[concept("A", summary=""), concept("", summary="x"), concept("C", summary="")]
    )
    assert len(problems_of(content)) == 3


def test_duplicate_keys_are_reported_with_both_places():
    content = deck_json(concepts=[concept("A", key="same"), concept("B", key="same")])
    [problem] = problems_of(content)
    assert "$.concepts[1]" in problem
    assert "duplicate key 'same'" in problem
    assert "$.concepts[0]" in problem


def test_siblings_with_the_same_title_and_no_keys_collide():
    content = deck_json(concepts=[concept("Groups"), concept("Groups")])
    assert "duplicate key 'groups'" in problems_of(content)[0]


def nested(depth: int) -> dict:
    node = concept(f"Level {depth}")
    for level in range(depth - 1, 0, -1):
        node = concept(f"Level {level}", children=[node])
    return node


def test_nesting_up_to_the_limit_is_accepted_and_deeper_is_refused():
    ok = read_deck_bytes(deck_json(concepts=[nested(MAX_DEPTH)]).encode(), "d.json")
    assert max(depth for _, depth in ok.walk()) == MAX_DEPTH
    [problem] = problems_of(deck_json(concepts=[nested(MAX_DEPTH + 1)]))
    assert f"nested {MAX_DEPTH + 1} levels deep; the limit is {MAX_DEPTH}" in problem


def test_more_than_the_concept_limit_is_refused():
    concepts = [{"title": f"C{i}", "summary": "s"} for i in range(MAX_CONCEPTS + 1)]
    [problem] = problems_of(deck_json(concepts=concepts))
    assert "20,001 concepts; the limit is 20,000" in problem


def test_wrong_types_are_reported():
    content = json.dumps({"title": "T", "concepts": [{"title": 5, "summary": "s"}, "text"]})
    found = problems_of(content)
    assert any("$.concepts[0].title" in p and "must be a string" in p for p in found)
    assert any("$.concepts[1]" in p and "must be an object" in p for p in found)


def test_a_deck_with_no_concepts_is_refused():
    assert "the deck has no concepts" in problems_of(json.dumps({"title": "T"}))[0]


# --- files that are not decks ---------------------------------------------------


@pytest.mark.parametrize("content", [b"", b"   \n\n"])
def test_empty_file_is_refused(content):
    assert problems_of(content, "empty.md") == ["empty.md: the file is empty"]


def test_non_utf8_file_is_refused_with_the_line():
    content = b"# Topic\n\n## Caf" + b"\xe9\n"
    [problem] = problems_of(content, "latin1.md")
    assert problem.startswith("latin1.md, line 3: not UTF-8 text")


def test_binary_file_is_refused():
    assert "not a text file" in problems_of(b"\x00\x01\x02abc", "image.md")[0]


def test_utf8_byte_order_mark_is_accepted():
    draft = read_deck_bytes(b"\xef\xbb\xbf" + deck_json().encode(), "bom.json")
    assert draft.title == "Algebra"


# --- Markdown -------------------------------------------------------------------

MARKDOWN = """\
# Probability {#probability}

Chance, measured.

## Random Variables

A function from outcomes to numbers.

It lets us compute with uncertain quantities.

Expectation is then a weighted average.

### Expectation {#expectation}

The probability-weighted mean of a random variable.

## Independence

Events whose joint probability is the product of their probabilities.
"""


def test_markdown_outline_reads_summary_detail_and_keys():
    draft = read_deck_bytes(MARKDOWN.encode(), "probability.md")
    assert (draft.key, draft.title, draft.description) == (
        "probability",
        "Probability",
        "Chance, measured.",
    )
    random_variables, independence = draft.concepts
    assert random_variables.summary == "A function from outcomes to numbers."
    assert random_variables.detail == (
        "It lets us compute with uncertain quantities.\n\nExpectation is then a weighted average."
    )
    assert random_variables.children[0].key == "expectation"
    assert independence.key == "independence"
    assert independence.detail == ""


def test_markdown_heading_without_summary_names_its_line():
    text = "# T\n\n## A\n\n### B\n\nSummary of B.\n"
    [problem] = problems_of(text, "t.md")
    assert problem == "t.md, line 3: 'A' has no short summary"


def test_markdown_level_jump_is_refused():
    text = "# T\n\n## A\n\nSummary.\n\n#### Too deep\n\nSummary.\n"
    [problem] = problems_of(text, "t.md")
    assert problem.startswith("t.md, line 7: heading level jumps from 2 to 4")


def test_markdown_must_start_with_a_topic_heading():
    assert "text before the first heading" in problems_of("Hello\n\n## A\n\nS.\n", "t.md")[0]
    assert "must be '# Topic'" in problems_of("## A\n\nSummary.\n", "t.md")[0]


def test_markdown_depth_limit_applies_beyond_six_hashes():
    lines = ["# T", ""]
    for depth in range(1, MAX_DEPTH + 2):
        lines += ["#" * (depth + 1) + f" Level {depth}", "", "Summary.", ""]
    [problem] = problems_of("\n".join(lines), "deep.md")
    assert problem == "deep.md, line 51: 'Level 13' is nested 13 levels deep; the limit is 12"


# --- shipped decks and round trips -----------------------------------------------------


def shipped_decks() -> list[Path]:
    return list(deck_files([DECKS_DIR]))


def test_at_least_four_decks_ship_and_each_is_a_real_tree():
    decks = shipped_decks()
    assert len(decks) >= 4
    for path in decks:
        draft = read_deck_path(path)
        assert draft.concept_count() >= 13, path
        assert max(depth for _, depth in draft.walk()) >= 2, path


def test_the_seed_map_ships_as_json():
    draft = read_deck_path(DECKS_DIR / "claude-code-architecture.json")
    assert draft.title == "Claude Code Architecture"
    assert draft.concept_count() == 13


@pytest.mark.parametrize("path", shipped_decks(), ids=lambda p: p.name)
def test_shipped_deck_round_trips_through_json_and_markdown(path):
    original = read_deck_path(path)
    as_json = json.dumps(deck_to_json_document(original))
    as_markdown = deck_to_markdown(original)
    for name, text in (("again.json", as_json), ("again.md", as_markdown)):
        again = read_deck_bytes(text.encode(), name)
        assert deck_to_json_document(again) == deck_to_json_document(original), name


def test_deck_files_expands_folders_and_keeps_files(tmp_path):
    (tmp_path / "a.json").write_text("{}")
    (tmp_path / "b.md").write_text("# B")
    (tmp_path / "notes.csv").write_text("x")
    single = tmp_path / "c.txt"
    single.write_text("x")
    found = list(deck_files([tmp_path, single]))
    assert [p.name for p in found] == ["a.json", "b.md", "c.txt", "c.txt"]


# --- property: any well-formed tree survives both formats ------------------------------------

_text = (
    st.text(
        alphabet=st.characters(
            whitelist_categories=("L", "N"),
            whitelist_characters=" .,;:'-()&?!",
            max_codepoint=0x2FF,
        ),
        min_size=1,
        max_size=40,
    )
    .map(str.strip)
    .filter(bool)
)

_titles = _text.filter(lambda t: not t.startswith("#") and "{#" not in t)


@st.composite
def concept_trees(draw, depth=1):
    count = draw(st.integers(min_value=1 if depth == 1 else 0, max_value=4 if depth < 4 else 0))
    names = draw(st.lists(_titles, min_size=count, max_size=count, unique_by=str.lower))
    return [
        {
            "title": name,
            "summary": draw(_text),
            "detail": draw(st.one_of(st.just(""), _text)),
            "children": draw(concept_trees(depth + 1)),
        }
        for name in names
    ]


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(concept_trees())
def test_any_tree_survives_json_and_markdown(concepts):
    content = json.dumps({"key": "k", "title": "Topic", "concepts": concepts})
    try:
        original = read_deck_bytes(content.encode(), "gen.json")
    except DeckValidationError as error:
        # Distinct titles can still slugify alike ("A!" and "a?"); that must be
        # reported as a duplicate key and nothing else.
        assert all("duplicate key" in p.message for p in error.problems)
        return
    again = read_deck_bytes(deck_to_markdown(original).encode(), "gen.md")
    assert deck_to_json_document(again) == deck_to_json_document(original)


def test_the_upload_limit_applies_only_where_asked(tmp_path):
    big = "# Big\n\n## Only\n\nOne concept.\n\n" + "Long explanation. " * 300_000  # 5.4 MB
    with pytest.raises(DeckValidationError, match="the limit is 5 MB"):
        read_deck_bytes(big.encode(), "big.md", max_bytes=MAX_DECK_BYTES)
    path = tmp_path / "big.md"
    path.write_text(big, encoding="utf-8")
    assert read_deck_path(path).title == "Big"  # the CLI imports files of any size
