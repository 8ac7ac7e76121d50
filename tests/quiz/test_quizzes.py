"""Quizzes in the domain: order, FSRS ratings (or none), choices, idempotent answers, isolation,
and the branch's mastery before and after. No HTTP."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from studyapp.errors import NotFound
from studyapp.library.enrolment import is_enrolled, unenrol
from studyapp.map.mastery import MasteryLevel
from studyapp.quiz import answering as quiz_module
from studyapp.quiz.answering import InvalidAnswer, QuestionNotCurrent, answer_question
from studyapp.quiz.launch import MASKED_SUMMARY, create_quiz
from studyapp.quiz.questions import QuizNotFound, current_question, previous_answer
from studyapp.quiz.results import quiz_results
from studyapp.scheduling.memory import Grade, next_memory_state
from studyapp.scheduling.rating import find_card_state, memory_of, rate_card, undo_last_rating
from studyapp.storage.db import make_session_factory, transaction
from studyapp.storage.models import (
    Card,
    CardKind,
    Concept,
    Quiz,
    QuizMode,
    QuizQuestion,
    ReviewLog,
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


def snapshot(session, user_id: int, card: int):
    session.expire_all()
    state = find_card_state(session, user_id, card)
    return None if state is None else memory_of(state)


# --- creating: which cards, in which order ---------------------------------------------


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


# --- answering ------------------------------------------------------------------------


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


# --- the end ---------------------------------------------------------------------------


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


def test_deleting_a_user_deletes_their_quizzes(session, ada, deck, context):
    quiz = create_quiz(
        session, context(), deck_id=deck.id, subtree_id=concept_id(session, "Groups"), mode="choice"
    )
    with transaction(session):
        session.delete(session.get(type(ada), ada.id))
    assert quiz.question_count == 3
    assert session.scalar(select(func.count()).select_from(Quiz)) == 0
    assert session.scalar(select(func.count()).select_from(QuizQuestion)) == 0


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
