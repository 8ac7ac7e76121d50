"""Branches of a deck's tree that a learner has not started, as encoded JSON, per process.

A branch none of whose cards the learner has reviewed reads the same for every
learner and at every moment: the concepts' texts, new cards, "not started" and
no retrievability. Most of a large deck is such branches for most learners, so
the tree's JSON (``GET /api/v1/decks/{id}/tree``) encodes each of them once per
process and then copies the bytes. A branch is named by the deck version it was
read from (``Deck.content_version``, renewed by every import) and its concept id,
so an entry never goes stale; the oldest entries are dropped once they hold more
than :data:`MAX_CACHED_BYTES`. Each app server keeps its own.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

# The whole tree of a 5,000-concept deck is about 6 MB of JSON: this keeps up to
# ten such decks' untouched branches per process.
MAX_CACHED_BYTES = 64 * 1024 * 1024

BranchKey = tuple[str, int]  # (deck version, concept id)


class UntouchedBranches:
    """Encoded branches, at most ``max_bytes`` of JSON in all; the oldest go first.

    Oldest rather than least recently used: a hit is then one dictionary read, with no
    lock and no reordering, which matters when a tree copies thousands of branches.
    """

    def __init__(self, max_bytes: int = MAX_CACHED_BYTES) -> None:
        self.max_bytes = max_bytes
        self._branches: dict[BranchKey, tuple[bytes, int]] = {}
        self._bytes = 0
        self._lock = threading.Lock()  # gunicorn's threaded workers share one cache

    def get(self, key: BranchKey, encode: Callable[[], bytes]) -> bytes:
        """The branch's JSON, from the cache or from ``encode()`` (then kept)."""
        found = self._branches.get(key)  # a single dict read needs no lock under the GIL
        if found is not None:
            return found[0]
        # Encoded outside the lock: two threads may both encode a missing branch,
        # which costs time but never blocks one request behind another.
        encoded = encode()
        size = len(encoded)
        with self._lock:
            if key not in self._branches and size <= self.max_bytes:
                self._branches[key] = (encoded, size)
                self._bytes += size
                while self._bytes > self.max_bytes:
                    oldest = next(iter(self._branches))
                    _, evicted_size = self._branches.pop(oldest)
                    self._bytes -= evicted_size
        return encoded

    @property
    def size_bytes(self) -> int:
        return self._bytes

    def __len__(self) -> int:
        return len(self._branches)

    def clear(self) -> None:
        with self._lock:
            self._branches.clear()
            self._bytes = 0


untouched_branches = UntouchedBranches()
