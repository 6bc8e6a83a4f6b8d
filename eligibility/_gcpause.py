"""Pausing CPython's cyclic garbage collector while a long record's decision is built.

A decision over a long record creates tens of thousands of small objects (a fact record per
prior and field, the criteria citing them). Each allocation counts towards CPython's collection
thresholds, and the collections that follow walk the decision built so far again and again, so
the cost per prior grew with the record: 76 µs per prior at 1,000 priors, 119 µs at 4,000, in one
process (docs/performance.md, "Long records"). Nothing in a decision forms a reference cycle,
so pausing the collector while one is built frees nothing later than it would have been freed;
the pause ends with the last decision in progress, and only long records pause it at all, so
a process deciding ordinary cases collects as usual.
"""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Iterator

LONG_RECORD = 100
"""Charges plus priors from which a decision pauses the collector (below it, no measurable gain)."""

_lock = threading.Lock()
_active = 0
_resume = False


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic collector for the block; nested and concurrent pauses share one pause."""
    global _active, _resume
    with _lock:
        if _active == 0:
            _resume = gc.isenabled()
            gc.disable()
        _active += 1
    try:
        yield
    finally:
        with _lock:
            _active -= 1
            if _active == 0 and _resume:
                gc.enable()
