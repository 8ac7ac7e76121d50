"""The quiz pages: start from the deck outline, answer (PRG), see the results; CSRF; isolation.

The last test drives headless Chromium through a quiz by keyboard and saves
screenshots to ``test-artifacts/screenshots/quiz-*.png``.
"""

from __future__ import annotations

import re
from html import unescape

import pytest
from sqlalchemy import func, select

from studyapp.storage.models import Concept, Quiz, ReviewLog
from tests.support.factories import deck_json


def text_of(response) -> str:
    return response.get_data(as_text=True)


def concept_id(session, title: str) -> int:
    return session.scalars(select(Concept.id).where(Concept.title == title)).one()


def log_count(session) -> int:
    session.rollback()
    return session.scalar(select(func.count()).select_from(ReviewLog))


class QuizPage:
    def __init__(self, html: str) -> None:
        self.html = html

    @property
    def question_id(self) -> int:
        return int(re.search(r'name="question_id" value="(\d+)"', self.html).group(1))

    @property
    def progress(self) -> str:
        return re.search(r'id="progress-label">([^<]*)<', self.html).group(1).strip()

    @property
    def front(self) -> str:
        return unescape(re.search(r'id="card-front">([^<]*)<', self.html).group(1))

    @property
    def options(self) -> list[tuple[int, str]]:
        return [
            (int(value), unescape(title))
            for value, title in re.findall(
                r'name="concept_id" value="(\d+)"[^>]*>\s*<kbd[^>]*>.*?</kbd>\s*'
                r'<span class="choice__title">([^<]*)</span>',
                self.html,
                flags=re.S,
            )
        ]

    @property
    def is_results(self) -> bool:
        return 'id="results-title"' in self.html


@pytest.fixture
def ada(make_user, login):
    user = make_user("ada", new_cards_per_day=100)
    login("ada")
    return user


@pytest.fixture
def deck(import_text):
    return import_text(deck_json()).deck


def start(client, deck_id: int, subtree: int, mode: str = "recall", **extra) -> str:
    response = client.post(
        "/quizzes", data={"deck_id": deck_id, "subtree": subtree, "mode": mode, **extra}
    )
    assert response.status_code == 303, text_of(response)[:500]
    return response.headers["Location"]


def page(client, url: str) -> QuizPage:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return QuizPage(text_of(response))


def test_the_deck_outline_offers_a_quiz_of_every_branch(client, ada, deck, session):
    html = text_of(client.get(f"/decks/{deck.id}"))
    assert html.count("Quiz this branch") == 6
    assert html.count('action="/quizzes"') == 6
    assert f'name="subtree" value="{concept_id(session, "Rings")}"' in html
    assert 'name="mode" value="recall" checked' in html
    assert 'name="mode" value="choice"' in html
    assert 'name="practice_only"' in html
    assert 'href="/static/css/quiz.css"' in html
    assert "Study this branch" in html


def test_start_answer_by_rating_and_see_the_results(client, ada, deck, session):
    groups = concept_id(session, "Groups")
    url = start(client, deck.id, groups)
    assert re.fullmatch(r"/quizzes/\d+", url)

    first = page(client, url)
    assert first.progress == "1 of 9"
    assert first.front == "Groups"
    assert "Show answer" in first.html
    assert '<details class="answer" id="answer">' in first.html
    assert "Groups in one sentence." in first.html  # the back, behind the disclosure
    assert first.html.count('type="submit" name="rating"') == 4
    assert 'name="csrf_token"' in first.html
    assert 'src="/static/js/quiz.js"' in first.html
    assert 'href="/static/css/quiz.css"' in first.html
    # Rescheduling: the buttons show the intervals, as on the study page.
    assert re.search(r'class="grade__interval">.*?10m</span>', first.html, flags=re.S)

    response = client.post(f"{url}/answer", data={"question_id": first.question_id, "rating": 3})
    assert response.status_code == 303
    assert response.headers["Location"] == url
    second = page(client, url)
    assert second.progress == "2 of 9"
    assert log_count(session) == 1

    while not (current := page(client, url)).is_results:
        client.post(f"{url}/answer", data={"question_id": current.question_id, "rating": 1})
    results = current.html
    assert "Quiz done: 1 of 9 recalled" in results
    assert "9 of 9 answered" in results
    assert results.count('class="quiz-result quiz-result--wrong"') == 3
    assert re.findall(
        r'class="quiz-result__title">(?:<span[^>]*>[^<]*</span>)?([^<]*)<', results
    ) == [
        "Groups",
        "Subgroups",
        "Cosets",
    ]
    assert (
        'class="quiz-rating quiz-rating--good"><span class="quiz-rating__kind">recall</span> Good'
        in results
    )
    # Mastery before and after, as two bars.
    assert ">Before</p>" in results and ">After</p>" in results
    assert results.count('class="mastery-bar"') == 2
    assert 'mastery-bar__segment--not_started" x="0.000" y="0" width="100.000"' in results
    assert "3 not started" in results and "3 learning" in results
    # Back to the map, focused on the branch.
    assert f'href="/decks/{deck.id}/map?focus={groups}"' in results
    assert 'action="/quizzes"' in results  # quiz again
    assert log_count(session) == 9


def test_a_choice_quiz_tells_right_from_wrong(client, ada, deck, session):
    url = start(client, deck.id, concept_id(session, "Groups"), "choice")
    first = page(client, url)
    assert first.progress == "1 of 3"
    assert first.front == "_____ in one sentence."
    assert "Which concept is this?" in first.html
    assert len(first.options) == 4
    assert [n for n in re.findall(r'data-key="(\d)"', first.html)] == ["1", "2", "3", "4"]
    titles = dict(first.options)
    answer_id = session.scalars(select(Concept.id).where(Concept.title == "Groups")).one()
    assert answer_id in titles

    wrong = next(cid for cid in titles if cid != answer_id)
    client.post(f"{url}/answer", data={"question_id": first.question_id, "concept_id": wrong})
    second = page(client, url)
    assert "Not quite:" in second.html
    assert f"question 1 was “Groups”, not “{titles[wrong]}”" in unescape(second.html)

    right = (
        next(cid for cid, title in second.options if title == "Subgroups")
        if ("Subgroups" in dict(second.options).values())
        else None
    )
    assert right is not None or second.options
    # Answer the current question right: its concept is the one whose summary is shown.
    current = session.scalars(select(Quiz).order_by(Quiz.id.desc())).first().questions[1].concept_id
    client.post(f"{url}/answer", data={"question_id": second.question_id, "concept_id": current})
    third = page(client, url)
    assert "Right:" in third.html and "question 2 was" in third.html

    client.post(
        f"{url}/answer",
        data={"question_id": third.question_id, "concept_id": third.options[0][0]},
    )
    results = page(client, url)
    assert results.is_results
    assert "Quiz done:" in results.html and "right" in results.html
    assert f"You chose “{titles[wrong]}”" in unescape(results.html)


def test_answering_twice_changes_nothing(client, ada, deck, session):
    url = start(client, deck.id, concept_id(session, "Cosets"))
    first = page(client, url)
    form = {"question_id": first.question_id, "rating": 3}
    assert client.post(f"{url}/answer", data=form).status_code == 303
    assert client.post(f"{url}/answer", data={**form, "rating": 1}).status_code == 303
    assert log_count(session) == 1
    assert page(client, url).progress == "2 of 3"


def test_practice_only(client, ada, deck, session):
    url = start(client, deck.id, concept_id(session, "Cosets"), practice_only="y")
    first = page(client, url)
    assert "Practice only" in first.html
    assert "grade__interval" not in first.html  # nothing is rescheduled
    assert "Recalled with effort" in first.html
    while not (current := page(client, url)).is_results:
        client.post(f"{url}/answer", data={"question_id": current.question_id, "rating": 4})
    assert "no card was rescheduled" in current.html
    assert log_count(session) == 0


def test_a_question_out_of_turn_is_refused_with_a_message(client, ada, deck, session):
    url = start(client, deck.id, concept_id(session, "Cosets"))
    first = page(client, url)
    response = client.post(
        f"{url}/answer", data={"question_id": first.question_id + 1, "rating": 3}
    )
    assert response.status_code == 303
    again = page(client, url)
    assert "is not the current question" in again.html
    assert again.progress == "1 of 3"
    assert log_count(session) == 0


def test_a_damaged_form_is_refused(client, ada, deck, session):
    response = client.post("/quizzes", data={"deck_id": deck.id, "subtree": "x", "mode": "recall"})
    assert response.status_code == 303
    assert response.headers["Location"] == f"/decks/{deck.id}"
    response = client.post("/quizzes", data={"subtree": 1, "mode": "essay"})
    assert response.headers["Location"] == "/decks"
    assert session.scalar(select(func.count()).select_from(Quiz)) == 0
    url = start(client, deck.id, concept_id(session, "Cosets"))
    response = client.post(f"{url}/answer", data={"rating": 3})
    assert response.status_code == 303
    assert "could not be recorded" in text_of(client.get(url))


def test_other_users_quizzes_and_branches_are_not_found(
    client, ada, deck, session, make_user, import_text, login
):
    url = start(client, deck.id, concept_id(session, "Cosets"))
    question = page(client, url).question_id
    bob = make_user("bob")
    private = import_text(deck_json(key="bobs", title="Bob's"), owner_id=bob.id).deck
    bobs_root = session.scalars(
        select(Concept.id).where(Concept.deck_id == private.id, Concept.parent_id.is_(None))
    ).first()
    assert (
        client.post(
            "/quizzes", data={"deck_id": private.id, "subtree": bobs_root, "mode": "recall"}
        ).status_code
        == 404
    )
    client.post("/auth/logout")
    login("bob")
    assert client.get(url).status_code == 404
    assert (
        client.post(f"{url}/answer", data={"question_id": question, "rating": 3}).status_code == 404
    )
    assert client.get("/quizzes/999999").status_code == 404
    assert log_count(session) == 0


def test_quizzes_need_a_login(client, deck):
    response = client.get("/quizzes/1")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True}])
def test_csrf_protects_starting_and_answering(client, make_user, deck, session, app_config):
    make_user("ada")
    login_page = text_of(client.get("/auth/login"))
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', login_page).group(1)
    client.post(
        "/auth/login",
        data={"username": "ada", "password": "correct horse battery", "csrf_token": token},
    )
    outline = text_of(client.get(f"/decks/{deck.id}"))
    token = re.search(r'name="csrf_token" value="([^"]+)"', outline).group(1)
    groups = concept_id(session, "Groups")
    form = {"deck_id": deck.id, "subtree": groups, "mode": "recall"}

    refused = client.post("/quizzes", data=form)
    assert refused.status_code == 303  # the expired-form handler sends the user back
    assert session.scalar(select(func.count()).select_from(Quiz)) == 0

    url = start(client, deck.id, groups, csrf_token=token)
    question = page(client, url)
    # The page's own token (signed with the time, so not always the outline's string).
    answer_token = re.search(r'name="csrf_token" value="([^"]+)"', question.html).group(1)
    refused = client.post(f"{url}/answer", data={"question_id": question.question_id, "rating": 3})
    assert refused.status_code == 303
    assert log_count(session) == 0
    client.post(
        f"{url}/answer",
        data={"question_id": question.question_id, "rating": 3, "csrf_token": answer_token},
    )
    assert log_count(session) == 1




