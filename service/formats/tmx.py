"""TMX translation memories (``.tmx``): in each ``<tu>``, the English ``<tuv>``'s ``<seg>`` is a
segment and the source-language ``<tuv>`` (the header's ``srclang``, else the first other one)
its source.

translate-toolkit checks the file and reads the units; the changes are written into the
original ``<seg>`` text, so the XML stays byte-identical outside the changed text.  Inline
markup (``<bpt>``, ``<ept>``, ``<ph>``, ``<it>`` with their native code, ``<hi>``, entities) is
protected.  A ``<tu>`` without an English variant is left alone.
"""
from __future__ import annotations

import html
import sys
from dataclasses import dataclass
from typing import Sequence

import regex
from translate.storage import tmx as tttmx

from service.core.model import Edit
from service.formats import (
    Escape,
    MalformedFileError,
    Mapper,
    Segment,
    decode_text,
    line_of,
    line_starts,
    place,
    rebuild_text,
)

PARAGRAPHS = False
BINARY = False

_TU = regex.compile(r"<tu\b[^>]*?(?<!/)>(.*?)</tu\s*>", regex.DOTALL)
_TUV = regex.compile(r"<tuv\b([^>]*?)(?<!/)>(.*?)</tuv\s*>", regex.DOTALL)
_SEG = regex.compile(r"<seg\b[^>]*?(?<!/)>(.*?)</seg\s*>", regex.DOTALL)
_LANG = regex.compile(r"\b(?:xml:)?lang\s*=\s*[\"']([^\"']+)")
_SRCLANG = regex.compile(r"<header\b[^>]*\bsrclang\s*=\s*[\"']([^\"']+)", regex.DOTALL)
_MARKUP = regex.compile(
    r"<(ph|bpt|ept|it|ut)\b[^>]*?(?<!/)>.*?</\1\s*>"
    r"|<!\[CDATA\[.*?\]\]>|<!--.*?-->|<[^<>]+>|&(?:#\d+|#x[0-9a-fA-F]+|\w+);",
    regex.DOTALL,
)


@dataclass(frozen=True)
class _Seg:
    start: int
    end: int
    source: str
    locator: str
    protected: tuple[tuple[int, int], ...]


def plain(raw: str) -> str:
    """The text of a ``<seg>``: native code and tags removed, entities resolved."""
    return html.unescape(regex.sub(r"<(ph|bpt|ept|it|ut)\b[^>]*?(?<!/)>.*?</\1\s*>|<[^<>]+>", "", raw,
                                   flags=regex.DOTALL))


def _check(data: bytes, name: str) -> int:
    try:
        store = tttmx.tmxfile.parsestring(data)
    except (SyntaxError, ValueError, AttributeError) as exc:
        raise MalformedFileError(f"{name}: not a valid TMX file: {exc}") from None
    return len(store.units)


def _segs(text: str, data: bytes, name: str) -> list[_Seg]:
    count = _check(data, name)
    units = list(_TU.finditer(text))
    if count != len(units):
        raise MalformedFileError(f"{name}: {len(units)} <tu> found where translate-toolkit reads {count}")
    m = _SRCLANG.search(text[:5000])
    srclang = m.group(1).lower() if m else ""
    starts = line_starts(text)
    out = []
    for k, tu in enumerate(units):
        variants = []
        for tuv in _TUV.finditer(text, tu.start(1), tu.end(1)):
            lang = _LANG.search(tuv.group(1))
            seg = _SEG.search(text, tuv.start(2), tuv.end(2))
            if lang and seg:
                variants.append((lang.group(1).lower(), seg))
        english = [(lang, s) for lang, s in variants if lang == "en" or lang.startswith("en-")]
        if not english or (srclang.startswith("en") and len(english) == len(variants)):
            continue
        _lang, seg = english[-1] if not srclang.startswith("en") else english[0]
        others = [s for lang, s in variants if s is not seg]
        src = next((s for lang, s in variants if lang == srclang and s is not seg), others[0] if others else None)
        t0, t1 = seg.start(1), seg.end(1)
        if not plain(text[t0:t1]).strip():
            continue
        prot = tuple((x.start() - t0, x.end() - t0) for x in _MARKUP.finditer(text, t0, t1))
        tuid = regex.search(r"\btuid\s*=\s*[\"']([^\"']*)", tu.group(0)[:300])
        label = f"tu {tuid.group(1)}" if tuid else f"tu {k + 1}"
        out.append(_Seg(t0, t1, plain(src.group(1)) if src else "", f"{label} (line {line_of(starts, t0)})", prot))
    return out


def extract(data: bytes, encoding: str | None = None, name: str = "input") -> list[Segment]:
    """The English segment of each translation unit, with its source."""
    text, _ = decode_text(data, name, encoding, len(data) + 1)
    starts = line_starts(text)
    return [Segment(text[s.start:s.end], s.locator, s.source, s.protected, (place(starts, s.start),))
            for s in _segs(text, data, name)]


def _escape(s: str) -> str:
    return html.escape(s, quote=False)


def mappers(text: str, data: bytes, name: str = "input") -> tuple[list[Mapper], Escape]:
    """Each segment's place in the file; replacements XML-escaped."""
    return [(lambda a: (lambda s, e: (a + s, a + e)))(s.start) for s in _segs(text, data, name)], _escape


def rebuild(data: bytes, edits: Sequence[Sequence[Edit]], encoding: str | None = None, name: str = "input") -> bytes:
    """The file with the edits written into the English segments (escaped)."""
    return rebuild_text(sys.modules[__name__], data, edits, encoding, name)
