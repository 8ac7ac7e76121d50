"""Quizzes answered by keyboard in a real browser."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from studyapp.storage.models import Concept
from tests.support.browser import DESKTOP, PHONE, SCREENSHOTS, log_in, shoot


@pytest.mark.browser
def test_take_quizzes_by_keyboard_in_a_browser(
    browser,
    live_server,
    import_text,
    make_user,
    session,
):
    from playwright.sync_api import expect

    from tests.support.paths import DECKS_DIR

    deck = import_text(
        (DECKS_DIR / "spaced-repetition.md").read_text(encoding="utf-8"),
        "spaced-repetition.md",
    ).deck
    make_user("learner", new_cards_per_day=100)
    errors: list[str] = []
    context = browser.new_context(viewport=DESKTOP, base_url=live_server)
    tab = context.new_page()
    tab.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    tab.on("pageerror", lambda error: errors.append(str(error)))

    log_in(tab, "learner", "correct horse battery")

    # Start a multiple-choice quiz of the first top-level branch from the outline.
    tab.goto(f"/decks/{deck.id}")
    launcher = tab.locator("details.quiz-launch").first
    launcher.locator("summary").click()
    launcher.get_by_label("Multiple choice").check()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(SCREENSHOTS / "quiz-launch.png"))  # the top of a long outline
    launcher.get_by_role("button", name="Start quiz").click()
    expect(tab.locator("#progress-label")).to_have_text(re.compile(r"1 of \d+"))
    expect(tab.locator(".choice")).to_have_count(4)
    shoot(tab, "quiz-choice")

    total = int(re.search(r"of (\d+)", tab.locator("#progress-label").inner_text()).group(1))
    for number in range(1, total + 1):
        expect(tab.locator("#progress-label")).to_have_text(f"{number} of {total}")
        tab.wait_for_load_state("load")  # quiz.js (deferred) is listening
        tab.keyboard.press(str(1 + number % 4))
        if number == 2:
            expect(tab.locator(".quiz-feedback")).to_be_visible()
            shoot(tab, "quiz-choice-feedback")
    expect(tab.locator("#results-title")).to_contain_text("Quiz done")
    shoot(tab, "quiz-results-choice")

    # Then flip and rate a small branch by keyboard: Space shows, 1-4 rates.
    branch = session.scalars(
        select(Concept).where(Concept.deck_id == deck.id, Concept.depth == 1)
    ).first()
    tab.goto(f"/decks/{deck.id}")
    launcher = tab.locator("details.quiz-launch").nth(1)
    launcher.locator("summary").click()
    launcher.get_by_role("button", name="Start quiz").click()
    expect(tab.locator("#progress-label")).to_have_text(re.compile(r"1 of \d+"))
    tab.wait_for_load_state("load")
    tab.keyboard.press("Space")
    expect(tab.locator("#card-back")).to_be_visible()
    shoot(tab, "quiz-recall-back")
    total = int(re.search(r"of (\d+)", tab.locator("#progress-label").inner_text()).group(1))
    for number in range(1, total + 1):
        expect(tab.locator("#progress-label")).to_have_text(f"{number} of {total}")
        tab.wait_for_load_state("load")
        if number > 1:
            tab.keyboard.press("Space")
        expect(tab.locator("#card-back")).to_be_visible()
        tab.keyboard.press(str([3, 2, 4, 1][number % 4]))
    expect(tab.locator("#results-title")).to_contain_text("recalled")
    shoot(tab, "quiz-results-recall")

    phone = browser.new_context(viewport=PHONE, base_url=live_server, color_scheme="dark")
    phone.add_cookies(context.cookies())
    small = phone.new_page()
    small.goto(tab.url)
    expect(small.locator("#results-title")).to_be_visible()
    shoot(small, "quiz-results-phone-dark")
    phone.close()
    context.close()
    assert branch is not None
    assert not errors, errors
