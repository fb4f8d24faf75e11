"""Plain text: the whole file is one segment."""
from __future__ import annotations

from typing import Sequence

from service.core.model import Edit
from service.formats import Segment, apply_placed, decode_text

PARAGRAPHS = True
BINARY = False


def extract(data: bytes, encoding: str | None = None, name: str = "input") -> list[Segment]:
    """The file's text as one segment."""
    text, _codec = decode_text(data, name, encoding, max_bytes=len(data) + 1)
    return [Segment(text, "text", places=((0, 1, 1),))]


def rebuild(data: bytes, edits: Sequence[Sequence[Edit]], encoding: str | None = None, name: str = "input") -> bytes:
    """The file with the edits applied, in its own encoding and byte-order mark."""
    if not any(edits):
        return data
    (mine,) = edits
    text, codec = decode_text(data, name, encoding, max_bytes=len(data) + 1)
    return codec.encode(apply_placed(text, ((e, e.start, e.end) for e in mine)))
