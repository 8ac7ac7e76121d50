"""Decks: the library's list, enrolment, uploads and their preview, downloads."""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

from pydantic import Field, StringConstraints, WithJsonSchema

from studyapp.api.schemas.common import ApiModel, Count, Id, InlineModel
from studyapp.decks.catalogue import MAX_SEARCH_LENGTH, DeckSummary
from studyapp.decks.document import DeckDraft
from studyapp.decks.export import ExportFormat
from studyapp.decks.importing.plan import ImportPlan


class Deck(ApiModel):
    id: Id
    key: str
    title: str
    description: str
    concept_count: Count
    card_count: Count
    is_public: bool = Field(
        description="Everyone may see it (false: the calling user's private deck)."
    )
    enrolled: bool = Field(description="The calling user studies it: its cards are in their queue.")

    @classmethod
    def of(cls, summary: DeckSummary) -> Deck:
        return cls.model_validate(summary)


class DeckList(ApiModel):
    decks: list[Deck]


class DeckListQuery(ApiModel):
    q: Annotated[str, StringConstraints(max_length=MAX_SEARCH_LENGTH)] = Field(
        default="",
        description="Only decks whose title contains this text, ignoring case and "
        f"surrounding spaces (at most {MAX_SEARCH_LENGTH} characters).",
    )


class Enrolment(ApiModel):
    """The deck is in the calling user's studies."""

    deck_id: Id
    enrolled: Literal[True]


class DeckUpload(ApiModel):
    """Read by hand (studyapp.api.decks.read_upload): described here, not validated."""

    media_type: ClassVar[str] = "multipart/form-data"

    file: Annotated[
        bytes,
        WithJsonSchema({"type": "string", "contentMediaType": "application/octet-stream"}),
    ] = Field(
        description="A deck file: JSON (.json), Markdown outline (.md) or map-explorer page "
        "text (.txt); UTF-8, at most 5 MB."
    )


class DraftConcept(ApiModel):
    """A concept as the file describes it, with the key it will be stored under."""

    key: str
    title: str
    summary: str
    detail: str
    children: list[DraftConcept]


class DraftDeck(InlineModel):
    key: str
    title: str
    description: str
    source_format: Literal["json", "markdown", "page_text", "apkg", "anki_text"]
    concept_count: Count


class ImportedDeck(InlineModel):
    key: str
    title: str
    owner_id: int | None
    exists: bool
    id: int | None
    current_title: str | None
    updated_at: str | None
    version: str = Field(
        description="The stored version compared against ('new' when the import creates the deck)."
    )


class ImportCounts(InlineModel):
    added: Count
    changed: Count
    moved: Count
    retired: Count
    unchanged: Count


class AddedConcept(InlineModel):
    key: str
    title_path: list[str]


class ConceptTexts(InlineModel):
    title: str
    summary: str
    detail: str


class TextChange(InlineModel):
    old: ConceptTexts
    new: ConceptTexts


class ParentChange(InlineModel):
    from_: list[str] = Field(alias="from", description="The old parent's title path.")
    to: list[str] = Field(description="The new parent's title path ([]: a root).")


class UpdatedConcept(InlineModel):
    concept_id: Id
    key: str
    old_key: str
    title_path: list[str]
    matched_by: Literal["key", "title_path", "title", "summary"]
    restored: bool
    changed: TextChange | None
    moved: ParentChange | None
    user_cards: Count


class RetiredConcept(InlineModel):
    concept_id: Id
    key: str
    title_path: list[str]
    user_cards: Count


class ConceptMatch(InlineModel):
    key: str
    concept_id: Id
    rule: Literal["key", "title_path", "title", "summary"]


class AffectedCards(InlineModel):
    changed: Count
    moved: Count
    retired: Count
    total: Count


class Affected(InlineModel):
    user_id: int | None
    user_cards: AffectedCards | None
    review_states: AffectedCards


class ImportChanges(ApiModel):
    """The difference against the stored version (docs/importing.md)."""

    deck: ImportedDeck
    counts: ImportCounts
    added: list[AddedConcept]
    updated: list[UpdatedConcept] = Field(
        description="Kept concepts whose texts change (changed: old and new), which move "
        "(moved: from and to, as title paths) or come back from retirement; user_cards "
        "counts the caller's reviewed cards on each."
    )
    retired: list[RetiredConcept]
    matches: list[ConceptMatch]
    affected: Affected


class DeckPreview(ApiModel):
    """What importing the file would store; nothing was written."""

    deck: DraftDeck
    concepts: list[DraftConcept]
    changes: ImportChanges

    @classmethod
    def of(cls, draft: DeckDraft, plan: ImportPlan) -> DeckPreview:
        return cls(
            deck=DraftDeck(
                key=draft.key,
                title=draft.title,
                description=draft.description,
                source_format=draft.source_format,
                concept_count=draft.concept_count(),
            ),
            concepts=draft.concepts,
            changes=plan.to_dict(),
        )


class ExportQuery(ApiModel):
    format: Literal[tuple(export_format.value for export_format in ExportFormat)] = Field(
        default=ExportFormat.JSON.value,
        description="json (default), markdown, or apkg (an Anki package, docs/anki.md).",
    )
