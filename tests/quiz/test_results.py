"""A quiz's results in the domain: per concept, midway and at the end, and the branch's mastery
before and after. No HTTP."""

from __future__ import annotations

from studyapp.map.mastery import MasteryLevel
from studyapp.quiz.answering import answer_question
from studyapp.quiz.launch import create_quiz
from studyapp.quiz.questions import current_question, previous_answer
from studyapp.quiz.results import quiz_results
from studyapp.storage.models import (
    CardKind,
)
from tests.support.quiz import card_id, concept_id, remember


def test_results_per_concept_and_mastery_before_and_after(session, ada, deck, context, clock):
    rings = concept_id(session, "Rings")
    remember(session, ada, clock, card_id(session, "Ideals", CardKind.RECOGNISE), stability=2,
             days_ago=10)
    quiz = create_quiz(session, context(), deck_id=deck.id, subtree_id=rings, mode="choice")
    chosen = {}
    while (view := current_question(session, ada.id, quiz.id)) is not None:
        # Right on Rings and Fields, wrong on Ideals.
        pick = view.concept_id
        if view.concept_id == concept_id(session, "Ideals"):
            pick = next(o.concept_id for o in view.options if o.concept_id != view.concept_id)
        chosen[view.concept_id] = pick
        result = answer_question(
            session, context(), quiz_id=quiz.id, question_id=view.question_id, concept_id=pick
        )
        clock.advance(seconds=10)
    assert result.finished

    results = quiz_results(session, context(), quiz.id)
    assert (results.total, results.answered, results.right, results.finished) == (3, 3, 2, True)
    assert results.finished_at is not None
    assert [(c.title, c.correct) for c in results.concepts] == [
        ("Rings", True),
        ("Ideals", False),
        ("Fields", True),
    ]
    ideals = results.concepts[1]
    assert ideals.answers[0].chosen_concept_id == chosen[ideals.concept_id]
    assert results.titles[chosen[ideals.concept_id]]
    assert results.mastery_before.levels == {
        MasteryLevel.NOT_STARTED: 2,
        MasteryLevel.LEARNING: 0,
        MasteryLevel.FAMILIAR: 1,
        MasteryLevel.PROFICIENT: 0,
        MasteryLevel.MASTERED: 0,
    }
    assert 0 < results.mastery_before.mean_retrievability < 0.9
    after = results.mastery_after
    assert after.levels[MasteryLevel.NOT_STARTED] == 0
    assert after.levels[MasteryLevel.LEARNING] == 3  # new and lapsed cards are in learning
    assert after.mean_retrievability > results.mastery_before.mean_retrievability
    assert current_question(session, ada.id, quiz.id) is None
    assert previous_answer(session, ada.id, quiz.id).number == 3


def test_results_of_a_recall_quiz_list_each_rating(session, ada, deck, context):
    quiz = create_quiz(
        session, context(), deck_id=deck.id, subtree_id=concept_id(session, "Cosets"), mode="recall"
    )
    for rating in (3, 1, 4):
        view = current_question(session, ada.id, quiz.id)
        answer_question(
            session, context(), quiz_id=quiz.id, question_id=view.question_id, rating=rating
        )
    results = quiz_results(session, context(), quiz.id)
    (cosets,) = results.concepts
    assert [(a.prompt_kind, a.rating, a.correct) for a in cosets.answers] == [
        ("recall", 3, True),
        ("recognise", 1, False),
        ("explain", 4, True),
    ]
    assert cosets.correct is False
    assert results.right == 2


def test_results_midway_and_the_snapshot_stays_put(session, ada, deck, context):
    quiz = create_quiz(
        session, context(), deck_id=deck.id, subtree_id=concept_id(session, "Groups"), mode="recall"
    )
    view = current_question(session, ada.id, quiz.id)
    answer_question(session, context(), quiz_id=quiz.id, question_id=view.question_id, rating=3)
    results = quiz_results(session, context(), quiz.id)
    assert (results.answered, results.finished) == (1, False)
    assert [c.correct for c in results.concepts] == [None, None, None]
    assert [len(c.given) for c in results.concepts] == [1, 0, 0]
    assert results.mastery_before.levels[MasteryLevel.NOT_STARTED] == 3
    assert results.mastery_after.levels[MasteryLevel.LEARNING] == 1
