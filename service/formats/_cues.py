"""Subtitle cues (SubRip and WebVTT): blocks separated by blank lines, each with a timing line
(``-->``) followed by the text lines, which are the only part cleaned."""
from __future__ import annotations

import regex

from service.formats import MalformedFileError, Slice, line_of, line_starts

_BLOCK_BREAK = regex.compile(r"\r?\n(?:[ \t]*\r?\n)+")
# markup inside cue text: <i>, </font>, <c.yellow>, <00:01.000>, {\an8}, &amp;
CUE_MARKUP = regex.compile(r"<[^<>\n]*>|\{\\[^{}\n]*\}|&(?:#\d+|#x[0-9a-fA-F]+|\w+);")


def blocks(text: str) -> list[tuple[int, int]]:
    """The non-blank blocks of ``text`` as ``(start, end)`` ranges."""
    out, pos = [], 0
    for m in _BLOCK_BREAK.finditer(text):
        if text[pos:m.start()].strip():
            out.append((pos, m.start()))
        pos = m.end()
    if text[pos:].strip():
        end = len(text.rstrip("\r\n"))
        out.append((pos, end))
    return out


def cue_slices(text: str, name: str, skip_first: bool = False,
               skip_kinds: tuple[str, ...] = ()) -> list[Slice]:
    """The text lines of each cue: the lines after the timing line of each block."""
    starts = line_starts(text)
    out: list[Slice] = []
    for k, (start, end) in enumerate(blocks(text)):
        if skip_first and k == 0:
            continue
        block = text[start:end]
        if skip_kinds and regex.match(rf"(?:{'|'.join(skip_kinds)})(?:[ \t]|\r?\n|$)", block):
            continue
        lines = block.splitlines(keepends=True)
        timing = next((i for i, line in enumerate(lines[:2]) if "-->" in line), None)
        if timing is None:
            raise MalformedFileError(
                f"{name}: line {line_of(starts, start)}: a cue with no timing line ('00:00:01,000 --> ...'); "
                "fix or remove that block")
        text_start = start + sum(len(line) for line in lines[:timing + 1])
        if text_start >= end:
            continue  # a cue with no text
        protected = tuple((m.start(), m.end()) for m in CUE_MARKUP.finditer(text, text_start, end))
        out.append(Slice(text_start, end, f"cue {len(out) + 1} (line {line_of(starts, text_start)})",
                         tuple((a - text_start, b - text_start) for a, b in protected)))
    return out
