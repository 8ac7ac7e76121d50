"""Showing a quiz in the domain: the current question's prompt and faces, and another user's
quiz not found. No HTTP."""

from __future__ import annotations

import pytest

from studyapp.quiz.answering import answer_question
from studyapp.quiz.launch import create_quiz
from studyapp.quiz.questions import QuizNotFound, current_question, previous_answer
from studyapp.quiz.results import quiz_results
from tests.support.factories import concept, deck_json
from tests.support.quiz import concept_id, log_count


def test_the_choice_prompt_masks_the_concepts_name(session, ada, import_text, context):
    deck = import_text(
        deck_json(
            key="masked",
            concepts=[
                concept("Photosynthesis", summary="Photosynthesis turns light into sugar."),
                concept("Respiration", summary="Respiration burns sugar for energy."),
            ],
        )
    ).deck
    quiz = create_quiz(
        session,
        context(),
        deck_id=deck.id,
        subtree_id=concept_id(session, "Photosynthesis"),
        mode="choice",
    )
    view = current_question(session, ada.id, quiz.id)
    assert view.prompt == "_____ turns light into sugar."
    assert view.answer is None
    assert [o.title for o in view.options] == sorted(
        [o.title for o in view.options], key=lambda t: [x.title for x in view.options].index(t)
    )


def test_recall_question_shows_the_card_faces(session, ada, deck, context):
    quiz = create_quiz(
        session, context(), deck_id=deck.id, subtree_id=concept_id(session, "Cosets"), mode="recall"
    )
    view = current_question(session, ada.id, quiz.id)
    assert (view.number, view.total, view.kind) == (1, 3, "recall")
    assert view.prompt == "Cosets"
    assert view.answer == "Cosets in one sentence."
    assert view.faces.context == "Groups"
    assert view.options is None
    assert (view.deck_title, view.subtree_title) == ("Algebra", "Cosets")


def test_another_users_quiz_is_not_found(session, ada, make_user, deck, context):
    bob = make_user("bob")
    quiz = create_quiz(
        session, context(), deck_id=deck.id, subtree_id=concept_id(session, "Groups"), mode="recall"
    )
    view = current_question(session, ada.id, quiz.id)
    with pytest.raises(QuizNotFound):
        current_question(session, bob.id, quiz.id)
    with pytest.raises(QuizNotFound):
        answer_question(
            session, context(bob), quiz_id=quiz.id, question_id=view.question_id, rating=3
        )
    with pytest.raises(QuizNotFound):
        quiz_results(session, context(bob), quiz.id)
    with pytest.raises(QuizNotFound):
        previous_answer(session, bob.id, quiz.id)
    assert log_count(session) == 0
