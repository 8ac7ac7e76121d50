"""Stable keys: how a concept keeps its identity across versions of a deck."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

KEY_SEPARATOR = "/"
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def slugify(text: str) -> str:
    """Lower-case ASCII words joined by hyphens: ``"API & Deployment"`` -> ``"api-deployment"``."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = _NOT_SLUG.sub("-", folded.lower()).strip("-")
    return slug or "untitled"


def key_from_title_path(titles: Sequence[str]) -> str:
    """The key a concept gets when its file names none: its title path, slugified.

    ``["Context Management", "Efficient Attention"]`` ->
    ``"context-management/efficient-attention"``. The same titles always give
    the same key, so re-importing an unchanged file matches every concept.
    """
    return KEY_SEPARATOR.join(slugify(title) for title in titles)
