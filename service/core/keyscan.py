"""Pattern matches tried only where one of their first characters stands.

A pattern whose every match starts with one of a few literal keys ("{%$<[" of placeholders, the
first words of prompts) costs a scan of the whole text with ``finditer`` (a few ns a character);
finding the keys with ``str.find`` and matching there gives the same matches for much less."""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import regex


def keyed_finditer(pattern: "regex.Pattern[str]", keys: Iterable[str], text: str, lo: int, hi: int,
                   haystack: str | None = None) -> Iterator["regex.Match[str]"]:
    """``pattern.finditer(text, lo, hi)`` for a pattern whose matches all start with one of
    ``keys``: the same matches, tried only where a key stands.  The keys are looked for in
    ``haystack`` (default ``text``): a lowered copy of the same length for case-insensitive keys."""
    where = text if haystack is None else haystack
    starts: set[int] = set()
    for key in keys:
        i = where.find(key, lo, hi)
        while i >= 0:
            starts.add(i)
            i = where.find(key, i + 1, hi)
    done = lo
    for i in sorted(starts):
        if i < done:
            continue
        m = pattern.match(text, i, hi)
        if m is not None:
            yield m
            done = max(m.end(), i + 1)
