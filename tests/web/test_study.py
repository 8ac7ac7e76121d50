"""The review screen: next card, answering through the form, undo, the day's summary, scopes."""

from __future__ import annotations

import re
from html import unescape

import pytest
from sqlalchemy import func, select

from studyapp.library.enrolment import is_enrolled
from studyapp.scheduling.intervals import format_interval
from studyapp.scheduling.memory import Grade, preview_grades
from studyapp.scheduling.rating import memory_of
from studyapp.scheduling.study_context import StudyContext
from studyapp.storage.models import Card, CardKind, CardState, Concept, Enrolment, ReviewLog
from tests.support.factories import deck_json, flat_deck_json


def text_of(response) -> str:
    return response.get_data(as_text=True)


class Page:
    """The parts of a study page the tests look at."""

    def __init__(self, html: str) -> None:
        self.html = html

    def _field(self, name: str) -> str | None:
        match = re.search(rf'name="{name}" value="([^"]*)"', self.html)
        return match.group(1) if match else None

    @property
    def front(self) -> str:
        return unescape(re.search(r'id="card-front">([^<]*)<', self.html).group(1))

    @property
    def kind(self) -> str:
        return re.search(r'class="kind-tag kind-tag--(\w+)"', self.html).group(1)

    @property
    def card_id(self) -> int:
        return int(self._field("card_id"))

    @property
    def request_id(self) -> str:
        return self._field("request_id")

    @property
    def intervals(self) -> dict[str, str]:
        return dict(
            re.findall(
                r'<span class="grade__label">(\w+)</span>\s*<span class="grade__interval">'
                r'<span class="visually-hidden">[^<]*</span>([^<]+)</span>',
                self.html,
            )
        )

    @property
    def is_done(self) -> bool:
        return 'id="done-title"' in self.html

    def answer(self, grade: Grade, **extra: object) -> dict[str, object]:
        form = {"card_id": self.card_id, "request_id": self.request_id, "rating": int(grade)}
        for name in ("deck", "subtree"):
            if self._field(name):
                form[name] = self._field(name)
        form.update(extra)
        return form


def study(client, **params) -> Page:
    response = client.get("/study", query_string=params)
    assert response.status_code == 200, response.status_code
    return Page(text_of(response))


def answer(client, page: Page, grade: Grade, **extra):
    return client.post("/study/rate", data=page.answer(grade, **extra))


def review_logs(session) -> list[ReviewLog]:
    session.expire_all()
    return list(session.scalars(select(ReviewLog).order_by(ReviewLog.id)))


def card_of(session, title: str, kind: CardKind = CardKind.RECALL) -> Card:
    return session.scalars(
        select(Card)
        .join(Concept, Concept.id == Card.concept_id)
        .where(Concept.title == title, Card.kind == kind.value)
    ).one()


def state_of(session, card_id: int) -> CardState | None:
    session.expire_all()
    return session.scalars(select(CardState).where(CardState.card_id == card_id)).one_or_none()


@pytest.fixture
def ada(make_user, login, import_text):
    user = make_user("ada")
    import_text(deck_json(), studied_by=user)
    login("ada")
    return user


def test_first_card_is_the_first_concepts_recall_card(client, session, ada):
    page = study(client)
    assert page.front == "Groups"
    assert page.kind == "recall"
    assert page.card_id == card_of(session, "Groups").id
    assert "What is this?" in page.html
    # The answer is in the page behind a disclosure, so it works without JavaScript.
    assert '<details class="answer" id="answer">' in page.html
    assert "Show answer" in page.html
    assert "Groups in one sentence." in page.html
    assert page.html.count('type="submit" name="rating"') == 4
    assert 'src="/static/js/study.js"' in page.html


def test_study_page_shows_counts_and_progress(client, ada):
    page = study(client)
    assert re.search(r'count--new count--current"><span class="count__value">6</span>', page.html)
    assert '<span class="count__label">learning</span>' in page.html
    assert '<span class="count__label">to review</span>' in page.html
    assert 'role="progressbar"' in page.html
    assert 'aria-valuenow="0"' in page.html
    assert "0 of 6 done today" in page.html


def test_the_context_is_the_parent_title(client, session, ada):
    answer(client, study(client), Grade.EASY)
    page = study(client)
    assert page.front == "Subgroups"
    assert "in <strong>Groups</strong>" in page.html


def test_buttons_show_the_interval_each_answer_would_give(client, clock, ada):
    page = study(client)
    context = StudyContext.for_user(ada.settings, clock.now(), enable_fuzzing=False)
    expected = {
        grade.label: format_interval(state.due - clock.now())
        for grade, state in preview_grades(
            None, clock.now(), context.scheduler, card_id=page.card_id
        ).items()
    }
    assert page.intervals == expected
    # Default learning steps are 1m 10m: Again waits one step, Good the next.
    assert page.intervals["Again"] == "1m"
    assert page.intervals["Good"] == "10m"
    assert page.intervals["Easy"].endswith("d")


def test_buttons_of_a_card_in_learning_follow_its_state(client, clock, session, ada):
    first = study(client)
    answer(client, first, Grade.AGAIN)
    clock.advance(minutes=2)
    page = study(client)
    assert page.card_id == first.card_id
    assert page.kind == "recall"
    context = StudyContext.for_user(ada.settings, clock.now(), enable_fuzzing=False)
    before = memory_of(state_of(session, page.card_id))
    expected = {
        grade.label: format_interval(state.due - clock.now())
        for grade, state in preview_grades(
            before, clock.now(), context.scheduler, card_id=page.card_id
        ).items()
    }
    assert page.intervals == expected


def test_answering_moves_the_card_and_shows_the_next(client, session, clock, ada):
    page = study(client)
    response = answer(client, page, Grade.GOOD, duration_ms="4321")
    assert response.status_code == 303
    assert response.location == "/study"
    state = state_of(session, page.card_id)
    assert state is not None
    assert state.state == 1  # learning
    assert state.due > clock.now()
    [log] = review_logs(session)
    assert (log.card_id, log.rating, log.duration_ms) == (page.card_id, 3, 4321)
    assert log.request_id == page.request_id

    following = study(client)
    assert following.front == "Subgroups"
    assert following.request_id != page.request_id
    # Five new cards and Groups, which comes back later today.
    assert "1 of 7 done today" in following.html


def test_a_repeated_request_is_applied_once(client, session, ada):
    page = study(client)
    first = answer(client, page, Grade.GOOD)
    again = answer(client, page, Grade.GOOD)
    assert first.status_code == again.status_code == 303
    assert len(review_logs(session)) == 1
    assert "not due" not in text_of(client.get("/study"))


def test_answering_a_card_that_is_not_due_is_refused(client, session, ada):
    page = study(client)
    answer(client, page, Grade.EASY)  # now in review, due in days
    state_before = state_of(session, page.card_id)
    due_before, version_before = state_before.due, state_before.version
    # The same card again with a fresh request id (another tab, say).
    response = answer(client, page, Grade.AGAIN, request_id="f" * 32)
    assert response.status_code == 303
    html = text_of(client.get(response.location))
    assert "That card is not due for you now" in html
    assert len(review_logs(session)) == 1
    state_after = state_of(session, page.card_id)
    assert (state_after.due, state_after.version) == (due_before, version_before)


def test_a_buried_sibling_is_not_due_either(client, session, ada):
    page = study(client)
    answer(client, page, Grade.GOOD)
    sibling = card_of(session, "Groups", CardKind.RECOGNISE)
    response = answer(client, page, Grade.GOOD, card_id=sibling.id, request_id="a" * 32)
    assert "That card is not due for you now" in text_of(client.get(response.location))
    assert state_of(session, sibling.id) is None


def test_a_card_of_another_users_private_deck_is_not_found(
    client, session, make_user, import_text, ada
):
    bob = make_user("bob")
    deck = import_text(deck_json(key="secret", title="Secret"), owner_id=bob.id).deck
    secret = session.scalar(
        select(Card.id)
        .join(Concept, Concept.id == Card.concept_id)
        .where(Concept.deck_id == deck.id)
    )
    page = study(client)
    response = answer(client, page, Grade.GOOD, card_id=secret)
    assert f"There is no card {secret} in your decks." in text_of(client.get(response.location))
    assert review_logs(session) == []


@pytest.mark.parametrize(
    "damage",
    [
        {"rating": "7"},
        {"rating": ""},
        {"card_id": "abc"},
        {"request_id": "not-a-uuid"},
        {"duration_ms": "-5"},
        {"deck": "x"},
    ],
)
def test_a_malformed_answer_changes_nothing(client, session, ada, damage):
    page = study(client)
    response = answer(client, page, Grade.GOOD, **damage)
    assert response.status_code == 303
    html = text_of(client.get(response.location))
    assert "could not be recorded" in html
    assert review_logs(session) == []
    assert Page(html).front == "Groups"


def test_a_very_long_answer_time_is_clamped(client, session, ada):
    answer(client, study(client), Grade.GOOD, duration_ms=str(3 * 60 * 60 * 1000))
    [log] = review_logs(session)
    assert log.duration_ms == 10 * 60 * 1000


def test_undo_restores_the_card(client, session, ada):
    page = study(client)
    answer(client, page, Grade.GOOD)
    assert state_of(session, page.card_id) is not None
    assert "Undo last answer" in study(client).html

    response = client.post("/study/undo", data={})
    assert response.status_code == 303
    html = text_of(client.get(response.location))
    assert "Undid your Good answer on “Groups”; it is new again." in html
    assert state_of(session, page.card_id) is None
    assert review_logs(session) == []
    assert Page(html).front == "Groups"
    assert "Undo last answer" not in html


def test_undo_of_a_second_answer_restores_the_earlier_state(client, session, clock, ada):
    page = study(client)
    answer(client, page, Grade.AGAIN)
    before = state_of(session, page.card_id)
    remembered = (before.state, before.step, before.due, before.reps)
    clock.advance(minutes=2)
    answer(client, study(client), Grade.GOOD)
    client.post("/study/undo", data={})
    after = state_of(session, page.card_id)
    assert (after.state, after.step, after.due, after.reps) == remembered
    assert len(review_logs(session)) == 1


def test_nothing_to_undo_says_so(client, ada):
    response = client.post("/study/undo", data={})
    assert response.status_code == 303
    assert "Nothing to undo" in text_of(client.get(response.location))


def test_learning_cards_are_shown_early_when_nothing_else_is_left(
    client, make_user, login, import_text
):
    cyd = make_user("cyd", new_cards_per_day=1)
    import_text(deck_json(), studied_by=cyd)
    login("cyd")
    answer(client, study(client), Grade.GOOD)  # due again in 10 minutes
    page = study(client)
    assert page.front == "Groups"
    assert "being shown early" in page.html


def test_the_done_page_sums_up_the_day(client, session, clock, make_user, login, import_text):
    cyd = make_user("cyd", new_cards_per_day=3, learning_steps="1h")
    import_text(deck_json(), studied_by=cyd)
    login("cyd")
    answer(client, study(client), Grade.EASY, duration_ms="30000")
    answer(client, study(client), Grade.AGAIN, duration_ms="65000")  # back in an hour
    answer(client, study(client), Grade.EASY, duration_ms="5000")
    page = study(client)
    assert page.is_done
    html = page.html
    assert "Well done" in html
    assert re.search(r"<dt>Cards reviewed today</dt><dd>3</dd>", html)
    assert re.search(r"<dt>Time spent</dt><dd>1 min 40 s</dd>", html)
    assert re.search(r"<dt>Answered “Again”</dt><dd>1</dd>", html)
    assert re.search(r"<dt>Reviews due tomorrow</dt><dd>0</dd>", html)
    assert "Next learning card due" in html
    assert "10:00" in html and "(in 1h)" in html  # 09:00 UTC plus one hour
    assert "1 learning card will come due again later today." in html
    assert 'href="/">Back to your decks' in html
    assert "Undo last answer" in html


def test_reviews_due_tomorrow_are_counted(client, clock, make_user, login, import_text):
    cyd = make_user("cyd", new_cards_per_day=1, learning_steps="")
    import_text(deck_json(), studied_by=cyd)
    login("cyd")
    page = study(client)
    assert page.intervals["Again"] == "1d"  # without learning steps a new card goes to review
    answer(client, page, Grade.AGAIN)
    html = study(client).html
    assert re.search(r"<dt>Reviews due tomorrow</dt><dd>1</dd>", html)


def test_nothing_due_says_so(client, make_user, login, import_text):
    cyd = make_user("cyd", new_cards_per_day=0)
    import_text(deck_json(), studied_by=cyd)
    login("cyd")
    page = study(client)
    assert page.is_done
    assert "Nothing to study right now" in page.html
    assert "Undo last answer" not in page.html


def test_study_one_deck(client, session, make_user, login, import_text):
    ada = make_user("ada")
    import_text(deck_json(), studied_by=ada)
    other = import_text(flat_deck_json(3, key="other"), studied_by=ada).deck
    login("ada")
    page = study(client, deck=other.id)
    assert page.front == "C000"
    assert "Studying" in page.html and ">Other<" in page.html.replace("\n", "")
    response = answer(client, page, Grade.EASY)
    assert response.location == f"/study?deck={other.id}"
    assert study(client, deck=other.id).front == "C001"
    undo = client.post("/study/undo", data={"deck": other.id})
    assert undo.location == f"/study?deck={other.id}"


def test_study_one_branch(client, session, ada):
    rings = session.scalar(select(Concept).where(Concept.title == "Rings"))
    page = study(client, subtree=rings.id)
    assert page.front == "Rings"
    assert "branch of" in page.html
    response = answer(client, page, Grade.EASY)
    assert response.location == f"/study?subtree={rings.id}"
    assert study(client, subtree=rings.id).front == "Ideals"
    answer(client, study(client, subtree=rings.id), Grade.EASY)
    answer(client, study(client, subtree=rings.id), Grade.EASY)
    done = study(client, subtree=rings.id)
    assert done.is_done
    assert 'href="/study">Study all decks' in done.html
    # The rest of the deck is still waiting.
    assert study(client).front == "Groups"


def test_deck_and_branch_together(client, session, ada):
    groups = session.scalar(select(Concept).where(Concept.title == "Groups"))
    page = study(client, deck=groups.deck_id, subtree=groups.id)
    assert page.front == "Groups"
    response = answer(client, page, Grade.EASY)
    assert response.location == f"/study?deck={groups.deck_id}&subtree={groups.id}"


@pytest.mark.parametrize("params", [{"deck": "abc"}, {"deck": "999999"}, {"subtree": "999999"}])
def test_an_unknown_scope_is_not_found(client, ada, params):
    assert client.get("/study", query_string=params).status_code == 404


def test_a_foreign_scope_is_not_found(client, session, make_user, import_text, ada):
    bob = make_user("bob")
    secret = import_text(deck_json(key="secret", title="Secret"), owner_id=bob.id).deck
    secret_concept = session.scalar(select(Concept.id).where(Concept.deck_id == secret.id).limit(1))
    mine = session.scalar(select(Concept).where(Concept.title == "Groups"))
    other_public = import_text(flat_deck_json(2, key="else")).deck
    assert client.get(f"/study?deck={secret.id}").status_code == 404
    assert client.get(f"/study?subtree={secret_concept}").status_code == 404
    # A branch that is not in the named deck.
    assert client.get(f"/study?deck={other_public.id}&subtree={mine.id}").status_code == 404


def test_a_deck_not_studied_asks_before_it_is_added(client, session, make_user, login, import_text):
    ada = make_user("ada")
    deck = import_text(deck_json()).deck
    login("ada")
    html = text_of(client.get(f"/study?deck={deck.id}"))
    assert "“Algebra” is not in your studies yet" in html
    assert "adds the deck to your studies" in html
    assert 'name="card_id"' not in html  # no card is shown, nothing is added by looking
    assert not is_enrolled(session, ada.id, deck.id)

    response = client.post("/study/start", data={"deck": deck.id})
    assert response.status_code == 303
    assert response.location == f"/study?deck={deck.id}"
    page = study(client, deck=deck.id)
    assert "Added “Algebra” to your studies" in page.html
    assert page.card_id == card_of(session, "Groups").id
    assert is_enrolled(session, ada.id, deck.id)
    again = client.post("/study/start", data={"deck": deck.id})  # a double click
    assert again.status_code == 303
    assert "Added" not in text_of(client.get(again.location))


def test_starting_a_branch_review_adds_its_deck(client, session, make_user, login, import_text):
    ada = make_user("ada")
    import_text(deck_json())
    rings = session.scalar(select(Concept).where(Concept.title == "Rings"))
    login("ada")
    html = text_of(client.get(f"/study?subtree={rings.id}"))
    assert "Review “Rings”" in html and "Starting this review adds the deck" in html
    response = client.post("/study/start", data={"subtree": rings.id})
    assert response.location == f"/study?subtree={rings.id}"
    assert study(client, subtree=rings.id).card_id == card_of(session, "Rings").id
    assert is_enrolled(session, ada.id, rings.deck_id)


def test_starting_a_deck_one_may_not_see_is_not_found(
    client, session, make_user, login, import_text
):
    make_user("ada")
    bob = make_user("bob")
    secret = import_text(deck_json(key="secret"), owner_id=bob.id).deck
    login("ada")
    assert client.post("/study/start", data={"deck": secret.id}).status_code == 404
    response = client.post("/study/start", data={})
    assert response.status_code == 303 and response.location == "/study"
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(Enrolment)) == 1  # bob's own upload


def test_studying_with_no_deck_in_ones_studies_points_to_the_library(
    client, make_user, login, import_text
):
    make_user("ada")
    import_text(deck_json())
    login("ada")
    html = text_of(client.get("/study"))
    assert "Add a deck to start studying" in html
    assert 'href="/decks"' in html
