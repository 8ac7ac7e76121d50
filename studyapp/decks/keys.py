"""Stable keys: how a concept keeps its identity across versions of a deck."""

from __future__ import annotations

import hashlib
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


def bounded_key(key: str, max_length: int) -> str:
    """``key`` itself when it fits, else a stable shortened form ending in a hash of the whole.

    Derived keys of deeply nested or long-titled concepts can outgrow the
    database column; the hash keeps two long keys that share a prefix apart.
    """
    if len(key) <= max_length:
        return key
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:10]
    return f"{key[: max_length - len(digest) - 1]}-{digest}"
