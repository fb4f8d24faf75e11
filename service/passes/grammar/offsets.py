"""Chunks of whole paragraphs for LanguageTool, and its UTF-16 offsets mapped back.

LanguageTool counts offsets in UTF-16 code units (Java ``char``); Python counts code points.
An astral character (emoji, rare CJK ideographs) is one code point and two UTF-16 units, so
every such character before a match shifts it by one.  :func:`to_codepoints` converts at the
boundary; :class:`Chunk` then maps a chunk offset to (paragraph, offset in the paragraph).
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass
from functools import cached_property

from service.core.offsets import Utf16Index

SEPARATOR = "\n\n"


def to_codepoints(index: Utf16Index, u16_offset: int, u16_length: int) -> tuple[int, int]:
    """Code-point ``(start, end)`` of a UTF-16 ``(offset, length)`` range.

    A start inside a surrogate pair rounds down and an end inside one rounds up, so the
    range never splits a character."""
    start = index.to_codepoint(u16_offset)
    u16_end = u16_offset + u16_length
    end = index.to_codepoint(u16_end)
    if index.to_utf16(end) < u16_end:
        end += 1
    return start, max(start, end)


@dataclass(frozen=True)
class Chunk:
    """Whole paragraphs joined by :data:`SEPARATOR`: the text of one LanguageTool request."""

    text: str
    items: tuple[int, ...]  # position of each paragraph in the list given to chunk_paragraphs
    starts: tuple[int, ...]  # code-point offset of each paragraph in ``text``
    lengths: tuple[int, ...]  # code-point length of each paragraph

    @cached_property
    def index(self) -> Utf16Index:
        """UTF-16 <-> code-point converter for ``text``."""
        return Utf16Index(self.text)

    def locate(self, u16_offset: int, u16_length: int) -> tuple[int, int, int] | None:
        """``(item, start, end)``: a LanguageTool range as code points in its paragraph.

        None when the range is not inside one paragraph (it touches a separator)."""
        start, end = to_codepoints(self.index, u16_offset, u16_length)
        i = bisect.bisect_right(self.starts, start) - 1
        if i < 0:
            return None
        rel_start, rel_end = start - self.starts[i], end - self.starts[i]
        if rel_end > self.lengths[i]:
            return None
        return self.items[i], rel_start, rel_end


def chunk_paragraphs(paragraphs: list[str], limit: int) -> list[Chunk]:
    """Group paragraphs, in order, into chunks of at most ``limit`` code points.

    A paragraph longer than ``limit`` makes a chunk of its own."""
    chunks: list[Chunk] = []
    items: list[int] = []
    parts: list[str] = []
    size = 0

    def close() -> None:
        starts, pos = [], 0
        for p in parts:
            starts.append(pos)
            pos += len(p) + len(SEPARATOR)
        chunks.append(Chunk(SEPARATOR.join(parts), tuple(items), tuple(starts), tuple(map(len, parts))))

    for i, para in enumerate(paragraphs):
        added = len(para) + (len(SEPARATOR) if parts else 0)
        if parts and size + added > limit:
            close()
            items, parts, size = [], [], 0
            added = len(para)
        items.append(i)
        parts.append(para)
        size += added
    if parts:
        close()
    return chunks
