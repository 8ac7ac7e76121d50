"""Home (the decks one studies), the library, uploads and one deck's outline, as a logged-in
user sees them."""

from __future__ import annotations

import html
import io
import json
import re

import pytest
from sqlalchemy import func, select

from studyapp.library.enrolment import is_enrolled
from studyapp.scheduling.memory import Grade
from studyapp.storage.models import Concept, Deck
from tests.support.factories import concept, deck_json, flat_deck_json, tree
from tests.support.forms import deck_cards
from tests.support.query_counter import count_queries
from tests.support.review_history import card_id, rate


def text_of(response) -> str:
    return response.get_data(as_text=True)




def due_counts(item_html: str) -> tuple[int, int, int]:
    def value(kind: str) -> int:
        pattern = rf'count--{kind}[^"]*"><span class="count__value">(\d+)'
        return int(re.search(pattern, item_html)[1])

    return value("new"), value("learning"), value("review")


def upload(client, content: str | bytes, name: str = "deck.json"):
    """Import a file as the library's form does: preview it, then confirm the preview.

    Returns the confirmation's redirect, or the preview's error page if it had problems.
    """
    data = content.encode("utf-8") if isinstance(content, str) else content
    preview = client.post(
        "/decks/import",
        data={"deck_file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )
    if preview.status_code != 200:
        return preview
    page = text_of(preview)
    form = page[page.index('id="import-confirm"') :]
    fields = dict(re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', form))
    return client.post(
        "/decks/import/confirm", data={k: html.unescape(v) for k, v in fields.items()}
    )






def test_list_shows_public_and_own_private_decks_only(client, make_user, login, import_text):
    ada = make_user("ada")
    bob = make_user("bob")
    import_text(deck_json(key="public", title="Public Algebra", description="Shared with all"))
    import_text(deck_json(key="mine", title="Ada's Notes"), owner_id=ada.id)
    import_text(deck_json(key="his", title="Bob's Secrets"), owner_id=bob.id)
    login("ada")
    html = text_of(client.get("/decks"))
    cards = deck_cards(html)
    assert set(cards) == {"Public Algebra", "Ada&#39;s Notes"}
    assert "Bob" not in html.replace("bob", "")
    assert "Public</span>" in cards["Public Algebra"]
    assert "Shared with all" in cards["Public Algebra"]
    assert "Private</span>" in cards["Ada&#39;s Notes"]
    assert "6 concepts" in cards["Public Algebra"]
    assert "18 cards" in cards["Public Algebra"]


def test_home_shows_each_studied_decks_due_counts_under_the_shared_limit(
    client, session, clock, make_user, login, import_text
):
    ada = make_user("ada", new_cards_per_day=10)
    first = import_text(deck_json(key="a", title="Algebra"), studied_by=ada).deck
    import_text(flat_deck_json(8, key="b"), studied_by=ada)
    import_text(flat_deck_json(8, key="c"))  # in the library, not in ada's studies
    rate(session, ada, card_id(session, first.id, "Groups"), Grade.GOOD, clock.now())
    login("ada")
    html = text_of(client.get("/"))
    assert set(deck_cards(html)) == {"Algebra", "B"}
    assert "2 decks in your studies" in html
    cards = deck_cards(html)
    # Groups is in learning (due in 10 minutes, not yet); its siblings wait.
    # Five new concepts of Algebra, then the rest of the day's ten from B.
    assert due_counts(cards["Algebra"]) == (5, 0, 0)
    assert due_counts(cards["B"]) == (4, 0, 0)
    assert "1 learning card due later today" in html
    assert 'href="/study?deck=' in cards["Algebra"]
    assert 'href="/study">' in html.replace('href="/study" ', 'href="/study">')


def test_a_learning_card_due_now_counts_for_its_deck(
    client, session, clock, make_user, login, import_text
):
    ada = make_user("ada")
    deck = import_text(deck_json(), studied_by=ada).deck
    rate(session, ada, card_id(session, deck.id, "Groups"), Grade.AGAIN, clock.now())
    clock.advance(minutes=2)
    login("ada")
    assert due_counts(deck_cards(text_of(client.get("/")))["Algebra"]) == (5, 1, 0)


def test_no_decks_yet_shows_the_upload_form(client, make_user, login):
    make_user("ada")
    login("ada")
    html = text_of(client.get("/decks"))
    assert "No decks yet" in html
    assert 'enctype="multipart/form-data"' in html
    assert 'href="/decks/import"' in html  # the upload-with-preview page


def test_another_users_private_deck_is_not_found(client, make_user, login, import_text):
    make_user("ada")
    bob = make_user("bob")
    deck = import_text(deck_json(key="his", title="Bob's Secrets"), owner_id=bob.id).deck
    login("ada")
    response = client.get(f"/decks/{deck.id}")
    assert response.status_code == 404
    html = text_of(response)
    assert "Page not found" in html
    assert "Secrets" not in html
    assert 'class="site-header"' in html  # the error page is in the layout
    assert client.get("/decks/999999").status_code == 404


def test_deck_page_is_a_nested_outline_with_card_states(
    client, session, clock, make_user, login, import_text
):
    ada = make_user("ada")
    deck = import_text(deck_json(), studied_by=ada).deck
    rate(session, ada, card_id(session, deck.id, "Groups"), Grade.GOOD, clock.now())
    rate(session, ada, card_id(session, deck.id, "Rings"), Grade.EASY, clock.now())
    login("ada")
    response = client.get(f"/decks/{deck.id}")
    assert response.status_code == 200
    html = text_of(response)
    assert "<h1>Algebra</h1>" in html
    # Roots are h2, their children h3, nested inside the parent's item.
    groups = html.index('<h2 class="concept__title">Groups</h2>')
    subgroups = html.index('<h3 class="concept__title">Subgroups</h3>')
    rings = html.index('<h2 class="concept__title">Rings</h2>')
    assert groups < html.index('<ol class="outline__children">', groups) < subgroups < rings
    assert '<span class="concept__summary">Groups in one sentence.</span></summary>' in html
    assert "A longer explanation of Groups." in html
    groups_id = session.scalar(select(Concept.id).where(Concept.title == "Groups"))
    assert f'href="/study?subtree={groups_id}"' in html
    chips = re.findall(r'<li class="chip chip--(\w+)".*?</li>', html, re.S)
    assert len(chips) == 18
    assert chips.count("learning") == 1
    assert chips.count("review") == 1
    assert chips.count("new") == 16
    assert "due in 10m" in html
    assert re.search(r'chip__state">review</span> <span class="chip__due">due in \d+d', html)


def test_upload_creates_a_private_deck_and_says_what_it_did(client, session, make_user, login):
    ada = make_user("ada")
    make_user("bob")
    login("ada")
    response = upload(client, deck_json(key="notes", title="My Notes"), "notes.json")
    assert response.status_code == 303
    page = text_of(client.get(response.location))  # the new deck's map
    assert "My Notes (notes) created: 6 added, 0 changed, 0 moved, 0 retired, 0 unchanged" in page
    assert "It is in your studies." in page
    html = text_of(client.get("/decks"))
    deck = session.scalars(select(Deck).where(Deck.key == "notes")).one()
    assert deck.owner_id == ada.id
    assert not deck.is_public
    assert "Private</span>" in deck_cards(html)["My Notes"]
    assert "In your studies</span>" in deck_cards(html)["My Notes"]
    assert is_enrolled(session, ada.id, deck.id)
    assert "My Notes" in deck_cards(text_of(client.get("/")))

    client.post("/auth/logout")
    client.post("/auth/login", data={"username": "bob", "password": "correct horse battery"})
    assert "My Notes" not in text_of(client.get("/decks"))


def test_uploading_the_same_deck_key_updates_it(client, session, make_user, login):
    make_user("ada")
    login("ada")
    upload(client, deck_json(key="notes", title="My Notes"))
    changed = json.loads(deck_json(key="notes", title="My Notes"))
    changed["concepts"].append(concept("Modules"))
    changed["concepts"][0]["summary"] = "Sets with an associative operation."
    response = upload(client, json.dumps(changed), "notes-v2.json")
    html = text_of(client.get(response.location))
    assert "My Notes (notes) updated: 1 added, 1 changed, 0 moved, 0 retired, 5 unchanged" in html
    assert "5 unchanged</p>" in html  # an update says nothing about studying it
    session.expire_all()
    assert session.scalar(select(func.count(Deck.id))) == 1


def test_markdown_upload_works(client, make_user, login):
    make_user("ada")
    login("ada")
    markdown = "# Optics\n\nLight.\n\n## Lenses\n\nBend light.\n\n## Mirrors\n\nReflect light.\n"
    response = upload(client, markdown, "optics.md")
    assert response.status_code == 303
    assert "Optics (optics) created: 2 added" in text_of(client.get(response.location))


def test_bad_json_shows_the_line(client, session, make_user, login):
    make_user("ada")
    login("ada")
    response = upload(client, '{\n  "title": "Broken",\n  "concepts": [,]\n}', "broken.json")
    assert response.status_code == 400
    html = text_of(response)
    assert "That file cannot be imported (1 problem)" in html
    assert re.search(r"<code>broken\.json, line 3: invalid JSON: [^<]+</code>", html)
    assert session.scalar(select(func.count(Deck.id))) == 0


def test_every_validation_problem_is_listed_with_its_location(client, session, make_user, login):
    make_user("ada")
    login("ada")
    bad = json.dumps(
        {
            "key": "k",
            "title": "T",
            "concepts": [{"title": "No summary"}, {"title": "", "summary": "x"}],
        }
    )
    html = text_of(upload(client, bad, "bad.json"))
    problems = re.findall(r"<li><code>([^<]+)</code></li>", html)
    assert len(problems) >= 2
    assert all(problem.startswith("bad.json, $.concepts[") for problem in problems)
    assert all(": " in problem for problem in problems)
    assert session.scalar(select(func.count(Deck.id))) == 0


def test_an_empty_or_binary_file_is_refused(client, make_user, login):
    make_user("ada")
    login("ada")
    assert "empty.txt: the file is empty" in text_of(upload(client, b"  \n", "empty.txt"))
    assert "not UTF-8 text" in text_of(upload(client, b"\xff\xfe\x00bad", "x.md"))


def test_upload_without_a_file_asks_for_one(client, make_user, login):
    make_user("ada")
    login("ada")
    response = client.post("/decks/import", data={}, content_type="multipart/form-data")
    assert response.status_code == 400
    assert "choose a deck file or paste the deck&#39;s text" in text_of(response)


def test_a_too_large_upload_is_refused_with_the_limit(client, make_user, login):
    make_user("ada")
    login("ada")
    response = upload(client, b"x" * (5 * 1024 * 1024 + 1), "huge.txt")
    assert response.status_code == 400
    assert "the limit is 5 MB" in text_of(response)
    # A request far over the limit is stopped before it is read.
    response = upload(client, b"x" * (9 * 1024 * 1024), "huge.txt")
    assert response.status_code == 413
    html = text_of(response)
    assert "File too large" in html
    assert "the limit for a deck file is 5 MB" in html
    assert 'class="site-header"' in html


def test_server_errors_get_a_page_in_the_layout(app, client):
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.route("/boom")
    def boom():
        raise RuntimeError("boom")

    response = client.get("/boom")
    assert response.status_code == 500
    html = text_of(response)
    assert "Something went wrong" in html
    assert "boom" not in html
    assert 'class="site-footer"' in html


def test_unknown_url_is_a_404_page(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "Page not found" in text_of(response)


def _warm_and_count(app, client, path: str) -> int:
    assert client.get(path).status_code == 200  # warm the connection pool and dialect
    with count_queries(app.extensions["studyapp.engine"]) as log:
        assert client.get(path).status_code == 200
    return log.count


def _review_some(session, user, deck_id: int, titles: list[str], now) -> None:
    grades = [Grade.GOOD, Grade.EASY, Grade.AGAIN]
    for number, title in enumerate(titles):
        grade = grades[number % len(grades)]
        rate(session, user, card_id(session, deck_id, title), grade, now)


@pytest.mark.parametrize("grow", ["decks", "concepts"])
@pytest.mark.parametrize("path", ["/", "/decks"])
def test_home_and_library_queries_do_not_grow_with_decks_or_concepts(
    app, client, session, clock, make_user, login, import_text, path, grow
):
    ada = make_user("ada", new_cards_per_day=100)
    small = import_text(flat_deck_json(3, key="small"), studied_by=ada).deck
    _review_some(session, ada, small.id, ["C000"], clock.now())
    login("ada")
    few = _warm_and_count(app, client, path)

    if grow == "decks":  # 1 deck, then 20 of every kind
        for number in range(12):
            deck = import_text(flat_deck_json(5, key=f"extra{number}"), studied_by=ada).deck
            _review_some(session, ada, deck.id, ["C001", "C002"], clock.now())
        for number in range(4):
            import_text(flat_deck_json(4, key=f"unstudied{number}"))
        for number in range(3):
            import_text(flat_deck_json(4, key=f"own{number}"), owner_id=ada.id)
    else:
        big = import_text(flat_deck_json(400, key="big"), studied_by=ada).deck
        _review_some(session, ada, big.id, [f"C{i:03d}" for i in range(0, 30, 3)], clock.now())
    many = _warm_and_count(app, client, path)
    assert many == few <= 10
    # The library lists every deck (1, then 20); home only those in ada's studies.
    shown = {
        ("/decks", "decks"): 20,
        ("/", "decks"): 16,
        ("/decks", "concepts"): 2,
        ("/", "concepts"): 2,
    }
    assert len(deck_cards(text_of(client.get(path)))) == shown[(path, grow)]


def test_deck_page_queries_do_not_grow_with_the_tree(
    app, client, session, clock, make_user, login, import_text
):
    # Enough new cards a day that the deep leaves reviewed below are in today's queue.
    ada = make_user("ada", new_cards_per_day=500)
    small = import_text(
        deck_json(key="small", concepts=tree([("A", [("B", [])])])), studied_by=ada
    ).deck
    login("ada")
    few = _warm_and_count(app, client, f"/decks/{small.id}")

    spec = [
        (
            f"Root {r}",
            [
                (f"Branch {r}.{b}", [(f"Leaf {r}.{b}.{leaf}", []) for leaf in range(6)])
                for b in range(5)
            ],
        )
        for r in range(8)
    ]
    big = import_text(deck_json(key="big", concepts=tree(spec)), studied_by=ada).deck
    reviewed = ["Root 0", "Branch 1.1", "Leaf 2.2.2", "Leaf 3.3.3"]
    _review_some(session, ada, big.id, reviewed, clock.now())
    many = _warm_and_count(app, client, f"/decks/{big.id}")
    assert many == few <= 8
