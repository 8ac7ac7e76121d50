"""Map explorer page text: parsing, error reports and the inferred hierarchy.

Pure tests: no database, no Flask. The maps under tests/data/page_text were
written in the explorer's style for these tests (different topics, numbers of
key concepts, group sizes and orders, and groups under sub-concepts); the
seed is a real page copied from the explorer.
"""

from __future__ import annotations

import json
import re
import string
import textwrap
from collections.abc import Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from studyapp.decks.document import ConceptDraft, DeckDraft, DeckValidationError
from studyapp.decks.formats import hierarchy_inference
from studyapp.decks.formats import page_text as page_text_module
from studyapp.decks.formats.hierarchy_inference import (
    MAX_GROUP_SIZE,
    MAX_WORD_OVERLAP,
    MapTooCostlyError,
    infer_parents,
)
from studyapp.decks.formats.page_text import (
    MAX_PAGE_TEXT_CONCEPTS,
    looks_like_page_text,
    parse_page_text,
)
from studyapp.decks.keys import key_from_title_path, slugify
from tests.support.paths import PAGE_TEXT_DATA, REPO_ROOT, SEED_DIR

SEED_FILE = "000_16bc26004dc5b373.txt"

SEED_TREE = """
Transformer Foundation
Context Management
  Long Context Windows Implementation
  Efficient Attention Mechanisms
  Contextual Information Retrieval
  Dynamic Context Window Management
Training & Optimization
  Massive Dataset Curation
  RLHF Alignment
  Iterative Fine-tuning
  Distributed Training Paradigms
Safety Architecture
API & Deployment
"""

# 4 key concepts; groups of 3, 5 and 2 under the 2nd, 1st and 4th key concept.
INTEREST_RATES_TREE = """
Monetary Policy Rates
  Federal Funds Rate
  Open Market Operations
  Forward Guidance
  Quantitative Easing
  Zero Lower Bound
Yield Curve
  Term Premium
  Curve Inversion
  Expectations Hypothesis
Inflation and Real Rates
Borrowing Costs
  Mortgage Rates
  Corporate Bond Spreads
"""

# 6 key concepts; groups of 4, 3, 3 and 2, the second under a sub-concept.
REACT_PATTERN_TREE = """
Reasoning Traces
  Task Decomposition
  Chain-of-Thought Prompting
Action Execution
Observation Feedback
Tool Integration
  Tool Schemas
    Argument Validation
    Function Descriptions
    Typed Parameters
  Web Search Tools
  Code Interpreter
  Tool Selection
Prompt Design
Failure Modes
  Infinite Action Loops
  Hallucinated Observations
  Error Recovery
"""

# 3 key concepts; a group of 5 under the last one, then 3 under its first
# child, then 2 under the first key concept.
OIL_RESOURCES_TREE = """
Reserves and Production
  Proven Reserves
  Shale Extraction
Global Oil Markets
Geopolitics of Oil
  OPEC
    Production Quotas
    OPEC+ Alliance
    Saudi Spare Capacity
  Strait of Hormuz
  Petrostates
  Sanctions and Embargoes
  Energy Security
"""

WRITTEN_MAPS = {
    "interest_rates.txt": ("Interest Rates", INTEREST_RATES_TREE),
    "react_pattern.txt": ("ReAct Pattern", REACT_PATTERN_TREE),
    "oil_resources.txt": ("Oil Resources", OIL_RESOURCES_TREE),
}


# --- helpers ---------------------------------------------------------------


def outline(concepts: Sequence[ConceptDraft], depth: int = 0) -> str:
    """The tree as indented titles, one per line, as in the expectations above."""
    lines: list[str] = []
    for concept in concepts:
        lines.append("  " * depth + concept.title)
        if concept.children:
            lines.append(outline(concept.children, depth + 1))
    return "\n".join(lines)


def expected(tree: str) -> str:
    return tree.strip("\n")


def parent_titles(deck: DeckDraft) -> dict[str, str | None]:
    """Each concept's title mapped to its parent's title: the tree, ignoring sibling order."""
    parents: dict[str, str | None] = {}

    def visit(concepts: Sequence[ConceptDraft], parent: str | None) -> None:
        for concept in concepts:
            parents[concept.title] = parent
            visit(concept.children, concept.title)

    visit(deck.concepts, None)
    return parents


def page_text(title: str, concepts: Sequence[tuple[str, str, str]], newline: str = "\n") -> str:
    """Page text in the explorer's layout for the given (title, summary, detail) list."""
    header = ["AI Agents", "LLM", "Kinapse", "", "Explore |", ""]
    header += [f"{title[:20]}... — Interactive Knowledge Map", "", title, "", "Key Concepts"]
    body = [line for concept in concepts for paragraph in concept for line in ("", paragraph)]
    return newline.join(header + body)


def triples_of(deck: DeckDraft) -> list[tuple[str, str, str]]:
    """The concepts in page order (locations give it), as triples."""
    concepts = sorted((concept for concept, _ in deck.walk()), key=lambda c: c.location.line)
    return [(c.title, c.summary, c.detail) for c in concepts]


def reordered(
    deck: DeckDraft, *, keys_reversed: bool, groups_reversed: bool
) -> list[tuple[str, str, str]]:
    """The deck's concepts laid out as another explorer page could show them.

    Key concepts first, then every group of siblings in page order, with the
    key concepts and/or the groups reversed; a group still follows its parent.
    """
    keys = list(deck.concepts)
    groups = sorted(
        ((parent, parent.children) for parent, _ in deck.walk() if parent.children),
        key=lambda group: group[1][0].location.line,
    )
    if keys_reversed:
        keys.reverse()
    if groups_reversed:
        groups.reverse()
    layout = list(keys)
    while groups:
        ready = next(i for i, (parent, _) in enumerate(groups) if any(parent is c for c in layout))
        layout += groups.pop(ready)[1]
    return [(c.title, c.summary, c.detail) for c in layout]


def load_seed() -> str:
    path = SEED_DIR / SEED_FILE
    if not path.is_file():
        pytest.skip(f"seed map {path} is not present (shared/seeds lives beside the repository)")
    return path.read_text(encoding="utf-8")


def problems_of(text: str, source_name: str = "map.txt") -> list[tuple[int | None, str]]:
    with pytest.raises(DeckValidationError) as caught:
        parse_page_text(text, source_name)
    for problem in caught.value.problems:
        assert problem.location.file == source_name
    return [(problem.location.line, problem.message) for problem in caught.value.problems]


# --- the seed --------------------------------------------------------------


def test_the_seed_parses_into_the_expected_tree():
    deck = parse_page_text(load_seed(), SEED_FILE)

    assert outline(deck.concepts) == expected(SEED_TREE)
    assert [concept.title for concept in deck.concepts] == [
        "Transformer Foundation",
        "Context Management",
        "Training & Optimization",
        "Safety Architecture",
        "API & Deployment",
    ]
    by_title = {concept.title: concept for concept in deck.concepts}
    assert [c.title for c in by_title["Training & Optimization"].children] == [
        "Massive Dataset Curation",
        "RLHF Alignment",
        "Iterative Fine-tuning",
        "Distributed Training Paradigms",
    ]
    assert [c.title for c in by_title["Context Management"].children] == [
        "Long Context Windows Implementation",
        "Efficient Attention Mechanisms",
        "Contextual Information Retrieval",
        "Dynamic Context Window Management",
    ]


def test_the_seed_deck_carries_title_format_and_texts():
    deck = parse_page_text(load_seed(), SEED_FILE)

    assert (deck.title, deck.description, deck.key) == ("Claude Code Architecture", "", None)
    assert (deck.source_format, deck.source_name) == ("page_text", SEED_FILE)
    assert deck.concept_count() == 13
    assert all(concept.key is None for concept, _ in deck.walk())
    rlhf = deck.concepts[2].children[1]
    assert rlhf.summary.startswith("Claude's architectural optimization includes Reinforcement")
    assert rlhf.detail.startswith("RLHF is a critical component of Claude's training")
    assert rlhf.detail.endswith("directly influencing its public-facing performance.")


def test_every_seed_concept_is_located_at_its_title_line():
    text = load_seed()
    lines = text.splitlines()
    deck = parse_page_text(text, SEED_FILE)

    for concept, _ in deck.walk():
        assert concept.location.file == SEED_FILE
        assert lines[concept.location.line - 1] == concept.title
    assert deck.concepts[0].location.line == 23
    assert deck.concepts[2].children[0].location.line == 53


@pytest.mark.parametrize(
    "variant",
    [
        pytest.param(lambda text: text.replace("\n", "\r\n"), id="windows line endings"),
        pytest.param(lambda text: text.replace("\n", "\r"), id="old mac line endings"),
        pytest.param(lambda text: text.replace("\n", "  \t\n") + "\n\n", id="trailing whitespace"),
        pytest.param(lambda text: text.replace("\n\n", "\n \n\n\n"), id="extra blank lines"),
        pytest.param(lambda text: "\ufeff" + text + "\n", id="bom and final newline"),
    ],
)
def test_the_seed_reads_the_same_whatever_the_whitespace(variant):
    text = load_seed()
    original = parse_page_text(text, SEED_FILE)

    deck = parse_page_text(variant(text), SEED_FILE)

    assert outline(deck.concepts) == expected(SEED_TREE)
    assert triples_of(deck) == triples_of(original)


def test_a_paragraph_wrapped_over_several_lines_is_one_paragraph():
    text = load_seed()
    wrapped = "\n\n".join(textwrap.fill(paragraph, width=60) for paragraph in text.split("\n\n"))
    assert wrapped.count("\n") > text.count("\n") + 50

    deck = parse_page_text(wrapped, SEED_FILE)

    assert outline(deck.concepts) == expected(SEED_TREE)
    assert triples_of(deck) == triples_of(parse_page_text(text, SEED_FILE))


def test_the_seed_json_deck_matches_the_seed():
    deck = parse_page_text(load_seed(), SEED_FILE)
    stored = json.loads((REPO_ROOT / "decks" / "claude-code-architecture.json").read_text("utf-8"))

    def as_json(concept: ConceptDraft, path: list[str]) -> dict:
        titles = [*path, concept.title]
        return {
            "key": key_from_title_path(titles),
            "title": concept.title,
            "summary": concept.summary,
            "detail": concept.detail,
            "children": [as_json(child, titles) for child in concept.children],
        }

    assert stored["key"] == slugify(deck.title) == "claude-code-architecture"
    assert stored["title"] == deck.title
    assert stored["description"].strip()
    assert stored["concepts"] == [as_json(concept, []) for concept in deck.concepts]


# --- other maps: evidence that the rule generalises ------------------------


@pytest.mark.parametrize("file_name", sorted(WRITTEN_MAPS))
def test_a_written_map_parses_into_its_expected_tree(file_name):
    title, tree = WRITTEN_MAPS[file_name]

    deck = parse_page_text((PAGE_TEXT_DATA / file_name).read_text(encoding="utf-8"), file_name)

    assert deck.title == title
    assert outline(deck.concepts) == expected(tree)


def all_maps() -> list:
    """Every map with its expected tree, as pytest params; the seed only if present."""
    maps = [
        pytest.param(file_name, (PAGE_TEXT_DATA / file_name).read_text("utf-8"), tree, id=file_name)
        for file_name, (_, tree) in sorted(WRITTEN_MAPS.items())
    ]
    if (SEED_DIR / SEED_FILE).is_file():
        seed = (SEED_DIR / SEED_FILE).read_text("utf-8")
        maps.append(pytest.param(SEED_FILE, seed, SEED_TREE, id="seed"))
    return maps


@pytest.mark.parametrize(
    ("keys_reversed", "groups_reversed"),
    [(True, False), (False, True)],
    ids=["key concepts reversed", "groups reversed"],
)
@pytest.mark.parametrize(("file_name", "text", "tree"), all_maps())
def test_the_tree_does_not_depend_on_the_order_of_keys_or_groups(
    file_name, text, tree, keys_reversed, groups_reversed
):
    deck = parse_page_text(text, file_name)
    assert outline(deck.concepts) == expected(tree)
    layout = reordered(deck, keys_reversed=keys_reversed, groups_reversed=groups_reversed)
    assert layout != triples_of(deck)

    shuffled = parse_page_text(page_text(deck.title, layout), file_name)

    assert parent_titles(shuffled) == parent_titles(deck)


def test_the_wording_hint_is_not_needed():
    text = load_seed().replace("This sub-concept explores", "This explores")
    assert "sub-concept" not in text

    assert outline(parse_page_text(text, SEED_FILE).concepts) == expected(SEED_TREE)


def test_the_documented_example_reads_as_documented():
    doc = (REPO_ROOT / "docs" / "page-text-inference.md").read_text(encoding="utf-8")
    example = re.search(r"```text\n(.*?)```", doc, re.DOTALL).group(1)
    tree = re.search(r"reads as:\n\n```\n(.*?)```", doc, re.DOTALL).group(1)

    deck = parse_page_text(example, "example.txt")

    assert outline(deck.concepts) == expected(tree)


# --- the inference on its own ----------------------------------------------


def test_tiny_maps_have_only_key_concepts():
    assert infer_parents([]) == []
    assert infer_parents([("Only", "One concept.", "Nothing else.")]) == [None]


def test_identical_concepts_stay_at_the_top_level():
    assert infer_parents([("Same", "Same text.", "Same detail.")] * 5) == [None] * 5


def test_a_run_of_concepts_goes_under_the_concept_they_elaborate():
    concepts = [
        (
            "Volcanoes",
            "Openings where magma reaches the surface.",
            "Volcanoes erupt lava, ash and gas; their shape depends on the magma's viscosity.",
        ),
        (
            "Glaciers",
            "Slow rivers of ice.",
            "Glaciers carve valleys, deposit moraines and store most of the planet's fresh water.",
        ),
        (
            "Rivers",
            "Water flowing downhill in channels.",
            "Rivers erode, transport and deposit sediment, building deltas at their mouths.",
        ),
        (
            "Lava Flows",
            "Streams of molten rock from a volcano's eruption.",
            "Runny basaltic magma makes long lava flows; viscous magma makes short, thick ones.",
        ),
        (
            "Volcanic Ash",
            "Fragments of rock and glass blasted from volcanoes.",
            "Ash from an eruption travels far, grounding aircraft and burying fields.",
        ),
        (
            "Moraines",
            "Ridges of debris that glaciers leave behind.",
            "Moraines mark where glaciers once stood, pushing and dropping rock at their edges.",
        ),
        (
            "Glacial Valleys",
            "U-shaped valleys carved by glaciers.",
            "The ice of glaciers scours valley floors and walls into a wide U shape.",
        ),
    ]

    assert infer_parents(concepts) == [None, None, None, 0, 0, 1, 1]


VOLCANO_NAMES = (  # noqa: SIM905 - a word list reads better as running text
    "Alfa Bravo Charlie Delta Echo Foxtrot Golf Hotel India Juliett Kilo Lima Mike "
    "November Oscar Papa Quebec Romeo Sierra Tango Uniform Victor Whiskey Xray Yankee Zulu"
).split()


def volcano_map(volcano_count: int) -> list[tuple[str, str, str]]:
    """Three key concepts, then a run of volcanoes that all elaborate the first."""
    assert volcano_count <= len(VOLCANO_NAMES)
    keys = [
        (
            "Volcanoes",
            "Openings where magma reaches the surface.",
            "Volcanoes erupt lava, ash and gas; their shape depends on the magma's viscosity.",
        ),
        (
            "Glaciers",
            "Slow masses of ice.",
            "Glaciers carve valleys, deposit moraines and store most of the planet's fresh water.",
        ),
        (
            "Rivers",
            "Water flowing downhill in channels.",
            "Rivers erode, transport and deposit sediment, building deltas at their mouths.",
        ),
    ]
    volcanoes = [
        (
            f"{name} Volcano",
            f"{name} is a volcano whose magma feeds lava flows and ash.",
            f"Eruptions of the {name} volcano bring lava, ash and gas from its magma chamber.",
        )
        for name in VOLCANO_NAMES[:volcano_count]
    ]
    return keys + volcanoes


def group_lengths(parents: Sequence[int | None]) -> list[int]:
    """Lengths of the runs of concepts under one parent, in page order."""
    lengths: list[int] = []
    for index, parent in enumerate(parents):
        if parent is not None and index > 0 and parents[index - 1] == parent:
            lengths[-1] += 1
        elif parent is not None:
            lengths.append(1)
    return lengths


def test_a_group_as_long_as_the_cap_is_read_whole():
    assert infer_parents(volcano_map(MAX_GROUP_SIZE)) == [None] * 3 + [0] * MAX_GROUP_SIZE


def test_no_group_is_longer_than_the_cap():
    parents = infer_parents(volcano_map(MAX_GROUP_SIZE + 5))

    assert group_lengths(parents)
    assert max(group_lengths(parents)) <= MAX_GROUP_SIZE


def test_the_overlap_limit_stops_crafted_text_before_the_pairwise_work():
    # Every pair of 300 concepts shares about 248 of 250 words; no word is in
    # all of them, so none weighs nothing.
    words = ["zq" + a + b for a in string.ascii_lowercase for b in string.ascii_lowercase][:250]
    concepts = [
        (f"Topic {i}", "Words.", " ".join(word for j, word in enumerate(words) if j != i))
        for i in range(300)
    ]

    with pytest.raises(MapTooCostlyError) as caught:
        infer_parents(concepts)

    assert caught.value.overlap > caught.value.limit == MAX_WORD_OVERLAP


# --- errors ------------------------------------------------------------------


def test_a_text_without_key_concepts_is_refused_at_line_1():
    problems = problems_of("Claude Code Architecture\n\nTransformer\n\nA summary.\n\nDetail.")

    assert [line for line, _ in problems] == [1]
    assert '"Key Concepts"' in problems[0][1]


def test_a_missing_map_title_is_reported_at_the_heading():
    text = "Explore |\n\nMaps — Interactive Knowledge Map\n\nKey Concepts\n\nA\n\nB b.\n\nC c."

    assert problems_of(text) == [
        (5, 'no map title found: the line above "Key Concepts" should be the map\'s title')
    ]
    assert problems_of("Key Concepts\n\nA\n\nB b.\n\nC c.")[0][0] == 1


def test_a_map_without_concepts_is_refused():
    [(line, message)] = problems_of("Probability\nKey Concepts\n\n\n")

    assert line == 2
    assert "no concepts" in message


@pytest.mark.parametrize(
    ("missing", "found"),
    [
        (2, "nothing follows it"),
        (1, "only one paragraph follows it"),
    ],
)
def test_an_incomplete_last_concept_is_reported_at_its_title(missing, found):
    text = load_seed()
    paragraphs = text.split("\n\n")
    truncated = "\n\n".join(paragraphs[:-missing])

    [(line, message)] = problems_of(truncated, SEED_FILE)

    assert line == 95
    assert '"Dynamic Context Window Management" is incomplete' in message
    assert found in message


def test_a_concept_missing_a_paragraph_mid_page_is_reported_where_it_shows():
    text = load_seed()
    rlhf_summary = next(p for p in text.split("\n\n") if p.startswith("Claude's architectural opt"))
    text = text.replace(rlhf_summary + "\n\n", "")

    [(line, message)] = problems_of(text, SEED_FILE)

    # The next title now stands where RLHF's explanation should be.
    assert line == 59
    assert 'the concept "RLHF Alignment" has only one paragraph before the next title' in message
    assert '"Iterative Fine-tuning" (line 63)' in message


def test_a_concept_missing_its_title_is_reported_where_the_sentence_stands():
    text = load_seed().replace("\n\nRLHF Alignment\n", "\n")

    [(line, message)] = problems_of(text, SEED_FILE)

    assert line == 59  # RLHF's summary, now where a title belongs
    assert 'expected a concept title here (after concept "Massive Dataset Curation")' in message


def test_every_problem_is_listed_at_once():
    text = "Explore |\nKey Concepts\n\nFirst\n\nIts summary.\n\nIts detail.\n\nSecond\n\nSummary."

    problems = problems_of(text)

    assert [line for line, _ in problems] == [2, 10]
    assert "no map title" in problems[0][1]
    assert '"Second" is incomplete' in problems[1][1]


# --- limits ------------------------------------------------------------------


def test_a_page_over_the_concept_limit_is_refused_without_inferring_its_tree(monkeypatch):
    def no_inference(concepts):
        raise AssertionError("the tree of a page over the limit must not be inferred")

    monkeypatch.setattr(page_text_module, "infer_parents", no_inference)
    count = MAX_PAGE_TEXT_CONCEPTS + 1
    concepts = [(f"Concept {i}", f"What {i} is.", f"More about {i}.") for i in range(count)]

    [(line, message)] = problems_of(page_text("Large Map", concepts))

    assert line == 11  # the "Key Concepts" line
    assert message.startswith(
        f"the page has {count:,} concepts; page text is limited to {MAX_PAGE_TEXT_CONCEPTS:,},"
    )
    assert "as JSON or as a Markdown outline" in message


def test_a_page_at_the_concept_limit_is_read(monkeypatch):
    text = (PAGE_TEXT_DATA / "interest_rates.txt").read_text(encoding="utf-8")

    monkeypatch.setattr(page_text_module, "MAX_PAGE_TEXT_CONCEPTS", 14)
    assert parse_page_text(text, "interest_rates.txt").concept_count() == 14

    monkeypatch.setattr(page_text_module, "MAX_PAGE_TEXT_CONCEPTS", 13)
    [(_, message)] = problems_of(text, "interest_rates.txt")
    assert message.startswith("the page has 14 concepts; page text is limited to 13,")


def test_the_concept_limit_is_reported_with_the_other_problems():
    count = MAX_PAGE_TEXT_CONCEPTS + 1
    concepts = [(f"Concept {i}", f"What {i} is.", f"More about {i}.") for i in range(count)]
    text = "Explore |\n\nKey Concepts\n\n" + "\n\n".join("\n\n".join(c) for c in concepts)

    problems = problems_of(text)

    assert [line for line, _ in problems] == [3, 3]
    assert "no map title" in problems[0][1]
    assert f"the page has {count:,} concepts" in problems[1][1]


def test_a_page_too_costly_to_compare_is_refused_with_advice(monkeypatch):
    monkeypatch.setattr(hierarchy_inference, "MAX_WORD_OVERLAP", 100)
    text = (PAGE_TEXT_DATA / "interest_rates.txt").read_text(encoding="utf-8")
    heading_line = text.splitlines().index("Key Concepts") + 1

    [(line, message)] = problems_of(text, "interest_rates.txt")

    assert line == heading_line
    assert message.startswith("the concepts' texts are too long or too much alike")
    assert "; the limit is 100. " in message
    assert "as JSON or as a Markdown outline" in message


# --- sniffing ----------------------------------------------------------------


def test_page_text_is_recognised():
    assert looks_like_page_text(load_seed())
    for file_name in WRITTEN_MAPS:
        assert looks_like_page_text((PAGE_TEXT_DATA / file_name).read_text(encoding="utf-8"))
    without_navigation = "Probability\r\nKey Concepts\r\n\r\nDice\r\n\r\nCubes.\r\n\r\nSix faces."
    assert looks_like_page_text(without_navigation)


@pytest.mark.parametrize(
    "text",
    [
        '{"title": "Key Concepts", "concepts": []}',
        "# Probability\n\n## Key Concepts\n\nA summary.\n",
        "Notes\nKey Concepts\n\nFirst, know that this is prose and no map at all.\n\nMore.\n\nOk.",
        "Key Concepts\n\nOnly a title",
        "",
    ],
    ids=["json", "markdown", "prose", "too short", "empty"],
)
def test_other_texts_are_not_taken_for_page_text(text):
    assert not looks_like_page_text(text)


# --- properties ----------------------------------------------------------------

_words = st.text(alphabet="abcdefghij", min_size=1, max_size=8)
_title = st.lists(_words, min_size=1, max_size=5).map(" ".join).map(str.title)
_sentence = st.lists(_words, min_size=1, max_size=25).map(lambda w: " ".join(w) + ".")
_concepts = st.lists(st.tuples(_title, _sentence, _sentence), min_size=1, max_size=14)


@settings(max_examples=60, deadline=None)
@given(concepts=_concepts, newline=st.sampled_from(["\n", "\r\n"]))
def test_any_well_formed_page_parses_with_every_concept_once(concepts, newline):
    deck = parse_page_text(page_text("Generated Map", concepts, newline), "generated.txt")

    walked = [concept for concept, _ in deck.walk()]
    assert len(walked) == len(concepts)
    assert sorted(triples_of(deck)) == sorted(concepts)
    for concept in walked:
        for child in concept.children:
            assert child.location.line > concept.location.line


@settings(max_examples=60, deadline=None)
@given(concepts=st.lists(st.tuples(st.text(), st.text(), st.text()), max_size=12))
def test_inference_accepts_any_text_and_is_deterministic(concepts):
    parents = infer_parents(concepts)

    assert len(parents) == len(concepts)
    assert all(parent is None or 0 <= parent < index for index, parent in enumerate(parents))
    if concepts:
        assert parents[0] is None
    real_parents = [parent for parent in parents if parent is not None]
    groups = [p for i, p in enumerate(parents) if p is not None and parents[i - 1] != p]
    assert len(groups) == len(set(groups)), "a concept heads at most one group"
    assert set(groups) == set(real_parents)
    assert infer_parents(concepts) == parents
