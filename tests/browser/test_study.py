"""The site in a real browser: register, add a deck from the library, set a limit, study three
cards by keyboard, see the day.

Runs the app on a local port in a background thread and drives headless
Chromium through Playwright. Screenshots of the main pages, at desktop and
phone width, go to ``test-artifacts/screenshots/`` for a human to look at.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from studyapp.storage.models import ReviewLog
from tests.support.browser import DESKTOP, PHONE, shoot
from tests.support.factories import deck_json

pytestmark = pytest.mark.browser
PASSWORD = "a long enough password"


def test_register_configure_and_study_three_cards_by_keyboard(
    browser, live_server, import_text, session
):
    from playwright.sync_api import expect

    deck = import_text(
        deck_json(description="Groups, rings and fields: the basic structures.")
    ).deck
    base = live_server
    errors: list[str] = []

    context = browser.new_context(viewport=DESKTOP, base_url=base)
    page = context.new_page()

    def on_console(message) -> None:
        # Pages answered 400/404 on purpose are logged as failed loads; CSP
        # refusals and script errors are not.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            errors.append(message.text)

    def on_response(response) -> None:
        if "/static/" in response.url and response.status >= 400:
            errors.append(f"{response.status} {response.url}")

    page.on("console", on_console)
    page.on("response", on_response)
    page.on("pageerror", lambda error: errors.append(str(error)))

    # Landing page, then register through the form.
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Remember what you learn")
    shoot(page, "landing")
    page.get_by_role("link", name="Register").first.click()
    page.get_by_label("Username").fill("learner")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Repeat the password").fill(PASSWORD + "!")
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_text("The two passwords differ.")).to_be_visible()
    shoot(page, "register-error")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Repeat the password").fill(PASSWORD)
    page.get_by_role("button", name="Register").click()
    expect(page).to_have_url(f"{base}/")
    expect(page.locator(".flash")).to_contain_text("Welcome, learner!")
    expect(page.get_by_role("heading", name="Add a deck to start studying")).to_be_visible()
    shoot(page, "home-empty")

    # The library: search by keyboard, then add the deck from the results.
    page.get_by_role("link", name="Browse the library").click()
    expect(page).to_have_url(f"{base}/decks")
    page.get_by_label("Search deck titles").fill("ALGEB")
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{base}/decks?q=ALGEB")
    found = page.locator(".library-card", has_text="Algebra")
    expect(found.locator(".deck-progress__none")).to_have_text("Not started yet")
    add = found.get_by_role("button", name="Add Algebra to my studies")
    add.focus()
    page.keyboard.press("Enter")
    expect(page.locator(".flash")).to_contain_text("Added “Algebra” to your studies")
    expect(page).to_have_url(f"{base}/decks?q=ALGEB")
    expect(found.locator(".badge--studying")).to_have_text("In your studies")
    expect(found.get_by_role("button", name="Remove Algebra from your studies")).to_be_visible()

    # Three new cards a day, set on the settings page.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Settings").click()
    page.get_by_label("New cards per day").fill("3")
    page.get_by_role("button", name="Save settings").click()
    expect(page.locator(".flash")).to_contain_text("Settings saved.")
    shoot(page, "settings")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Home").click()
    card = page.locator(".deck-card", has_text="Algebra")
    expect(card.locator(".count--new .count__value")).to_have_text("3")
    expect(card.locator(".badge")).to_have_text("Public")
    shoot(page, "home")

    card.get_by_role("link", name="Algebra", exact=True).click()
    expect(page).to_have_url(f"{base}/decks/{deck.id}")
    page.locator(".concept__details summary").first.click()
    expect(page.get_by_text("A longer explanation of Groups.")).to_be_visible()
    shoot(page, "deck-outline")

    # The same pages on a phone.
    phone = browser.new_context(
        viewport=PHONE, base_url=base, storage_state=context.storage_state(), is_mobile=True
    )
    small = phone.new_page()
    small.on("pageerror", lambda error: errors.append(str(error)))
    for path, name in [
        ("/", "phone-home"),
        ("/decks", "phone-library"),
        (f"/decks/{deck.id}", "phone-deck-outline"),
        ("/study", "phone-study-front"),
        ("/settings", "phone-settings"),
    ]:
        small.goto(path)
        assert small.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], path
        shoot(small, name)
    small.goto("/study")
    small.get_by_text("Show answer").click()
    expect(small.locator("#card-back")).to_be_visible()
    assert small.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shoot(small, "phone-study-back")

    # The dark variant of the busiest pages, for a human to look at.
    dark = browser.new_context(
        viewport=DESKTOP, base_url=base, storage_state=context.storage_state(), color_scheme="dark"
    )
    night = dark.new_page()
    night.goto("/")
    shoot(night, "dark-home")
    night.goto("/decks")
    shoot(night, "dark-library")
    night.goto("/study")
    night.keyboard.press("Enter")
    expect(night.locator("#card-back")).to_be_visible()
    shoot(night, "dark-study-back")
    dark.close()

    # A broken upload lists its problems; an unknown deck is a 404 page.
    page.goto("/decks")
    page.get_by_label("Deck file").set_input_files(
        files=[
            {
                "name": "broken.json",
                "mimeType": "application/json",
                "buffer": b'{\n  "title": "Broken",\n  "concepts": [,]\n}',
            }
        ]
    )
    page.get_by_role("button", name="Preview").click()
    expect(page.get_by_role("alert")).to_contain_text("broken.json, line 3: invalid JSON")
    shoot(page, "decks-upload-error")
    response = page.goto("/decks/999999")
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    shoot(page, "not-found")

    # Study three cards with the keyboard only.
    page.goto("/study")
    fronts = []
    for number in range(3):
        front = page.locator("#card-front")
        expect(front).to_be_visible()
        fronts.append(front.inner_text())
        expect(page.locator("#card-back")).to_be_hidden()
        progress = page.get_by_role("progressbar")
        expect(progress).to_have_attribute("aria-valuenow", ["0", "33", "67"][number])
        if number == 0:
            shoot(page, "study-front")
        page.keyboard.press("Space")
        expect(page.locator("#card-back")).to_be_visible()
        expect(page.get_by_role("button", name="Easy")).to_be_visible()
        if number == 0:
            shoot(page, "study-back")
        page.wait_for_timeout(50)  # a measurable answer time
        with page.expect_navigation():
            page.keyboard.press("4")
    assert fronts == ["Groups", "Subgroups", "Cosets"]

    expect(page.get_by_role("heading", level=1)).to_contain_text("that is all for now")
    summary = page.locator(".stats")
    expect(summary).to_contain_text("Cards reviewed today")
    reviewed = summary.locator(".stat", has_text="Cards reviewed today")
    expect(reviewed.locator("dd")).to_have_text("3")
    expect(summary.locator(".stat", has_text="Again").locator("dd")).to_have_text("0")
    expect(page.get_by_role("progressbar")).to_have_attribute("aria-valuenow", "100")
    shoot(page, "summary")
    small.goto("/study")
    shoot(small, "phone-summary")

    session.expire_all()
    logs = list(session.scalars(select(ReviewLog).order_by(ReviewLog.id)))
    assert [log.rating for log in logs] == [4, 4, 4]
    assert all(log.duration_ms is not None and log.duration_ms > 0 for log in logs)

    # Undo with the keyboard brings the last card back.
    with page.expect_navigation():
        page.keyboard.press("u")
    expect(page.locator(".flash")).to_contain_text("Undid your Easy answer on “Cosets”")
    expect(page.locator("#card-front")).to_have_text("Cosets")

    # Log out, and the login page with a failed attempt.
    page.get_by_role("button", name="Log out").click()
    expect(page.locator(".flash")).to_contain_text("You have logged out.")
    page.goto("/auth/login")
    page.get_by_label("Username").fill("learner")
    page.get_by_label("Password").fill("wrong password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert")).to_contain_text("Wrong username or password.")
    shoot(page, "login")
    phone.clear_cookies()
    small.goto("/auth/login")
    shoot(small, "phone-login")

    phone.close()
    context.close()
    assert errors == []
