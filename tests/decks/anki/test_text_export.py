"""Anki's plain-text note export, and the HTML-to-text rules Anki imports share."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from anki.collection import Collection, ImportAnkiPackageRequest
from hypothesis import given
from hypothesis import strategies as st

from studyapp.decks.anki.apkg_writer import deck_to_apkg
from studyapp.decks.anki.html import html_to_text, normalise_text, text_to_html
from studyapp.decks.anki.text_export import parse_anki_text
from studyapp.decks.document import DeckDraft, DeckValidationError
from studyapp.decks.formats.json_deck import deck_to_json_document
from studyapp.decks.formats.reading import read_deck_bytes, read_deck_path
from tests.support.paths import DECKS_DIR


def read(text: str, name: str = "notes.txt") -> DeckDraft:
    return read_deck_bytes(text.encode("utf-8"), name)


def problems_of(text: str, name: str = "notes.txt") -> list[str]:
    with pytest.raises(DeckValidationError) as raised:
        read(text, name)
    return [str(problem) for problem in raised.value.problems]


def outline(draft: DeckDraft) -> list[tuple[int, str]]:
    return [(depth, node.title) for node, depth in draft.walk()]


# --- what Anki itself writes ------------------------------------------------------------------


@pytest.fixture
def anki(tmp_path: Path) -> Iterator[Collection]:
    folder = tmp_path / "anki"
    folder.mkdir()
    collection = Collection(str(folder / "collection.anki2"))
    yield collection
    collection.close()


def export_notes(collection: Collection, path: Path, *, with_html: bool, full: bool) -> str:
    collection.export_note_csv(
        out_path=str(path),
        limit=None,
        with_html=with_html,
        with_tags=full,
        with_deck=full,
        with_notetype=full,
        with_guid=full,
    )
    return path.read_text(encoding="utf-8")


def add_biology_notes(collection: Collection) -> None:
    def add(model_name: str, deck: str, **fields: str) -> None:
        note = collection.new_note(collection.models.by_name(model_name))
        for name, value in fields.items():
            note[name] = value
        note.tags = ["bio", "cells::parts"]
        collection.add_note(note, collection.decks.id(deck))

    add("Basic", "Biology", Front="Cell", Back="The unit of life.")
    add(
        "Basic",
        "Biology::Organelles",
        Front='Nucleus, "the boss"',
        Back="Holds DNA.<br>Two\tparts.",
    )
    add(
        "Basic (and reversed card)",
        "Biology::Organelles",
        Front="<b>Ribosome</b>",
        Back="Makes proteins.",
    )
    add("Cloze", "Biology", Text="{{c1::Osmosis}} moves water")


def test_a_full_anki_export_becomes_the_deck_tree(anki: Collection, tmp_path: Path):
    add_biology_notes(anki)
    text = export_notes(anki, tmp_path / "biology.txt", with_html=True, full=True)
    assert text.startswith("#separator:tab\n#html:true\n")

    draft = read(text, "biology.txt")

    assert draft.source_format == "anki_text"
    assert draft.title == "Biology"
    assert outline(draft) == [
        (1, "Cell"),
        (1, "Organelles"),
        (2, 'Nucleus, "the boss"'),
        (2, "Ribosome"),
    ]
    nucleus = draft.concepts[1].children[0]
    assert (nucleus.summary, nucleus.detail) == ("Holds DNA.", "Two\tparts.")
    assert draft.concepts[1].summary == "Cards from the Anki sub-deck Organelles."
    assert draft.notices == ["1 note of type Cloze skipped"]
    assert str(nucleus.location) == "biology.txt, line 8"


def test_a_plain_export_without_columns_is_named_after_the_file(anki: Collection, tmp_path: Path):
    add_biology_notes(anki)
    text = export_notes(anki, tmp_path / "plain.txt", with_html=False, full=False)
    assert "#html:false" in text

    draft = read(text, "Cell Biology.txt")

    assert draft.title == "Cell Biology"
    assert draft.concepts[0].title == "Cell"
    # Without a note type column the Cloze note is read as Basic, and its Back is empty.
    assert draft.notices == ["1 note with an empty back skipped"]


def test_a_studyapp_deck_exported_by_anki_as_text_reads_back_the_same(
    anki: Collection, tmp_path: Path
):
    original = read_deck_path(DECKS_DIR / "interest-rates.md")
    package = tmp_path / "deck.apkg"
    package.write_bytes(deck_to_apkg(original))
    anki.import_anki_package(ImportAnkiPackageRequest(package_path=str(package)))
    text = export_notes(anki, tmp_path / "deck.txt", with_html=True, full=True)

    again = read(text, "deck.txt")

    # A text export carries notes only, so the deck's description stays behind.
    original.description = ""
    assert deck_to_json_document(again) == deck_to_json_document(original)


# --- headers ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "separator"),
    [
        ("tab", "\t"),
        ("Tab", "\t"),
        ("\t", "\t"),
        ("comma", ","),
        ("Semicolon", ";"),
        ("space", " "),
        ("pipe", "|"),
        ("colon", ":"),
        ("|", "|"),
        ("~", "~"),
    ],
)
def test_every_separator_anki_names_and_any_single_character(header: str, separator: str):
    draft = read(f"#separator:{header}\nFront{separator}Back side\nSecond{separator}Two\n")
    assert [(node.title, node.summary) for node in draft.concepts] == [
        ("Front", "Back side" if separator != " " else "Back"),
        ("Second", "Two"),
    ]


def test_without_a_separator_header_the_separator_is_guessed_as_anki_does():
    draft = read("#html:false\nalpha;one\nbeta;two\n")
    assert [node.summary for node in draft.concepts] == ["one", "two"]


def test_quoted_fields_keep_separators_quotes_and_line_breaks_and_lines_stay_right():
    text = (
        "#separator:comma\n"
        "#html:false\n"
        '"Front, with comma","Back with ""quotes""\n'
        'and a second line"\n'
        "Plain,Simple\n"
        ",Missing front\n"
    )
    draft = read(text)
    first, second = draft.concepts
    assert (first.title, first.summary, first.detail) == (
        "Front, with comma",
        'Back with "quotes"',
        "and a second line",
    )
    assert str(second.location) == "notes.txt, line 5"
    assert draft.notices == ["1 note with an empty front skipped"]


def test_columns_header_maps_front_and_back_by_name():
    draft = read("#separator:tab\n#html:false\n#columns:Back\tFront\nthe answer\tthe question\n")
    [node] = draft.concepts
    assert (node.title, node.summary) == ("the question", "the answer")


def test_meta_columns_are_not_fields_and_the_deck_column_builds_the_tree():
    text = (
        "#separator:tab\n"
        "#html:false\n"
        "#guid column:1\n"
        "#deck column:2\n"
        "#tags column:5\n"
        "g1\tPhysics::Mechanics::Forces\tNewton's first law\tA body keeps its motion.\ttag1\n"
        "g2\tPhysics::Mechanics\tMomentum\tMass times velocity.\t\n"
        "g3\tPhysics\tEnergy\tThe capacity to do work.\t\n"
    )
    draft = read(text, "physics.tsv")
    assert draft.title == "Physics"
    assert outline(draft) == [
        (1, "Energy"),
        (1, "Mechanics"),
        (2, "Momentum"),
        (2, "Forces"),
        (3, "Newton's first law"),
    ]


def test_a_note_named_like_its_sub_deck_holds_that_sub_deck():
    text = (
        "#separator:tab\n#html:false\n#deck column:1\n"
        "Physics\tMechanics\tHow bodies move.\n"
        "Physics::Mechanics\tMomentum\tMass times velocity.\n"
    )
    assert outline(read(text)) == [(1, "Mechanics"), (2, "Momentum")]


def test_several_top_decks_become_roots_of_a_deck_named_after_the_file():
    text = "#separator:tab\n#html:false\n#deck column:1\nA\tOne\tFirst.\nB::C\tTwo\tSecond.\n"
    draft = read(text, "mixed.txt")
    assert draft.title == "mixed"
    assert outline(draft) == [(1, "A"), (2, "One"), (1, "B"), (2, "C"), (3, "Two")]


def test_html_fields_are_sanitised_and_plain_fields_are_not():
    row = "<b>Bold</b> &amp; co\t<div>Line one</div><div>Line two</div><script>x()</script>\n"
    html = read("#separator:tab\n#html:true\n" + row).concepts[0]
    assert (html.title, html.summary, html.detail) == ("Bold & co", "Line one", "Line two")
    plain = read("#separator:tab\n#html:false\n" + row).concepts[0]
    assert plain.title == "<b>Bold</b> &amp; co"


def test_html_is_detected_when_the_header_does_not_say():
    draft = read("#separator:tab\nTitle<br>\tA <i>summary</i>.\n")
    assert draft.concepts[0].summary == "A summary."


def test_a_notetype_header_applies_to_every_row():
    text = "#separator:tab\n#notetype:Cloze\n{{c1::x}}\textra\n"
    assert parse_anki_text(text, "cloze.txt").notices == ["1 note of type Cloze skipped"]
    assert problems_of(text, "cloze.txt") == [
        "cloze.txt, line 1: the deck has no concepts (1 note of type Cloze skipped)"
    ]


def test_the_deck_header_names_the_deck():
    draft = read("#separator:tab\n#deck:Chemistry::Acids\nAcid\tA proton donor.\n")
    assert draft.title == "Chemistry"
    assert outline(draft) == [(1, "Acids"), (2, "Acid")]


# --- errors -----------------------------------------------------------------------------------


def test_header_mistakes_are_reported_with_their_lines():
    problems = problems_of("#separator:arrows\n#html:maybe\n#deck column:first\nA\tB\n")
    assert problems == [
        "notes.txt, line 1: unknown separator 'arrows': use Tab, Comma, Semicolon, Space, "
        "Pipe, Colon or the character itself",
        "notes.txt, line 2: #html must be true or false, not 'maybe'",
        "notes.txt, line 3: #deck column must be a column number (1 for the first column), "
        "not 'first'",
    ]


def test_an_unreadable_row_is_reported_with_its_line():
    text = "#separator:tab\n#html:false\nA\tfine\nB\t" + "x" * 200_000 + "\n"
    [problem] = problems_of(text)
    assert problem.startswith("notes.txt, line 4: the row cannot be read: field larger than")


def test_validation_problems_point_at_the_row():
    [problem] = problems_of("#separator:tab\n#html:false\nTwin\tOne.\nTwin\tTwo.\n")
    assert problem == ("notes.txt, line 4: duplicate key 'twin' (first used at notes.txt, line 3)")


def test_a_file_of_headers_only_has_no_concepts():
    [problem] = problems_of("#separator:tab\n#html:false\n")
    assert problem == "notes.txt, line 1: the deck has no concepts"


# --- how a file is recognised -----------------------------------------------------------------


def test_anki_text_is_recognised_by_suffix_or_first_line():
    assert read("Front\tBack side\n", "cards.tsv").source_format == "anki_text"
    assert read("#html:false\nFront\tBack side\n", "cards.txt").source_format == "anki_text"
    assert read("\ufeff#separator:tab\nFront\tBack\n", "export").source_format == "anki_text"
    assert read("# Topic\n\n## Concept\n\nSummary.\n", "deck.txt").source_format == "markdown"


def test_parse_anki_text_returns_an_unvalidated_draft():
    draft = parse_anki_text("#separator:tab\nA\tB\n", "x.txt")
    assert draft.key is None and draft.concepts[0].key is None


# --- properties -------------------------------------------------------------------------------

_TAGS = ["b", "i", "div", "p", "br", "span", "li", "ul", "h1", "script", "style", "td", "img"]
_plain = st.text(
    alphabet=st.characters(blacklist_characters="<>&", blacklist_categories=("Cs",)), max_size=20
)


@st.composite
def html_fragments(draw) -> str:
    parts = []
    for _ in range(draw(st.integers(0, 12))):
        kind = draw(st.sampled_from(["text", "open", "close", "self", "entity", "hidden"]))
        tag = draw(st.sampled_from(_TAGS))
        if kind == "text":
            parts.append(draw(_plain))
        elif kind == "open":
            value = draw(_plain).replace('"', "")
            parts.append(f'<{tag} class="x" data-a="{value}">')
        elif kind == "close":
            parts.append(f"</{tag}>")
        elif kind == "self":
            parts.append(f"<{tag}/>")
        elif kind == "entity":
            parts.append(draw(st.sampled_from(["&nbsp;", "&amp;", "&#65;", "&eacute;"])))
        else:
            parts.append("<script>SECRET()</script><style>.SECRET{}</style>")
    return "".join(parts)


@given(html_fragments())
def test_sanitised_html_never_keeps_markup_or_hidden_content(fragment: str):
    text = html_to_text(fragment)
    assert "<" not in text and ">" not in text
    assert "SECRET" not in text
    assert text == text.strip()


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",))))
def test_text_survives_a_trip_through_an_anki_field(text: str):
    assert html_to_text(text_to_html(text)) == normalise_text(text)


_pieces = st.sampled_from(
    [*'ab \t\n\r,;|:"#<>&', "#separator:", "#html:", "#deck column:", "true", "::", "<br>"]
)


@given(st.lists(_pieces, max_size=60).map("".join))
def test_any_text_either_parses_or_fails_with_a_deck_problem(text: str):
    try:
        parse_anki_text(text, "random.txt")
    except DeckValidationError as error:
        assert error.problems


def test_a_written_sound_reference_stays_text_while_anki_s_own_is_dropped():
    assert html_to_text(text_to_html("Say [sound:] or [sound:a.mp3] aloud")) == (
        "Say [sound:] or [sound:a.mp3] aloud"
    )
    assert html_to_text("Say it [sound:a.mp3]<br>aloud") == "Say it\naloud"
