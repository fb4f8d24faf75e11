"""A text prepared for the passes: paragraphs, protected spans and the names inventory,
computed once and shared by every pass."""
from __future__ import annotations

import bisect
from functools import cached_property
from itertools import repeat
from typing import NamedTuple

import regex

from service.core.inventory import NameInventory
from service.core.protect import Protected, find_protected

# a paragraph break: a line break, then one or more blank (whitespace-only) lines
PARAGRAPH_BREAK = regex.compile(r"\r?\n(?:[ \t]*\r?\n)+")


class Paragraph(NamedTuple):
    """A non-blank paragraph: its code-point range and text.  (A named tuple: ~85,000 of them
    per 10 MB of one-sentence paragraphs are built in C loops, where a frozen dataclass's
    ``__init__`` cost 0.15 s.)"""

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
        self._made: dict[int, Paragraph] = {}  # the paragraphs built by paragraph_at, by index
        if names is not None:  # already counted (the same text or context): not counted again
            self.__dict__["names"] = names

    @cached_property
    def paragraphs(self) -> list[Paragraph]:
        """The paragraphs the passes check: all of them, or those touching the focus."""
        if self.focus is None:
            return self.all_paragraphs
        starts, ends = self._bounds
        out: dict[int, Paragraph] = {}
        for lo, hi in self.focus:
            i = max(0, bisect.bisect_right(starts, lo) - 1)
            while i < len(starts) and starts[i] <= hi:
                if ends[i] >= lo:
                    out[starts[i]] = self._paragraph(i)
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
        return _paragraphs(self.text, *self._bounds)

    @cached_property
    def _bounds(self) -> tuple[list[int], list[int]]:
        """The starts and the ends of :attr:`all_paragraphs`, without building them: most
        passes only ask for the paragraph at a few offsets (:meth:`paragraph_at`)."""
        return _bounds(self.text)

    @cached_property
    def lowered(self) -> str:
        """``text.lower()``, made once for the passes that search the text in lower case (it may
        be longer than the text: 'İ' lowers to two characters)."""
        return self.text.lower()

    @cached_property
    def protected(self) -> Protected:
        """Spans no pass may change."""
        return find_protected(self.text, None if self.focus is None else self.ranges())

    @cached_property
    def names(self) -> NameInventory:
        """The document's names and how often it uses each."""
        return NameInventory.build(self.text if self.context is None else self.context, self.glossary)

    @property
    def _starts(self) -> list[int]:
        return self._bounds[0]

    def _paragraph(self, i: int) -> Paragraph:
        """The ``i``-th paragraph (built once, and only when asked for)."""
        if "all_paragraphs" in self.__dict__:
            return self.all_paragraphs[i]
        para = self._made.get(i)
        if para is None:
            start, end = self._bounds[0][i], self._bounds[1][i]
            para = self._made[i] = Paragraph(start, end, self.text[start:end])
        return para

    def paragraph_at(self, offset: int) -> Paragraph | None:
        """The paragraph containing ``offset``."""
        starts, ends = self._bounds
        i = bisect.bisect_right(starts, offset) - 1
        if i >= 0 and offset <= ends[i]:
            return self._paragraph(i)
        return None

    def neighbours(self, para: Paragraph) -> tuple[Paragraph | None, Paragraph | None]:
        """The paragraphs before and after ``para``."""
        i = bisect.bisect_left(self._starts, para.start)
        prev = self._paragraph(i - 1) if i > 0 else None
        nxt = self._paragraph(i + 1) if i + 1 < len(self._starts) else None
        return prev, nxt

    @cached_property
    def source_paragraphs(self) -> list[Paragraph]:
        """The source's non-blank paragraphs (offsets into :attr:`source`); none without one."""
        if not self.source:
            return []
        return _paragraphs(self.source, *_bounds(self.source))

    @property
    def source_aligned(self) -> bool:
        """True when the source has as many paragraphs as the text (so the n-th translates the n-th)."""
        return bool(self.source) and len(self.source_paragraphs) == len(self._starts)

    def source_of(self, para: Paragraph) -> Paragraph | None:
        """The source paragraph ``para`` translates, when the source is aligned."""
        if not self.source_aligned:
            return None
        i = bisect.bisect_left(self._starts, para.start)
        if i < len(self._starts) and self._starts[i] == para.start:
            return self.source_paragraphs[i]
        return None


def _bounds(text: str) -> tuple[list[int], list[int]]:
    """The starts and ends of the non-blank paragraphs of ``text``: the pieces between
    paragraph breaks, without the line breaks at either end."""
    breaks = [m.span() for m in PARAGRAPH_BREAK.finditer(text)]
    starts = [0, *[e for _, e in breaks]]
    ends = [*[s for s, _ in breaks], len(text)]
    # the usual piece starts with a non-space and does not end in a line break: kept as it is
    odd = [i for i, (s, e) in enumerate(zip(starts, ends))
           if s == e or text[s].isspace() or text[e - 1] in "\r\n"]
    if odd:  # blank pieces are dropped, line breaks at either end stripped
        for i in reversed(odd):
            span = _strip(text, starts[i], ends[i])
            if span is None:
                del starts[i], ends[i]
            else:
                starts[i], ends[i] = span
    return starts, ends


def _strip(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The piece ``[start, end)`` without its line breaks at either end; None when it is blank."""
    chunk = text[start:end]
    stripped = chunk.strip("\r\n")
    if not stripped.strip():
        return None
    start += len(chunk) - len(chunk.lstrip("\r\n"))
    return start, start + len(stripped)


def _paragraphs(text: str, starts: list[int], ends: list[int]) -> list[Paragraph]:
    """The paragraphs at these bounds (built by C loops: tuple.__new__ over zipped fields)."""
    texts = map(text.__getitem__, map(slice, starts, ends))
    return list(map(tuple.__new__, repeat(Paragraph), zip(starts, ends, texts)))
