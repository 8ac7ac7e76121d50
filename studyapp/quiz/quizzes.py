"""Quizzing a branch: every card of a concept's sub-tree, due or not, weakest first.

Plain Python over a session, used by the quiz pages and the API alike
(docs/quiz.md describes the rules; :mod:`studyapp.quiz.launch` starts a quiz,
:mod:`studyapp.quiz.questions` shows its questions):

* :func:`answer_question` records an answer and, unless the quiz is practice
  only, applies its rating to FSRS in the same transaction — answering a
  question again returns the stored result and changes nothing;
* :func:`quiz_results` gives the result per concept and the branch's mastery
  before and after.

Scoring: in recall mode Hard, Good and Easy count as recalled (correct) and
Again as forgotten; in choice mode a right answer is rated Good and a wrong
one Again on the concept's recognise card.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from studyapp.errors import Conflict, Invalid, NotFound, StudyappError
from studyapp.map.mastery import MasteryLevel, SubtreeMastery
from studyapp.map.tree import deck_tree
from studyapp.quiz.launch import preorder
from studyapp.quiz.questions import first_unanswered, get_quiz, titles_of
from studyapp.scheduling.memory import Grade
from studyapp.scheduling.rating import ConcurrentRating, apply_rating
from studyapp.scheduling.study_context import StudyContext
from studyapp.storage.models import (
    CARD_KIND_ORDER,
    Concept,
    Quiz,
    QuizMode,
    QuizQuestion,
)

# The lowest rating that counts as recalled in recall mode.
RECALLED_FROM = Grade.HARD


class QuizError(StudyappError):
    """An answer that cannot be taken (the category gives the status)."""


class QuestionNotCurrent(QuizError, Conflict):
    code = "question_not_current"


class InvalidAnswer(QuizError, Invalid):
    code = "invalid_answer"


@dataclass(frozen=True)
class BranchMastery:
    """A branch's concepts per mastery level and their mean retrievability (None: none has one)."""

    levels: dict[MasteryLevel, int]
    mean_retrievability: float | None

    @property
    def concept_count(self) -> int:
        return sum(self.levels.values())

    def share(self, level: MasteryLevel) -> float:
        total = self.concept_count
        return self.levels[level] / total if total else 0.0

    @classmethod
    def of_subtree(cls, subtree: SubtreeMastery) -> BranchMastery:
        return cls(dict(subtree.levels), subtree.mean_retrievability)

    @classmethod
    def before(cls, quiz: Quiz) -> BranchMastery:
        return cls(
            {
                MasteryLevel.NOT_STARTED: quiz.before_not_started,
                MasteryLevel.LEARNING: quiz.before_learning,
                MasteryLevel.FAMILIAR: quiz.before_familiar,
                MasteryLevel.PROFICIENT: quiz.before_proficient,
                MasteryLevel.MASTERED: quiz.before_mastered,
            },
            quiz.before_mean_retrievability,
        )


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


@dataclass(frozen=True)
class AnswerRecord:
    """One question of a concept and, if answered, its answer."""

    question_id: int
    card_id: int
    prompt_kind: str
    answered_at: datetime | None
    rating: int | None
    correct: bool | None
    chosen_concept_id: int | None
    applied_to_fsrs: bool


@dataclass
class ConceptResult:
    concept_id: int
    title: str
    answers: list[AnswerRecord] = field(default_factory=list)

    @property
    def given(self) -> list[AnswerRecord]:
        return [answer for answer in self.answers if answer.answered_at is not None]

    @property
    def correct(self) -> bool | None:
        """True when every question of the concept was answered right; None until all are."""
        if not self.answers or any(answer.answered_at is None for answer in self.answers):
            return None
        return all(answer.correct for answer in self.answers)


@dataclass(frozen=True)
class QuizResults:
    quiz_id: int
    deck_id: int
    deck_title: str
    subtree_id: int
    subtree_title: str
    mode: QuizMode
    practice_only: bool
    created_at: datetime
    finished_at: datetime | None
    total: int
    answered: int
    right: int
    concepts: list[ConceptResult]
    titles: dict[int, str]  # every concept named in the results, chosen options included
    mastery_before: BranchMastery
    mastery_after: BranchMastery | None  # None when the branch is no longer in the deck

    @property
    def finished(self) -> bool:
        return self.finished_at is not None


# --- answering -------------------------------------------------------------------------


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


# --- results ---------------------------------------------------------------------------


def quiz_results(session: Session, context: StudyContext, quiz_id: int) -> QuizResults:
    """Each concept's answers (in map order) and the branch's mastery before and now."""
    quiz = get_quiz(session, context.user_id, quiz_id)
    questions = list(
        session.scalars(
            select(QuizQuestion)
            .where(QuizQuestion.quiz_id == quiz.id)
            .order_by(QuizQuestion.position)
        )
    )
    named = {question.concept_id for question in questions} | {
        question.chosen_concept_id
        for question in questions
        if question.chosen_concept_id is not None
    }
    rows = session.execute(
        select(Concept.id, Concept.title, Concept.map_order).where(Concept.id.in_(named))
    ).all()
    titles = {row.id: row.title for row in rows}
    map_order = {row.id: row.map_order for row in rows}
    by_concept: dict[int, ConceptResult] = {}
    for question in questions:
        result = by_concept.setdefault(
            question.concept_id,
            ConceptResult(question.concept_id, titles.get(question.concept_id, "")),
        )
        result.answers.append(
            AnswerRecord(
                question_id=question.id,
                card_id=question.card_id,
                prompt_kind=question.prompt_kind,
                answered_at=question.answered_at,
                rating=question.rating,
                correct=question.correct,
                chosen_concept_id=question.chosen_concept_id,
                applied_to_fsrs=question.applied_to_fsrs,
            )
        )
    kind_rank = {kind.value: rank for rank, kind in enumerate(CARD_KIND_ORDER)}
    for result in by_concept.values():
        result.answers.sort(key=lambda answer: kind_rank.get(answer.prompt_kind, len(kind_rank)))
    concepts = sorted(by_concept.values(), key=lambda result: map_order.get(result.concept_id, 0))
    deck_title, subtree_title = titles_of(session, quiz)
    return QuizResults(
        quiz_id=quiz.id,
        deck_id=quiz.deck_id,
        deck_title=deck_title,
        subtree_id=quiz.subtree_id,
        subtree_title=subtree_title,
        mode=QuizMode(quiz.mode),
        practice_only=quiz.practice_only,
        created_at=quiz.created_at,
        finished_at=quiz.finished_at,
        total=quiz.question_count,
        answered=sum(1 for question in questions if question.answered_at is not None),
        right=sum(1 for question in questions if question.correct),
        concepts=concepts,
        titles=titles,
        mastery_before=BranchMastery.before(quiz),
        mastery_after=branch_mastery(session, context, quiz.deck_id, quiz.subtree_id),
    )


def branch_mastery(
    session: Session, context: StudyContext, deck_id: int, subtree_id: int
) -> BranchMastery | None:
    """The branch's mastery now, as the map computes it; None if it is gone from the deck."""
    try:
        forest = deck_tree(
            session,
            context.user_id,
            deck_id,
            now=context.now,
            scheduler_settings=context.scheduler,
            due_before=context.day.ends_at,  # as the map counts: one memo for both
        )
    except NotFound:
        return None
    for node in preorder(forest):
        if node.id == subtree_id and node.subtree is not None:
            return BranchMastery.of_subtree(node.subtree)
    return None
