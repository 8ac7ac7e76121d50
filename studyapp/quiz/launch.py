"""Starting a quiz on a branch: every card of a concept's sub-tree, due or not, weakest first.

:func:`create_quiz` fixes the questions up front (so their order and number
never change), with a multiple-choice question's options, and snapshots the
branch's mastery before the quiz (docs/quiz.md describes the rules).

Order: cards the user has reviewed come first, lowest retrievability first;
cards never reviewed (new) come last; ties in map order (a parent before its
children, then recall, recognise, explain). A multiple-choice quiz asks one
question per concept, on its recognise card, ordered by that card.
"""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy.orm import Session

from studyapp.decks.catalogue import visible_concept
from studyapp.errors import NotFound
from studyapp.library.enrolment import enrol
from studyapp.map.mastery import MasteryLevel
from studyapp.map.tree import ConceptNode, deck_tree
from studyapp.quiz.distractors import DistractorPicker, TreeConcept, shuffled_options
from studyapp.scheduling.study_context import StudyContext
from studyapp.storage.models import CARD_KIND_ORDER, CardKind, Quiz, QuizMode, QuizQuestion

# prompt_kind of a multiple-choice question: the summary with the name masked.
MASKED_SUMMARY = "masked_summary"


def create_quiz(
    session: Session,
    context: StudyContext,
    *,
    deck_id: int,
    subtree_id: int,
    mode: QuizMode | str,
    practice_only: bool = False,
) -> Quiz:
    """Create the quiz of ``subtree_id``'s branch with all its questions, and commit.

    :class:`NotFound` unless the concept is a live concept of a deck the user
    may see, and of deck ``deck_id``. Quizzing a branch of a deck the user does
    not study yet adds the deck to their studies, in the same transaction.
    """
    mode = QuizMode(mode)
    root = visible_concept(session, context.user_id, subtree_id)
    if root.deck_id != deck_id:
        raise NotFound(f"There is no concept {subtree_id} in deck {deck_id}.")
    forest = deck_tree(
        session,
        context.user_id,
        deck_id,
        now=context.now,
        scheduler_settings=context.scheduler,
        due_before=context.day.ends_at,  # as the map counts (branch mastery has no due counts)
    )
    deck_nodes = list(preorder(forest))
    branch_root = next(node for node in deck_nodes if node.id == subtree_id)
    branch = list(preorder([branch_root]))
    assert branch_root.subtree is not None
    before = branch_root.subtree

    try:
        enrol(session, context.user_id, deck_id, context.now)
        quiz = Quiz(
            user_id=context.user_id,
            deck_id=deck_id,
            subtree_id=subtree_id,
            mode=mode.value,
            practice_only=practice_only,
            question_count=0,
            created_at=context.now,
            before_not_started=before.levels[MasteryLevel.NOT_STARTED],
            before_learning=before.levels[MasteryLevel.LEARNING],
            before_familiar=before.levels[MasteryLevel.FAMILIAR],
            before_proficient=before.levels[MasteryLevel.PROFICIENT],
            before_mastered=before.levels[MasteryLevel.MASTERED],
            before_mean_retrievability=before.mean_retrievability,
        )
        session.add(quiz)
        session.flush()
        planned = _plan_questions(branch, mode)
        questions = [
            QuizQuestion(
                quiz_id=quiz.id,
                position=position,
                card_id=card_id,
                concept_id=concept_id,
                prompt_kind=MASKED_SUMMARY if mode == QuizMode.CHOICE else kind,
                applied_to_fsrs=False,
            )
            for position, (card_id, concept_id, kind) in enumerate(planned)
        ]
        session.add_all(questions)
        session.flush()
        if mode == QuizMode.CHOICE:
            picker = DistractorPicker(
                [TreeConcept(node.id, node.parent_id, node.title) for node in deck_nodes],
                subtree_id,
            )
            for question in questions:
                distractors = picker.choose(
                    question.concept_id, seed=f"{quiz.id}:{question.concept_id}"
                )
                question.options = shuffled_options(
                    question.concept_id, distractors, f"{quiz.id}:{question.id}"
                )
        quiz.question_count = len(questions)
        if not questions:
            quiz.finished_at = context.now
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return quiz


def preorder(nodes: list[ConceptNode]) -> Iterator[ConceptNode]:
    """Every node of the forest, each parent before its children (map order)."""
    for node in nodes:
        yield node
        yield from preorder(node.children)


def _plan_questions(branch: list[ConceptNode], mode: QuizMode) -> list[tuple[int, int, str]]:
    """(card id, concept id, card kind) in quiz order: reviewed cards weakest first, new last."""
    kind_rank = {kind.value: rank for rank, kind in enumerate(CARD_KIND_ORDER)}
    candidates = []
    for map_index, node in enumerate(branch):
        for card in node.cards:
            if mode == QuizMode.CHOICE and card.kind != CardKind.RECOGNISE.value:
                continue
            is_new = card.state is None
            weakness = 0.0 if card.retrievability is None else card.retrievability
            key = (is_new, weakness, map_index, kind_rank.get(card.kind, len(kind_rank)))
            candidates.append((key, (card.id, node.id, card.kind)))
    candidates.sort(key=lambda pair: pair[0])
    return [planned for _key, planned in candidates]
