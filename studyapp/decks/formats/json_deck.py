"""The JSON deck format (see docs/deck-format.md)."""

from __future__ import annotations

import json
from typing import Any

from studyapp.decks.document import (
    ConceptDraft,
    DeckDraft,
    DeckProblem,
    DeckValidationError,
    SourceLocation,
)

_TEXT_FIELDS = ("key", "title", "summary", "detail")


def parse_json_deck(text: str, source_name: str) -> DeckDraft:
    """Read a JSON deck; structural problems are reported with their JSON path."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise DeckValidationError(
            [
                DeckProblem(
                    SourceLocation(source_name, line=error.lineno),
                    f"invalid JSON: {error.msg} (column {error.colno})",
                )
            ]
        ) from error
    problems: list[DeckProblem] = []

    def where(path: str) -> SourceLocation:
        return SourceLocation(source_name, json_path=path)

    if not isinstance(document, dict):
        raise DeckValidationError(
            [DeckProblem(where("$"), "the top level must be an object with a title and concepts")]
        )

    def text_field(obj: dict[str, Any], name: str, path: str) -> str | None:
        value = obj.get(name)
        if value is None:
            return None
        if not isinstance(value, str):
            problems.append(DeckProblem(where(f"{path}.{name}"), f"{name} must be a string"))
            return None
        return value

    def concept_list(value: Any, path: str) -> list[ConceptDraft]:
        if value is None:
            return []
        if not isinstance(value, list):
            problems.append(DeckProblem(where(path), "must be a list of concepts"))
            return []
        return [concept(item, f"{path}[{index}]") for index, item in enumerate(value)]

    def concept(item: Any, path: str) -> ConceptDraft:
        if not isinstance(item, dict):
            problems.append(DeckProblem(where(path), "a concept must be an object"))
            return ConceptDraft(title="", summary="", location=where(path))
        fields = {name: text_field(item, name, path) for name in _TEXT_FIELDS}
        return ConceptDraft(
            title=fields["title"] or "",
            summary=fields["summary"] or "",
            detail=fields["detail"] or "",
            key=fields["key"],
            children=concept_list(item.get("children"), f"{path}.children"),
            location=where(path),
        )

    draft = DeckDraft(
        title=text_field(document, "title", "$") or "",
        key=text_field(document, "key", "$"),
        description=text_field(document, "description", "$") or "",
        concepts=concept_list(document.get("concepts"), "$.concepts"),
        source_name=source_name,
        source_format="json",
    )
    if problems:
        raise DeckValidationError(problems)
    return draft


def deck_to_json_document(draft: DeckDraft) -> dict[str, Any]:
    """The JSON form of a draft; parsing it gives the same deck back."""

    def concept(node: ConceptDraft) -> dict[str, Any]:
        return {
            "key": node.key,
            "title": node.title,
            "summary": node.summary,
            "detail": node.detail,
            "children": [concept(child) for child in node.children],
        }

    return {
        "key": draft.key,
        "title": draft.title,
        "description": draft.description,
        "concepts": [concept(node) for node in draft.concepts],
    }
