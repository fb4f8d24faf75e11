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
                 source: str | None = None, names: NameInventory | None = None,
                 context_names: frozenset[str] = frozenset()):
        """``focus``: only the paragraphs touching these ranges are checked (a re-check after
        edits); the names inventory still counts the whole text, or the whole ``context``
        (the document this text is a part of) when given.  ``source``: the source-language
        text this one translates, paragraph-aligned with it (the same paragraph breaks), for
        :mod:`service.passes.source`.  ``names``: the inventory of ``context`` (or of ``text``),
        when the caller has it.  ``context_names``: the glossary's names that are only the
        names a whole document (this text is a chunk of) uses consistently, not a glossary's or
        a source's word for them (the names pass takes them as the document's own)."""
        self.text = text
        self.glossary = glossary
        self.context_names = context_names
        self.focus = focus
        self.context = context
        self.source = source
        self._made: dict[int, Paragraph] = {}  # the paragraphs built one by one, by start
        self._windows: list[_Window] = []  # a re-check's paragraphs, around its ranges
        if names is not None:  # already counted (the same text or context): not counted again
            self.__dict__["names"] = names

    @cached_property
    def paragraphs(self) -> list[Paragraph]:
        """The paragraphs the passes check: all of them, or those touching the focus."""
        if self.focus is None:
            return self.all_paragraphs
        out: dict[int, Paragraph] = {}
        for lo, hi in self.focus:
            window = self._local(lo, hi)
            starts, ends = (window.starts, window.ends) if window is not None else self._bounds
            i = max(0, bisect.bisect_right(starts, lo) - 1)
            while i < len(starts) and starts[i] <= hi:
                if ends[i] >= lo:
                    out[starts[i]] = self._para(starts[i], ends[i])
                i += 1
        return [out[k] for k in sorted(out)]

    def ranges(self) -> list[tuple[int, int]]:
        """The ranges of text to scan: the whole text, or the focused paragraphs."""
        if self.focus is None:
            return [(0, len(self.text))]
        return [(p.start, p.end) for p in self.paragraphs]

    def paragraph_spans(self) -> list[tuple[int, int]]:
        """``(start, end)`` of each of :attr:`paragraphs`, without building the paragraphs of a
        whole text (85,000 per 10 MB of one-sentence paragraphs)."""
        if self.focus is not None or "all_paragraphs" in self.__dict__:
            return [(p.start, p.end) for p in self.paragraphs]
        return list(zip(*self._bounds))

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

    def _para(self, start: int, end: int) -> Paragraph:
        """The paragraph at these bounds (built once, and only when asked for)."""
        para = self._made.get(start)
        if para is None:
            para = self._made[start] = Paragraph(start, end, self.text[start:end])
        return para

    def _local(self, lo: int, hi: int, start: int | None = None) -> _Window | None:
        """For a re-check (a focus), the paragraphs touching ``[lo, hi]`` (with ``start``: the
        paragraph starting there and its neighbours) from a scan of a window of the text, widened
        until they are known: a re-check asks for a few paragraphs, and all of them cost a scan
        of the whole text.  None: use :attr:`_bounds` (the whole document, or they are known
        already, or many windows were asked for)."""
        if self.focus is None or "_bounds" in self.__dict__:
            return None

        def enough(window: _Window) -> bool:
            return window.holds(lo, hi) if start is None else window.knows_neighbours(start, len(self.text))

        for window in self._windows:
            if enough(window):
                return window
        if len(self._windows) >= _MAX_WINDOWS:
            return None
        width = _WINDOW
        while True:
            window = _window(self.text, lo, hi, width)
            if enough(window) or (window.lo < 0 and window.hi > len(self.text)):
                self._windows.append(window)
                return window
            width *= 4

    def paragraph_at(self, offset: int) -> Paragraph | None:
        """The paragraph containing ``offset``."""
        window = self._local(offset, offset)
        starts, ends = (window.starts, window.ends) if window is not None else self._bounds
        i = bisect.bisect_right(starts, offset) - 1
        if i >= 0 and offset <= ends[i]:
            return self._para(starts[i], ends[i])
        return None

    def neighbours(self, para: Paragraph) -> tuple[Paragraph | None, Paragraph | None]:
        """The paragraphs before and after ``para``."""
        window = self._local(para.start, para.end, para.start)
        starts, ends = (window.starts, window.ends) if window is not None else self._bounds
        i = bisect.bisect_left(starts, para.start)
        prev = self._para(starts[i - 1], ends[i - 1]) if i > 0 else None
        nxt = self._para(starts[i + 1], ends[i + 1]) if i + 1 < len(starts) else None
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
    return _trim(text, [0, *[e for _, e in breaks]], [*[s for s, _ in breaks], len(text)])


def _trim(text: str, starts: list[int], ends: list[int]) -> tuple[list[int], list[int]]:
    """The pieces ``starts[i]:ends[i]`` (between breaks) as paragraphs: without the line breaks
    at either end, the blank ones dropped (the lists are changed in place)."""
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


# A re-check scans the text around each of its ranges, this far either side (then 4x as far,
# until enough paragraphs are known), and the whole text once it has asked for this many windows
_WINDOW = 2_000
_MAX_WINDOWS = 16
_BREAK_CHARS = " \t\r\n"  # what a paragraph break is made of


class _Window(NamedTuple):
    """The paragraphs of the text between ``lo`` and ``hi`` (both excluded), all of them and
    exactly: ``lo`` is -1 when the window reaches the start of the text, ``hi`` len + 1 at its end."""

    lo: int
    hi: int
    starts: list[int]
    ends: list[int]

    def holds(self, lo: int, hi: int) -> bool:
        """The window knows every paragraph touching ``[lo, hi]``."""
        return self.lo < lo and hi < self.hi

    def knows_neighbours(self, start: int, size: int) -> bool:
        """The window holds the paragraph at ``start`` and the ones before and after it (or
        reaches the end of the text on that side)."""
        i = bisect.bisect_left(self.starts, start)
        return (i < len(self.starts) and self.starts[i] == start and (i > 0 or self.lo < 0)
                and (i + 1 < len(self.starts) or self.hi > size))


def _window(text: str, lo: int, hi: int, width: int) -> _Window:
    """The paragraphs known from a scan of ``text`` from ``width`` before ``lo`` to ``width`` after
    ``hi``.  The scan starts and stops next to a character no break holds, so the breaks it finds
    are those of the whole text; the pieces cut by the window's ends are not known."""
    size = len(text)
    a = min(size, max(0, lo - width))
    b = max(a, min(size, hi + width))
    while a > 0 and text[a - 1] in _BREAK_CHARS:
        a -= 1
    while b < size and text[b] in _BREAK_CHARS:
        b += 1
    breaks = [m.span() for m in PARAGRAPH_BREAK.finditer(text, a, b)]
    starts = [a, *[e for _, e in breaks]]
    ends = [*[s for s, _ in breaks], b]
    known_lo, known_hi = -1, size + 1
    if a > 0:  # the piece before the first break goes on before the window
        known_lo = breaks[0][0] if breaks else b
        del starts[0], ends[0]
    if b < size and starts:  # and the one after the last break after it
        known_hi = breaks[-1][1] if breaks else a
        del starts[-1], ends[-1]
    elif b < size:
        known_hi = a
    return _Window(known_lo, known_hi, *_trim(text, starts, ends))


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
