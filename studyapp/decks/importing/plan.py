"""What importing a deck draft will do, worked out without writing anything.

:func:`plan_import` reads the stored deck, matches the draft's concepts to the
stored ones (:mod:`studyapp.decks.importing.matching`) and says which concepts
the import adds, changes, moves and retires, and how many review states
that touches. It also works out every row the import writes
(:class:`~studyapp.decks.importing.changes.ConceptWrites`):
:func:`studyapp.decks.importing.importer.import_deck` builds the same plan
inside its transaction and only carries those writes out, so a preview and the
import after it cannot disagree. The plan's values are in
:mod:`studyapp.decks.importing.changes`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from sqlalchemy.orm import Session

from studyapp.decks.document import ConceptDraft, DeckDraft
from studyapp.decks.importing.changes import (
    AddedConcept,
    AffectedCards,
    ConceptRow,
    ConceptTexts,
    ConceptUpdate,
    ConceptWrites,
    DeckVersion,
    ImportPlan,
    ParentChange,
    RetiredConcept,
    TitlePath,
)
from studyapp.decks.importing.matching import (
    ConceptMatch,
    DraftConcept,
    StoredConcept,
    match_concepts,
)
from studyapp.decks.importing.stored import (
    StoredRow,
    find_deck_for_import,
    review_state_counts,
    stored_rows,
    stored_title_paths,
)
from studyapp.decks.keys import bounded_key
from studyapp.decks.validation import MAX_KEY_LENGTH


def plan_import(
    session: Session,
    draft: DeckDraft,
    *,
    owner_id: int | None,
    user_id: int | None = None,
    lock: bool = False,
) -> ImportPlan:
    """What importing the validated ``draft`` for ``owner_id`` would do; writes nothing.

    ``owner_id`` None plans a public deck, a user's id that user's private deck
    (as :func:`~studyapp.decks.importing.importer.import_deck`). ``user_id`` is the user
    whose affected cards to count. ``lock`` is for the importer: it holds the
    deck row so that two imports of one deck do not interleave.
    """
    assert draft.key is not None, "validate_deck() fills in keys"
    deck = find_deck_for_import(session, draft.key, owner_id, lock=lock)
    stored = stored_rows(session, deck.id) if deck else []
    placements = _place(draft)
    paths = stored_title_paths(stored)
    matches = match_concepts(
        (
            StoredConcept(row.id, row.key, row.title, paths[row.id], row.summary, row.retired)
            for row in stored
        ),
        (
            DraftConcept(
                place.key,
                place.node.title,
                place.title_path,
                place.node.summary,
                place.node.key_is_derived,
            )
            for place in placements
        ),
    )
    builder = _PlanBuilder(stored, paths, placements, matches)
    counts = review_state_counts(session, deck.id, user_id) if deck and builder.touches else {}
    return builder.plan(
        draft,
        owner_id=owner_id,
        deck=(
            DeckVersion(deck.id, deck.title, deck.updated_at, deck.content_version)
            if deck
            else None
        ),
        user_id=user_id,
        counts=counts,
    )


@dataclass(slots=True)
class _Placement:
    """Where a draft concept goes: its parent's key, numbering and title path."""

    node: ConceptDraft
    key: str
    parent_key: str | None
    position: int
    depth: int
    map_order: int
    title_path: TitlePath
    subtree_last_order: int = 0


def _place(draft: DeckDraft) -> list[_Placement]:
    """Number the draft's concepts in map order, noting each sub-tree's last number."""
    placed: list[_Placement] = []

    def visit(node: ConceptDraft, parent_key: str | None, position: int, path: TitlePath) -> int:
        assert node.key is not None, "validate_deck() fills in keys"
        path = (*path, node.title)
        entry = _Placement(node, node.key, parent_key, position, len(path), len(placed), path)
        placed.append(entry)
        last = entry.map_order
        for child_position, child in enumerate(node.children):
            last = visit(child, node.key, child_position, path)
        entry.subtree_last_order = last
        return last

    for position, root in enumerate(draft.concepts):
        visit(root, None, position, ())
    return placed


_COMPARED = slice(0, 8)
_TEXTS = slice(1, 4)


class _PlanBuilder:
    """Classifies every concept once the matches are known, and works out the writes."""

    def __init__(
        self,
        stored: list[StoredRow],
        paths: dict[int, TitlePath],
        placements: list[_Placement],
        matches: dict[str, ConceptMatch],
    ) -> None:
        self.stored_by_id = {row.id: row for row in stored}
        self.paths = paths
        self.placements = placements
        self.matches = matches
        self.kept_ids = {key: match.concept_id for key, match in matches.items()}
        self.added: list[AddedConcept] = []
        self.updates: list[ConceptUpdate] = []
        self.retired: list[RetiredConcept] = []
        self.unchanged = 0
        self.new_rows: list[ConceptRow] = []
        self.updated_rows: dict[int, ConceptRow] = {}
        self.retired_rows: dict[int, tuple[str, int]] = {}
        self._classify_kept_and_added()
        self._retire_the_rest()

    @property
    def touches(self) -> bool:
        """Whether any stored concept changes, moves, comes back or retires."""
        return bool(self.updates or self.retired)

    def _classify_kept_and_added(self) -> None:
        kept_ids = self.kept_ids
        for place in self.placements:
            node = place.node
            row = ConceptRow(
                place.key,
                node.title,
                node.summary,
                node.detail,
                place.position,
                place.depth,
                place.map_order,
                place.subtree_last_order,
                place.parent_key,
            )
            match = self.matches.get(place.key)
            if match is None:
                self.new_rows.append(row)
                self.added.append(AddedConcept(place.key, place.title_path))
                continue
            old = self.stored_by_id[match.concept_id]
            if place.parent_key is None:
                moved = old.parent_id is not None
            else:
                new_parent_id = kept_ids.get(place.parent_key)
                moved = new_parent_id is None or new_parent_id != old.parent_id
            if moved or old.retired or old[_TEXTS] != row[_TEXTS]:
                self.updates.append(self._update(place, match, old, moved))
            else:
                self.unchanged += 1
            if moved or old.retired or old[_COMPARED] != row[_COMPARED]:
                self.updated_rows[old.id] = row

    def _update(
        self, place: _Placement, match: ConceptMatch, old: StoredRow, moved: bool
    ) -> ConceptUpdate:
        node = place.node
        return ConceptUpdate(
            concept_id=old.id,
            key=place.key,
            old_key=old.key,
            title_path=place.title_path,
            matched_by=match.rule,
            old=ConceptTexts(old.title, old.summary, old.detail),
            new=ConceptTexts(node.title, node.summary, node.detail),
            move=ParentChange(self.paths[old.id][:-1], place.title_path[:-1]) if moved else None,
            restored=old.retired,
        )

    def _retire_the_rest(self) -> None:
        """Stored concepts no draft concept continues stay (or become) retired.

        They are numbered after every live concept, in their former order, so
        map order stays unique. One whose key a kept concept now has gets
        another key.
        """
        kept = set(self.kept_ids.values())
        draft_keys = {place.key for place in self.placements}
        taken_keys = draft_keys | {row.key for row in self.stored_by_id.values()}
        leftovers = sorted(
            (row for row in self.stored_by_id.values() if row.id not in kept),
            key=lambda row: (row.map_order, row.id),
        )
        for map_order, row in enumerate(leftovers, start=len(self.placements)):
            key = row.key
            if key in draft_keys:
                key = _given_up_key(row.key, row.id, taken_keys)
                taken_keys.add(key)
            if not row.retired:
                self.retired.append(RetiredConcept(row.id, row.key, self.paths[row.id]))
            if not row.retired or (key, map_order) != (row.key, row.map_order):
                self.retired_rows[row.id] = (key, map_order)

    def _temporary_keys(self) -> dict[int, str]:
        """Keys to set first when a row's new key is still another row's key."""
        new_keys = {concept_id: row.key for concept_id, row in self.updated_rows.items()}
        new_keys.update((concept_id, key) for concept_id, (key, _) in self.retired_rows.items())
        rekeyed = {
            concept_id: key
            for concept_id, key in new_keys.items()
            if key != self.stored_by_id[concept_id].key
        }
        holder = {row.key: row.id for row in self.stored_by_id.values()}
        if all(holder.get(key, concept_id) == concept_id for concept_id, key in rekeyed.items()):
            return {}
        return {concept_id: f" rekeying {concept_id}" for concept_id in rekeyed}

    def plan(
        self,
        draft: DeckDraft,
        *,
        owner_id: int | None,
        deck: DeckVersion | None,
        user_id: int | None,
        counts: dict[int, tuple[int, int]],
    ) -> ImportPlan:
        def user_cards(concept_id: int) -> int:
            return counts.get(concept_id, (0, 0))[1]

        updates = [replace(u, user_cards=user_cards(u.concept_id)) for u in self.updates]
        retired = [replace(r, user_cards=user_cards(r.concept_id)) for r in self.retired]
        assert draft.key is not None
        return ImportPlan(
            deck_key=draft.key,
            deck_title=draft.title,
            owner_id=owner_id,
            deck=deck,
            added=self.added,
            updates=updates,
            retired=retired,
            unchanged=self.unchanged,
            matches=[self.matches[p.key] for p in self.placements if p.key in self.matches],
            user_id=user_id,
            user_cards=self._affected(counts, 1) if user_id is not None else None,
            review_states=self._affected(counts, 0),
            writes=ConceptWrites(
                new=self.new_rows,
                updated=self.updated_rows,
                kept_ids=self.kept_ids,
                retired=self.retired_rows,
                temporary_keys=self._temporary_keys(),
                concept_count=len(self.placements),
            ),
        )

    def _affected(self, counts: dict[int, tuple[int, int]], column: int) -> AffectedCards:
        def total(concept_ids: Iterable[int]) -> int:
            return sum(counts.get(concept_id, (0, 0))[column] for concept_id in concept_ids)

        changed = {u.concept_id for u in self.updates if u.is_changed}
        moved = {u.concept_id for u in self.updates if u.is_moved}
        retired = {r.concept_id for r in self.retired}
        return AffectedCards(
            changed=total(changed),
            moved=total(moved),
            retired=total(retired),
            total=total(changed | moved | retired),
        )


def _given_up_key(key: str, concept_id: int, taken: set[str]) -> str:
    """A key for a retired concept whose key a live concept takes over; unlike any in ``taken``."""
    candidate = bounded_key(f"{key}~retired-{concept_id}", MAX_KEY_LENGTH)
    attempt = 1
    while candidate in taken:
        candidate = bounded_key(f"{key}~retired-{concept_id}-{attempt}", MAX_KEY_LENGTH)
        attempt += 1
    return candidate
