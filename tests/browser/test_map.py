"""The map in a real browser: the panel, folding, zoom and the keyboard, on desktop and phone."""

from __future__ import annotations

import random
import re

import pytest
from fsrs import State

from studyapp.web.map.folding import DEFAULT_VISIBLE
from tests.conftest import PASSWORD
from tests.support.browser import DESKTOP, PHONE, SCREENSHOTS, log_in, shoot
from tests.support.factories import concept, deck_json
from tests.support.map_history import concept_ids, remember
from tests.support.paths import DECKS_DIR

SEED_DECK = DECKS_DIR / "claude-code-architecture.json"


def shoot_view(page, name: str) -> None:
    """What is on the screen (a phone's bottom sheet is fixed to it, not to the page)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


def generated_deck(count: int) -> str:
    """``count`` concepts: 10 roots, then 6-10 children per node, level by level."""
    rng = random.Random(3)
    words = ["attention", "memory", "retrieval", "gradient", "token", "embedding", "context"]
    made = 0

    def node() -> dict:
        nonlocal made
        made += 1
        title = " ".join(word.capitalize() for word in rng.sample(words, rng.randint(1, 3)))
        return concept(f"{title} {made}")

    roots = [node() for _ in range(10)]
    level = roots
    while made < count:
        below = []
        for parent in level:
            for _ in range(rng.randint(6, 10)):
                if made < count:
                    child = node()
                    parent["children"].append(child)
                    below.append(child)
        level = below
    return deck_json(key="generated", title="Generated: a thousand concepts", concepts=roots)


@pytest.mark.browser
def test_the_map_in_a_browser_panel_folding_zoom_and_keyboard(
    browser, live_server, session, make_user, import_text
):
    from playwright.sync_api import expect

    ada = make_user("ada")
    seed_id = import_text(SEED_DECK.read_text(encoding="utf-8"), "seed.json").deck.id
    seed = concept_ids(session, seed_id)
    for title, (stability, days, state, count) in SEED_MEMORY.items():
        kinds = ("recall", "recognise", "explain")[:count]
        remember(session, ada.id, seed[title], stability=stability, days_ago=days, state=state,
                 kinds=kinds)
    large_id = import_text(generated_deck(1000), "large.json").deck.id
    rng = random.Random(5)
    large = list(concept_ids(session, large_id).values())
    for concept_id in rng.sample(large, 500):
        remember(session, ada.id, concept_id, stability=rng.choice([0.5, 3, 9, 25, 60]),
                 days_ago=rng.uniform(0, 40))

    errors: list[str] = []
    context = browser.new_context(viewport=DESKTOP, base_url=live_server)
    page = context.new_page()
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    log_in(page, "ada", PASSWORD)

    page.goto(f"/decks/{seed_id}/map")
    expect(page.locator(".node")).to_have_count(13)
    expect(page.locator(".map-zoom")).to_be_visible()  # shown by the script
    shoot(page, "map-seed-desktop")

    # A click opens the panel without reloading the page; Escape closes it.
    page.evaluate("window.__stillHere = true")
    training = seed["Training & Optimization"]
    page.locator(f"#node-{training} .node__link").click()
    panel = page.locator("#map-panel")
    expect(panel.get_by_role("heading", level=2)).to_have_text("Training & Optimization")
    expect(panel).to_contain_text("Fading")
    expect(page).to_have_url(re.compile(rf"focus={training}"))
    expect(page.locator(f"#node-{training}")).to_have_class(re.compile("is-focused"))
    assert page.evaluate("window.__stillHere") is True
    shoot(page, "map-panel-desktop")
    page.keyboard.press("Escape")
    expect(page.locator("#map-panel-slot")).to_be_hidden()
    expect(page).not_to_have_url(re.compile("focus="))
    # The browser's back button brings the panel back.
    page.go_back()
    expect(panel.get_by_role("heading", level=2)).to_have_text("Training & Optimization")
    page.keyboard.press("Escape")

    # Keyboard: Tab reaches the concepts; arrows walk the tree; Enter opens the panel.
    context_management = seed["Context Management"]
    page.locator(f"#node-{context_management} .node__link").focus()
    page.keyboard.press("ArrowRight")
    first_child = seed["Long Context Windows Implementation"]
    assert page.evaluate("document.activeElement.parentNode.id") == f"node-{first_child}"
    page.keyboard.press("ArrowDown")
    second = seed["Efficient Attention Mechanisms"]
    assert page.evaluate("document.activeElement.parentNode.id") == f"node-{second}"
    page.keyboard.press("ArrowLeft")
    assert page.evaluate("document.activeElement.parentNode.id") == f"node-{context_management}"
    shoot(page, "map-keyboard-focus-desktop")
    page.keyboard.press("Enter")
    expect(panel.get_by_role("heading", level=2)).to_have_text("Context Management")
    page.keyboard.press("Escape")

    # Zoom buttons change the viewBox; folding swaps the drawing in place.
    before = page.locator("#map-canvas").get_attribute("viewBox")
    page.get_by_role("button", name="Zoom in").click()
    after = page.locator("#map-canvas").get_attribute("viewBox")
    assert float(after.split()[2]) < float(before.split()[2])
    page.locator(f"#node-{context_management} .node__toggle").click()
    expect(page.locator(".node")).to_have_count(9)
    expect(page.locator(f"#node-{context_management} .node__toggle")).to_have_attribute(
        "aria-expanded", "false"
    )
    assert page.evaluate("window.__stillHere") is True
    page.locator(f"#node-{context_management} .node__toggle").click()
    expect(page.locator(".node")).to_have_count(13)

    # As of a later date, from the date control.
    page.get_by_label("As of").fill("2026-04-15")
    page.get_by_role("button", name="Show").click()
    expect(page.locator(".map-head__future")).to_contain_text("Wed 15 April 2026")
    shoot(page, "map-asof-desktop")

    # Without JavaScript the page works by links alone.
    plain = browser.new_context(
        viewport=DESKTOP, base_url=live_server, java_script_enabled=False,
        storage_state=context.storage_state(),
    )
    nojs = plain.new_page()
    nojs.goto(f"/decks/{seed_id}/map")
    nojs.locator(f"#node-{training} .node__link").click()
    expect(nojs.locator("#map-panel").get_by_role("heading", level=2)).to_have_text(
        "Training & Optimization"
    )
    shoot(nojs, "map-nojs-panel-desktop")
    plain.close()

    page.goto(f"/decks/{large_id}/map")
    expect(page.locator(".node.is-collapsed").first).to_be_visible()
    assert 10 < page.locator(".node").count() <= DEFAULT_VISIBLE
    shoot(page, "map-large-desktop")

    # The same on a phone: the panel is a bottom sheet.
    phone = browser.new_context(
        viewport=PHONE, base_url=live_server, storage_state=context.storage_state(),
        is_mobile=True, has_touch=True,
    )
    small = phone.new_page()
    small.on("pageerror", lambda error: errors.append(str(error)))
    small.goto(f"/decks/{seed_id}/map")
    layout_box = small.locator("#map-layout").bounding_box()
    assert layout_box["x"] >= 0 and layout_box["x"] + layout_box["width"] <= PHONE["width"]
    shoot_view(small, "map-seed-phone")
    small.locator(f"#node-{training} .node__link").click()
    sheet = small.locator("#map-panel-slot")
    expect(sheet.get_by_role("heading", level=2)).to_have_text("Training & Optimization")
    box = sheet.bounding_box()
    assert box["width"] == PHONE["width"] and box["y"] + box["height"] == pytest.approx(
        PHONE["height"], abs=1
    )
    shoot_view(small, "map-panel-phone")
    small.goto(f"/decks/{large_id}/map")
    shoot_view(small, "map-large-phone")
    phone.close()

    dark = browser.new_context(
        viewport=DESKTOP, base_url=live_server, storage_state=context.storage_state(),
        color_scheme="dark",
    )
    night = dark.new_page()
    night.goto(f"/decks/{seed_id}/map?focus={training}")
    shoot(night, "map-dark-desktop")
    dark.close()
    context.close()
    assert not errors, errors


# title -> (stability in days, days since the last review, state, cards reviewed)
SEED_MEMORY = {
    "Transformer Foundation": (40, 10, State.Review, 3),  # mastered
    "Context Management": (10, 3, State.Review, 3),  # proficient
    "Long Context Windows Implementation": (25, 45, State.Review, 3),  # mastered, fading
    "Efficient Attention Mechanisms": (0.4, 0.1, State.Learning, 2),  # learning
    "Contextual Information Retrieval": (3, 1, State.Review, 2),  # familiar
    "Training & Optimization": (2.5, 9, State.Review, 3),  # familiar, fading
    "Massive Dataset Curation": (12, 2, State.Review, 3),  # proficient
    "RLHF Alignment": (0.8, 0.2, State.Relearning, 3),  # learning
    "Distributed Training Paradigms": (30, 5, State.Review, 3),  # mastered
    "Safety Architecture": (4, 2, State.Review, 3),  # familiar
}
