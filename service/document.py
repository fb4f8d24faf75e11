"""A text prepared for the passes: paragraphs, protected spans and the names inventory,
computed once and shared by every pass."""
from __future__ import annotations

import bisect
from dataclasses import dataclass
from functools import cached_property

import regex

from .inventory import NameInventory
from .protect import Protected, find_protected

# a paragraph break: a line break, then one or more blank (whitespace-only) lines
PARAGRAPH_BREAK = regex.compile(r"\r?\n(?:[ \t]*\r?\n)+")


@dataclass(frozen=True)
class Paragraph:
    """A non-blank paragraph: its code-point range and text."""

    start: int
    end: int
    text: str


class Document:
    """One text and what every pass needs to know about it."""

    def __init__(self, text: str, glossary: frozenset[str] = frozenset()):
        self.text = text
        self.glossary = glossary

    @cached_property
    def paragraphs(self) -> list[Paragraph]:
        """Non-blank paragraphs, in order (leading/trailing line breaks excluded)."""
        out: list[Paragraph] = []
        pos = 0
        for m in PARAGRAPH_BREAK.finditer(self.text):
            self._add(out, pos, m.start())
            pos = m.end()
        self._add(out, pos, len(self.text))
        return out

    def _add(self, out: list[Paragraph], start: int, end: int) -> None:
        chunk = self.text[start:end]
        stripped = chunk.strip("\r\n")
        if not stripped.strip():
            return
        start += len(chunk) - len(chunk.lstrip("\r\n"))
        end = start + len(stripped)
        out.append(Paragraph(start, end, self.text[start:end]))

    @cached_property
    def protected(self) -> Protected:
        """Spans no pass may change."""
        return find_protected(self.text)

    @cached_property
    def names(self) -> NameInventory:
        """The document's names and how often it uses each."""
        return NameInventory.build(self.text, self.glossary)

    @cached_property
    def _starts(self) -> list[int]:
        return [p.start for p in self.paragraphs]

    def paragraph_at(self, offset: int) -> Paragraph | None:
        """The paragraph containing ``offset``."""
        i = bisect.bisect_right(self._starts, offset) - 1
        if i >= 0 and self.paragraphs[i].start <= offset <= self.paragraphs[i].end:
            return self.paragraphs[i]
        return None
