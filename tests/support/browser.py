"""What the real-browser tests share: where Chromium is, window sizes, logging in, screenshots.

The fixtures (``browser``, ``live_server``) are in tests/browser/conftest.py.
"""

from __future__ import annotations

from pathlib import Path

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
