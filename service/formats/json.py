"""JSON i18n files (``.arb``; ``.json`` when the format is given: ``--input-format json``, the
API's ``"format": "json"``): every string *value* is a segment, wherever it is nested (objects,
arrays); keys are never touched, nor are numbers, booleans and nulls.

Flat (``{"greeting": "Hello"}``), nested (i18next, vue-i18n, Chrome ``messages.json``) and ARB
files are read the same way; in ARB and Chrome files the metadata strings (keys starting with
``@``, and ``description``/``placeholders`` entries) are left alone.  A value that is not prose
(no space and no letter, or an identifier/URL/path) is skipped.  Placeholders (``{count}``,
``{{name}}``, ``%s``, ``%1$d``, ``%(name)s``, ``$NAME$``, ``$t(key)``) and HTML tags inside a
value are protected.  Each segment's locator is its JSON Pointer (``/menu/items/0/label``).

The file is parsed with :mod:`json` first (a broken file is refused); the changes are written
into the original string literals, JSON-escaped, so everything else stays byte-identical.
"""
from __future__ import annotations

import json as _json
import re
import sys
from dataclasses import dataclass
from typing import Sequence

from service.core.model import Edit
from service.formats import Escape, MalformedFileError, Mapper, Segment, decode_text, line_starts, place, rebuild_text

PARAGRAPHS = False
BINARY = False

_PLACEHOLDER = re.compile(
    r"\{\{[^{}]*\}\}|\{[\w.\-]+(?:,[^{}]*)?\}|%(?:\d+\$)?[-+ 0#]*\d*(?:\.\d+)?[sdifuxXeEgGcr@%]|%\([\w.]+\)[sdif]"
    r"|\$[A-Z_][A-Z0-9_]*\$|\$t\([^)]*\)|</?[A-Za-z][^<>]*>|&(?:#\d+|#x[0-9a-fA-F]+|\w+);")
_NOT_PROSE = re.compile(r"^(?:[\w.\-/:@#?=&%+~]+)$")
_META_KEYS = {"description", "placeholders", "context", "type", "example", "content"}
_ESCAPES = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}


@dataclass(frozen=True)
class _Str:
    start: int  # the literal's content (inside the quotes) in the decoded file
    end: int
    value: str
    offsets: tuple[int, ...]  # file offset of each value character, and one past the last
    pointer: str


def _decode(text: str, i: int) -> tuple[str, list[int], int]:
    """The string literal whose opening quote is at ``i``: its value, the file offset of each
    character (plus the end), and the offset after the closing quote."""
    out: list[str] = []
    offs: list[int] = []
    j = i + 1
    while True:
        ch = text[j]
        if ch == '"':
            offs.append(j)
            return "".join(out), offs, j + 1
        offs.append(j)
        if ch == "\\":
            nxt = text[j + 1]
            if nxt == "u":
                code = int(text[j + 2:j + 6], 16)
                j += 6
                if 0xD800 <= code < 0xDC00 and text[j:j + 2] == "\\u":
                    low = int(text[j + 2:j + 6], 16)
                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    j += 6
                out.append(chr(code))
            else:
                out.append(_ESCAPES.get(nxt, nxt))
                j += 2
        else:
            out.append(ch)
            j += 1


def _escape_pointer(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")


def _strings(text: str) -> list[_Str]:
    """Every string value of the document (not keys), in file order, with its JSON Pointer."""
    found: list[_Str] = []
    ws = re.compile(r"\s*")

    def skip(i: int) -> int:
        return ws.match(text, i).end()  # type: ignore[union-attr]

    def value(i: int, path: str, meta: bool) -> int:
        i = skip(i)
        ch = text[i]
        if ch == "{":
            i = skip(i + 1)
            if text[i] == "}":
                return i + 1
            while True:
                key, _offs, i = _decode(text, skip(i))
                i = skip(i) + 1  # the colon
                child_meta = meta or key.startswith("@") or key in _META_KEYS and path != ""
                i = skip(value(i, f"{path}/{_escape_pointer(key)}", child_meta))
                if text[i] == "}":
                    return i + 1
                i += 1  # the comma
        if ch == "[":
            i = skip(i + 1)
            if text[i] == "]":
                return i + 1
            k = 0
            while True:
                i = skip(value(i, f"{path}/{k}", meta))
                k += 1
                if text[i] == "]":
                    return i + 1
                i += 1
        if ch == '"':
            val, offs, end = _decode(text, i)
            if not meta:
                found.append(_Str(i + 1, end - 1, val, tuple(offs), path or "/"))
            return end
        m = re.compile(r"-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?|true|false|null").match(text, i)
        assert m is not None
        return m.end()

    value(0, "", False)
    return found


def _prose(value: str) -> bool:
    return bool(value.strip()) and any(c.isalpha() for c in value) and not (
        " " not in value.strip() and _NOT_PROSE.match(value.strip()) and not value.strip().isalpha())


def _segs(text: str, name: str) -> list[_Str]:
    try:
        _json.loads(text)
    except ValueError as exc:
        raise MalformedFileError(f"{name}: not valid JSON: {exc}") from None
    return [s for s in _strings(text) if _prose(s.value)]


def extract(data: bytes, encoding: str | None = None, name: str = "input") -> list[Segment]:
    """The prose string values, their placeholders protected."""
    text, _ = decode_text(data, name, encoding, len(data) + 1)
    starts = line_starts(text)
    out = []
    for s in _segs(text, name):
        prot = tuple((m.start(), m.end()) for m in _PLACEHOLDER.finditer(s.value))
        out.append(Segment(s.value, s.pointer, None, prot, (place(starts, s.start),)))
    return out


def _escape(s: str) -> str:
    return _json.dumps(s, ensure_ascii=False)[1:-1]


def mappers(text: str, data: bytes, name: str = "input") -> tuple[list[Mapper], Escape]:
    """Each value's characters' places in the literal; replacements JSON-escaped."""
    def mapper(offs: tuple[int, ...]) -> Mapper:
        return lambda a, b: (offs[a], offs[b] if b > a else offs[a])
    return [mapper(s.offsets) for s in _segs(text, name)], _escape


def rebuild(data: bytes, edits: Sequence[Sequence[Edit]], encoding: str | None = None, name: str = "input") -> bytes:
    """The file with the edits written into the string literals."""
    return rebuild_text(sys.modules[__name__], data, edits, encoding, name)
