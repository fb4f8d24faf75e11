"""Protected spans: text that no pass may change.

Found once per document (:func:`find_protected`) and respected by every pass through
:meth:`Protected.overlaps`.  Kinds: URLs, e-mail addresses, numbers and codes (``6Q501``,
``MQ-9``, ``19:30``), placeholders (``{name}``, ``%s``, ``{{var}}``, ``$VAR``, ``<x/>``) and
quoted titles (a quoted run of Title Case words).  Names the document uses consistently are
protected by the names inventory (:mod:`service.names_inventory`), not here.
"""
from __future__ import annotations

import bisect
from typing import Iterator, NamedTuple

import regex

from service.core.keyscan import keyed_finditer

_URL = r"(?:https?://|ftp://|www\.)[^\s<>\"'“”‘’]+[^\s<>\"'“”‘’.,;:!?)\]]"
_EMAIL = r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
# a token with at least one digit, letters/digits joined by - / . : , (6Q501, MQ-9, 19:30, 1,000);
# the match starts at its first digit (fast to find) and the part before it is the group "pre"
_CODE = (r"(?<=(?<![\w])(?P<pre>(?:[\p{L}\d]+[-/.:,])*[\p{L}\d]*))"
         r"\d[\p{L}\d]*(?:[-/.:,][\p{L}\d]+)*(?![\w])")
_PLACEHOLDER = (
    r"\{\{[^{}\n]{1,60}\}\}|\{[\w.:!-]{0,40}\}|%(?:\d+\$)?[-+ #0]*\d*(?:\.\d+)?[sdifxXeEgGcr%]"
    r"|%\([\w]+\)[sdif]|\$\{[\w.]+\}|\$[A-Z_][A-Z0-9_]+|</?[a-zA-Z][\w:-]*(?:\s[^<>]*)?/?>"
    r"|\[\[[^\[\]\n]{1,60}\]\]"
)
_TITLE_WORD = r"(?:\p{Lu}[\p{L}'’-]*|of|the|a|an|and|or|in|on|at|to|for|with|by|from|\d+)"
_QUOTED_TITLE = (
    rf"[\"“]\p{{Lu}}[\p{{L}}'’-]*(?:[ ]{_TITLE_WORD}){{1,11}}[\"”]"
)
# one pattern per kind (a single alternation defeats the regex module's literal prefilters);
# earlier kinds win where two overlap
_PATTERNS = tuple(
    (kind, regex.compile(src, regex.V1))
    for kind, src in (("url", _URL), ("email", _EMAIL), ("placeholder", _PLACEHOLDER),
                      ("title", _QUOTED_TITLE), ("code", _CODE))
)


class ProtectedSpan(NamedTuple):
    """One protected range and why (a named tuple: a text has one per number it holds)."""

    start: int
    end: int
    kind: str


class Protected:
    """The protected spans of one text, sorted, with an overlap test."""

    def __init__(self, spans: list[ProtectedSpan]):
        self.spans = sorted(spans, key=lambda s: (s.start, s.end))
        self._starts = [s[0] for s in self.spans]

    def overlaps(self, start: int, end: int) -> ProtectedSpan | None:
        """The protected span sharing a character with ``[start, end)``, else None.

        Spans do not overlap each other, so their ends are sorted too: only the last span
        starting before ``end`` can overlap.  An insertion (``start == end``) strictly inside
        a protected span counts as overlapping.
        """
        i = bisect.bisect_left(self._starts, max(end, start + 1))
        if i == 0:
            return None
        span = self.spans[i - 1]
        if start == end:
            return span if span.start < start < span.end else None
        return span if span.end > start else None

    def __len__(self) -> int:
        return len(self.spans)


def _is_title(text: str) -> bool:
    words = text.strip("\"“”").split()
    capitalised = [w for w in words if w[:1].isupper()]
    return len(words) >= 2 and len(capitalised) >= max(2, (len(words) + 1) // 2)


def _at_signs(pattern: "regex.Pattern[str]", text: str, lo: int, hi: int) -> Iterator["regex.Match[str]"]:
    """``pattern.finditer(text, lo, hi)`` for the e-mail pattern, run only on the lines holding
    an '@' (a match holds one and no line break): the same matches.  Over a whole text the
    regex module takes time growing faster than the text (0.07 s for 1 MB, 0.56 s for 6 MB
    without a single '@')."""
    at = text.find("@", lo, hi)
    while at >= 0:
        start = max(lo, text.rfind("\n", lo, at) + 1)
        end = text.find("\n", at, hi)
        end = hi if end < 0 else end
        yield from pattern.finditer(text, start, end)
        at = text.find("@", end, hi)


# the characters every match of a kind starts with: those kinds are matched only where one
# stands (:func:`service.core.keyscan.keyed_finditer`), not scanned for over the whole text (~5 ns a character)
_KEYS = {"placeholder": "{%$<[", "title": "\"“"}


def find_protected(text: str, ranges: list[tuple[int, int]] | None = None) -> Protected:
    """Find every protected span in ``text`` (only inside ``ranges`` when given)."""
    found: list[tuple[int, int, int, str]] = []
    for rank, (kind, pattern) in enumerate(_PATTERNS):
        for lo, hi in ranges if ranges is not None else [(0, len(text))]:
            if kind == "url" and text.find("://", lo, hi) < 0 and text.find("www.", lo, hi) < 0:
                continue  # every URL holds one of them (the scan costs 8 ns a character; find 0.3)
            if kind == "email":
                matches = _at_signs(pattern, text, lo, hi)
            elif kind in _KEYS:
                matches = keyed_finditer(pattern, _KEYS[kind], text, lo, hi)
            else:
                matches = pattern.finditer(text, lo, hi)
            for m in matches:
                if kind == "title" and not _is_title(m.group()):
                    continue
                start = m.start("pre") if kind == "code" else m.start()
                found.append((start, rank, m.end(), kind))
    found.sort()
    spans: list[ProtectedSpan] = []
    last_end = -1
    new = tuple.__new__  # ProtectedSpan(start, end, kind) without a Python-level __new__
    for start, _rank, end, kind in found:
        if start < last_end:
            continue
        spans.append(new(ProtectedSpan, (start, end, kind)))
        last_end = end
    return Protected(spans)
