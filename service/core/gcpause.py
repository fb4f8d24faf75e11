"""Fewer cyclic garbage collections while a text is cleaned.

Cleaning allocates hundreds of thousands of short-lived container objects (match tuples,
counters, edits) that hold no reference cycles; at CPython's default first-generation
threshold (700 allocations) the collector runs thousands of times per 10 MB and costs about a
tenth of the rule passes' time (bench/rules_throughput.py).  :func:`relaxed_gc` raises that
threshold while cleaning runs and puts it back after, for nested and concurrent callers alike;
cycles are still collected, only less often.
"""
from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

#: the first-generation threshold while cleaning (CPython's default is 700)
GEN0_THRESHOLD = 20_000
_lock = threading.Lock()
_depth = 0
_saved: tuple[int, ...] = ()


@contextmanager
def relaxed_gc(threshold: int = GEN0_THRESHOLD) -> Iterator[None]:
    """Raise the first-generation threshold to at least ``threshold`` inside the block (the
    outermost block of all threads restores what was set before)."""
    global _depth, _saved
    with _lock:
        if _depth == 0:
            _saved = gc.get_threshold()
            if _saved[0] < threshold:
                gc.set_threshold(threshold, *_saved[1:])
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0:
                gc.set_threshold(*_saved)
