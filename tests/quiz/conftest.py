"""The quiz tests' learner, deck and study contexts (tests/quiz, studyapp.quiz)."""

from __future__ import annotations

import pytest

from studyapp.scheduling.study_context import StudyContext
from tests.support.factories import deck_json


@pytest.fixture
def ada(make_user):
    return make_user("ada", new_cards_per_day=100)


@pytest.fixture
def deck(ada, import_text):
    """The algebra deck, in ada's studies."""
    return import_text(deck_json(), studied_by=ada).deck


@pytest.fixture
def context(ada, clock):
    def build(user=None) -> StudyContext:
        return StudyContext.for_user((user or ada).settings, clock.now(), enable_fuzzing=False)

    return build
