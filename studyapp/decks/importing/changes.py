"""The import plan as values: what :func:`~studyapp.decks.importing.plan.plan_import` returns.

:class:`ImportPlan` lists the concepts an import adds, changes, moves and
retires (:class:`AddedConcept`, :class:`ConceptUpdate`, :class:`RetiredConcept`),
the review states that touches (:class:`AffectedCards`), the stored deck's
version (:class:`DeckVersion`) and every row the import writes
(:class:`ConceptWrites`). Plain values: nothing here reads or writes the database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NamedTuple

from studyapp.decks.importing.matching import ConceptMatch, MatchRule

NEW_DECK_VERSION = "new"
"""The version token of a deck that does not exist yet."""

TitlePath = tuple[str, ...]
"""Titles from a root concept down to a concept; ``()`` is "no parent" (a root's parent)."""


@dataclass(frozen=True, slots=True)
class DeckVersion:
    """The stored deck an import would update, as it is now.

    ``content_version`` is a fresh random token from every import of the deck
    (``Deck.content_version``), so :attr:`token` tells whether the deck changed
    between a preview and an import, even when both imports read the same
    clock time. ``updated_at`` (UTC) is when it last changed.
    """

    id: int
    title: str
    updated_at: datetime
    content_version: str

    @property
    def token(self) -> str:
        return f"{self.id}@{self.content_version}"


@dataclass(frozen=True, slots=True)
class ConceptTexts:
    """A concept's title, short summary and detailed explanation (may be empty)."""

    title: str
    summary: str
    detail: str

    def to_dict(self) -> dict[str, str]:
        return {"title": self.title, "summary": self.summary, "detail": self.detail}


@dataclass(frozen=True, slots=True)
class AddedConcept:
    """A concept the import creates, with three fresh cards."""

    key: str
    title_path: TitlePath


@dataclass(frozen=True, slots=True)
class ParentChange:
    """A concept's parent before and after the import, as title paths (``()``: a root)."""

    old_parent_path: TitlePath
    new_parent_path: TitlePath


@dataclass(frozen=True, slots=True)
class ConceptUpdate:
    """A stored concept the import keeps, with its cards and everyone's review states,
    but whose texts change, which moves to another parent, or which comes back.

    ``old`` and ``new`` are its texts before and after (equal when only moved);
    ``move`` is None unless its parent changes (a concept may be both changed and
    moved); ``restored`` is true when it was retired and the import brings it
    back. ``key`` is its key after the import and ``old_key`` before (they
    differ when a fallback rule matched it). ``user_cards`` counts the cards of
    the plan's user with a review state on it.
    """

    concept_id: int
    key: str
    old_key: str
    title_path: TitlePath
    matched_by: MatchRule
    old: ConceptTexts
    new: ConceptTexts
    move: ParentChange | None
    restored: bool
    user_cards: int = 0

    @property
    def texts_changed(self) -> bool:
        return self.old != self.new

    @property
    def is_changed(self) -> bool:
        """Listed under "changed": new texts, or brought back from retirement."""
        return self.texts_changed or self.restored

    @property
    def is_moved(self) -> bool:
        return self.move is not None

    def to_dict(self) -> dict[str, Any]:
        return {
            "concept_id": self.concept_id,
            "key": self.key,
            "old_key": self.old_key,
            "title_path": list(self.title_path),
            "matched_by": self.matched_by.value,
            "restored": self.restored,
            "changed": (
                {"old": self.old.to_dict(), "new": self.new.to_dict()}
                if self.texts_changed
                else None
            ),
            "moved": (
                {
                    "from": list(self.move.old_parent_path),
                    "to": list(self.move.new_parent_path),
                }
                if self.move
                else None
            ),
            "user_cards": self.user_cards,
        }


@dataclass(frozen=True, slots=True)
class RetiredConcept:
    """A live concept absent from the new version: hidden and no longer studied, kept
    with its cards and review history (a later version can bring it back)."""

    concept_id: int
    key: str
    title_path: TitlePath
    user_cards: int = 0


@dataclass(frozen=True, slots=True)
class AffectedCards:
    """Review states (``card_states`` rows) on concepts the import touches.

    ``changed``, ``moved`` and ``retired`` count those on each kind of concept;
    ``total`` counts each review state once, also when its concept is both
    changed and moved.
    """

    changed: int = 0
    moved: int = 0
    retired: int = 0
    total: int = 0

    def to_dict(self) -> dict[str, int]:
        return {
            "changed": self.changed,
            "moved": self.moved,
            "retired": self.retired,
            "total": self.total,
        }


class ConceptRow(NamedTuple):
    """A concept row's values after the import; numbering as in :class:`models.Concept`.

    ``parent_key`` is the parent's key after the import, None for a root. The
    first eight fields line up with :class:`~studyapp.decks.importing.stored.StoredRow`'s,
    to compare them.
    """

    key: str
    title: str
    summary: str
    detail: str
    position: int
    depth: int
    map_order: int
    subtree_last_order: int
    parent_key: str | None


@dataclass(frozen=True)
class ConceptWrites:
    """Every concept row an import writes, decided together with its plan.

    ``new``: rows to insert, in map order (a parent before its children).
    ``updated``: stored id -> new values, for every kept concept whose row
    changes in any column (texts, key, parent, numbering, coming back).
    ``kept_ids``: key after the import -> stored id, for every kept concept.
    ``retired``: stored id -> (key, map_order) for concepts retired after the
    import whose row changes: those retired now, and earlier ones renumbered
    after the live concepts or giving their key up to a live one.
    ``temporary_keys``: stored id -> a key no real concept can have (keys
    never start with a space), to set first when some row's new key is
    another row's current key; empty otherwise.
    ``concept_count``: concepts in the new version.
    """

    new: list[ConceptRow]
    updated: dict[int, ConceptRow]
    kept_ids: dict[str, int]
    retired: dict[int, tuple[str, int]]
    temporary_keys: dict[int, str]
    concept_count: int


@dataclass(frozen=True)
class ImportPlan:
    """What importing a draft will do; see :func:`~studyapp.decks.importing.plan.plan_import`.

    ``deck`` is the stored deck the draft updates, None when the import
    creates it. ``updates`` lists every kept concept that changes, moves or
    comes back, once each; :attr:`changed` and :attr:`moved` are views of it.
    ``unchanged`` counts kept concepts with the same texts and parent (they
    may still be renumbered or re-keyed). ``matches`` tells, for every kept
    concept, which rule matched it. ``user_cards`` counts ``user_id``'s review
    states on touched concepts (None without a user); ``review_states``
    counts every user's.
    """

    deck_key: str
    deck_title: str
    owner_id: int | None
    deck: DeckVersion | None
    added: list[AddedConcept]
    updates: list[ConceptUpdate]
    retired: list[RetiredConcept]
    unchanged: int
    matches: list[ConceptMatch]
    user_id: int | None
    user_cards: AffectedCards | None
    review_states: AffectedCards
    writes: ConceptWrites = field(repr=False, compare=False)

    @property
    def creates_deck(self) -> bool:
        return self.deck is None

    @property
    def version(self) -> str:
        """The stored deck's version token, or :data:`NEW_DECK_VERSION`."""
        return self.deck.token if self.deck else NEW_DECK_VERSION

    @property
    def changed(self) -> list[ConceptUpdate]:
        return [update for update in self.updates if update.is_changed]

    @property
    def moved(self) -> list[ConceptUpdate]:
        return [update for update in self.updates if update.is_moved]

    def counts(self) -> dict[str, int]:
        """Concepts per outcome; one both changed and moved counts in both."""
        return {
            "added": len(self.added),
            "changed": len(self.changed),
            "moved": len(self.moved),
            "retired": len(self.retired),
            "unchanged": self.unchanged,
        }

    def to_dict(self) -> dict[str, Any]:
        """The plan as JSON-ready values (title paths as lists, datetimes in ISO 8601)."""
        return {
            "deck": {
                "key": self.deck_key,
                "title": self.deck_title,
                "owner_id": self.owner_id,
                "exists": self.deck is not None,
                "id": self.deck.id if self.deck else None,
                "current_title": self.deck.title if self.deck else None,
                "updated_at": self.deck.updated_at.isoformat() if self.deck else None,
                "version": self.version,
            },
            "counts": self.counts(),
            "added": [
                {"key": added.key, "title_path": list(added.title_path)} for added in self.added
            ],
            "updated": [update.to_dict() for update in self.updates],
            "retired": [
                {
                    "concept_id": retired.concept_id,
                    "key": retired.key,
                    "title_path": list(retired.title_path),
                    "user_cards": retired.user_cards,
                }
                for retired in self.retired
            ],
            "matches": [
                {"key": match.draft_key, "concept_id": match.concept_id, "rule": match.rule.value}
                for match in self.matches
            ],
            "affected": {
                "user_id": self.user_id,
                "user_cards": self.user_cards.to_dict() if self.user_cards else None,
                "review_states": self.review_states.to_dict(),
            },
        }
