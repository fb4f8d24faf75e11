"""Read input bytes as text, with clear errors for binary, undecodable, empty and huge input."""
from __future__ import annotations

import codecs

from service.errors import DecodeError, EmptyInputError, InputTooLargeError

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
        codecs.lookup(encoding or "utf-8")
    except LookupError as exc:
        raise DecodeError(f"{name}: unknown encoding {encoding!r}") from exc
    try:
        return data.decode(encoding or "utf-8")
    except UnicodeDecodeError as exc:
        bad = data[exc.start:exc.end].hex(" ")
        raise DecodeError(
            f"{name}: not valid {exc.encoding} at {_position(data, exc.start)}: bytes {bad} ({exc.reason}); "
            f"give the right encoding with --encoding") from exc
