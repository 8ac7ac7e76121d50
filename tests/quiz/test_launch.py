"""Starting a quiz in the domain: which cards in which order, the choices fixed at creation,
which branches may be quizzed, and what the quiz's rows live with. No HTTP."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from studyapp.errors import NotFound
from studyapp.library.enrolment import is_enrolled, unenrol
from studyapp.quiz.answering import answer_question
from studyapp.quiz.launch import MASKED_SUMMARY, create_quiz
from studyapp.quiz.questions import current_question
from studyapp.scheduling.memory import Grade
from studyapp.scheduling.rating import rate_card
from studyapp.storage.db import transaction
from studyapp.storage.models import (
    Card,
    CardKind,
    Concept,
    Quiz,
    QuizMode,
    QuizQuestion,
)
from tests.support.factories import concept, deck_json, tree
from tests.support.quiz import card_id, concept_id, log_count, remember, take

# Groups (Subgroups, Cosets), Rings (Ideals, Fields): the default deck_json.
MAP_ORDER = ["Groups", "Subgroups", "Cosets", "Rings", "Ideals", "Fields"]
KINDS = [CardKind.RECALL, CardKind.RECOGNISE, CardKind.EXPLAIN]


def titled(session, questions) -> list[tuple[str, str]]:
    titles = {row.id: row.title for row in session.execute(select(Concept.id, Concept.title))}
    kinds = {row.id: row.kind for row in session.execute(select(Card.id, Card.kind))}
    return [(titles[q.concept_id], kinds[q.card_id]) for q in questions]


def test_recall_quiz_asks_every_card_of_the_branch_new_ones_in_map_order(
    session, ada, deck, context
):
    quiz = create_quiz(
        session,
        context(),
        deck_id=deck.id,
        subtree_id=concept_id(session, "Groups"),
        mode="recall",
    )
    assert quiz.question_count == 9
    assert titled(session, take(session, quiz, ada)) == [
        (title, kind.value) for title in ["Groups", "Subgroups", "Cosets"] for kind in KINDS
    ]
    assert quiz.finished_at is None
    assert quiz.practice_only is False


def test_weakest_first_unseen_last_ties_in_map_order(session, ada, deck, context, clock):
    # Three reviewed cards with different recall chances; Cosets' recall card and
    # Subgroups' explain card tie (same memory), so map order decides between them.
    remember(session, ada, clock, card_id(session, "Groups"), stability=100, days_ago=1)
    remember(session, ada, clock, card_id(session, "Cosets"), stability=2, days_ago=30)
    remember(
        session, ada, clock, card_id(session, "Subgroups", CardKind.EXPLAIN),
        stability=2, days_ago=30,
    )
    remember(
        session, ada, clock, card_id(session, "Subgroups", CardKind.RECOGNISE),
        stability=5, days_ago=5,
    )
    quiz = create_quiz(
        session,
        context(),
        deck_id=deck.id,
        subtree_id=concept_id(session, "Groups"),
        mode=QuizMode.RECALL,
    )
    order = titled(session, take(session, quiz, ada))
    assert order[:4] == [
        ("Subgroups", "explain"),  # R low; Subgroups comes before Cosets in the map
        ("Cosets", "recall"),
        ("Subgroups", "recognise"),  # R = 0.9
        ("Groups", "recall"),  # R near 1
    ]
    # New cards last, in map order.
    assert order[4:] == [
        ("Groups", "recognise"),
        ("Groups", "explain"),
        ("Subgroups", "recall"),
        ("Cosets", "recognise"),
        ("Cosets", "explain"),
    ]


def test_a_learning_card_counts_as_seen(session, ada, deck, context, clock):
    rate_card(session, context(), card_id=card_id(session, "Cosets"), grade=Grade.AGAIN)
    quiz = create_quiz(
        session, context(), deck_id=deck.id, subtree_id=concept_id(session, "Groups"), mode="recall"
    )
    assert titled(session, take(session, quiz, ada))[0] == ("Cosets", "recall")


def test_choice_quiz_asks_each_concept_once_on_its_recognise_card(
    session, ada, deck, context, clock
):
    remember(
        session, ada, clock, card_id(session, "Fields", CardKind.RECOGNISE),
        stability=3, days_ago=20,
    )
    quiz = create_quiz(
        session, context(), deck_id=deck.id, subtree_id=concept_id(session, "Rings"), mode="choice"
    )
    questions = take(session, quiz, ada)
    assert titled(session, questions) == [
        ("Fields", "recognise"),
        ("Rings", "recognise"),
        ("Ideals", "recognise"),
    ]
    assert {q.prompt_kind for q in questions} == {MASKED_SUMMARY}


def test_choice_options_are_the_answer_and_branch_concepts_fixed_at_creation(
    session, ada, import_text, context
):
    deck = import_text(
        deck_json(
            key="big",
            concepts=tree(
                [
                    ("Groups", [("Subgroups", []), ("Cosets", []), ("Normal subgroups", [])]),
                    ("Rings", [("Ideals", []), ("Fields", [])]),
                ]
            ),
        )
    ).deck
    groups = concept_id(session, "Groups")
    quiz = create_quiz(session, context(), deck_id=deck.id, subtree_id=groups, mode="choice")
    branch = {concept_id(session, t) for t in ["Groups", "Subgroups", "Cosets", "Normal subgroups"]}
    for question in take(session, quiz, ada):
        assert len(question.options) == 4
        assert question.concept_id in question.options
        assert set(question.options) == branch
    # The stored order is what is shown, every time.
    view = current_question(session, ada.id, quiz.id)
    assert [option.concept_id for option in view.options] == take(session, quiz, ada)[0].options
    assert current_question(session, ada.id, quiz.id) == view


def test_choice_options_borrow_from_the_deck_for_a_small_branch(session, ada, deck, context):
    rings = concept_id(session, "Rings")
    quiz = create_quiz(session, context(), deck_id=deck.id, subtree_id=rings, mode="choice")
    for question in take(session, quiz, ada):
        assert len(question.options) == 4
        assert len(set(question.options)) == 4
        # Ideals and Fields are Rings' children; the fourth comes from elsewhere.
        assert {rings, concept_id(session, "Ideals"), concept_id(session, "Fields")} < set(
            question.options
        )


def test_fewer_options_when_the_deck_has_fewer_than_four_concepts(
    session, ada, import_text, context
):
    deck = import_text(deck_json(key="pair", concepts=[concept("Alpha", [concept("Beta")])])).deck
    quiz = create_quiz(
        session, context(), deck_id=deck.id, subtree_id=concept_id(session, "Alpha"), mode="choice"
    )
    view = current_question(session, ada.id, quiz.id)
    assert sorted(option.title for option in view.options) == ["Alpha", "Beta"]


def test_retired_concepts_are_left_out(session, ada, import_text, context):
    import_text(deck_json())
    deck = import_text(
        deck_json(concepts=tree([("Groups", [("Subgroups", [])]), ("Rings", [])]))
    ).deck
    quiz = create_quiz(
        session, context(), deck_id=deck.id, subtree_id=concept_id(session, "Groups"), mode="choice"
    )
    assert [t for t, _ in titled(session, take(session, quiz, ada))] == ["Groups", "Subgroups"]
    with pytest.raises(NotFound):
        create_quiz(
            session,
            context(),
            deck_id=deck.id,
            subtree_id=concept_id(session, "Cosets"),
            mode="recall",
        )


def test_the_branch_must_be_a_visible_concept_of_that_deck(
    session, ada, make_user, deck, import_text, context
):
    bob = make_user("bob")
    private = import_text(deck_json(key="secret", title="Secret"), owner_id=bob.id).deck
    secret_root = session.scalars(
        select(Concept.id).where(Concept.deck_id == private.id, Concept.parent_id.is_(None))
    ).first()
    with pytest.raises(NotFound):
        create_quiz(session, context(), deck_id=private.id, subtree_id=secret_root, mode="recall")
    with pytest.raises(NotFound):  # a concept of another deck
        create_quiz(session, context(), deck_id=deck.id, subtree_id=secret_root, mode="recall")
    with pytest.raises(NotFound):
        create_quiz(session, context(), deck_id=deck.id, subtree_id=987654, mode="recall")
    assert session.scalar(select(func.count()).select_from(Quiz)) == 0


def test_quizzing_a_deck_not_studied_adds_it_and_keeps_rating_after_removal(
    session, ada, import_text, context
):
    other = import_text(deck_json(key="other", title="Other")).deck
    groups = session.scalar(
        select(Concept.id).where(Concept.deck_id == other.id, Concept.title == "Groups")
    )
    assert not is_enrolled(session, ada.id, other.id)
    quiz = create_quiz(session, context(), deck_id=other.id, subtree_id=groups, mode="recall")
    assert is_enrolled(session, ada.id, other.id)
    first = current_question(session, ada.id, quiz.id)
    answer_question(session, context(), quiz_id=quiz.id, question_id=first.question_id, rating=3)

    # Removed midway: the quiz can still be finished, its answers still rate the cards.
    with transaction(session):
        unenrol(session, ada.id, other.id)
    second = current_question(session, ada.id, quiz.id)
    result = answer_question(
        session, context(), quiz_id=quiz.id, question_id=second.question_id, rating=3
    )
    assert result.applied_to_fsrs
    assert log_count(session) == 2
    assert not is_enrolled(session, ada.id, other.id)


def test_deleting_a_user_deletes_their_quizzes(session, ada, deck, context):
    quiz = create_quiz(
        session, context(), deck_id=deck.id, subtree_id=concept_id(session, "Groups"), mode="choice"
    )
    with transaction(session):
        session.delete(session.get(type(ada), ada.id))
    assert quiz.question_count == 3
    assert session.scalar(select(func.count()).select_from(Quiz)) == 0
    assert session.scalar(select(func.count()).select_from(QuizQuestion)) == 0
