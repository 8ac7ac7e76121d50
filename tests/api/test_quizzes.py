"""The quiz endpoints: start, next question (204 at the end), answers, results; errors; schemas."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from studyapp.storage.models import Concept
from tests.support.api import (
    PREFIX,
    ApiClient,
    assert_error,
    assert_matches,
    expect,
    review_log_count,
    signed_in,
)
from tests.support.factories import deck_json


@pytest.fixture
def ada(client, make_user) -> ApiClient:
    return signed_in(client, make_user, "ada", new_cards_per_day=100)


@pytest.fixture
def deck_id(import_text) -> int:
    return import_text(deck_json()).deck.id


@pytest.fixture
def document(client) -> dict[str, Any]:
    return expect(client.get(f"{PREFIX}/openapi.json"), 200).get_json()


def concept_id(session, title: str) -> int:
    return session.scalars(select(Concept.id).where(Concept.title == title)).one()


def start(api: ApiClient, deck: int, subtree: int, mode: str = "recall", **extra: Any):
    return api.post("/quizzes", json={"deck_id": deck, "subtree": subtree, "mode": mode, **extra})


def started(api: ApiClient, deck: int, subtree: int, mode: str = "recall", **extra: Any) -> int:
    return expect(start(api, deck, subtree, mode, **extra), 201).get_json()["quiz_id"]


def next_question(api: ApiClient, quiz: int) -> dict[str, Any] | None:
    response = api.get(f"/quizzes/{quiz}/next")
    if response.status_code == 204:
        assert response.get_data() == b""
        return None
    return expect(response, 200).get_json()


def answer(api: ApiClient, quiz: int, **body: Any):
    return api.post(f"/quizzes/{quiz}/answers", json=body)


def test_a_choice_quiz_from_start_to_results(ada, session, deck_id, document):
    groups = concept_id(session, "Groups")
    response = expect(start(ada, deck_id, groups, "choice"), 201)
    created = response.get_json()
    assert_matches(document, "QuizCreated", created)
    assert created["total"] == 3
    quiz = created["quiz_id"]
    assert response.headers["Location"].endswith(f"{PREFIX}/quizzes/{quiz}")

    answered = []
    while (question := next_question(ada, quiz)) is not None:
        assert_matches(document, "QuizQuestion", question)
        assert "answer" not in question
        assert question["prompt_kind"] == "masked_summary"
        assert question["kind"] == "recognise"
        assert "_____" in question["prompt"]
        options = [option["concept_id"] for option in question["options"]]
        assert len(options) == 4 and question["concept_id"] in options
        # Wrong on the first question, right on the others.
        pick = question["concept_id"]
        if not answered:
            pick = next(o for o in options if o != question["concept_id"])
        result = expect(
            answer(ada, quiz, question_id=question["question_id"], concept_id=pick), 200
        ).get_json()
        assert_matches(document, "QuizAnswerResult", result)
        assert result["correct"] is (pick == question["concept_id"])
        assert result["answer_concept_id"] == question["concept_id"]
        assert result["rating"] == (3 if result["correct"] else 1)
        assert result["applied_to_fsrs"] is True
        answered.append(question["question_id"])
    assert len(answered) == 3
    assert result["finished"] is True

    results = expect(ada.get(f"/quizzes/{quiz}"), 200).get_json()
    assert_matches(document, "QuizResults", results)
    assert {k: results[k] for k in ("deck_id", "subtree", "mode", "practice_only")} == {
        "deck_id": deck_id,
        "subtree": groups,
        "mode": "choice",
        "practice_only": False,
    }
    assert (results["total"], results["answered"], results["right"], results["finished"]) == (
        3,
        3,
        2,
        True,
    )
    assert [c["title"] for c in results["concepts"]] == ["Groups", "Subgroups", "Cosets"]
    assert sorted(c["correct"] for c in results["concepts"]) == [False, True, True]
    assert results["mastery_before"] == {
        "levels": {
            "not_started": 3,
            "learning": 0,
            "familiar": 0,
            "proficient": 0,
            "mastered": 0,
        },
        "mean_retrievability": None,
    }
    assert results["mastery_after"]["levels"]["learning"] == 3
    assert results["mastery_after"]["mean_retrievability"] == pytest.approx(1.0)
    assert review_log_count(session) == 3


def test_a_recall_question_carries_its_answer_to_flip_to(ada, session, deck_id, document):
    quiz = started(ada, deck_id, concept_id(session, "Cosets"))
    question = next_question(ada, quiz)
    assert_matches(document, "QuizQuestion", question)
    assert "options" not in question
    assert (question["number"], question["total"], question["kind"]) == (1, 3, "recall")
    assert (question["prompt"], question["answer"], question["context"]) == (
        "Cosets",
        "Cosets in one sentence.",
        "Groups",
    )
    result = expect(
        answer(ada, quiz, question_id=question["question_id"], rating=2, duration_ms=1500), 200
    ).get_json()
    assert (result["correct"], result["rating"], result["chosen_concept_id"]) == (True, 2, None)
    again = expect(answer(ada, quiz, question_id=question["question_id"], rating=1), 200)
    assert again.get_json() == {**result, "replayed": True}
    assert review_log_count(session) == 1
    assert next_question(ada, quiz)["number"] == 2


def test_practice_only_records_answers_without_rating(ada, session, deck_id, document):
    quiz = started(ada, deck_id, concept_id(session, "Cosets"), practice_only=True)
    while (question := next_question(ada, quiz)) is not None:
        result = expect(answer(ada, quiz, question_id=question["question_id"], rating=1), 200)
        assert result.get_json()["applied_to_fsrs"] is False
    results = expect(ada.get(f"/quizzes/{quiz}"), 200).get_json()
    assert_matches(document, "QuizResults", results)
    assert results["practice_only"] is True
    assert [a["rating"] for a in results["concepts"][0]["answers"]] == [1, 1, 1]
    assert results["mastery_after"] == results["mastery_before"]
    assert review_log_count(session) == 0


def test_after_the_last_answer_next_is_204(ada, session, deck_id):
    quiz = started(ada, deck_id, concept_id(session, "Subgroups"), "choice")
    question = next_question(ada, quiz)
    expect(
        answer(ada, quiz, question_id=question["question_id"], concept_id=question["concept_id"]),
        200,
    )
    assert next_question(ada, quiz) is None
    assert next_question(ada, quiz) is None


def test_only_the_current_question_may_be_answered(ada, session, deck_id, document):
    quiz = started(ada, deck_id, concept_id(session, "Groups"))
    other = started(ada, deck_id, concept_id(session, "Groups"))
    first = next_question(ada, quiz)["question_id"]
    later = first + 1
    error = assert_error(
        answer(ada, quiz, question_id=later, rating=3), 409, "question_not_current"
    )
    assert "current one is question 1 of 9" in error["message"]
    assert_matches(document, "Error", answer(ada, quiz, question_id=later, rating=3).get_json())
    other_first = next_question(ada, other)["question_id"]
    assert_error(answer(ada, quiz, question_id=other_first, rating=3), 409, "question_not_current")
    assert_error(answer(ada, quiz, question_id=123456, rating=3), 409, "question_not_current")
    assert review_log_count(session) == 0


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"deck_id": 1, "subtree": 1},
        {"deck_id": 1, "subtree": 1, "mode": "essay"},
        {"deck_id": 1, "subtree": 1, "mode": 3},
        {"deck_id": "1", "subtree": 1, "mode": "recall"},
        {"deck_id": 1, "subtree": 0, "mode": "recall"},
        {"deck_id": 1, "subtree": 2**40, "mode": "recall"},
        {"deck_id": 1, "subtree": 1, "mode": "recall", "practice_only": "yes"},
        {"deck_id": 1, "subtree": 1, "mode": "recall", "practice_only": 1},
        [1, 2],
    ],
)
def test_a_bad_start_body_is_422(ada, deck_id, body):
    assert_error(ada.post("/quizzes", json=body), 422, "invalid_request")


def test_a_start_body_that_is_not_json_is_400(ada):
    assert_error(
        ada.post("/quizzes", data="{nope", content_type="application/json"), 400, "invalid_json"
    )


def test_a_branch_not_visible_or_not_in_the_deck_is_404(
    client, ada, make_user, session, import_text, deck_id
):
    bob = signed_in(client, make_user, "bob")
    private = import_text(deck_json(key="bobs", title="Bob's"), owner_id=bob.user.id).deck.id
    bobs_root = session.scalars(
        select(Concept.id).where(Concept.deck_id == private, Concept.parent_id.is_(None))
    ).first()
    assert_error(start(ada, private, bobs_root), 404, "not_found")
    assert_error(start(ada, deck_id, bobs_root), 404, "not_found")
    assert_error(start(ada, deck_id, 999999), 404, "not_found")
    expect(start(bob, private, bobs_root), 201)


@pytest.mark.parametrize(
    ("mode", "body"),
    [
        ("recall", {"concept_id": 1}),
        ("recall", {}),
        ("choice", {"rating": 3}),
        ("choice", {}),
    ],
)
def test_an_answer_that_does_not_fit_the_mode_is_422(ada, session, deck_id, mode, body):
    quiz = started(ada, deck_id, concept_id(session, "Groups"), mode)
    question = next_question(ada, quiz)
    assert_error(
        answer(ada, quiz, question_id=question["question_id"], **body), 422, "invalid_answer"
    )
    assert next_question(ada, quiz)["question_id"] == question["question_id"]


@pytest.mark.parametrize(
    "body",
    [
        {"rating": 3},
        {"question_id": "x", "rating": 3},
        {"question_id": 1, "rating": 5},
        {"question_id": 1, "rating": 0},
        {"question_id": 1, "rating": 2.5},
        {"question_id": 1, "concept_id": -1},
        {"question_id": 1, "rating": 3, "duration_ms": -5},
    ],
)
def test_a_malformed_answer_is_422(ada, session, deck_id, body):
    quiz = started(ada, deck_id, concept_id(session, "Groups"))
    assert_error(answer(ada, quiz, **body), 422, "invalid_request")


def test_a_choice_not_offered_is_422(ada, session, deck_id):
    quiz = started(ada, deck_id, concept_id(session, "Groups"), "choice")
    question = next_question(ada, quiz)
    offered = {o["concept_id"] for o in question["options"]}
    elsewhere = next(c for c in session.scalars(select(Concept.id)) if c not in offered)
    error = assert_error(
        answer(ada, quiz, question_id=question["question_id"], concept_id=elsewhere),
        422,
        "invalid_answer",
    )
    assert "not one of this question's options" in error["message"]


def test_another_users_quiz_is_404_everywhere(client, ada, make_user, session, deck_id):
    quiz = started(ada, deck_id, concept_id(session, "Groups"))
    question = next_question(ada, quiz)
    eve = signed_in(client, make_user, "eve")
    assert_error(eve.get(f"/quizzes/{quiz}"), 404, "not_found")
    assert_error(eve.get(f"/quizzes/{quiz}/next"), 404, "not_found")
    assert_error(answer(eve, quiz, question_id=question["question_id"], rating=3), 404, "not_found")
    assert_error(ada.get("/quizzes/999999"), 404, "not_found")
    assert_error(ada.get(f"/quizzes/{2**31}"), 404)
    assert review_log_count(session) == 0


def test_quizzes_need_a_token(client, deck_id):
    anonymous = ApiClient(client)
    assert_error(anonymous.post("/quizzes", json={}), 401, "unauthorized")
    assert_error(anonymous.get("/quizzes/1"), 401, "unauthorized")
    assert_error(anonymous.get("/quizzes/1/next"), 401, "unauthorized")
    assert_error(anonymous.post("/quizzes/1/answers", json={}), 401, "unauthorized")


def test_the_quiz_paths_are_documented(document):
    assert {
        "/quizzes",
        "/quizzes/{quiz_id}",
        "/quizzes/{quiz_id}/next",
        "/quizzes/{quiz_id}/answers",
    } <= set(document["paths"])
    for name in ("QuizRequest", "QuizAnswerRequest"):
        assert name in document["components"]["schemas"]
