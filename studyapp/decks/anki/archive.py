"""Taking the collection out of an untrusted Anki package, and nothing else.

An ``.apkg`` is a zip archive holding an SQLite collection under a fixed name
(plus media files, which studyapp does not import). The archive comes from a
stranger, so :func:`extract_collection` checks the archive before reading it,
reads only the collection entry, by its exact name, into a file it creates
itself, and never writes anything under a name taken from the archive. Every
refusal is a :class:`DeckValidationError` phrased for the person importing.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

import zstandard

from studyapp.decks.document import DeckProblem, DeckValidationError, SourceLocation

# Collection entries from newest to oldest format. Anki 2.1.50+ writes
# ``collection.anki21b`` (Zstandard-compressed, schema 18) and, beside it, a
# stub ``collection.anki2`` that only says to upgrade Anki; "Support older
# Anki versions" writes ``collection.anki21``; Anki 2.0 and genanki write
# ``collection.anki2``.
ZSTD_COLLECTION = "collection.anki21b"
COLLECTION_ENTRIES = (ZSTD_COLLECTION, "collection.anki21", "collection.anki2")

MAX_ENTRIES = 50_000
# Sum of the sizes the archive declares for all its entries, media included.
MAX_TOTAL_UNCOMPRESSED_BYTES = 2 * 1024**3
# Size of the collection itself once uncompressed.
MAX_COLLECTION_BYTES = 100 * 1024**2
# Compression ratio above which an entry is taken for a zip bomb, checked once
# the entry is large enough for the ratio to mean something.
MAX_COMPRESSION_RATIO = 200
_RATIO_CHECK_FROM_BYTES = 1024**2
_CHUNK_BYTES = 1024**2

_SQLITE_HEADER = b"SQLite format 3\x00"
# Bytes 18 and 19 of an SQLite file: 1 for a rollback journal, 2 for WAL.
_SQLITE_FORMAT_BYTES = slice(18, 20)


def extract_collection(data: bytes, source_name: str, destination: Path) -> None:
    """Write the package's collection, as a plain SQLite file, to ``destination``.

    ``destination`` is a path in a folder the caller created and cleans up.
    """

    def fail(message: str) -> DeckValidationError:
        return DeckValidationError([DeckProblem(SourceLocation(source_name), message)])

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError) as error:
        raise fail("not an Anki package: the file is not a zip archive") from error
    with archive:
        entry = _checked_collection_entry(archive, fail)
        try:
            with archive.open(entry) as stream, destination.open("wb") as out:
                if entry.filename == ZSTD_COLLECTION:
                    _copy_zstd(stream, out, fail)
                else:
                    _copy_limited(stream.read, out, fail)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError) as error:
            raise fail(f"the archive is damaged: {entry.filename} cannot be read") from error
        except (RuntimeError, NotImplementedError) as error:
            # Encrypted entries and compression methods zipfile does not know.
            raise fail(
                f"{entry.filename} is encrypted or compressed in a way studyapp cannot read"
            ) from error
    _make_readable_without_wal(destination, fail)


def _checked_collection_entry(
    archive: zipfile.ZipFile, fail: Callable[[str], DeckValidationError]
) -> zipfile.ZipInfo:
    entries = archive.infolist()
    if len(entries) > MAX_ENTRIES:
        raise fail(f"the archive has {len(entries):,} entries; the limit is {MAX_ENTRIES:,}")
    total = sum(entry.file_size for entry in entries)
    if total > MAX_TOTAL_UNCOMPRESSED_BYTES:
        raise fail(
            f"the archive unpacks to {_megabytes(total)}; "
            f"the limit is {_megabytes(MAX_TOTAL_UNCOMPRESSED_BYTES)}"
        )
    by_name = {entry.filename: entry for entry in entries}
    entry = next((by_name[name] for name in COLLECTION_ENTRIES if name in by_name), None)
    if entry is None:
        raise fail(
            "not an Anki package: there is no collection inside "
            f"(expected one of {', '.join(COLLECTION_ENTRIES)})"
        )
    if entry.file_size > MAX_COLLECTION_BYTES:
        raise fail(
            f"the collection unpacks to {_megabytes(entry.file_size)}; "
            f"the limit is {_megabytes(MAX_COLLECTION_BYTES)}"
        )
    if entry.file_size >= _RATIO_CHECK_FROM_BYTES and entry.file_size > MAX_COMPRESSION_RATIO * max(
        entry.compress_size, 1
    ):
        raise fail(
            f"{entry.filename} is compressed more than {MAX_COMPRESSION_RATIO} to 1, "
            "which only a zip bomb is; refusing to unpack it"
        )
    return entry


def _copy_limited(
    read: Callable[[int], bytes], out: BinaryIO, fail: Callable[[str], DeckValidationError]
) -> None:
    """Copy until ``read`` is exhausted, refusing more than the collection limit."""
    written = 0
    while chunk := read(_CHUNK_BYTES):
        written += len(chunk)
        if written > MAX_COLLECTION_BYTES:
            raise fail(
                f"the collection unpacks to more than {_megabytes(MAX_COLLECTION_BYTES)}; "
                "that is the limit"
            )
        out.write(chunk)


def _copy_zstd(stream: BinaryIO, out: BinaryIO, fail: Callable[[str], DeckValidationError]) -> None:
    """Decompress a Zstandard collection, as newer Anki versions write it."""
    try:
        with zstandard.ZstdDecompressor().stream_reader(stream) as reader:
            _copy_limited(reader.read, out, fail)
    except zstandard.ZstdError as error:
        raise fail(
            f"the collection ({ZSTD_COLLECTION}) is damaged and cannot be decompressed"
        ) from error


def _make_readable_without_wal(path: Path, fail: Callable[[str], DeckValidationError]) -> None:
    """Check the file is SQLite and mark it rollback-journal, so it opens read-only alone.

    Anki writes collections in WAL mode; the package holds only the main file,
    whose content is complete, but SQLite would look for the WAL beside it.
    """
    with path.open("r+b") as file:
        header = file.read(100)
        if len(header) < 100 or not header.startswith(_SQLITE_HEADER):
            raise fail("the collection inside is not an SQLite database")
        if header[_SQLITE_FORMAT_BYTES] == b"\x02\x02":
            file.seek(_SQLITE_FORMAT_BYTES.start)
            file.write(b"\x01\x01")


def _megabytes(size: int) -> str:
    return f"{size / 1024**2:,.0f} MB"
