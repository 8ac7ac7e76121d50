"""The dashboard page: figures in the page, the deck selector, access, and a constant
number of SQL statements however long the history."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from studyapp.storage.db import transaction
from studyapp.storage.models import Concept
from tests.conftest import START
from tests.support.factories import deck_json
from tests.support.query_counter import count_queries
from tests.support.review_history import add_log, add_state, cards_by_concept


@pytest.fixture
def deck(import_text):
    return import_text(deck_json()).deck


def page(client, path: str = "/dashboard") -> str:
    response = client.get(path)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return response.get_data(as_text=True)


def stat(html: str, name: str) -> str:
    """The text of a tile's value (``data-stat`` tiles of _dashboard_today.html)."""
    match = re.search(
        rf'data-stat="{name}">.*?<dd class="tile__value">(.*?)</dd>', html, flags=re.S
    )
    assert match, f"no tile {name}"
    return re.sub(r"<[^>]+>", "", match.group(1)).split()[0]


def test_the_dashboard_needs_a_login(client):
    response = client.get("/dashboard")
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]


def test_todays_figures_heatmap_and_hardest_concept_are_shown(
    client, session, make_user, enrol, login, deck
):
    # UTC, rollover 04:00; START is Mon 2026-03-02 09:00 UTC.
    ada = make_user("ada")
    enrol(ada, deck)
    cards = cards_by_concept(session, deck.id)
    with transaction(session):
        add_log(session, ada, cards["Groups"][0], START - timedelta(hours=2), duration_ms=4000)
        add_log(
            session,
            ada,
            cards["Groups"][1],
            START - timedelta(hours=1),
            rating=1,
            duration_ms=86_000,
        )
        add_log(session, ada, cards["Groups"][2], START - timedelta(days=1))
        add_state(session, ada, cards["Cosets"][0], lapses=4, stability_days=3)
    login("ada")
    html = page(client)
    assert stat(html, "reviewed") == "2"
    assert stat(html, "streak") == "2"  # 03-01 and 03-02
    assert "1 min 30 s" in html  # 4 s + 86 s today
    # Today's heatmap cell carries today's count, in a data attribute and its <title>.
    assert (
        'data-date="2026-03-02" data-reviews="2"><title>Mon 2 Mar 2026: 2 reviews</title>' in html
    )
    assert 'data-date="2026-03-01" data-reviews="1"' in html
    cosets = session.scalars(select(Concept.id).where(Concept.title == "Cosets")).one()
    assert f'href="/decks/{deck.id}/map?focus={cosets}">Cosets</a>' in html
    assert "4 lapses" in html
    # Charts have text alternatives and no inline style or script (the CSP forbids them).
    assert html.count('role="img"') >= 7
    assert "<desc id=" in html and '<div class="visually-hidden"><table>' in html
    assert 'style="' not in html and "<script" not in html
    assert 'aria-current="page">Dashboard</a>' in html


def test_the_deck_selector_narrows_the_figures(
    client, session, make_user, enrol, login, import_text, deck
):
    ada = make_user("ada")
    other = import_text(deck_json(key="other", title="Other")).deck
    enrol(ada, deck, other)
    with transaction(session):
        add_log(session, ada, cards_by_concept(session, deck.id)["Groups"][0], START)
        add_log(session, ada, cards_by_concept(session, other.id)["Rings"][0], START)
    login("ada")
    assert stat(page(client), "reviewed") == "2"
    html = page(client, f"/dashboard?deck={other.id}")
    assert stat(html, "reviewed") == "1"
    assert f'<option value="{other.id}" selected>Other</option>' in html
    assert "<title>Dashboard · Other · studyapp</title>" in html


@pytest.mark.parametrize("param", ["abc", "-1", "999999", "1.5"])
def test_an_unknown_deck_is_404(client, make_user, login, deck, param):
    make_user("ada")
    login("ada")
    assert client.get(f"/dashboard?deck={param}").status_code == 404


def test_a_deck_not_studied_shows_its_history_and_says_why_the_rest_is_empty(
    client, session, make_user, login, deck
):
    ada = make_user("ada")
    with transaction(session):
        add_log(session, ada, cards_by_concept(session, deck.id)["Groups"][0], START)
    login("ada")
    overall = page(client)
    assert f'<option value="{deck.id}"' not in overall  # the selector lists studied decks
    html = page(client, f"/dashboard?deck={deck.id}")
    assert stat(html, "reviewed") == "1"
    assert "“Algebra” is not in your studies" in html
    assert f'href="/decks/{deck.id}">Add it from its page</a>' in html


def test_another_users_private_deck_is_404(client, make_user, login, import_text):
    make_user("ada")
    bob = make_user("bob")
    private = import_text(deck_json(key="bobs"), owner_id=bob.id).deck
    login("ada")
    assert client.get(f"/dashboard?deck={private.id}").status_code == 404


def test_query_count_does_not_grow_with_the_history(
    app, client, session, make_user, enrol, login, deck
):
    ada = make_user("ada")
    enrol(ada, deck)
    cards = cards_by_concept(session, deck.id)
    all_cards = [card for ids in cards.values() for card in ids]
    login("ada")

    def add_history(days: int) -> None:
        with transaction(session):
            for back in range(days):
                for card in all_cards[:3]:
                    add_log(session, ada, card, START - timedelta(days=back, hours=1))

    add_history(3)
    with transaction(session):
        for card in all_cards[:6]:
            add_state(session, ada, card, lapses=1)
    page(client)  # warm caches
    engine = app.extensions["studyapp.engine"]
    with count_queries(engine) as small:
        page(client)
    add_history(60)
    with transaction(session):
        for card in all_cards[6:12]:
            add_state(session, ada, card)
    with count_queries(engine) as large:
        page(client)
    assert large.count == small.count, (small.statements, large.statements)
    assert small.count <= 20


def test_the_review_history_can_be_downloaded_from_the_dashboard(client, make_user, login):
    make_user("ada")
    login("ada")
    page = client.get("/dashboard").get_data(as_text=True)
    assert 'href="/export/reviews.csv"' in page
    download = client.get("/export/reviews.csv")
    assert download.status_code == 200
    assert download.mimetype == "text/csv"
    header = download.get_data(as_text=True).splitlines()[0]
    download.close()  # a streamed response holds its request's connection until closed
    assert header == "card_id,review_time,review_rating,review_state,review_duration"
