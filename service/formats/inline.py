"""Text with inline XML tags (an XLIFF target): the text the passes see, and edits written back
with the tags kept in valid places.

:func:`view` takes the tags out of the text, so a phrase that crosses a tag is found
(``functional <pc id="1">forces</pc>`` reads "functional forces"):

* codes that do not stand for text have no width: paired codes and annotations (``<pc>``,
  ``<mrk>``, ``<g>``, their ends), start/end markers (``<sc/>``, ``<ec/>``, ``<sm/>``, ``<em/>``,
  ``<bx/>``, ``<ex/>``), native-code elements (``<bpt>``, ``<ept>``, ``<it>``), comments;
* a placeholder (``<ph/>``, ``<ph>code</ph>``, ``<x/>``, ``<cp/>``) glued to a word (a letter or
  digit right before or after it: ``functional <ph/>forces``) is formatting and has no width
  either; one that stands alone (``said <ph/> so``, ``Hello <ph/>,``) stands for a word (a
  variable) and stays in the text, protected;
* entities, CDATA and content marked not to translate (``<mrk translate="no">``,
  ``<mrk mtype="protected">``) stay in the text, protected.

:func:`fit` writes a replacement back with the tags inside the edited span: tags in the words the
edit keeps stay where they were; tags at a word's start or end go to the same word of the
replacement when both have as many words (else a tag that opens the last changed word opens the
new last word, one that closes the first closes the new first); otherwise the fix cannot place
them and is offered as a suggestion (with the tags kept, in order, after the replacement).  Tags never change order, so
paired codes stay well nested.
"""
from __future__ import annotations

import bisect
from collections.abc import Callable
from dataclasses import dataclass

import regex

CODE, PLACEHOLDER = "code", "ph"  # what a tag taken out of the text is

_TOKEN = regex.compile(
    r"(?P<keep><mrk\b[^>]*?(?:translate\s*=\s*[\"']no[\"']|mtype\s*=\s*[\"']protected[\"'])[^>]*?(?<!/)>.*?</mrk\s*>"
    r"|<!\[CDATA\[.*?\]\]>|&(?:#\d+|#x[0-9a-fA-F]+|\w+);)"
    r"|(?P<ph><(?:ph|x|cp)\b[^>]*?/>|<ph\b[^>]*?(?<!/)>.*?</ph\s*>)"
    r"|(?P<code><(bpt|ept|it)\b[^>]*?(?<!/)>.*?</\4\s*>|<!--.*?-->|<[^<>]+>)",
    regex.DOTALL,
)
_WORD = regex.compile(r"\S+")
_LETTER = regex.compile(r"[\p{L}\p{N}]")


@dataclass(frozen=True)
class Tag:
    """A tag taken out of the text: at ``pos`` of the view (between ``pos - 1`` and ``pos``)."""

    pos: int
    raw: str
    kind: str


@dataclass(frozen=True)
class View:
    """What the passes see of ``raw``: ``text`` (each of its characters is one character of
    ``raw``, at ``offsets[i]``), the ``tags`` taken out and the ``protected`` spans of ``text``."""

    raw: str
    text: str
    offsets: tuple[int, ...]
    tags: tuple[Tag, ...]
    protected: tuple[tuple[int, int], ...]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Where ``text[start:end]`` is in ``raw``: tags at its edges left out (an insertion goes
        after the tags at its place)."""
        n = len(self.text)
        a = self.offsets[start] if start < n else len(self.raw)
        if end == start:
            return a, a
        return a, self.offsets[end - 1] + 1

    def inside(self, start: int, end: int) -> list[Tag]:
        """The tags strictly inside ``[start, end)`` of the view."""
        positions = [t.pos for t in self.tags]
        lo = bisect.bisect_right(positions, start)
        hi = bisect.bisect_left(positions, end)
        return list(self.tags[lo:hi])


def view(raw: str) -> View:
    """The text of ``raw`` with its inline tags taken out (see the module's docstring)."""
    found = list(_TOKEN.finditer(raw))
    glued = _glued(raw, found)
    parts: list[str] = []
    offsets: list[int] = []
    tags: list[Tag] = []
    protected: list[tuple[int, int]] = []
    pos = at = 0
    for k, m in enumerate(found):
        parts.append(raw[pos:m.start()])
        offsets.extend(range(pos, m.start()))
        at += m.start() - pos
        if m.group("keep") is not None or (m.group("ph") is not None and k not in glued):
            parts.append(m.group())
            offsets.extend(range(m.start(), m.end()))
            protected.append((at, at + len(m.group())))
            at += len(m.group())
        else:
            tags.append(Tag(at, m.group(), PLACEHOLDER if m.group("ph") is not None else CODE))
        pos = m.end()
    parts.append(raw[pos:])
    offsets.extend(range(pos, len(raw)))
    return View(raw, "".join(parts), tuple(offsets), tuple(tags), tuple(protected))


def _glued(raw: str, found: list[regex.Match[str]]) -> set[int]:
    """The placeholders with a letter or digit right before or after them (other tags aside)."""
    text: list[str] = []
    at: dict[int, int] = {}
    pos = size = 0
    for k, m in enumerate(found):
        text.append(raw[pos:m.start()])
        size += m.start() - pos
        if m.group("keep") is not None:
            text.append(m.group())
            size += len(m.group())
        at[k] = size
        pos = m.end()
    text.append(raw[pos:])
    plain = "".join(text)
    out = set()
    for k, m in enumerate(found):
        if m.group("ph") is None:
            continue
        p = at[k]
        if (p > 0 and _LETTER.match(plain[p - 1])) or (p < len(plain) and _LETTER.match(plain[p])):
            out.add(k)
    return out


def _placements(original: str, replacement: str, rel: list[int]) -> list[int] | None:
    """Where tags at ``rel`` offsets of ``original`` go in ``replacement``; None when a tag
    cannot be placed (it sits inside a changed word, or the changed words differ in number)."""
    o_tok, r_tok = regex.findall(r"\s+|\S+", original), regex.findall(r"\s+|\S+", replacement)
    k = 0
    while k < min(len(o_tok), len(r_tok)) and o_tok[k] == r_tok[k]:
        k += 1
    j = 0
    while j < min(len(o_tok), len(r_tok)) - k and o_tok[-1 - j] == r_tok[-1 - j]:
        j += 1
    head = sum(len(t) for t in o_tok[:k])
    o_tail, r_tail = sum(len(t) for t in o_tok[len(o_tok) - j:]), sum(len(t) for t in r_tok[len(r_tok) - j:])
    o_mid = (head, len(original) - o_tail)
    r_mid = (head, len(replacement) - r_tail)
    o_words = [(m.start() + head, m.end() + head) for m in _WORD.finditer(original[o_mid[0]:o_mid[1]])]
    r_words = [(m.start() + head, m.end() + head) for m in _WORD.finditer(replacement[r_mid[0]:r_mid[1]])]
    starts, ends = [a for a, _ in o_words], [b for _, b in o_words]
    out = []
    for p in rel:
        if p <= o_mid[0]:  # in (or at the end of) the words kept at the start
            out.append(p)
        elif p >= o_mid[1]:  # in the words kept at the end
            out.append(len(replacement) - (len(original) - p))
        elif len(o_words) == len(r_words) and p in starts:  # word for word
            out.append(r_words[starts.index(p)][0])
        elif len(o_words) == len(r_words) and p in ends:
            out.append(r_words[ends.index(p)][1])
        elif o_words and r_words and p == starts[-1]:  # a tag that opens the last word opens the new last word
            out.append(r_words[-1][0])
        elif o_words and r_words and p == ends[0]:  # and one that closes the first word closes the new first one
            out.append(r_words[0][1])
        else:
            return None  # inside a word that changes, or words that do not correspond
    if any(b < a for a, b in zip(out, out[1:])):
        return None
    return out


def fit(v: View, start: int, end: int, replacement: str, escape: Callable[[str], str]) -> tuple[str, bool]:
    """The raw text that replaces ``v.span(start, end)``: the escaped replacement with the tags
    inside the span put back, and whether they could be placed (else they follow it, in order)."""
    tags = v.inside(start, end) if end > start else []
    if not tags:
        return escape(replacement), True
    original = v.text[start:end]
    where = _placements(original, replacement, [t.pos - start for t in tags])
    if where is None:
        return escape(replacement) + "".join(t.raw for t in tags), False
    out, pos = [], 0
    for tag, p in zip(tags, where):
        out.append(escape(replacement[pos:p]))
        out.append(tag.raw)
        pos = p
    out.append(escape(replacement[pos:]))
    return "".join(out), True


def verdict(v: View, start: int, end: int, replacement: str) -> str:
    """``apply`` when the tags inside the edit find a place, else ``suggest``."""
    _raw, ok = fit(v, start, end, replacement, lambda s: s)
    return "apply" if ok else "suggest"
