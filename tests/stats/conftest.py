"""Fixtures of the stats tests: the Algebra deck the dashboard tests study."""

from __future__ import annotations

import pytest

from tests.support.factories import deck_json


@pytest.fixture
def deck(import_text):
    # Groups (Subgroups, Cosets), Rings (Ideals, Fields): 6 concepts, 18 cards.
    return import_text(deck_json()).deck
