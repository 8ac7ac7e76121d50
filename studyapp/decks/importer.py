"""Storing a validated deck draft: first import and re-import.

A re-import matches concepts by key. Matched concepts are updated in place
(title, texts, parent, position), so their cards, and with them every user's
review state and history, stay attached. New concepts are added with their
cards; concepts missing from the new version are retired, never deleted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from studyapp.db import refresh_planner_statistics
from studyapp.decks.document import ConceptDraft, DeckDraft
from studyapp.models import CARD_KIND_ORDER, Card, Concept, Deck, new_content_version


@dataclass
class ImportReport:
    """What an import did, in counts of concepts."""

    deck: Deck
    created_deck: bool
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    moved: list[str] = field(default_factory=list)
    retired: list[str] = field(default_factory=list)
    unchanged: int = 0

    def summary(self) -> str:
        verb = "created" if self.created_deck else "updated"
        return (
            f"{self.deck.title} ({self.deck.key}) {verb}: {len(self.added)} added, "
            f"{len(self.changed)} changed, {len(self.moved)} moved, "
            f"{len(self.retired)} retired, {self.unchanged} unchanged"
        )


@dataclass
class _PlacedConcept:
    draft: ConceptDraft
    parent_key: str | None
    position: int
    depth: int
    map_order: int
    subtree_last_order: int = 0


def _place(draft: DeckDraft) -> list[_PlacedConcept]:
    """Number the concepts in map order and note each sub-tree's last number."""
    placed: list[_PlacedConcept] = []

    def visit(node: ConceptDraft, parent_key: str | None, position: int, depth: int) -> int:
        entry = _PlacedConcept(node, parent_key, position, depth, map_order=len(placed))
        placed.append(entry)
        last = entry.map_order
        for child_position, child in enumerate(node.children):
            last = visit(child, node.key, child_position, depth + 1)
        entry.subtree_last_order = last
        return last

    for position, root in enumerate(draft.concepts):
        visit(root, None, position, 1)
    return placed


def find_deck_for_import(session: Session, key: str, owner_id: int | None) -> Deck | None:
    """The stored deck a draft with ``key`` would update for this owner, if any."""
    owner_clause = Deck.owner_id.is_(None) if owner_id is None else Deck.owner_id == owner_id
    return session.scalars(select(Deck).where(Deck.key == key, owner_clause)).one_or_none()


def import_deck(
    session: Session, draft: DeckDraft, *, owner_id: int | None, now: datetime
) -> ImportReport:
    """Create or update the deck described by a validated ``draft``.

    ``owner_id`` None imports a public deck (administrators, the CLI); a user's
    id imports a deck private to that user. The caller commits, so an import is
    one transaction together with whatever else the caller does.
    """
    assert draft.key is not None, "validate_deck() fills in keys"
    deck = find_deck_for_import(session, draft.key, owner_id)
    created = deck is None
    if deck is None:
        deck = Deck(
            key=draft.key,
            owner_id=owner_id,
            is_public=owner_id is None,
            created_at=now,
            title=draft.title,
            source_format=draft.source_format,
        )
        session.add(deck)
    deck.title = draft.title
    deck.description = draft.description
    deck.source_format = draft.source_format
    deck.updated_at = now
    deck.content_version = new_content_version()  # names the new outline (decks/outline.py)
    session.flush()

    report = ImportReport(deck=deck, created_deck=created)
    existing = (
        {}
        if created
        else {c.key: c for c in session.scalars(select(Concept).where(Concept.deck_id == deck.id))}
    )
    existing_parent_keys = _parent_keys(existing)
    placed = _place(draft)
    stored_by_key: dict[str, Concept] = {}
    new_concepts: list[Concept] = []

    # Parents precede children in map order, so one pass per depth can set
    # parent ids of new concepts from rows flushed in the pass before.
    for depth in sorted({entry.depth for entry in placed}):
        for entry in (e for e in placed if e.depth == depth):
            node = entry.draft
            assert node.key is not None
            parent_id = stored_by_key[entry.parent_key].id if entry.parent_key else None
            concept = existing.get(node.key)
            if concept is None:
                concept = Concept(deck_id=deck.id, key=node.key)
                session.add(concept)
                new_concepts.append(concept)
                report.added.append(node.key)
            else:
                was_retired = concept.retired_at is not None
                texts_changed = (concept.title, concept.summary, concept.detail) != (
                    node.title,
                    node.summary,
                    node.detail,
                )
                if texts_changed or was_retired:
                    report.changed.append(node.key)
                elif existing_parent_keys.get(node.key) != entry.parent_key:
                    report.moved.append(node.key)
                else:
                    report.unchanged += 1
                concept.retired_at = None
            concept.parent_id = parent_id
            concept.title = node.title
            concept.summary = node.summary
            concept.detail = node.detail
            concept.position = entry.position
            concept.depth = entry.depth
            concept.map_order = entry.map_order
            concept.subtree_last_order = entry.subtree_last_order
            stored_by_key[node.key] = concept
        session.flush()

    session.add_all(
        Card(concept_id=concept.id, kind=kind.value)
        for concept in new_concepts
        for kind in CARD_KIND_ORDER
    )
    # Retired concepts sort after every live one, keeping map order unique.
    next_order = len(placed)
    for key, concept in existing.items():
        if key not in stored_by_key:
            if concept.retired_at is None:
                concept.retired_at = now
                report.retired.append(key)
            concept.map_order = concept.subtree_last_order = next_order
            next_order += 1
    session.flush()
    refresh_planner_statistics(session)
    return report


def _parent_keys(concepts_by_key: dict[str, Concept]) -> dict[str, str | None]:
    key_by_id = {concept.id: key for key, concept in concepts_by_key.items()}
    return {
        key: key_by_id.get(concept.parent_id) if concept.parent_id else None
        for key, concept in concepts_by_key.items()
    }
