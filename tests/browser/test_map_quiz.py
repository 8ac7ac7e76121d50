"""The map in a real browser: open the seed map, quiz one branch by multiple choice, see it change.

A learner opens the map of the shipped seed deck, clicks "Context Management",
starts "Quiz this branch" in multiple-choice mode from the node's panel,
answers every question, goes back to the map and finds the node coloured as
learning instead of not started.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from studyapp.storage.models import Concept, Quiz, QuizQuestion
from tests.conftest import PASSWORD
from tests.support.browser import DESKTOP, log_in, shoot
from tests.support.factories import deck_json
from tests.support.paths import DECKS_DIR

pytestmark = pytest.mark.browser

SEED_DECK = DECKS_DIR / "claude-code-architecture.json"


def current_question_concept(session, user_id: int) -> int | None:
    """The concept the learner's open quiz is asking about now (what a person would know)."""
    session.rollback()  # a fresh snapshot: the server commits from another connection
    return session.scalars(
        select(QuizQuestion.concept_id)
        .join(Quiz, Quiz.id == QuizQuestion.quiz_id)
        .where(Quiz.user_id == user_id, QuizQuestion.answered_at.is_(None))
        .order_by(Quiz.id.desc(), QuizQuestion.position)
        .limit(1)
    ).first()


def node_fill(page, concept_id: int) -> str:
    return page.eval_on_selector(
        f"#node-{concept_id} .node__box", "box => getComputedStyle(box).fill"
    )


def test_quiz_a_branch_from_the_map_and_see_its_colour_change(
    browser, live_server, import_text, make_user, session
):
    from playwright.sync_api import expect

    deck = import_text(SEED_DECK.read_text(encoding="utf-8"), "seed.json").deck
    ada = make_user("ada")
    branch = session.scalars(
        select(Concept).where(Concept.deck_id == deck.id, Concept.title == "Context Management")
    ).one()

    page = browser.new_context(viewport=DESKTOP, base_url=live_server).new_page()
    log_in(page, "ada", PASSWORD)

    page.goto(f"/decks/{deck.id}/map")
    node = page.locator(f"#node-{branch.id}")
    expect(node).to_have_class(re.compile(r"(^|\s)node--not_started(\s|$)"))
    fill_before = node_fill(page, branch.id)

    node.locator("a.node__link").click()
    panel = page.locator("#map-panel")
    expect(panel.get_by_role("heading", name="Context Management")).to_be_visible()
    panel.get_by_label("Multiple choice").check()
    expect(panel).to_contain_text("This deck is not in your studies")
    panel.get_by_role("button", name="Quiz this branch").click()
    expect(page.locator(".flash")).to_contain_text("is now in your studies")

    answered = 0
    while (concept_id := current_question_concept(session, ada.id)) is not None:
        page.locator(f"button[name='concept_id'][value='{concept_id}']").click()
        answered += 1
        assert answered <= 5, "the branch has five concepts"
    expect(page.get_by_text("Quiz done: 5 of 5 right")).to_be_visible()
    shoot(page, "map-quiz-results")

    page.get_by_role("link", name="Back to the map").click()
    node = page.locator(f"#node-{branch.id}")
    expect(node).to_have_class(re.compile(r"(^|\s)node--learning(\s|$)"))
    assert node_fill(page, branch.id) != fill_before
    shoot(page, "map-after-quiz")


def test_a_quiz_is_answered_with_the_keyboard_alone(
    browser, live_server, import_text, make_user, session
):
    """Space shows a recall answer and 3 rates it Good; in multiple choice the option's
    number answers. Each page takes one answer per question and times it."""
    from playwright.sync_api import expect

    ada = make_user("ada")
    deck = import_text(deck_json(), studied_by=ada).deck
    groups = session.scalars(
        select(Concept).where(Concept.deck_id == deck.id, Concept.title == "Groups")
    ).one()
    page = browser.new_context(viewport=DESKTOP, base_url=live_server).new_page()
    log_in(page, "ada", PASSWORD)

    def start_quiz(mode_label: str) -> None:
        page.goto(f"/decks/{deck.id}/map?focus={groups.id}")
        panel = page.locator("#map-panel")
        panel.get_by_label(mode_label).check()
        # Until the quiz page has loaded, its shortcuts are not listening yet.
        with page.expect_navigation():
            panel.get_by_role("button", name="Quiz this branch").click()

    start_quiz("Recall")
    recalled = 0
    while current_question_concept(session, ada.id) is not None:
        expect(page.locator("#card-back")).to_be_hidden()
        page.keyboard.press("Space")
        expect(page.locator("#card-back")).to_be_visible()
        page.wait_for_timeout(30)  # a measurable answer time
        with page.expect_navigation():
            page.keyboard.press("3")
        recalled += 1
        assert recalled <= 9, "the branch has nine cards"
    assert recalled == 9
    expect(page.get_by_text(re.compile(r"Quiz done"))).to_be_visible()

    start_quiz("Multiple choice")
    chosen = 0
    while (concept_id := current_question_concept(session, ada.id)) is not None:
        right = page.locator(f"button[name='concept_id'][value='{concept_id}']")
        with page.expect_navigation():
            page.keyboard.press(right.get_attribute("data-key"))
        chosen += 1
        assert chosen <= 3, "the branch has three concepts"
    expect(page.get_by_text("Quiz done: 3 of 3 right")).to_be_visible()

    session.rollback()
    answers = session.scalars(select(QuizQuestion).join(Quiz).where(Quiz.user_id == ada.id)).all()
    assert len(answers) == 12 and all(answer.answered_at is not None for answer in answers)
    recall_durations = [a.duration_ms for a in answers if a.chosen_concept_id is None]
    assert len(recall_durations) == 9 and all(ms and ms > 0 for ms in recall_durations)
