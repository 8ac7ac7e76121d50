"""Answering a quiz's current question: judging the answer and applying its rating.

:func:`answer_question` records an answer and, unless the quiz is practice
only, applies its rating to FSRS in the same transaction. Questions are
answered in order; answering a question again (a double click, a stale page)
returns the stored result and changes nothing. An answer that cannot be taken
is a :class:`QuizError`: :class:`QuestionNotCurrent` or :class:`InvalidAnswer`.

Scoring: in recall mode Hard, Good and Easy count as recalled (correct) and
Again as forgotten; in choice mode a right answer is rated Good and a wrong
one Again on the concept's recognise card.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from studyapp.errors import Conflict, Invalid, StudyappError
from studyapp.quiz.questions import first_unanswered, get_quiz
from studyapp.scheduling.memory import Grade
from studyapp.scheduling.rating import ConcurrentRating, apply_rating
from studyapp.scheduling.study_context import StudyContext
from studyapp.storage.models import Quiz, QuizMode, QuizQuestion

# The lowest rating that counts as recalled in recall mode.
RECALLED_FROM = Grade.HARD


class QuizError(StudyappError):
    """An answer that cannot be taken (the category gives the status)."""


class QuestionNotCurrent(QuizError, Conflict):
    code = "question_not_current"


class InvalidAnswer(QuizError, Invalid):
    code = "invalid_answer"


@dataclass(frozen=True)
class AnswerResult:
    question_id: int
    correct: bool
    answer_concept_id: int
    rating: int
    chosen_concept_id: int | None
    applied_to_fsrs: bool
    replayed: bool  # True when the question had already been answered
    finished: bool


def answer_question(
    session: Session,
    context: StudyContext,
    *,
    quiz_id: int,
    question_id: int,
    concept_id: int | None = None,
    rating: int | None = None,
    duration_ms: int | None = None,
) -> AnswerResult:
    """Record the answer to the quiz's current question and commit it with its FSRS rating.

    A question already answered returns its stored result (``replayed``) and
    changes nothing, whatever is sent. Any other question but the current one
    is :class:`QuestionNotCurrent`; a missing or impossible answer for the
    quiz's mode is :class:`InvalidAnswer`.
    """
    quiz = get_quiz(session, context.user_id, quiz_id)
    question = session.get(QuizQuestion, question_id)
    if question is None or question.quiz_id != quiz.id:
        raise QuestionNotCurrent(f"Question {question_id} is not a question of quiz {quiz.id}.")
    if question.answered_at is not None:
        return _stored_result(session, quiz, question)
    current = first_unanswered(session, quiz.id)
    if current is None or current.id != question.id:
        # Perhaps answered since this session loaded it (a double click's twin).
        session.refresh(question)
        if question.answered_at is not None:
            return _stored_result(session, quiz, question)
        where = (
            f"question {current.position + 1} of {quiz.question_count} (id {current.id})"
            if current
            else "none"
        )
        raise QuestionNotCurrent(
            f"Question {question_id} is not the current question of quiz {quiz.id}: "
            f"questions are answered in order, and the current one is {where}."
        )
    answer_concept_id = question.concept_id

    grade, correct, chosen = _judge(QuizMode(quiz.mode), question, concept_id, rating)
    try:
        claimed = session.execute(
            update(QuizQuestion)
            .where(QuizQuestion.id == question.id, QuizQuestion.answered_at.is_(None))
            .values(
                answered_at=context.now,
                rating=int(grade),
                correct=correct,
                chosen_concept_id=chosen,
                duration_ms=duration_ms,
            )
            .execution_options(synchronize_session=False)
        ).rowcount
        if claimed != 1:
            # Answered meanwhile by a concurrent request (a double click).
            session.rollback()
            session.refresh(question)
            return _stored_result(session, quiz, question)
        applied = False
        if not quiz.practice_only:
            rated = apply_rating(
                session,
                context,
                card_id=question.card_id,
                grade=grade,
                duration_ms=duration_ms,
                request_id=f"quiz:{quiz.id}:{question.id}",
                require_in_queue=False,
            )
            session.execute(
                update(QuizQuestion)
                .where(QuizQuestion.id == question.id)
                .values(applied_to_fsrs=True, review_log_id=rated.review_log_id)
                .execution_options(synchronize_session=False)
            )
            applied = True
        unanswered = session.scalar(
            select(func.count())
            .select_from(QuizQuestion)
            .where(QuizQuestion.quiz_id == quiz.id, QuizQuestion.answered_at.is_(None))
        )
        finished = unanswered == 0
        if finished:
            session.execute(
                update(Quiz)
                .where(Quiz.id == quiz.id, Quiz.finished_at.is_(None))
                .values(finished_at=context.now)
                .execution_options(synchronize_session=False)
            )
        session.commit()
    except (IntegrityError, StaleDataError):
        # The same card was rated at the same moment elsewhere, or this very
        # answer was recorded by a concurrent request.
        session.rollback()
        session.refresh(question)
        if question.answered_at is not None:
            return _stored_result(session, quiz, question)
        raise ConcurrentRating(
            "This card was just rated elsewhere; nothing was recorded, please answer again."
        ) from None
    except BaseException:
        session.rollback()
        raise
    # The rows were written with UPDATE statements: reload them when next read.
    session.expire(question)
    session.expire(quiz)
    return AnswerResult(
        question_id=question_id,
        correct=correct,
        answer_concept_id=answer_concept_id,
        rating=int(grade),
        chosen_concept_id=chosen,
        applied_to_fsrs=applied,
        replayed=False,
        finished=finished,
    )


def _judge(
    mode: QuizMode, question: QuizQuestion, concept_id: int | None, rating: int | None
) -> tuple[Grade, bool, int | None]:
    """The grade the answer counts as, whether it is right, and the concept chosen."""
    if mode == QuizMode.RECALL:
        if rating is None:
            raise InvalidAnswer("A recall question is answered with a rating from 1 to 4.")
        if not 1 <= rating <= 4:
            raise InvalidAnswer("rating must be 1 (Again), 2 (Hard), 3 (Good) or 4 (Easy).")
        grade = Grade(rating)
        return grade, grade >= RECALLED_FROM, None
    if concept_id is None:
        raise InvalidAnswer("A multiple-choice question is answered with the concept_id chosen.")
    if concept_id not in (question.options or []):
        raise InvalidAnswer(f"Concept {concept_id} is not one of this question's options.")
    correct = concept_id == question.concept_id
    return (Grade.GOOD if correct else Grade.AGAIN), correct, concept_id


def _stored_result(session: Session, quiz: Quiz, question: QuizQuestion) -> AnswerResult:
    assert question.rating is not None and question.correct is not None
    return AnswerResult(
        question_id=question.id,
        correct=question.correct,
        answer_concept_id=question.concept_id,
        rating=question.rating,
        chosen_concept_id=question.chosen_concept_id,
        applied_to_fsrs=question.applied_to_fsrs,
        replayed=True,
        finished=first_unanswered(session, quiz.id) is None,
    )
