"""A text prepared for the passes: paragraphs, protected spans and the names inventory,
computed once and shared by every pass."""
from __future__ import annotations

import bisect
from dataclasses import dataclass
from functools import cached_property

import regex

from service.core.inventory import NameInventory
from service.core.protect import Protected, find_protected

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

    def __init__(self, text: str, glossary: frozenset[str] = frozenset(),
                 focus: list[tuple[int, int]] | None = None, context: str | None = None,
                 source: str | None = None, names: NameInventory | None = None):
        """``focus``: only the paragraphs touching these ranges are checked (a re-check after
        edits); the names inventory still counts the whole text, or the whole ``context``
        (the document this text is a part of) when given.  ``source``: the source-language
        text this one translates, paragraph-aligned with it (the same paragraph breaks), for
        :mod:`service.passes.source`.  ``names``: the inventory of ``context`` (or of ``text``),
        when the caller has it."""
        self.text = text
        self.glossary = glossary
        self.focus = focus
        self.context = context
        self.source = source
        if names is not None:  # already counted (the same text or context): not counted again
            self.__dict__["names"] = names

    @cached_property
    def paragraphs(self) -> list[Paragraph]:
        """The paragraphs the passes check: all of them, or those touching the focus."""
        if self.focus is None:
            return self.all_paragraphs
        out: dict[int, Paragraph] = {}
        for lo, hi in self.focus:
            i = max(0, bisect.bisect_right(self._starts, lo) - 1)
            while i < len(self.all_paragraphs) and self.all_paragraphs[i].start <= hi:
                para = self.all_paragraphs[i]
                if para.end >= lo:
                    out[para.start] = para
                i += 1
        return [out[k] for k in sorted(out)]

    def ranges(self) -> list[tuple[int, int]]:
        """The ranges of text to scan: the whole text, or the focused paragraphs."""
        if self.focus is None:
            return [(0, len(self.text))]
        return [(p.start, p.end) for p in self.paragraphs]

    @cached_property
    def all_paragraphs(self) -> list[Paragraph]:
        """Non-blank paragraphs, in order (leading/trailing line breaks excluded)."""
        out: list[Paragraph] = []
        text = self.text
        pos = 0
        for m in PARAGRAPH_BREAK.finditer(text):
            _add_paragraph(text, out, pos, m.start())
            pos = m.end()
        _add_paragraph(text, out, pos, len(text))
        return out

    @cached_property
    def protected(self) -> Protected:
        """Spans no pass may change."""
        return find_protected(self.text, None if self.focus is None else self.ranges())

    @cached_property
    def names(self) -> NameInventory:
        """The document's names and how often it uses each."""
        return NameInventory.build(self.text if self.context is None else self.context, self.glossary)

    @cached_property
    def _starts(self) -> list[int]:
        return [p.start for p in self.all_paragraphs]

    def paragraph_at(self, offset: int) -> Paragraph | None:
        """The paragraph containing ``offset``."""
        i = bisect.bisect_right(self._starts, offset) - 1
        if i >= 0 and self.all_paragraphs[i].start <= offset <= self.all_paragraphs[i].end:
            return self.all_paragraphs[i]
        return None

    def neighbours(self, para: Paragraph) -> tuple[Paragraph | None, Paragraph | None]:
        """The paragraphs before and after ``para``."""
        i = bisect.bisect_left(self._starts, para.start)
        prev = self.all_paragraphs[i - 1] if i > 0 else None
        nxt = self.all_paragraphs[i + 1] if i + 1 < len(self.all_paragraphs) else None
        return prev, nxt

    @cached_property
    def source_paragraphs(self) -> list[Paragraph]:
        """The source's non-blank paragraphs (offsets into :attr:`source`); none without one."""
        if not self.source:
            return []
        out: list[Paragraph] = []
        pos = 0
        for m in PARAGRAPH_BREAK.finditer(self.source):
            _add_paragraph(self.source, out, pos, m.start())
            pos = m.end()
        _add_paragraph(self.source, out, pos, len(self.source))
        return out

    @property
    def source_aligned(self) -> bool:
        """True when the source has as many paragraphs as the text (so the n-th translates the n-th)."""
        return bool(self.source) and len(self.source_paragraphs) == len(self.all_paragraphs)

    def source_of(self, para: Paragraph) -> Paragraph | None:
        """The source paragraph ``para`` translates, when the source is aligned."""
        if not self.source_aligned:
            return None
        i = bisect.bisect_left(self._starts, para.start)
        if i < len(self.all_paragraphs) and self.all_paragraphs[i].start == para.start:
            return self.source_paragraphs[i]
        return None


def _add_paragraph(text: str, out: list[Paragraph], start: int, end: int) -> None:
    if start < end and text[start] not in "\r\n" and text[end - 1] not in "\r\n":
        # the usual paragraph: no line break to strip at either end (one slice, no strip)
        chunk = text[start:end]
        if not chunk.isspace():
            out.append(Paragraph(start, end, chunk))
        return
    chunk = text[start:end]
    stripped = chunk.strip("\r\n")
    if not stripped.strip():
        return
    start += len(chunk) - len(chunk.lstrip("\r\n"))
    end = start + len(stripped)
    out.append(Paragraph(start, end, text[start:end]))
