"""Importing a deck from the browser: upload or paste, preview, confirm or cancel."""

from __future__ import annotations

import base64
import html
import io
import json
import re

import pytest
from sqlalchemy import func, select

from studyapp.library.enrolment import is_enrolled
from studyapp.scheduling.memory import Grade
from studyapp.scheduling.rating import apply_rating
from studyapp.scheduling.study_context import StudyContext
from studyapp.storage.db import transaction
from studyapp.storage.models import Card, CardState, Concept, Deck
from tests.support.factories import concept
from tests.support.paths import PAGE_TEXT_DATA

MARKDOWN_DECK = """\
# Algebra

Structures with operations.

## Groups

A set with one associative operation, an identity and inverses.

### Subgroups

A subset that is a group under the same operation.

### Cosets

The translates of a subgroup by one element.

## Rings

A set with addition and multiplication that distribute.
"""

PAGE_TEXT_FILE = PAGE_TEXT_DATA / "interest_rates.txt"


def text_of(response) -> str:
    return response.get_data(as_text=True)


def post_file(client, content: str | bytes, name: str = "algebra.md", **fields):
    data = content.encode("utf-8") if isinstance(content, str) else content
    return client.post(
        "/decks/import",
        data={"deck_file": (io.BytesIO(data), name), **fields},
        content_type="multipart/form-data",
    )


def hidden_fields(page: str, form_id: str = "import-confirm") -> dict[str, str]:
    """The hidden inputs of one form of the page, as the browser would send them."""
    start = page.index(f'id="{form_id}"') if form_id else 0
    form = page[start : page.index("</form>", start)]
    return {
        name: html.unescape(value)
        for name, value in re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', form)
    }


def confirm(client, page: str, **headers):
    return client.post("/decks/import/confirm", data=hidden_fields(page), headers=headers)


def counts(session) -> tuple[int, int, int]:
    session.expire_all()
    return (
        session.scalar(select(func.count()).select_from(Deck)),
        session.scalar(select(func.count()).select_from(Concept)),
        session.scalar(select(func.count()).select_from(Card)),
    )


@pytest.fixture
def ada(make_user, login):
    user = make_user("ada")
    login("ada")
    return user


def test_the_form_states_the_size_limit_and_offers_public_decks_only_to_admins(
    client, make_user, login
):
    make_user("ada")
    make_user("root", is_admin=True)
    login("ada")
    page = text_of(client.get("/decks/import"))
    assert "5 MB" in page and 'name="deck_file"' in page and 'name="text"' in page
    assert 'name="public"' not in page
    client.post("/auth/logout")
    login("root")
    assert 'name="public"' in text_of(client.get("/decks/import"))


def test_a_preview_shows_the_tree_and_writes_nothing(client, ada, session):
    before = counts(session)
    response = post_file(client, MARKDOWN_DECK)
    page = text_of(response)
    assert response.status_code == 200
    assert "A new private deck" in page
    for title in ("Groups", "Subgroups", "Cosets", "Rings"):
        assert title in page
    assert "4 concepts" in page and "12 cards" in page
    assert counts(session) == before
    assert 'href="/decks"' in page  # Cancel: a link, so it cannot write anything


def test_confirming_imports_once_opens_the_map_and_adds_the_deck_to_my_studies(
    client, ada, session
):
    page = text_of(post_file(client, MARKDOWN_DECK))
    response = confirm(client, page)
    deck = session.scalars(select(Deck)).one()
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/decks/{deck.id}/map")
    assert deck.owner_id == ada.id and not deck.is_public
    assert counts(session) == (1, 4, 12)
    assert is_enrolled(session, ada.id, deck.id)
    assert "4 added" in text_of(client.get(response.headers["Location"]))

    again = confirm(client, page)  # a second click on the same confirmation
    assert again.status_code == 303
    assert "changed since this preview" in text_of(client.get(again.headers["Location"]))
    assert counts(session) == (1, 4, 12)


def test_pasted_text_is_previewed_like_a_file(client, ada, session):
    response = client.post("/decks/import", data={"text": MARKDOWN_DECK})
    assert response.status_code == 200
    assert "Subgroups" in text_of(response)
    confirm(client, text_of(response))
    assert counts(session) == (1, 4, 12)


def test_a_new_version_shows_what_is_added_changed_moved_and_retired(client, ada, session, clock):
    confirm(client, text_of(post_file(client, MARKDOWN_DECK)))
    deck = session.scalars(select(Deck)).one()
    reviewed = session.scalars(
        select(Card.id)
        .join(Concept, Concept.id == Card.concept_id)
        .where(Concept.title.in_(["Cosets", "Rings"]))
    ).all()
    context = StudyContext.for_user(ada.settings, clock.now(), enable_fuzzing=False)
    with transaction(session):  # as a quiz would: every card, due or not
        for card_id in reviewed:
            apply_rating(
                session, context, card_id=card_id, grade=Grade.GOOD, require_in_queue=False
            )
    new_version = (
        MARKDOWN_DECK.replace(
            "A set with one associative operation, an identity and inverses.",
            "A set with an associative operation, an identity element and inverses.",
        )
        .replace("### Cosets", "## Cosets")  # moved up to the top level
        .replace("## Rings\n\nA set with addition and multiplication that distribute.\n", "")
        + "\n## Fields\n\nA ring where every non-zero element has an inverse.\n"
    )
    before = counts(session)
    page = text_of(post_file(client, new_version))
    assert counts(session) == before
    assert "A new version of your deck" in page
    assert re.search(r"<strong>1</strong> added", page)
    assert re.search(r"<strong>1</strong> changed", page)
    assert re.search(r"<strong>1</strong> moved", page)
    assert re.search(r"<strong>1</strong> retired", page)
    # Side by side, the words that went and the words that came are marked.
    assert "A set with <del>one </del>associative operation, an identity and inverses." in page
    assert "A set with <ins>an </ins>associative operation, an identity <ins>element </ins>" in page
    assert "Cosets</strong>: from Groups" in page
    assert "6 of your cards" in page  # three on Cosets (moved), three on Rings (retired)

    confirm(client, page)
    session.expire_all()
    cosets = session.scalars(select(Concept).where(Concept.title == "Cosets")).one()
    assert cosets.parent_id is None and cosets.deck_id == deck.id
    states = session.scalar(
        select(func.count()).select_from(CardState).where(CardState.user_id == ada.id)
    )
    assert states == 6  # moving and retiring lost nobody's progress


def test_every_problem_of_a_bad_file_is_listed_with_its_line(client, ada, session):
    bad = "# Algebra\n\n## Groups\n\n## Rings\n\nRings in one sentence.\n"
    response = post_file(client, bad)
    page = text_of(response)
    assert response.status_code == 400
    assert "cannot be imported" in page
    assert "line 3" in page
    assert counts(session) == (0, 0, 0)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "choose a deck file or paste the deck&#39;s text"),
        ({"text": "   "}, "choose a deck file or paste the deck&#39;s text"),
    ],
)
def test_an_empty_form_says_what_is_missing(client, ada, data, message):
    response = client.post("/decks/import", data=data)
    assert response.status_code == 400
    assert message in text_of(response)


def test_a_file_over_the_limit_is_refused_with_the_limit(client, ada, session):
    big = MARKDOWN_DECK + "\n" + ("x" * 80 + "\n") * 70_000  # about 5.6 MB
    response = post_file(client, big)
    assert response.status_code == 400
    assert "the limit is 5 MB" in text_of(response)
    assert counts(session) == (0, 0, 0)


def test_only_administrators_import_public_decks(client, make_user, login, session):
    make_user("ada")
    make_user("root", is_admin=True)
    login("ada")
    assert post_file(client, MARKDOWN_DECK, public="y").status_code == 403
    page = text_of(post_file(client, MARKDOWN_DECK))
    forged = {**hidden_fields(page), "public": "1"}
    assert client.post("/decks/import/confirm", data=forged).status_code == 403
    assert counts(session) == (0, 0, 0)

    client.post("/auth/logout")
    login("root")
    page = text_of(post_file(client, MARKDOWN_DECK, public="y"))
    assert "A new public deck" in page
    confirm(client, page)
    deck = session.scalars(select(Deck)).one()
    assert deck.is_public and deck.owner_id is None


def test_a_damaged_confirmation_writes_nothing(client, ada, session):
    page = text_of(post_file(client, MARKDOWN_DECK))
    fields = hidden_fields(page)
    fields["source"] = "not base64!"
    assert client.post("/decks/import/confirm", data=fields).status_code == 400
    fields["source"] = base64.b64encode(b"# \n").decode()
    assert client.post("/decks/import/confirm", data=fields).status_code == 400
    assert counts(session) == (0, 0, 0)


def test_the_confirmation_streams_progress_to_a_page_with_scripts(client, ada, session):
    page = text_of(post_file(client, MARKDOWN_DECK))
    response = confirm(client, page, Accept="application/x-ndjson")
    assert response.mimetype == "application/x-ndjson"
    events = [json.loads(line) for line in text_of(response).splitlines()]
    progress, outcome = events[:-1], events[-1]
    assert progress and all(event["total"] == 4 for event in progress)
    assert progress[-1]["done"] == 4
    deck = session.scalars(select(Deck)).one()
    assert outcome["map_url"] == f"/decks/{deck.id}/map"
    assert "4 added" in outcome["summary"]


def test_page_text_can_have_a_concept_moved_before_it_is_imported(client, ada, session):
    page = text_of(post_file(client, PAGE_TEXT_FILE.read_bytes(), name="rates.txt"))
    assert "Check the hierarchy" in page
    move_form = page[page.index('class="import-fix__form"') :]
    move_fields = hidden_fields(move_form, form_id=None)
    options = dict(
        (html.unescape(label).strip("— ").strip(), value)
        for value, label in re.findall(r'<option value="([^"]*)">([^<]+)</option>', move_form)
    )
    assert move_fields["source"]  # the form carries the file itself
    moved = client.post(
        "/decks/import",
        data={
            **move_fields,
            "move_concept": options["Term Premium"],
            "move_parent": options["Inflation and Real Rates"],
        },
    )
    assert moved.status_code == 200
    page = text_of(moved)
    assert "1 move applied" in page
    confirm(client, page)
    session.expire_all()
    premium = session.scalars(select(Concept).where(Concept.title == "Term Premium")).one()
    real = session.scalars(select(Concept).where(Concept.title == "Inflation and Real Rates")).one()
    assert premium.parent_id == real.id
    assert premium.key == "inflation-and-real-rates/term-premium"


def test_a_move_under_its_own_branch_is_refused_and_the_preview_kept(client, ada):
    page = text_of(post_file(client, PAGE_TEXT_FILE.read_bytes(), name="rates.txt"))
    move_form = page[page.index('class="import-fix__form"') :]
    options = dict(
        (html.unescape(label).strip("— ").strip(), value)
        for value, label in re.findall(r'<option value="([^"]*)">([^<]+)</option>', move_form)
    )
    response = client.post(
        "/decks/import",
        data={
            **hidden_fields(move_form, form_id=None),
            "move_concept": options["Yield Curve"],
            "move_parent": options["Term Premium"],
        },
    )
    assert response.status_code == 400
    assert "which is inside it" in text_of(response)
    assert "Apply the changes" in text_of(response) or "Import the deck" in text_of(response)


def test_importing_a_json_deck_keeps_keys_for_the_next_version(client, ada, session):
    document = json.dumps(
        {"key": "algebra", "title": "Algebra", "concepts": [concept("Groups", key="g")]}
    )
    confirm(client, text_of(post_file(client, document, name="algebra.json")))
    assert session.scalars(select(Concept.key)).all() == ["g"]


def test_a_deck_downloads_from_its_page_in_every_format(client, ada, session, import_text):
    deck = import_text(MARKDOWN_DECK, "algebra.md").deck
    page = text_of(client.get(f"/decks/{deck.id}"))
    assert "Download this deck" in page
    for export_format, name in (("json", "algebra.json"), ("markdown", "algebra.md")):
        response = client.get(f"/decks/{deck.id}/download?format={export_format}")
        assert response.headers["Content-Disposition"] == f'attachment; filename="{name}"'
        assert "Subgroups" in text_of(response)
    package = client.get(f"/decks/{deck.id}/download?format=apkg&progress=1")
    assert package.headers["Cache-Control"] == "no-store"
    assert package.get_data()[:2] == b"PK"
    assert client.get(f"/decks/{deck.id}/download?format=pdf").status_code == 400
    assert client.get(f"/decks/{deck.id + 99}/download").status_code == 404
