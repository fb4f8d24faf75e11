"""Gettext catalogues (``.po``, ``.pot``): each translation (``msgstr``, ``msgstr[N]``) is a
segment whose source is its ``msgid`` (``msgid_plural`` for the plural forms).

polib checks the file and reads the entries; the changes are written into the original string
literals (escaped), so wrapping, comments, flags and every untouched entry stay byte-identical.
Obsolete (``#~``) entries and the header are left alone.
"""
from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import Sequence

import polib

from service.core.model import Edit
from service.formats import Escape, MalformedFileError, Mapper, Segment, decode_text, line_starts, place, rebuild_text

PARAGRAPHS = False
BINARY = False

_UNESCAPE = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b", "f": "\f", "v": "\v"}
_ESCAPE = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r"}


@dataclass
class _Field:
    key: str
    spans: list[tuple[int, int]] = field(default_factory=list)  # literal contents (raw offsets)


@dataclass
class _Entry:
    line: int
    fields: dict[str, _Field] = field(default_factory=dict)

    def has_msgstr(self) -> bool:
        return any(k.startswith("msgstr") for k in self.fields)


@dataclass(frozen=True)
class _Literal:
    """An unescaped string and, for each of its characters, where it is in the raw text."""

    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]
    at: int  # the raw position of an empty string

    def raw_span(self, start: int, end: int) -> tuple[int, int]:
        n = len(self.text)
        if start == end:
            pos = self.starts[start] if start < n else (self.ends[-1] if n else self.at)
            return pos, pos
        return self.starts[start], self.ends[end - 1]


def _literal_end(text: str, q: int, name: str, line: int) -> int:
    i = q + 1
    while i < len(text) and text[i] not in '"\n':
        i += 2 if text[i] == "\\" else 1
    if i >= len(text) or text[i] != '"':
        raise MalformedFileError(f"{name}: not a valid PO file: line {line}: a string with no closing quote")
    return i


def _unescape(text: str, spans: list[tuple[int, int]]) -> _Literal:
    chars, starts, ends = [], [], []
    for a, b in spans:
        i = a
        while i < b:
            c = text[i]
            if c == "\\" and i + 1 < b:
                chars.append(_UNESCAPE.get(text[i + 1], text[i + 1]))
                starts.append(i)
                ends.append(i + 2)
                i += 2
            else:
                chars.append(c)
                starts.append(i)
                ends.append(i + 1)
                i += 1
    return _Literal("".join(chars), tuple(starts), tuple(ends), spans[0][0] if spans else 0)


def _entries(text: str, name: str) -> list[_Entry]:
    """The entries of a PO file with the raw positions of their string literals."""
    entries: list[_Entry] = []
    cur: _Entry | None = None
    last: _Field | None = None
    pos = 0
    for lineno, line in enumerate(text.splitlines(keepends=True), 1):
        start, pos = pos, pos + len(line)
        body = line.strip()
        if not body or body.startswith("#"):
            last = None
            if body.startswith("#") and cur is not None and cur.has_msgstr():
                cur = None
            continue
        if body.startswith('"'):
            if last is None:
                raise MalformedFileError(
                    f"{name}: not a valid PO file: line {lineno}: a string that belongs to no keyword")
            q = start + line.index('"')
            last.spans.append((q + 1, _literal_end(text, q, name, lineno)))
            continue
        key = body.split(None, 1)[0]
        if key in ("msgctxt", "msgid") and (cur is None or cur.has_msgstr() or key in cur.fields):
            cur = _Entry(lineno)
            entries.append(cur)
        if cur is None or '"' not in line:
            raise MalformedFileError(
                f"{name}: not a valid PO file: line {lineno}: unexpected {key!r}; an entry starts with msgid")
        q = start + line.index('"')
        last = _Field(key)
        last.spans.append((q + 1, _literal_end(text, q, name, lineno)))
        cur.fields[key] = last
    return entries


def _is_header(text: str, entry: _Entry) -> bool:
    msgid = entry.fields.get("msgid")
    return "msgctxt" not in entry.fields and msgid is not None and not _unescape(text, msgid.spans).text


@dataclass(frozen=True)
class _Target:
    literal: _Literal
    locator: str
    source: str


def _targets(text: str, name: str) -> list[_Target]:
    try:
        catalogue = polib.pofile(text, wrapwidth=0)
    except (OSError, ValueError, UnicodeError) as exc:
        raise MalformedFileError(f"{name}: not a valid PO file: {exc}") from None
    theirs = [e for e in catalogue if not e.obsolete]
    mine = [e for e in _entries(text, name) if not _is_header(text, e)]
    if len(mine) != len(theirs):
        raise MalformedFileError(f"{name}: {len(mine)} entries found where polib reads {len(theirs)}; "
                                 "check the file with msgfmt -c")
    out = []
    for entry, ref in zip(mine, theirs):
        msgid = _unescape(text, entry.fields["msgid"].spans).text if "msgid" in entry.fields else ""
        plural = entry.fields.get("msgid_plural")
        plural_text = _unescape(text, plural.spans).text if plural else msgid
        for key, fld in entry.fields.items():
            if not key.startswith("msgstr"):
                continue
            lit = _unescape(text, fld.spans)
            index = int(key[7:-1]) if "[" in key else None
            expected = ref.msgstr if index is None else ref.msgstr_plural.get(index, "")
            if msgid != ref.msgid or lit.text != expected:
                raise MalformedFileError(f"{name}: line {entry.line}: the entry could not be read unambiguously")
            if not lit.text.strip():
                continue
            short = msgid if len(msgid) <= 40 else msgid[:39] + "…"
            out.append(_Target(lit, f"line {entry.line}: {key} of msgid {short!r}",
                               plural_text if index else msgid))
    return out


def extract(data: bytes, encoding: str | None = None, name: str = "input") -> list[Segment]:
    """Each non-empty translation, with its msgid as the source."""
    text, _ = decode_text(data, name, encoding, len(data) + 1)
    starts = line_starts(text)
    return [Segment(t.literal.text, t.locator, t.source, places=_places(t.literal, starts)) for t in _targets(text, name)]


def _places(lit: _Literal, starts: list[int]) -> tuple[tuple[int, int, int], ...]:
    """An anchor where each quoted piece of the literal begins (escapes do not start lines)."""
    out = []
    for i in range(len(lit.text)):
        if i == 0 or lit.starts[i] > lit.ends[i - 1]:
            out.append(place(starts, lit.starts[i], i))
    return tuple(out)


def _escape(s: str) -> str:
    return "".join(_ESCAPE.get(c, c) for c in s)


def mappers(text: str, data: bytes, name: str = "input") -> tuple[list[Mapper], Escape]:
    """Each msgstr's characters in the raw literals (escapes and line breaks between quoted
    pieces included); replacements escaped."""
    return [t.literal.raw_span for t in _targets(text, name)], _escape


def rebuild(data: bytes, edits: Sequence[Sequence[Edit]], encoding: str | None = None, name: str = "input") -> bytes:
    """The file with the edits written into the msgstr literals (escaped)."""
    return rebuild_text(sys.modules[__name__], data, edits, encoding, name)
