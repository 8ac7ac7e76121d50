"""Plumbing for the real-browser tests: a live server, Debian's Chromium, screenshots.

Registered as a pytest plugin by tests/conftest.py. Chromium is launched
through Playwright with ``executable_path`` (no browser is ever downloaded);
without it the browser tests skip, unless ``STUDYAPP_REQUIRE_BROWSER=1`` (CI)
turns its absence into a failure.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.support.paths import REPO_ROOT

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = REPO_ROOT / "test-artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 800}


@pytest.fixture
def browser():
    if not CHROMIUM.exists():
        message = f"Chromium not installed at {CHROMIUM}"
        if os.environ.get("STUDYAPP_REQUIRE_BROWSER") == "1":
            pytest.fail(message + " (STUDYAPP_REQUIRE_BROWSER=1)")
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def live_server(app) -> Iterator[str]:
    """The test app served on a free local port in a background thread; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="studyapp-test-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


def log_in(page, username: str, password: str) -> None:
    """Log in through the login page, as a person would."""
    page.goto("/auth/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def shoot(page, name: str) -> None:
    """A full-page screenshot into test-artifacts/screenshots/ for a person to look at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
