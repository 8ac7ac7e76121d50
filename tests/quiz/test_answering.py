"""Answering a quiz in the domain: FSRS ratings (or none), scoring, idempotent and concurrent
answers, questions in order, answers that fit the mode, and undo. No HTTP."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from studyapp.quiz import answering as quiz_module
from studyapp.quiz.answering import InvalidAnswer, QuestionNotCurrent, answer_question
from studyapp.quiz.launch import create_quiz
from studyapp.quiz.questions import current_question
from studyapp.scheduling.memory import Grade, next_memory_state
from studyapp.scheduling.rating import find_card_state, memory_of, undo_last_rating
from studyapp.storage.db import make_session_factory
from studyapp.storage.models import (
    Card,
    CardKind,
    QuizQuestion,
    ReviewLog,
)
from tests.support.quiz import card_id, concept_id, log_count, remember, take


def snapshot(session, user_id: int, card: int):
    session.expire_all()
    state = find_card_state(session, user_id, card)
    return None if state is None else memory_of(state)


def test_recall_applies_fsrs_exactly_like_a_review_but_early(session, ada, deck, context, clock):
    cosets = card_id(session, "Cosets")
    remember(session, ada, clock, cosets, stability=30, days_ago=3)  # due in 27 days
    before = snapshot(session, ada.id, cosets)
    quiz = create_quiz(
        session, context(), deck_id=deck.id, subtree_id=concept_id(session, "Cosets"), mode="recall"
    )
    clock.advance(minutes=5)
    view = current_question(session, ada.id, quiz.id)
    assert view.card_id == cosets

    result = answer_question(
        session,
        context(),
        quiz_id=quiz.id,
        question_id=view.question_id,
        rating=3,
        duration_ms=4200,
    )

    assert (result.correct, result.rating, result.applied_to_fsrs, result.replayed) == (
        True,
        3,
        True,
        False,
    )
    expected = next_memory_state(before, Grade.GOOD, clock.now(), context().scheduler)
    assert snapshot(session, ada.id, cosets) == expected
    log = session.scalars(select(ReviewLog).where(ReviewLog.card_id == cosets)).one()
    assert (log.rating, log.reviewed_at, log.duration_ms) == (3, clock.now(), 4200)
    assert (log.before_stability_days, log.after_stability_days) == (
        30,
        expected.stability_days,
    )
    stored = session.get(QuizQuestion, view.question_id)
    assert stored.applied_to_fsrs and stored.review_log_id == log.id
    assert (stored.rating, stored.correct, stored.duration_ms) == (3, True, 4200)
    assert stored.answered_at == clock.now()


@pytest.mark.parametrize(("rating", "correct"), [(1, False), (2, True), (3, True), (4, True)])
def test_recall_counts_hard_good_and_easy_as_recalled(session, ada, deck, context, rating, correct):
    quiz = create_quiz(
        session, context(), deck_id=deck.id, subtree_id=concept_id(session, "Cosets"), mode="recall"
    )
    view = current_question(session, ada.id, quiz.id)
    result = answer_question(
        session, context(), quiz_id=quiz.id, question_id=view.question_id, rating=rating
    )
    assert (result.correct, result.rating) == (correct, rating)
    assert session.scalars(select(ReviewLog.rating)).one() == rating


def test_practice_only_changes_no_card_and_writes_no_review_log(
    session, ada, deck, context, clock
):
    cosets = card_id(session, "Cosets")
    remember(session, ada, clock, cosets, stability=30, days_ago=3)
    states_before = {
        card: snapshot(session, ada.id, card) for card in session.scalars(select(Card.id))
    }
    for mode in ("recall", "choice"):
        quiz = create_quiz(
            session,
            context(),
            deck_id=deck.id,
            subtree_id=concept_id(session, "Groups"),
            mode=mode,
            practice_only=True,
        )
        while (view := current_question(session, ada.id, quiz.id)) is not None:
            result = answer_question(
                session,
                context(),
                quiz_id=quiz.id,
                question_id=view.question_id,
                rating=1 if mode == "recall" else None,
                concept_id=view.options[0].concept_id if view.options else None,
            )
            assert result.applied_to_fsrs is False
        assert all(
            not q.applied_to_fsrs and q.review_log_id is None and q.answered_at
            for q in take(session, quiz, ada)
        )
    assert log_count(session) == 0
    assert {
        card: snapshot(session, ada.id, card) for card in session.scalars(select(Card.id))
    } == states_before


@pytest.mark.parametrize("right", [True, False])
def test_choice_right_is_good_and_wrong_is_again_on_the_recognise_card(
    session, ada, deck, context, right
):
    groups = concept_id(session, "Groups")
    quiz = create_quiz(session, context(), deck_id=deck.id, subtree_id=groups, mode="choice")
    view = current_question(session, ada.id, quiz.id)
    chosen = view.concept_id if right else next(
        o.concept_id for o in view.options if o.concept_id != view.concept_id
    )
    result = answer_question(
        session, context(), quiz_id=quiz.id, question_id=view.question_id, concept_id=chosen
    )
    assert result.correct is right
    assert result.answer_concept_id == view.concept_id
    assert result.chosen_concept_id == chosen
    log = session.scalars(select(ReviewLog)).one()
    assert log.card_id == card_id(session, "Groups", CardKind.RECOGNISE) == view.card_id
    assert log.rating == (Grade.GOOD if right else Grade.AGAIN)


def test_answering_twice_returns_the_stored_result_and_rates_once(session, ada, deck, context):
    quiz = create_quiz(
        session, context(), deck_id=deck.id, subtree_id=concept_id(session, "Groups"), mode="choice"
    )
    view = current_question(session, ada.id, quiz.id)
    wrong = next(o.concept_id for o in view.options if o.concept_id != view.concept_id)
    first = answer_question(
        session, context(), quiz_id=quiz.id, question_id=view.question_id, concept_id=wrong
    )
    state = snapshot(session, ada.id, view.card_id)
    # A double click, even one sending something else, changes nothing.
    again = answer_question(
        session,
        context(),
        quiz_id=quiz.id,
        question_id=view.question_id,
        concept_id=view.concept_id,
    )
    assert again.replayed and not first.replayed
    assert (again.correct, again.rating, again.chosen_concept_id) == (False, 1, wrong)
    assert log_count(session) == 1
    assert snapshot(session, ada.id, view.card_id) == state
    assert current_question(session, ada.id, quiz.id).number == 2


def test_a_double_answer_from_a_stale_session_returns_the_stored_one(
    session, engine, ada, deck, context
):
    """This session loaded the question unanswered; another request answered it since."""
    quiz = create_quiz(
        session, context(), deck_id=deck.id, subtree_id=concept_id(session, "Groups"), mode="recall"
    )
    view = current_question(session, ada.id, quiz.id)
    held = session.get(QuizQuestion, view.question_id)
    assert held.answered_at is None
    with make_session_factory(engine)() as other:
        answer_question(other, context(), quiz_id=quiz.id, question_id=view.question_id, rating=4)
    result = answer_question(
        session, context(), quiz_id=quiz.id, question_id=view.question_id, rating=1
    )
    assert result.replayed and result.rating == 4
    assert log_count(session) == 1


def test_a_concurrent_double_answer_loses_the_claim_and_rates_nothing(
    session, engine, ada, deck, context, monkeypatch
):
    """Both requests found the question current; the other one commits first."""
    quiz = create_quiz(
        session, context(), deck_id=deck.id, subtree_id=concept_id(session, "Groups"), mode="choice"
    )
    view = current_question(session, ada.id, quiz.id)
    judge = quiz_module._judge
    raced = []

    def judge_after_the_other_request(*args, **kwargs):
        if raced:  # the other request's own judging
            return judge(*args, **kwargs)
        raced.append(True)
        with make_session_factory(engine)() as other:
            answer_question(
                other,
                context(),
                quiz_id=quiz.id,
                question_id=view.question_id,
                concept_id=view.concept_id,
            )
        return judge(*args, **kwargs)

    monkeypatch.setattr(quiz_module, "_judge", judge_after_the_other_request)
    wrong = next(o.concept_id for o in view.options if o.concept_id != view.concept_id)
    result = answer_question(
        session, context(), quiz_id=quiz.id, question_id=view.question_id, concept_id=wrong
    )
    assert result.replayed
    assert (result.correct, result.chosen_concept_id) == (True, view.concept_id)
    assert log_count(session) == 1
    assert session.scalars(select(ReviewLog.rating)).one() == Grade.GOOD


def test_only_the_current_question_can_be_answered(session, ada, deck, context):
    groups = concept_id(session, "Groups")
    quiz = create_quiz(session, context(), deck_id=deck.id, subtree_id=groups, mode="recall")
    other = create_quiz(session, context(), deck_id=deck.id, subtree_id=groups, mode="recall")
    questions = take(session, quiz, ada)
    with pytest.raises(QuestionNotCurrent, match="current one is question 1 of 9"):
        answer_question(
            session, context(), quiz_id=quiz.id, question_id=questions[1].id, rating=3
        )
    with pytest.raises(QuestionNotCurrent):  # a question of another quiz
        answer_question(
            session, context(), quiz_id=quiz.id, question_id=take(session, other, ada)[0].id,
            rating=3,
        )
    with pytest.raises(QuestionNotCurrent):
        answer_question(session, context(), quiz_id=quiz.id, question_id=10**6, rating=3)
    assert log_count(session) == 0


def test_an_answer_must_fit_the_mode(session, ada, deck, context):
    groups = concept_id(session, "Groups")
    recall = create_quiz(session, context(), deck_id=deck.id, subtree_id=groups, mode="recall")
    choice = create_quiz(session, context(), deck_id=deck.id, subtree_id=groups, mode="choice")
    recall_q = current_question(session, ada.id, recall.id)
    choice_q = current_question(session, ada.id, choice.id)
    with pytest.raises(InvalidAnswer):
        answer_question(
            session, context(), quiz_id=recall.id, question_id=recall_q.question_id,
            concept_id=groups,
        )
    with pytest.raises(InvalidAnswer):
        answer_question(
            session, context(), quiz_id=recall.id, question_id=recall_q.question_id, rating=5
        )
    with pytest.raises(InvalidAnswer):
        answer_question(
            session, context(), quiz_id=choice.id, question_id=choice_q.question_id, rating=3
        )
    not_offered = concept_id(session, "Fields")
    assert not_offered not in [o.concept_id for o in choice_q.options]
    with pytest.raises(InvalidAnswer, match="not one of this question's options"):
        answer_question(
            session, context(), quiz_id=choice.id, question_id=choice_q.question_id,
            concept_id=not_offered,
        )
    assert log_count(session) == 0
    assert current_question(session, ada.id, choice.id).number == 1


def test_undo_on_the_study_page_takes_back_a_quiz_rating_and_keeps_the_answer(
    session, ada, deck, context
):
    quiz = create_quiz(
        session, context(), deck_id=deck.id, subtree_id=concept_id(session, "Cosets"), mode="recall"
    )
    view = current_question(session, ada.id, quiz.id)
    answer_question(session, context(), quiz_id=quiz.id, question_id=view.question_id, rating=3)
    undone = undo_last_rating(session, context())
    assert undone.card_id == view.card_id and undone.restored is None
    session.expire_all()
    question = session.get(QuizQuestion, view.question_id)
    assert (question.rating, question.applied_to_fsrs, question.review_log_id) == (3, True, None)
    assert snapshot(session, ada.id, view.card_id) is None
