"""XLIFF (``.xliff``, ``.xlf``): each unit's ``<target>`` is a segment, its ``<source>`` the
source text.

translate-toolkit checks the file and reads the units (XLIFF 1.x); the changes are written
into the original target text, so the XML stays byte-identical outside the changed text.
Inside a target, the inline tags (``<pc>``, ``<mrk>``, ``<sc/>``, ``<ph/>`` of XLIFF 2; ``<g>``,
``<x/>``, ``<bpt>``... of XLIFF 1.2) are taken out of the text the passes see, so a phrase that
crosses them is found, and a fix is written back with the tags in valid places, or offered as a
suggestion when they cannot be placed (:mod:`service.formats.inline`).  Entities, CDATA and
content marked not to translate stay protected.  Targets inside ``<alt-trans>``
(translation-memory matches) are left alone.  XLIFF 2 files (``<unit>`` with ``<segment>``) are
checked with the stdlib XML parser and read the same way.
"""
from __future__ import annotations

import html
import sys
from dataclasses import dataclass, field
from typing import Sequence
from xml.parsers import expat

import regex
from translate.storage import xliff as ttxliff

from service.core.model import Edit
from service.formats import (
    Escape,
    MalformedFileError,
    Mapper,
    Segment,
    decode_text,
    inline,
    line_of,
    line_starts,
    place,
    rebuild_text,
)

PARAGRAPHS = False
BINARY = False

_UNIT = regex.compile(r"<(trans-unit|segment)\b[^>]*?(?<!/)>(.*?)</\1\s*>", regex.DOTALL)
_SKIP = regex.compile(r"<(alt-trans|seg-source)\b.*?</\1\s*>|<!--.*?-->", regex.DOTALL)
_SOURCE = regex.compile(r"<source\b[^>]*?(?<!/)>(.*?)</source\s*>", regex.DOTALL)
_TARGET = regex.compile(r"<target\b[^>]*?(?<!/)>(.*?)</target\s*>", regex.DOTALL)


@dataclass(frozen=True)
class _Target:
    start: int  # the target's content in the decoded text
    end: int
    source: str
    locator: str
    view: inline.View


@dataclass(frozen=True)
class XliffSegment(Segment):
    """A target: its text without the inline tags (``view`` says where they were)."""

    view: inline.View | None = field(default=None, compare=False, repr=False)


def plain(raw: str) -> str:
    """The text of XML content: tags removed, entities resolved."""
    return html.unescape(regex.sub(r"<(ph|bpt|ept|it)\b[^>]*?(?<!/)>.*?</\1\s*>|<[^<>]+>", "", raw,
                                   flags=regex.DOTALL))


def _check(data: bytes, name: str) -> list[str] | None:
    """Parse the file; the units' sources from translate-toolkit (XLIFF 1), None for XLIFF 2."""
    head = data[:2000].decode("utf-8", "replace")
    if regex.search(r"<xliff\b[^>]*\bversion=[\"']2", head):
        parser = expat.ParserCreate()
        try:
            parser.Parse(data, True)
        except expat.ExpatError as exc:
            raise MalformedFileError(f"{name}: not well-formed XML: {exc}") from None
        return None
    try:
        store = ttxliff.xlifffile.parsestring(data)
    except (SyntaxError, ValueError, AttributeError) as exc:  # lxml's XMLSyntaxError is a SyntaxError
        raise MalformedFileError(f"{name}: not a valid XLIFF file: {exc}") from None
    return [str(u.source or "") for u in store.units if not u.isheader()]


_ID = regex.compile(r"\bid\s*=\s*[\"']([^\"']*)")
_UNIT_OPEN = regex.compile(r"<unit\b[^>]*>")


def _label(text: str, unit: regex.Match[str], k: int) -> str:
    """``unit ID``: a trans-unit's id (XLIFF 1), or the id of the ``<unit>`` that holds the
    ``<segment>`` (XLIFF 2; with the segment's own id when it has one)."""
    head = text[unit.start():text.find(">", unit.start()) + 1]
    own = _ID.search(head)
    if unit.group(1) == "trans-unit":
        return f"unit {own.group(1)}" if own else f"unit {k + 1}"
    at, opener = unit.start(), None
    while opener is None and (at := text.rfind("<unit", 0, at)) >= 0:
        opener = _UNIT_OPEN.match(text, at)
    uid = _ID.search(opener.group()) if opener else None
    if uid is None:
        return f"unit {k + 1}" + (f" segment {own.group(1)}" if own else "")
    return f"unit {uid.group(1)}" + (f" segment {own.group(1)}" if own else "")


def _targets(text: str, data: bytes, name: str) -> list[_Target]:
    sources = _check(data, name)
    units = list(_UNIT.finditer(text))
    if sources is not None and len(sources) != len(units):
        raise MalformedFileError(f"{name}: {len(units)} units found where translate-toolkit reads "
                                 f"{len(sources)}; check the file's structure")
    starts = line_starts(text)
    out = []
    for k, unit in enumerate(units):
        body, base = unit.group(2), unit.start(2)
        masked = _SKIP.sub(lambda m: " " * len(m.group()), body)
        target = _TARGET.search(masked)
        if target is None or not plain(body[target.start(1):target.end(1)]).strip():
            continue
        src = _SOURCE.search(masked)
        source = sources[k] if sources is not None else (plain(src.group(1)) if src else "")
        t0, t1 = base + target.start(1), base + target.end(1)
        label = _label(text, unit, k)
        out.append(_Target(t0, t1, source, f"{label} (line {line_of(starts, t0)})", inline.view(text[t0:t1])))
    return out


def extract(data: bytes, encoding: str | None = None, name: str = "input") -> list[Segment]:
    """Each non-empty target (its text without the inline tags), with its source."""
    text, _ = decode_text(data, name, encoding, len(data) + 1)
    starts = line_starts(text)
    out: list[Segment] = []
    for t in _targets(text, data, name):
        v = t.view
        # a place after each tag taken out: lines and columns stay the file's
        anchors = {0: place(starts, t.start)}
        for tag in v.tags:
            if tag.pos < len(v.text):
                anchors[tag.pos] = place(starts, t.start + v.offsets[tag.pos], tag.pos)
        out.append(XliffSegment(v.text, t.locator, t.source, v.protected, tuple(sorted(anchors.values())), view=v))
    return out


def verdict(seg: Segment, start: int, end: int, replacement: str) -> str:
    """Whether an edit of a target is applied, only suggested or dropped (its inline tags)."""
    v = getattr(seg, "view", None)
    return "apply" if v is None else inline.verdict(v, start, end, replacement)


def _escape(s: str) -> str:
    return html.escape(s, quote=False)


class _TargetMapper:
    """A target's spans in the file (inline tags at an edit's edges left out), and its
    replacements written with the tags inside the span kept."""

    def __init__(self, offset: int, v: inline.View):
        self.offset, self.view = offset, v

    def __call__(self, start: int, end: int) -> tuple[int, int]:
        a, b = self.view.span(start, end)
        return self.offset + a, self.offset + b

    def fit(self, start: int, end: int, replacements: Sequence[str]) -> tuple[str, ...]:
        return tuple(inline.fit(self.view, start, end, r, _escape)[0] for r in replacements)


def mappers(text: str, data: bytes, name: str = "input") -> tuple[list[Mapper], Escape]:
    """Each target's place in the file; replacements XML-escaped, inline tags kept."""
    return [_TargetMapper(t.start, t.view) for t in _targets(text, data, name)], _escape


def rebuild(data: bytes, edits: Sequence[Sequence[Edit]], encoding: str | None = None, name: str = "input") -> bytes:
    """The file with the edits written into the targets (escaped)."""
    return rebuild_text(sys.modules[__name__], data, edits, encoding, name)
