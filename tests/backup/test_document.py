"""The user document's format (studyapp.backup.document): its field lists against the models,
and its moments as ISO-8601 text in UTC."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import inspect

from studyapp.backup.document import (
    CARD_STATE_FIELDS,
    CONCEPT_FIELDS,
    DECK_FIELDS,
    REVIEW_LOG_FIELDS,
    SETTINGS_FIELDS,
    USER_FIELDS,
    format_datetime,
    parse_datetime,
)
from studyapp.storage.models import CardState, Concept, Deck, ReviewLog, User, UserSettings


def test_the_field_lists_cover_every_column_of_the_models():
    def columns(model, *skip: str) -> set[str]:
        return {column.key for column in inspect(model).columns} - set(skip)

    assert set(USER_FIELDS) == columns(User, "id")
    assert set(SETTINGS_FIELDS) == columns(UserSettings, "user_id")
    # content_version names a cached outline, not data: an imported deck gets a fresh one.
    assert set(DECK_FIELDS) == columns(Deck, "id", "owner_id", "content_version")
    assert {"key", "parent_id", *CONCEPT_FIELDS} == columns(Concept, "id", "deck_id")
    assert set(CARD_STATE_FIELDS) == columns(CardState, "id", "user_id", "card_id")
    assert set(REVIEW_LOG_FIELDS) == columns(ReviewLog, "id", "user_id", "card_id")


def test_datetimes_are_iso_utc_with_microseconds():
    moment = datetime(2026, 3, 2, 9, 0, 0, 5, tzinfo=UTC)
    assert format_datetime(moment) == "2026-03-02T09:00:00.000005Z"
    assert parse_datetime("2026-03-02T09:00:00.000005Z") == moment
    assert parse_datetime("2026-03-02T10:00:00.000005+01:00").tzinfo is UTC
    with pytest.raises(ValueError):
        parse_datetime("2026-03-02T09:00:00")
