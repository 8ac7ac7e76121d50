"""The dashboard in a real browser: study three cards by keyboard, then see them on the page.

Same live-server and Chromium launch as tests/browser/test_study.py. Screenshots at
desktop and phone width go to ``test-artifacts/screenshots/dashboard-*.png``.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from studyapp.storage.db import transaction
from tests.conftest import PASSWORD
from tests.support.browser import DESKTOP, PHONE, log_in, shoot
from tests.support.factories import deck_json
from tests.support.review_history import add_log, add_state, cards_by_concept

pytestmark = pytest.mark.browser


def test_reviews_done_by_keyboard_show_on_the_dashboard(
    browser, live_server, import_text, make_user, session, clock
):
    from playwright.sync_api import expect

    ada = make_user("ada")
    deck = import_text(deck_json(), studied_by=ada).deck
    # Some history, so the charts have something to draw: reviews on earlier days and
    # a few cards in review with lapses.
    cards = cards_by_concept(session, deck.id)
    with transaction(session):
        for back in range(1, 40, 3):
            add_log(
                session,
                ada,
                cards["Rings"][0],
                clock.now() - timedelta(days=back),
                rating=1 if back % 2 else 3,
                interval_days=back,
            )
        add_state(
            session,
            ada,
            cards["Rings"][0],
            lapses=3,
            stability_days=4,
            due=clock.now() + timedelta(days=2),
        )
        add_state(
            session,
            ada,
            cards["Ideals"][0],
            lapses=1,
            stability_days=30,
            due=clock.now() + timedelta(days=9),
        )
    errors: list[str] = []
    context = browser.new_context(viewport=DESKTOP, base_url=live_server)
    page = context.new_page()
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    log_in(page, "ada", PASSWORD)

    page.goto("/study")
    for _ in range(3):
        expect(page.locator("#card-front")).to_be_visible()
        page.keyboard.press("Space")
        expect(page.locator("#card-back")).to_be_visible()
        page.wait_for_timeout(50)
        with page.expect_navigation():
            page.keyboard.press("3")

    page.get_by_role("link", name="Dashboard").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")
    expect(page.locator('[data-stat="reviewed"] .tile__value')).to_have_text("3")
    expect(page.locator('[data-stat="streak"] .tile__value')).to_have_text(
        "2 days"
    )  # today, yesterday
    today = page.locator("rect.heat--today")
    expect(today).to_have_attribute("data-date", "2026-03-02")
    expect(today).to_have_attribute("data-reviews", "3")
    assert "3 reviews" in today.locator("title").text_content()
    expect(page.get_by_role("img", name="Reviews per study day, last 12 months")).to_be_visible()
    hardest = page.locator(".hardest__item").first
    expect(hardest).to_contain_text("Rings")
    href = hardest.get_by_role("link").get_attribute("href")
    assert href.startswith(f"/decks/{deck.id}/map?focus=")
    shoot(page, "dashboard-desktop")

    page.get_by_label("Deck").select_option(label="Algebra")
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(f"{live_server}/dashboard?deck={deck.id}")
    expect(page.locator('[data-stat="reviewed"] .tile__value')).to_have_text("3")

    phone = browser.new_context(viewport=PHONE, base_url=live_server).new_page()
    log_in(phone, "ada", PASSWORD)
    phone.goto("/dashboard")
    expect(phone.locator('[data-stat="reviewed"] .tile__value')).to_have_text("3")
    shoot(phone, "dashboard-phone")
    width = phone.evaluate("document.documentElement.scrollWidth")
    wide = phone.evaluate(
        """() => [...document.querySelectorAll('body *:not(.chart__scroll *)')]
            .filter(e => e.getBoundingClientRect().right > 376)
            .slice(0, 8).map(e => e.tagName + '.' + e.className.baseVal + e.className)"""
    )
    assert width <= PHONE["width"], f"the page scrolls sideways: {width}px {wide}"

    dark = browser.new_context(viewport=DESKTOP, base_url=live_server, color_scheme="dark")
    night = dark.new_page()
    log_in(night, "ada", PASSWORD)
    night.goto("/dashboard")
    shoot(night, "dashboard-dark")
    assert not errors, errors
