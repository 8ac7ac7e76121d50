"""Holding off Python's cyclic garbage collector while a bulk job builds many live objects."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic collector for the block; it is switched back on however the block ends.

    A job that creates tens of thousands of objects that all stay alive (an
    import of 10,000 concepts: the draft tree, stored rows, planned rows) makes
    the collector run full passes over the whole heap again and again for
    nothing; reference counting still frees everything without cycles. Pausing
    it saved 30–50% of a 10,000-concept import (benchmarks/README.md, "Deck
    import"). If something else already switched it off, it is left alone.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
