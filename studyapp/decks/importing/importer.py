"""Storing a validated deck draft: first import and re-import.

The import plan (:mod:`studyapp.decks.importing.plan`) decides everything: which
stored concept each concept of the new version continues
(:mod:`studyapp.decks.importing.matching`), what is added, changed, moved and
retired, and every row to write. This module builds that plan inside the
import's transaction and writes it with a few bulk statements.

Kept concepts are updated in place (key, texts, parent, numbering), so their
cards, and with them every user's review state and history, stay attached.
New concepts are added with their cards; concepts missing from the new
version are retired, never deleted.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from itertools import groupby
from typing import Any, TypeVar

from sqlalchemy import func, literal
from sqlalchemy.orm import Session

from studyapp.decks.document import DeckDraft
from studyapp.decks.importing.changes import ConceptRow, ConceptWrites, ImportPlan
from studyapp.decks.importing.plan import plan_import
from studyapp.decks.importing.stored import find_deck_for_import
from studyapp.errors import Conflict
from studyapp.storage.bulk_rows import insert_rows, update_rows
from studyapp.storage.db import UTCDateTime, refresh_planner_statistics
from studyapp.storage.models import CARD_KIND_ORDER, Card, Concept, Deck, new_content_version

__all__ = ["DeckChangedError", "ImportReport", "find_deck_for_import", "import_deck"]

ROWS_PER_STATEMENT = 1000
"""Rows per bulk statement; ``on_progress`` is called after each."""

ProgressCallback = Callable[[int, int], None]
"""Called with (concepts written so far, concepts in the new version)."""

_T = TypeVar("_T")
_CONCEPTS = Concept.__table__
_CARDS = Card.__table__


class DeckChangedError(Conflict):
    """The deck was imported again (or created) since the preview the import was based on."""

    code = "deck_changed"

    def __init__(self, expected_version: str, current_version: str) -> None:
        self.expected_version = expected_version
        self.current_version = current_version
        super().__init__(
            f"the deck changed since the preview (version {expected_version}, "
            f"now {current_version}); preview the import again"
        )


@dataclass
class ImportReport:
    """What an import did, as lists of concept keys.

    ``changed`` holds concepts with new texts or brought back from retirement,
    ``moved`` those with another parent (a concept can be in both);
    ``retired`` has their keys as they were. ``plan`` tells the details.
    """

    deck: Deck
    created_deck: bool
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    moved: list[str] = field(default_factory=list)
    retired: list[str] = field(default_factory=list)
    unchanged: int = 0
    plan: ImportPlan | None = None

    @classmethod
    def from_plan(cls, deck: Deck, plan: ImportPlan) -> ImportReport:
        return cls(
            deck=deck,
            created_deck=plan.creates_deck,
            added=[added.key for added in plan.added],
            changed=[update.key for update in plan.changed],
            moved=[update.key for update in plan.moved],
            retired=[retired.key for retired in plan.retired],
            unchanged=plan.unchanged,
            plan=plan,
        )

    def summary(self) -> str:
        verb = "created" if self.created_deck else "updated"
        return (
            f"{self.deck.title} ({self.deck.key}) {verb}: {len(self.added)} added, "
            f"{len(self.changed)} changed, {len(self.moved)} moved, "
            f"{len(self.retired)} retired, {self.unchanged} unchanged"
        )


def import_deck(
    session: Session,
    draft: DeckDraft,
    *,
    owner_id: int | None,
    now: datetime,
    on_progress: ProgressCallback | None = None,
    expected_version: str | None = None,
) -> ImportReport:
    """Create or update the deck described by a validated ``draft``.

    ``owner_id`` None imports a public deck (administrators, the CLI); a user's
    id imports a deck private to that user. The caller commits, so an import is
    one transaction together with whatever else the caller does.

    ``on_progress(done, total)`` is called as concept rows are written, every
    :data:`ROWS_PER_STATEMENT` concepts and once at the start and the end.
    ``expected_version`` is the :attr:`ImportPlan.version` a preview showed:
    if the deck changed since, :class:`DeckChangedError` is raised and nothing
    is written.
    """
    plan = plan_import(session, draft, owner_id=owner_id, lock=True)
    if expected_version is not None and expected_version != plan.version:
        raise DeckChangedError(expected_version, plan.version)
    deck = _save_deck(session, draft, plan, owner_id=owner_id, now=now)
    _write_concepts(session, deck.id, plan.writes, now=now, on_progress=on_progress)
    refresh_planner_statistics(session)
    return ImportReport.from_plan(deck, plan)


def _save_deck(
    session: Session, draft: DeckDraft, plan: ImportPlan, *, owner_id: int | None, now: datetime
) -> Deck:
    if plan.deck is None:
        assert draft.key is not None
        deck = Deck(
            key=draft.key,
            owner_id=owner_id,
            is_public=owner_id is None,
            created_at=now,
            title=draft.title,
            source_format=draft.source_format,
        )
        session.add(deck)
    else:
        deck = session.get_one(Deck, plan.deck.id)
    deck.title = draft.title
    deck.description = draft.description
    deck.source_format = draft.source_format
    deck.updated_at = now
    deck.content_version = new_content_version()  # names the new outline (decks/outline.py)
    session.flush()
    return deck


def _write_concepts(
    session: Session,
    deck_id: int,
    writes: ConceptWrites,
    *,
    now: datetime,
    on_progress: ProgressCallback | None,
) -> None:
    """Carry out ``writes`` with bulk statements of up to :data:`ROWS_PER_STATEMENT` rows."""
    total = writes.concept_count
    done = 0

    def advance(count: int) -> None:
        nonlocal done
        done += count
        if on_progress is not None:
            on_progress(done, total)

    advance(0)
    for chunk in _chunks(list(writes.temporary_keys.items())):
        update_rows(session, _CONCEPTS, [{"id": row_id, "key": key} for row_id, key in chunk])
    ids_by_key = dict(writes.kept_ids)
    # A parent comes before its children in map order, hence at a lower depth:
    # inserting one depth at a time gives every new row its parent's id.
    by_depth = sorted(writes.new, key=lambda row: (row.depth, row.map_order))
    for _depth, rows_of_depth in groupby(by_depth, key=lambda row: row.depth):
        for chunk in _chunks(list(rows_of_depth)):
            inserted = insert_rows(
                session,
                _CONCEPTS,
                [{"deck_id": deck_id, **_concept_values(row, ids_by_key)} for row in chunk],
                returning=(_CONCEPTS.c.id, _CONCEPTS.c.key),
            )
            new_ids = {key: concept_id for concept_id, key in inserted}
            ids_by_key.update(new_ids)
            insert_rows(
                session,
                _CARDS,
                [
                    {"concept_id": new_ids[row.key], "kind": kind.value}
                    for row in chunk
                    for kind in CARD_KIND_ORDER
                ],
            )
            advance(len(chunk))
    for chunk in _chunks(list(writes.updated.items())):
        update_rows(
            session,
            _CONCEPTS,
            [{"id": row_id, **_concept_values(row, ids_by_key)} for row_id, row in chunk],
            also_set={"retired_at": None},
        )
        advance(len(chunk))
    retire = {"retired_at": func.coalesce(_CONCEPTS.c.retired_at, literal(now, UTCDateTime()))}
    for chunk in _chunks(list(writes.retired.items())):
        update_rows(
            session,
            _CONCEPTS,
            [
                {"id": row_id, "key": key, "map_order": order, "subtree_last_order": order}
                for row_id, (key, order) in chunk
            ],
            also_set=retire,
        )
    advance(total - done)
    _forget_loaded_concepts(session)


def _concept_values(row: ConceptRow, ids_by_key: dict[str, int]) -> dict[str, Any]:
    return {
        "parent_id": ids_by_key[row.parent_key] if row.parent_key is not None else None,
        "key": row.key,
        "title": row.title,
        "summary": row.summary,
        "detail": row.detail,
        "position": row.position,
        "depth": row.depth,
        "map_order": row.map_order,
        "subtree_last_order": row.subtree_last_order,
    }


def _chunks(items: Sequence[_T]) -> Iterator[Sequence[_T]]:
    for start in range(0, len(items), ROWS_PER_STATEMENT):
        yield items[start : start + ROWS_PER_STATEMENT]


def _forget_loaded_concepts(session: Session) -> None:
    """Expire concepts the session holds: the bulk statements bypassed them."""
    for instance in list(session.identity_map.values()):
        if isinstance(instance, Concept):
            session.expire(instance)
