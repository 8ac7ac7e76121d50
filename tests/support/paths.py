"""Where the tests find the repository's files: shipped decks, test data, the shared seed."""

from __future__ import annotations

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
DECKS_DIR = REPO_ROOT / "decks"
TEST_DATA = REPO_ROOT / "tests" / "data"
PAGE_TEXT_DATA = TEST_DATA / "page_text"
# ../shared beside the checkout (CI gets a copy); the project never reads it at run time.
SEED_DIR = REPO_ROOT.parent / "shared" / "seeds"
