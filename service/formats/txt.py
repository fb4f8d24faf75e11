"""Plain text: the whole file is one segment."""
from __future__ import annotations

import sys
from typing import Sequence

from service.core.model import Edit
from service.formats import Escape, Mapper, Segment, decode_text, rebuild_text

PARAGRAPHS = True
BINARY = False


def extract(data: bytes, encoding: str | None = None, name: str = "input") -> list[Segment]:
    """The file's text as one segment."""
    text, _codec = decode_text(data, name, encoding, max_bytes=len(data) + 1)
    return [Segment(text, "text", places=((0, 1, 1),))]


def mappers(text: str, data: bytes, name: str = "input") -> tuple[list[Mapper], Escape]:
    """The one segment is the file."""
    return [lambda start, end: (start, end)], None


def rebuild(data: bytes, edits: Sequence[Sequence[Edit]], encoding: str | None = None, name: str = "input") -> bytes:
    """The file with the edits applied, in its own encoding and byte-order mark."""
    return rebuild_text(sys.modules[__name__], data, edits, encoding, name)
