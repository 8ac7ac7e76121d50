"""studyapp's Anki note type, and the ids and names that keep exports stable.

One note per concept, one card template per studyapp card kind, each template
showing what :func:`studyapp.decks.card_faces.make_faces` shows for that kind. Every
id here is derived from a hash, never from the clock, so exporting the same
deck twice gives the same note type, decks and note GUIDs, and Anki updates
the notes it already has instead of adding copies.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import genanki

from studyapp.storage.models import CARD_KIND_ORDER, CardKind

NOTETYPE_NAME = "studyapp concept"

TITLE = "Title"
SUMMARY = "Summary"
DETAIL = "Detail"
PARENT_PATH = "Parent path"
KEY = "Key"
DECK_KEY = "Deck key"
MASKED_SUMMARY = "Masked summary"
# Field order of the note type. "Parent path" is the parent's title path
# (PARENT_PATH_SEPARATOR between titles, empty for a root concept); "Key" and
# "Deck key" are studyapp's concept and deck keys, so an import restores
# them; "Masked summary" is the summary with the concept's name hidden, what
# the recognise card asks (Anki templates cannot compute it).
FIELD_NAMES: tuple[str, ...] = (TITLE, SUMMARY, DETAIL, PARENT_PATH, KEY, DECK_KEY, MASKED_SUMMARY)
PARENT_PATH_SEPARATOR = " › "

# Anki splits deck names at "::"; a title containing it is written with this
# look-alike (U+2237 PROPORTION) instead, so it stays one deck.
DECK_SEPARATOR = "::"
DECK_SEPARATOR_STAND_IN = "∷"

_CONTEXT = (
    f"{{{{#{PARENT_PATH}}}}}<div class=context>{{{{{PARENT_PATH}}}}}</div>{{{{/{PARENT_PATH}}}}}"
)
_ANSWER = "{{FrontSide}}<hr id=answer>"
# Template name, question and answer per card kind; a card's ordinal in Anki
# is its kind's place in CARD_KIND_ORDER.
TEMPLATES: dict[CardKind, tuple[str, str, str]] = {
    CardKind.RECALL: (
        "Recall",
        f"{_CONTEXT}<div class=prompt>{{{{{TITLE}}}}}</div>",
        f"{_ANSWER}<div class=answer>{{{{{SUMMARY}}}}}</div>",
    ),
    CardKind.RECOGNISE: (
        "Recognise",
        f"{_CONTEXT}<div class=prompt>{{{{{MASKED_SUMMARY}}}}}</div>",
        f"{_ANSWER}<div class=answer>{{{{{TITLE}}}}}</div>",
    ),
    CardKind.EXPLAIN: (
        "Explain",
        f"{_CONTEXT}<div class=prompt>{{{{{TITLE}}}}}: {{{{{SUMMARY}}}}}</div>",
        f"{_ANSWER}<div class=answer>{{{{#{DETAIL}}}}}{{{{{DETAIL}}}}}{{{{/{DETAIL}}}}}"
        f"{{{{^{DETAIL}}}}}{{{{{SUMMARY}}}}}{{{{/{DETAIL}}}}}</div>",
    ),
}
CSS = """\
.card { font-family: system-ui, sans-serif; font-size: 20px; text-align: left;
        color: #1f2933; background: #ffffff; max-width: 40em; margin: 0 auto; }
.context { font-size: 14px; color: #616e7c; margin-bottom: 0.75em; }
.prompt { font-weight: 600; }
.answer { white-space: normal; }
.nightMode .card, .card.nightMode { color: #e4e7eb; background: #1f2933; }
"""

# Anki ids are 64-bit; genanki's advice is to pick them in [2^30, 2^31) so
# they never meet the millisecond timestamps Anki gives its own objects.
_ID_LOW = 1 << 30
_ID_SPAN = 1 << 30


def stable_id(*parts: str) -> int:
    """A deterministic Anki object id in [2^30, 2^31) for the given name parts."""
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).digest()
    return _ID_LOW + int.from_bytes(digest[:8], "big") % _ID_SPAN


NOTETYPE_ID = stable_id("studyapp", "notetype", NOTETYPE_NAME)


def studyapp_model() -> genanki.Model:
    """The studyapp note type as a genanki model (same id, fields and templates every time)."""
    return genanki.Model(
        model_id=NOTETYPE_ID,
        name=NOTETYPE_NAME,
        fields=[{"name": name} for name in FIELD_NAMES],
        templates=[
            {"name": name, "qfmt": question, "afmt": answer}
            for name, question, answer in (TEMPLATES[kind] for kind in CARD_KIND_ORDER)
        ],
        css=CSS,
        sort_field_index=FIELD_NAMES.index(TITLE),
    )


def card_ordinal(kind: CardKind | str) -> int:
    """The Anki template ordinal of a card kind."""
    return CARD_KIND_ORDER.index(CardKind(kind))


def note_guid(deck_key: str, concept_key: str) -> str:
    """The note GUID of a concept: the same deck and concept keys always give the same GUID."""
    return genanki.guid_for(deck_key, concept_key)


def deck_name_part(title: str) -> str:
    """A title as one component of an Anki deck name (never split at ``::``)."""
    return " ".join(title.replace(DECK_SEPARATOR, DECK_SEPARATOR_STAND_IN).split())


def deck_name(titles: Sequence[str]) -> str:
    """The full Anki deck name for a title path: ``["Topic", "Loop"]`` -> ``"Topic::Loop"``."""
    return DECK_SEPARATOR.join(deck_name_part(title) for title in titles)


def parent_path(titles: Sequence[str]) -> str:
    """The "Parent path" field for a concept whose ancestors have these titles."""
    return PARENT_PATH_SEPARATOR.join(titles)


def is_studyapp_notetype(field_names: Sequence[str]) -> bool:
    """Whether a note type with these fields is studyapp's (Anki may rename it on import)."""
    return set(FIELD_NAMES) <= set(field_names)
