"""The library (/decks): seeing decks, adding them to one's studies and removing them,
searching, publishing one's own deck; and who may reach what."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import func, select

from studyapp.library.enrolment import is_enrolled
from studyapp.scheduling.memory import Grade
from studyapp.storage.models import CardState, Concept, Deck, Enrolment, ReviewLog
from tests.support.factories import deck_json, flat_deck_json
from tests.support.forms import csrf_token_from, deck_cards
from tests.support.review_history import card_id, rate


def text_of(response) -> str:
    return response.get_data(as_text=True)


def library(client, **params: str) -> dict[str, str]:
    response = client.get("/decks", query_string=params)
    assert response.status_code == 200
    return deck_cards(text_of(response))


def home(client) -> dict[str, str]:
    return deck_cards(text_of(client.get("/")))


def count(session, model) -> int:
    session.rollback()  # see what the requests committed
    return session.scalar(select(func.count()).select_from(model))


def test_the_library_lists_every_visible_deck_with_studying_and_progress(
    client, session, clock, make_user, login, import_text
):
    ada = make_user("ada")
    bob = make_user("bob")
    algebra = import_text(
        deck_json(title="Algebra", description="Groups and rings."), studied_by=ada
    ).deck
    import_text(deck_json(key="optics", title="Optics"))
    import_text(flat_deck_json(2, key="notes"), owner_id=ada.id)
    import_text(flat_deck_json(2, key="secret"), owner_id=bob.id)
    rate(session, ada, card_id(session, algebra.id, "Groups"), Grade.GOOD, clock.now())
    login("ada")

    html = text_of(client.get("/decks"))
    cards = deck_cards(html)
    assert list(cards) == ["Algebra", "Notes", "Optics"]  # by title; bob's deck is not there
    assert "3 decks you can study · 2 in your studies" in html

    studied = cards["Algebra"]
    assert "Public</span>" in studied and "In your studies</span>" in studied
    assert "6 concepts" in studied and "18 cards" in studied
    assert "Groups and rings." in studied
    assert 'datetime="2026-03-02T09:00:00+00:00">2 Mar 2026</time>' in studied
    assert "1 learning</li>" in studied and "5 not started</li>" in studied
    assert 'aria-label="Progress in Algebra: 1 of 6 concepts started"' in studied
    assert f'action="/decks/{algebra.id}/remove"' in studied
    assert "Your progress is kept if you remove it." in studied
    assert f'href="/decks/{algebra.id}/map"' in studied

    fresh = cards["Optics"]
    assert "In your studies" not in fresh and "Not started yet" in fresh
    assert "/add" in fresh and "/remove" not in fresh
    assert "Publish" not in fresh  # not ada's to publish

    own = cards["Notes"]
    assert "Private</span>" in own and "In your studies</span>" in own
    assert "Publish" in own and 'name="public" value="1"' in own


def test_adding_removing_and_adding_again_keeps_the_history(
    client, session, clock, make_user, login, import_text
):
    ada = make_user("ada", new_cards_per_day=5)
    deck = import_text(deck_json()).deck
    login("ada")
    assert "Algebra" not in home(client)

    response = client.post(f"/decks/{deck.id}/add")
    assert (response.status_code, response.location) == (303, "/decks")
    html = text_of(client.get("/decks"))
    assert "Added “Algebra” to your studies" in html
    assert "In your studies</span>" in deck_cards(html)["Algebra"]
    assert "Algebra" in home(client)

    groups = card_id(session, deck.id, "Groups")
    rate(session, ada, groups, Grade.AGAIN, clock.now())
    session.commit()
    state_before = session.scalars(select(CardState)).one()
    before = (state_before.state, state_before.stability_days, state_before.due)
    clock.advance(minutes=2)  # Groups is due again, in learning

    response = client.post(f"/decks/{deck.id}/remove")
    assert response.status_code == 303
    html = text_of(client.get(response.location))
    assert "Removed “Algebra” from your studies. Your progress on it is kept" in html
    assert "Algebra" not in home(client)
    assert "Add a deck to start studying" in text_of(client.get("/"))
    assert "Add a deck to start studying" in text_of(client.get("/study"))
    assert (count(session, CardState), count(session, ReviewLog)) == (1, 1)

    client.post(f"/decks/{deck.id}/add")
    session.expire_all()
    state = session.scalars(select(CardState)).one()
    assert (state.state, state.stability_days, state.due) == before
    page = text_of(client.get("/study"))
    assert f'name="card_id" value="{groups}"' in page  # the learning card is back first
    assert "1 learning</li>" in library(client)["Algebra"]


def test_adding_twice_or_removing_twice_is_harmless(client, session, make_user, login, import_text):
    make_user("ada")
    deck = import_text(deck_json()).deck
    login("ada")
    client.post(f"/decks/{deck.id}/add")
    second = client.post(f"/decks/{deck.id}/add")  # a double click
    assert second.status_code == 303
    assert "“Algebra” is already in your studies." in text_of(client.get("/decks"))
    assert count(session, Enrolment) == 1
    client.post(f"/decks/{deck.id}/remove")
    again = client.post(f"/decks/{deck.id}/remove")
    assert again.status_code == 303
    assert "“Algebra” was not in your studies." in text_of(client.get("/decks"))
    assert count(session, Enrolment) == 0


def test_another_users_private_deck_is_unreachable_everywhere(
    client, session, make_user, login, import_text
):
    make_user("ada")
    bob = make_user("bob")
    secret = import_text(deck_json(key="secret", title="Bob's Secrets"), owner_id=bob.id).deck
    concept = session.scalar(select(Concept.id).where(Concept.deck_id == secret.id).limit(1))
    login("ada")
    assert "Secrets" not in text_of(client.get("/decks"))
    assert "Secrets" not in text_of(client.get("/decks", query_string={"q": "secret"}))
    for path in (
        f"/decks/{secret.id}",
        f"/decks/{secret.id}/map",
        f"/decks/{secret.id}/map/concepts/{concept}",
        f"/study?deck={secret.id}",
        f"/dashboard?deck={secret.id}",
    ):
        assert client.get(path).status_code == 404, path
    for action in ("add", "remove"):
        assert client.post(f"/decks/{secret.id}/{action}").status_code == 404
    response = client.post(f"/decks/{secret.id}/visibility", data={"public": "1"})
    assert response.status_code == 404
    assert "Secrets" not in text_of(response)
    assert client.post(f"/decks/{secret.id + 1000}/add").status_code == 404
    session.expire_all()
    studying = session.scalars(select(Enrolment.user_id).where(Enrolment.deck_id == secret.id))
    assert list(studying) == [bob.id]  # its owner's upload, nobody else
    assert session.get(Deck, secret.id).is_public is False


def test_search_by_title_works_without_javascript_and_is_kept_by_the_buttons(
    client, make_user, login, import_text
):
    make_user("ada")
    algebra = import_text(deck_json(key="algebra", title="Linear Algebra")).deck
    import_text(deck_json(key="optics", title="Optics"))
    import_text(deck_json(key="more", title="More ALGEBRA"))
    login("ada")

    html = text_of(client.get("/decks", query_string={"q": "  algebra "}))
    assert list(deck_cards(html)) == ["Linear Algebra", "More ALGEBRA"]
    assert "2 decks matching “algebra”" in html
    assert 'type="search" id="library-q" name="q" value="algebra"' in html
    assert '<input type="hidden" name="q" value="algebra">' in html
    assert "<title>“algebra” · Library · studyapp</title>" in html

    response = client.post(f"/decks/{algebra.id}/add", data={"q": "algebra"})
    assert response.location == "/decks?q=algebra"

    nothing = text_of(client.get("/decks", query_string={"q": "100%"}))
    assert deck_cards(nothing) == {}
    assert "No deck titles contain “100%”" in nothing
    assert list(library(client, q="")) == ["Linear Algebra", "More ALGEBRA", "Optics"]


def test_an_owner_publishes_and_unpublishes_their_deck(
    client, session, make_user, login, import_text
):
    ada = make_user("ada")
    bob = make_user("bob")
    notes = import_text(deck_json(key="notes", title="Ada's Notes"), owner_id=ada.id).deck
    login("ada")
    response = client.post(f"/decks/{notes.id}/visibility", data={"public": "1"})
    assert response.status_code == 303
    html = text_of(client.get("/decks"))
    assert "is public: everyone can see it" in html
    own = deck_cards(html)["Ada&#39;s Notes"]
    assert "Public</span>" in own and "Make private" in own

    client.post("/auth/logout")
    login("bob")
    assert "Ada&#39;s Notes" in library(client)
    client.post(f"/decks/{notes.id}/add")
    assert "Ada&#39;s Notes" in home(client)
    refused = client.post(f"/decks/{notes.id}/visibility", data={"public": "0"})
    assert refused.status_code == 403
    assert "Only the owner of a deck may publish it or make it private." in text_of(refused)

    client.post("/auth/logout")
    login("ada")
    client.post(f"/decks/{notes.id}/visibility", data={"public": "0"})
    assert "is private again" in text_of(client.get("/decks"))

    client.post("/auth/logout")
    login("bob")
    assert "Ada&#39;s Notes" not in library(client)
    assert "Ada&#39;s Notes" not in home(client)
    assert client.get(f"/decks/{notes.id}").status_code == 404
    assert is_enrolled(session, bob.id, notes.id)  # kept, and counts again if republished


def test_a_public_deck_without_an_owner_cannot_be_unpublished_by_a_user(
    client, session, make_user, login, import_text
):
    make_user("ada")
    deck = import_text(deck_json()).deck
    login("ada")
    assert client.post(f"/decks/{deck.id}/visibility", data={"public": "0"}).status_code == 403
    assert client.post(f"/decks/{deck.id}/visibility", data={"public": "x"}).status_code == 400
    session.expire_all()
    assert session.get(Deck, deck.id).is_public


def test_the_deck_page_and_the_map_offer_to_add_a_deck_not_studied(
    client, session, make_user, login, import_text
):
    ada = make_user("ada")
    deck = import_text(deck_json()).deck
    rings = session.scalar(select(Concept.id).where(Concept.title == "Rings"))
    login("ada")
    for path in (f"/decks/{deck.id}", f"/decks/{deck.id}/map?focus={rings}"):
        html = text_of(client.get(path))
        assert "This deck is not in your studies." in html, path
        assert f'action="/decks/{deck.id}/add"' in html
    panel = text_of(client.get(f"/decks/{deck.id}/map/concepts/{rings}"))
    assert "reviewing or quizzing this branch adds it" in panel

    response = client.post(f"/decks/{deck.id}/add", data={"next": f"/decks/{deck.id}"})
    assert response.location == f"/decks/{deck.id}"
    html = text_of(client.get(f"/decks/{deck.id}"))
    assert "This deck is not in your studies." not in html
    assert "In your studies</span>" in html
    assert is_enrolled(session, ada.id, deck.id)
    for target in ("https://evil.example/", "//evil.example/x", "/\\evil.example"):
        response = client.post(f"/decks/{deck.id}/add", data={"next": target})
        assert response.location == "/decks", target


def test_quizzing_a_branch_adds_its_deck_and_says_so(
    client, session, make_user, login, import_text
):
    ada = make_user("ada")
    deck = import_text(deck_json()).deck
    rings = session.scalar(select(Concept.id).where(Concept.title == "Rings"))
    login("ada")
    form: dict[str, Any] = {"deck_id": deck.id, "subtree": rings, "mode": "recall"}
    response = client.post("/quizzes", data=form)
    assert response.status_code == 303
    html = text_of(client.get(response.location))
    assert "“Algebra” is now in your studies, since you quizzed one of its branches" in html
    assert is_enrolled(session, ada.id, deck.id)
    again = client.post("/quizzes", data=form)
    assert "now in your studies" not in text_of(client.get(again.location))


class TestWithCsrf:
    @pytest.fixture
    def app_config(self) -> dict[str, Any]:
        return {"WTF_CSRF_ENABLED": True}

    def test_adding_needs_the_forms_token(self, client, session, make_user, import_text):
        make_user("ada")
        deck = import_text(deck_json()).deck
        token = csrf_token_from(text_of(client.get("/auth/login")))
        client.post(
            "/auth/login",
            data={"username": "ada", "password": "correct horse battery", "csrf_token": token},
        )
        response = client.post(f"/decks/{deck.id}/add")
        assert response.status_code == 303
        assert count(session, Enrolment) == 0
        html = text_of(client.get("/decks"))
        add_form = re.search(rf'action="/decks/{deck.id}/add".*?</form>', html, re.S).group(0)
        client.post(f"/decks/{deck.id}/add", data={"csrf_token": csrf_token_from(add_form)})
        assert count(session, Enrolment) == 1
