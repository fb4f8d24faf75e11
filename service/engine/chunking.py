"""ONE chunker and ONE names-context policy, for the CLI, batch and the HTTP service.

A long document is cut into contiguous chunks of whole paragraphs (:func:`chunk_bounds`); every
chunk is cleaned with the names the *whole* document uses consistently
(:func:`document_names`) added to its glossary, so a name is never "repaired" in one chunk
that another chunk shows to be right, whichever layer did the cutting (a large file in
:mod:`service.formats.cleaning`, a job split across Celery workers in
:mod:`service.worker.tasks`).
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from service.core.document import PARAGRAPH_BREAK
from service.core.inventory import NameInventory, is_common_word


def chunk_bounds(text: str, size: int) -> list[tuple[int, int]]:
    """Contiguous ranges covering ``text``, each ending after a paragraph break, about ``size``
    long; one range when the text is not longer than ``size``."""
    if size <= 0 or len(text) <= size:
        return [(0, len(text))]
    bounds, start = [], 0
    for m in PARAGRAPH_BREAK.finditer(text):
        if m.end() - start >= size:
            bounds.append((start, m.end()))
            start = m.end()
    if start < len(text) or not bounds:
        bounds.append((start, len(text)))
    return bounds


def document_names(text: str, bounds: list[tuple[int, int]] | None = None) -> frozenset[str]:
    """The names the whole text uses consistently (twice or more, not ordinary words), counted
    chunk by chunk (so the inventory of the whole text is never held at once)."""
    counts: Counter[str] = Counter()
    for a, b in bounds or [(0, len(text))]:
        counts.update(NameInventory.build(text[a:b]).words)
    return frozenset(w for w, n in counts.items() if n >= 2 and not is_common_word(w))


def merge_harm_check(values: Iterable[str]) -> str:
    """The do-no-harm check (``CleanResult.harm_check``) of a document cleaned in parts:
    ``done`` when every part was checked, ``skipped`` when none was (no grammar pass), else
    ``incomplete`` (some part's applied edits were not all checked)."""
    seen = set(values)
    if not seen or seen == {"skipped"}:
        return "skipped"
    return "done" if seen == {"done"} else "incomplete"
