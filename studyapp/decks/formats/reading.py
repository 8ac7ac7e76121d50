"""From bytes on disk or in an upload to a validated :class:`DeckDraft`.

This is the single entry point for every format: it reads an Anki package
(``.apkg``) as the binary file it is, checks any other file is non-empty UTF-8
text, picks the parser by file name or content, and validates.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from studyapp.decks.anki.apkg_reader import parse_apkg
from studyapp.decks.anki.text_export import looks_like_anki_text, parse_anki_text
from studyapp.decks.document import DeckDraft, DeckProblem, DeckValidationError, SourceLocation
from studyapp.decks.formats.json_deck import parse_json_deck
from studyapp.decks.formats.markdown_deck import parse_markdown_deck
from studyapp.decks.formats.page_text import looks_like_page_text, parse_page_text
from studyapp.decks.validation import validate_deck

DECK_FILE_SUFFIXES = (".json", ".md", ".markdown", ".txt", ".tsv", ".apkg")
ANKI_PACKAGE_SUFFIX = ".apkg"
ANKI_TEXT_SUFFIX = ".tsv"
# The largest deck file an upload may be (web and API; files the CLI imports have no
# limit). 5 MB holds a 10,000-concept map with explanations of about 350 characters.
MAX_DECK_BYTES = 5 * 1024 * 1024
# The first bytes of a zip archive: a file starting with them is read as an Anki package.
ZIP_MAGIC = b"PK\x03\x04"


def read_deck_bytes(data: bytes, source_name: str, *, max_bytes: int | None = None) -> DeckDraft:
    """Parse and validate one deck file; raises :class:`DeckValidationError`.

    ``max_bytes`` refuses a larger file (uploads pass :data:`MAX_DECK_BYTES`).
    A draft read from Anki may carry ``notices`` about notes it left out.
    """
    if max_bytes is not None and len(data) > max_bytes:
        raise DeckValidationError(
            [
                DeckProblem(
                    SourceLocation(source_name),
                    f"the file is {len(data) / 1_048_576:.1f} MB; "
                    f"the limit is {max_bytes // 1_048_576} MB",
                )
            ]
        )
    if Path(source_name).suffix.lower() == ANKI_PACKAGE_SUFFIX or data.startswith(ZIP_MAGIC):
        if not data:
            raise DeckValidationError(
                [DeckProblem(SourceLocation(source_name), "the file is empty")]
            )
        return validate_deck(parse_apkg(data, source_name))
    text = _decode(data, source_name)
    parser = _parser_for(source_name, text)
    return validate_deck(parser(text, source_name))


def read_deck_path(path: Path) -> DeckDraft:
    return read_deck_bytes(path.read_bytes(), str(path))


def deck_files(paths: Iterable[Path]) -> Iterator[Path]:
    """The deck files named, with folders expanded to the deck files inside them (sorted)."""
    for path in paths:
        if path.is_dir():
            yield from sorted(
                child
                for child in path.iterdir()
                if child.is_file() and child.suffix.lower() in DECK_FILE_SUFFIXES
            )
        else:
            yield path


def _decode(data: bytes, source_name: str) -> str:
    def fail(message: str, line: int | None = None) -> DeckValidationError:
        return DeckValidationError([DeckProblem(SourceLocation(source_name, line=line), message)])

    if not data.strip():
        raise fail("the file is empty")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise fail(
            f"not UTF-8 text: byte 0x{data[error.start]:02x} at offset {error.start} "
            "cannot be decoded (save the file as UTF-8)",
            line,
        ) from error
    if "\x00" in text:
        raise fail(
            "not a text file (it contains NUL bytes)", text[: text.index("\x00")].count("\n") + 1
        )
    return text


def _parser_for(source_name: str, text: str):
    suffix = Path(source_name).suffix.lower()
    if suffix == ".json":
        return parse_json_deck
    if suffix in (".md", ".markdown"):
        return parse_markdown_deck
    if suffix == ANKI_TEXT_SUFFIX or looks_like_anki_text(text):
        return parse_anki_text
    stripped = text.lstrip()
    if stripped.startswith(("{", "[")):
        return parse_json_deck
    if looks_like_page_text(text):
        return parse_page_text
    if stripped.startswith("#"):
        return parse_markdown_deck
    return parse_page_text
