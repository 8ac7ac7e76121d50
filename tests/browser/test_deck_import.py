"""Importing a deck in a real browser: upload, preview, fix a parent, confirm, open the map."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from studyapp.storage.models import Concept, Deck
from tests.conftest import PASSWORD
from tests.support.browser import DESKTOP, PHONE, log_in, shoot

pytestmark = pytest.mark.browser

OUTLINE = """\
# Kitchen Chemistry

How heat and acids change food.

## Heat

Heat changes food by raising its temperature.

### Maillard Reaction

Browning of proteins and sugars above about 140 °C.

### Caramelisation

Browning of sugar on its own when heated.

## Acids

Acids change texture and taste.

### Emulsions

A mixture of two liquids that do not normally mix, held together by an emulsifier.
"""


def test_upload_preview_fix_a_parent_confirm_and_open_the_map(
    browser, live_server, make_user, session, tmp_path
):
    from playwright.sync_api import expect

    ada = make_user("ada")
    deck_file = tmp_path / "kitchen-chemistry.md"
    deck_file.write_text(OUTLINE, encoding="utf-8")

    page = browser.new_context(viewport=DESKTOP, base_url=live_server).new_page()
    log_in(page, "ada", PASSWORD)

    page.goto("/decks/import")
    expect(page.get_by_text("The limit is 5 MB")).to_be_visible()
    page.get_by_label("Deck file").set_input_files(str(deck_file))
    page.get_by_role("button", name="Preview").click()

    expect(page.get_by_role("heading", name="Kitchen Chemistry")).to_be_visible()
    expect(page.get_by_text("A new private deck")).to_be_visible()
    tree = page.locator(".import-tree")
    expect(tree.get_by_text("Emulsions", exact=True)).to_be_visible()
    shoot(page, "import-preview-desktop")

    # Say the learner files emulsions under heat: one parent fixed before importing.
    page.get_by_label("Move this concept").select_option(label="— Emulsions")
    page.get_by_label("under").select_option(label="Heat")
    page.get_by_role("button", name="Move").click()
    expect(page.get_by_text("1 move applied so far.")).to_be_visible()
    heat = page.locator(".import-tree details", has_text="Heat").first
    expect(heat.get_by_text("Emulsions", exact=True)).to_be_visible()
    page.set_viewport_size(PHONE)
    shoot(page, "import-preview-phone")
    page.set_viewport_size(DESKTOP)

    page.get_by_role("button", name="Import the deck").click()
    page.wait_for_url("**/decks/*/map")

    session.rollback()  # the server committed from another connection
    deck = session.scalars(select(Deck).where(Deck.owner_id == ada.id)).one()
    assert page.url.endswith(f"/decks/{deck.id}/map")
    emulsions = session.scalars(select(Concept).where(Concept.title == "Emulsions")).one()
    heat_concept = session.scalars(select(Concept).where(Concept.title == "Heat")).one()
    assert emulsions.parent_id == heat_concept.id
    expect(page.locator(f"#node-{heat_concept.id}")).to_be_visible()
    shoot(page, "import-done-map")
