"""Showing a quiz: the user's quiz, its current question and the answer before it.

* :func:`get_quiz` is the user's quiz (:class:`QuizNotFound` for anyone else's);
* :func:`current_question` is the first unanswered question, with what the page
  around it needs (faces or options), or None when the quiz is over;
* :func:`previous_answer` is the latest answer, for feedback beside the next
  question.

A multiple-choice question shows the concept's summary with its name masked,
and the options fixed when the quiz was made.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from studyapp.decks.card_faces import CardFaces, make_faces, mask_name
from studyapp.errors import NotFound
from studyapp.storage.models import Card, Concept, Deck, Quiz, QuizMode, QuizQuestion


class QuizNotFound(NotFound):
    """No such quiz among the user's (another user's quiz is not found either)."""


@dataclass(frozen=True)
class Option:
    concept_id: int
    title: str


@dataclass(frozen=True)
class QuestionView:
    """The question to show now, with what the page around it needs."""

    quiz_id: int
    question_id: int
    number: int  # 1-based
    total: int
    mode: QuizMode
    practice_only: bool
    deck_id: int
    deck_title: str
    subtree_id: int
    subtree_title: str
    card_id: int
    concept_id: int
    kind: str  # the card's kind
    prompt_kind: str
    prompt: str
    faces: CardFaces
    options: list[Option] | None  # choice mode only

    @property
    def answered(self) -> int:
        return self.number - 1

    @property
    def answer(self) -> str | None:
        """The back of the card (recall mode), for a client that flips it."""
        return self.faces.back if self.mode == QuizMode.RECALL else None


def get_quiz(session: Session, user_id: int, quiz_id: int) -> Quiz:
    """The user's quiz; :class:`QuizNotFound` for a missing one and for anyone else's."""
    quiz = session.scalars(
        select(Quiz).where(Quiz.id == quiz_id, Quiz.user_id == user_id)
    ).one_or_none()
    if quiz is None:
        raise QuizNotFound(f"There is no quiz {quiz_id} of yours.")
    return quiz


def first_unanswered(session: Session, quiz_id: int) -> QuizQuestion | None:
    """The quiz's current question: its first unanswered one, or None when it is over."""
    return session.scalars(
        select(QuizQuestion)
        .where(QuizQuestion.quiz_id == quiz_id, QuizQuestion.answered_at.is_(None))
        .order_by(QuizQuestion.position)
        .limit(1)
    ).first()


def current_question(session: Session, user_id: int, quiz_id: int) -> QuestionView | None:
    """The first unanswered question of the user's quiz, or None when it is over."""
    quiz = get_quiz(session, user_id, quiz_id)
    question = first_unanswered(session, quiz.id)
    if question is None:
        return None
    concept = session.get(Concept, question.concept_id)
    card = session.get(Card, question.card_id)
    assert concept is not None and card is not None
    parent = session.get(Concept, concept.parent_id) if concept.parent_id else None
    deck_title, subtree_title = titles_of(session, quiz)
    faces = make_faces(
        card.kind, concept.title, concept.summary, concept.detail, parent.title if parent else None
    )
    mode = QuizMode(quiz.mode)
    options: list[Option] | None = None
    prompt = faces.front
    if mode == QuizMode.CHOICE:
        prompt = mask_name(concept.summary, concept.title)
        titles = _concept_titles(session, question.options or [])
        options = [
            Option(concept_id, titles[concept_id])
            for concept_id in question.options or []
            if concept_id in titles
        ]
    return QuestionView(
        quiz_id=quiz.id,
        question_id=question.id,
        number=question.position + 1,
        total=quiz.question_count,
        mode=mode,
        practice_only=quiz.practice_only,
        deck_id=quiz.deck_id,
        deck_title=deck_title,
        subtree_id=quiz.subtree_id,
        subtree_title=subtree_title,
        card_id=card.id,
        concept_id=concept.id,
        kind=card.kind,
        prompt_kind=question.prompt_kind,
        prompt=prompt,
        faces=faces,
        options=options,
    )


def titles_of(session: Session, quiz: Quiz) -> tuple[str, str]:
    """The titles of the quiz's deck and of its branch's root concept."""
    deck_title, subtree_title = session.execute(
        select(Deck.title, Concept.title)
        .join(Concept, Concept.deck_id == Deck.id)
        .where(Deck.id == quiz.deck_id, Concept.id == quiz.subtree_id)
    ).one()
    return deck_title, subtree_title


def _concept_titles(session: Session, concept_ids: list[int]) -> dict[int, str]:
    if not concept_ids:
        return {}
    rows = session.execute(
        select(Concept.id, Concept.title).where(Concept.id.in_(set(concept_ids)))
    ).all()
    return {row.id: row.title for row in rows}


@dataclass(frozen=True)
class PreviousAnswer:
    """The latest answer of a quiz, for feedback beside the next question."""

    question_id: int
    number: int
    prompt_kind: str
    correct: bool
    rating: int
    answer_title: str
    chosen_title: str | None


def previous_answer(session: Session, user_id: int, quiz_id: int) -> PreviousAnswer | None:
    """The quiz's latest answered question, or None before the first answer."""
    quiz = get_quiz(session, user_id, quiz_id)
    question = session.scalars(
        select(QuizQuestion)
        .where(QuizQuestion.quiz_id == quiz.id, QuizQuestion.answered_at.is_not(None))
        .order_by(QuizQuestion.position.desc())
        .limit(1)
    ).first()
    if question is None or question.rating is None or question.correct is None:
        return None
    ids = [question.concept_id]
    if question.chosen_concept_id is not None:
        ids.append(question.chosen_concept_id)
    titles = _concept_titles(session, ids)
    return PreviousAnswer(
        question_id=question.id,
        number=question.position + 1,
        prompt_kind=question.prompt_kind,
        correct=question.correct,
        rating=question.rating,
        answer_title=titles.get(question.concept_id, ""),
        chosen_title=titles.get(question.chosen_concept_id)
        if question.chosen_concept_id is not None
        else None,
    )
