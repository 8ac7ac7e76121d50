"""Anki decks and notes as a knowledge map: the deck path ``A::B::C`` becomes the tree.

- The one top deck all notes share names the deck; with no deck information,
  or several top decks, the file name does (and each top deck becomes a root
  concept).
- A note becomes a concept under the concept of its deck. A sub-deck becomes
  a concept titled with its name, summarised "Cards from the Anki sub-deck
  B." (its description, if any, is the detail), with its notes as children;
  when a note in the parent deck has the sub-deck's name as its title, the
  sub-deck's notes go under that note's concept instead. Sub-deck concepts
  follow the deck's own notes, in name order as Anki lists them.
- studyapp's own notes are placed by their "Parent path": under the nearest
  earlier note whose title path it is (else a later one, else the nearest
  ancestor present, else their deck), which rebuilds an exported map exactly.
  They keep their concept keys, and the deck keeps its key.
- Notes keep their order (note id order in a package, line order in text).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from studyapp.decks.anki.html import html_to_text
from studyapp.decks.anki.notes import ImportedNote
from studyapp.decks.anki.notetype import PARENT_PATH_SEPARATOR, deck_name_part
from studyapp.decks.document import ConceptDraft, DeckDraft


@dataclass
class _Folder:
    """One Anki deck while the tree is built: its concepts and its sub-decks."""

    name: str
    path: tuple[str, ...]
    concepts: list[ConceptDraft] = field(default_factory=list)
    sub_folders: dict[str, _Folder] = field(default_factory=dict)

    def folder_at(self, path: Sequence[str]) -> _Folder:
        folder = self
        for name in path:
            if name not in folder.sub_folders:
                folder.sub_folders[name] = _Folder(name, (*folder.path, name))
            folder = folder.sub_folders[name]
        return folder


def build_deck(
    notes: Sequence[ImportedNote],
    *,
    source_name: str,
    source_format: str,
    fallback_title: str,
    deck_descriptions: Mapping[tuple[str, ...], str] | None = None,
    notices: Sequence[str] = (),
) -> DeckDraft:
    """An unvalidated draft of the notes' map; ``deck_descriptions`` maps deck paths to HTML."""
    descriptions = deck_descriptions or {}
    top_decks = {note.deck_path[0] for note in notes if note.deck_path}
    shared_top = next(iter(top_decks)) if len(top_decks) == 1 else None
    strip = 1 if shared_top is not None else 0
    concepts = [
        ConceptDraft(
            title=note.title,
            summary=note.summary,
            detail=note.detail,
            key=note.placement.key if note.placement and note.placement.key else None,
            location=note.location,
        )
        for note in notes
    ]
    parents = _studyapp_parents(notes)
    root = _Folder("", (shared_top,) if shared_top is not None else ())
    for index, (note, concept) in enumerate(zip(notes, concepts, strict=True)):
        parent = parents.get(index)
        if parent is not None:
            concepts[parent].children.append(concept)
        else:
            root.folder_at(note.deck_path[strip:]).concepts.append(concept)
    deck_keys = {note.placement.deck_key for note in notes if note.placement}
    return DeckDraft(
        title=shared_top if shared_top is not None else fallback_title,
        key=next(iter(deck_keys)) if len(deck_keys) == 1 else None,
        description=html_to_text(descriptions.get(root.path, "")) if root.path else "",
        concepts=_concepts_of(root, descriptions),
        source_name=source_name,
        source_format=source_format,
        notices=list(notices),
    )


def _studyapp_parents(notes: Sequence[ImportedNote]) -> dict[int, int]:
    """Index of each studyapp note with a parent -> index of its parent note.

    A parent's title path is always shorter than its child's, so this never
    makes a cycle.
    """
    by_title_path: dict[str, list[int]] = {}
    for index, note in enumerate(notes):
        if note.placement is not None:
            by_title_path.setdefault(_title_path(note), []).append(index)
    parents: dict[int, int] = {}
    for index, note in enumerate(notes):
        if note.placement is None or not note.placement.parent_path:
            continue
        wanted = note.placement.parent_path
        while wanted:
            candidates = [i for i in by_title_path.get(wanted, []) if i != index]
            if candidates:
                earlier = [i for i in candidates if i < index]
                parents[index] = earlier[-1] if earlier else candidates[0]
                break
            wanted = wanted.rpartition(PARENT_PATH_SEPARATOR)[0]
    return parents


def _title_path(note: ImportedNote) -> str:
    assert note.placement is not None
    if not note.placement.parent_path:
        return note.title
    return f"{note.placement.parent_path}{PARENT_PATH_SEPARATOR}{note.title}"


def _concepts_of(
    folder: _Folder, descriptions: Mapping[tuple[str, ...], str]
) -> list[ConceptDraft]:
    concepts = folder.concepts
    for name in sorted(folder.sub_folders):
        sub_folder = folder.sub_folders[name]
        children = _concepts_of(sub_folder, descriptions)
        if not children:
            continue
        namesake = next((c for c in concepts if deck_name_part(c.title) == name), None)
        if namesake is not None:
            namesake.children.extend(children)
        else:
            concepts.append(
                ConceptDraft(
                    title=name,
                    summary=f"Cards from the Anki sub-deck {name}.",
                    detail=html_to_text(descriptions.get(sub_folder.path, "")),
                    children=children,
                    location=children[0].location,
                )
            )
    return concepts
