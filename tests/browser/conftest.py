"""Fixtures of the real-browser tests: Debian's Chromium through Playwright, and a live server.

Chromium is launched with ``executable_path`` (no browser is ever downloaded);
without it the browser tests skip, unless ``STUDYAPP_REQUIRE_BROWSER=1`` (CI)
turns its absence into a failure.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator

import pytest
from werkzeug.serving import make_server

from tests.support.browser import CHROMIUM, CHROMIUM_ARGS


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
