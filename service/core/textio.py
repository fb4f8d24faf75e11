"""Read input bytes as text, with clear errors for binary, undecodable, empty and huge input."""
from __future__ import annotations

import codecs
import re

from service.errors import DecodeError, EmptyInputError, InputTooLargeError

_SURROGATE = re.compile("[\ud800-\udfff]")
DEFAULT_MAX_BYTES = 64 * 1024 * 1024
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def _position(data: bytes, at: int) -> str:
    line = data.count(b"\n", 0, at) + 1
    col = at - (data.rfind(b"\n", 0, at) + 1) + 1
    return f"byte {at} (line {line}, column {col})"


def decode(data: bytes, name: str = "input", encoding: str | None = None,
           max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """Decode ``data`` (UTF-8 by default; a UTF-8 or UTF-16 byte-order mark is honoured)."""
    if len(data) > max_bytes:
        raise InputTooLargeError(
            f"{name}: {len(data):,} bytes is over the limit of {max_bytes:,}; split the file or raise --max-bytes")
    if not data:
        raise EmptyInputError(f"{name}: the input is empty; there is nothing to clean")
    if encoding is None:
        for bom, enc in _BOMS:
            if data.startswith(bom):
                encoding = enc
                break
    if encoding is None or encoding.replace("-", "").lower() in ("utf8", "utf8sig"):
        nul = data.find(b"\x00", 0, 8192)
        if nul >= 0:
            raise DecodeError(f"{name}: binary data (a NUL byte at {_position(data, nul)}); mtclean cleans text")
    try:
        info = codecs.lookup(encoding or "utf-8")
    except LookupError as exc:
        raise DecodeError(f"{name}: unknown encoding {encoding!r}") from exc
    if not getattr(info, "_is_text_encoding", True):  # hex, base64, zlib, rot13...: bytes-to-bytes codecs
        raise DecodeError(f"{name}: {encoding!r} is not a text encoding (give a character set such as utf-8, "
                          "latin-1, cp1252, utf-16)")
    try:
        text = data.decode(encoding or "utf-8")
        m = _SURROGATE.search(text)
        if m:  # unicode_escape, utf-7...: a lone surrogate is no text (unencodable as UTF-8)
            raise DecodeError(f"{name}: a lone surrogate (U+{ord(m.group()):04X}) at character {m.start()} "
                              f"when decoded as {encoding}; not valid Unicode text")
        return text
    except UnicodeDecodeError as exc:
        bad = data[exc.start:exc.end].hex(" ")
        raise DecodeError(
            f"{name}: not valid {exc.encoding} at {_position(data, exc.start)}: bytes {bad} ({exc.reason}); "
            f"give the right encoding with --encoding") from exc
