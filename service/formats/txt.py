"""Plain text: the whole file is one segment."""
from __future__ import annotations

from typing import Sequence

from service.formats import Fixed, Segment, decode_text, detect_codec

PARAGRAPHS = True
BINARY = False


def extract(data: bytes, encoding: str | None = None, name: str = "input") -> list[Segment]:
    """The file's text as one segment."""
    text, _codec = decode_text(data, name, encoding, max_bytes=len(data) + 1)
    return [Segment(text, "text", places=((0, 1, 1),))]


def rebuild(data: bytes, fixes: Sequence[Fixed], encoding: str | None = None, name: str = "input") -> bytes:
    """The file with the changes applied, in its own encoding and byte-order mark."""
    if not any(f.changes for f in fixes):
        return data
    (fix,) = fixes
    return detect_codec(data, encoding).encode(fix.text)
