"""Per-process memos of values computed for one learner and one deck version.

The map of a large deck recomputes little between two requests of the same
learner: most concepts read as before. A :class:`LearnerMemos` keeps, per key
(at least the learner and the deck version, plus whatever else every value
depends on), a plain dictionary by concept id that a request reads and fills
without locking; whether a value still holds is for its owner to check
(decks/studied_concepts.py, api/studied_concept_heads.py). Whole keys go least
recently used first once the memos hold more than their bound of values. Each
app server keeps its own, so servers stay stateless: a restart costs one slower map.
"""

from __future__ import annotations

import threading
from collections.abc import Hashable
from typing import Generic, TypeVar

V = TypeVar("V")


class LearnerMemos(Generic[V]):
    """Dictionaries of values by concept id, one per key, at most ``max_values`` values in all
    (the latest key's dictionary is kept whatever its size)."""

    def __init__(self, max_values: int) -> None:
        self.max_values = max_values
        self._memos: dict[Hashable, dict[int, V]] = {}
        self._lock = threading.Lock()  # threaded workers share the memos

    def memo(self, key: Hashable) -> dict[int, V]:
        """The dictionary for ``key`` (a new, empty one the first time), to read and fill.

        Call :meth:`trim` once the request has filled it."""
        with self._lock:
            found = self._memos.pop(key, None)  # and back in last: the most recently used
            memo = {} if found is None else found
            self._memos[key] = memo
        return memo

    def trim(self) -> None:
        """Drop the least recently used keys until at most ``max_values`` values are held."""
        with self._lock:
            held = sum(map(len, self._memos.values()))
            while held > self.max_values and len(self._memos) > 1:
                held -= len(self._memos.pop(next(iter(self._memos))))

    @property
    def value_count(self) -> int:
        return sum(map(len, list(self._memos.values())))

    def __len__(self) -> int:
        """How many keys have a memo."""
        return len(self._memos)

    def clear(self) -> None:
        with self._lock:
            self._memos.clear()
