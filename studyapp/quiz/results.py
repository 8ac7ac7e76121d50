"""A quiz's results: each concept's answers and the branch's mastery before and now.

:func:`quiz_results` gives the result per concept (in map order), right and
answered counts, and the branch's mastery as snapshotted when the quiz was
made (:meth:`BranchMastery.before`) beside its mastery now
(:func:`branch_mastery`, as the map computes it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from studyapp.errors import NotFound
from studyapp.map.mastery import MasteryLevel, SubtreeMastery
from studyapp.map.tree import deck_tree
from studyapp.quiz.launch import preorder
from studyapp.quiz.questions import get_quiz, titles_of
from studyapp.scheduling.study_context import StudyContext
from studyapp.storage.models import CARD_KIND_ORDER, Concept, Quiz, QuizMode, QuizQuestion


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
