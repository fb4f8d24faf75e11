"""Markdown: the prose is cleaned; code, link targets, URLs and markup are left as they are.

Left out of the segments altogether: front matter, fenced and indented code blocks, HTML
blocks and comments, link reference definitions, thematic breaks and table rules.  Protected
inside the prose: inline code, link and image targets (``](...)``, ``][ref]``), autolinks and
inline HTML, entities, line prefixes (headings, list markers, quotes) and hard line breaks.
"""
from __future__ import annotations

import regex

from service.formats import Slice, SliceFormat, line_of, line_starts

PARAGRAPHS = True
BINARY = False

_FENCE = regex.compile(r"^ {0,3}(`{3,}|~{3,})")
_INDENTED = regex.compile(r"^(?: {4}|\t)")
_LIST_OR_QUOTE = regex.compile(r"^ {0,3}(?:[-*+]|\d{1,9}[.)])[ \t]|^ {0,3}>")
_HTML_BLOCK = regex.compile(r"^ {0,3}<(?:!--|/?[A-Za-z][\w-]*(?:[\s/>]|$)|\?|![A-Z])")
_REF_DEF = regex.compile(r"^ {0,3}\[[^\]\n]+\]:[ \t]*\S")
_RULE = regex.compile(r"^[ \t]*[-=*_|: \t]{3,}$")
_INLINE = regex.compile(
    r"(?P<code>(?<!`)(`+)(?!`).*?(?<!`)\2(?!`))"            # inline code
    r"|(?P<target>\]\((?:[^()\s]|\([^()\s]*\))*(?:[ \t]+\"[^\"]*\")?\))"  # ](target "title")
    r"|(?P<ref>\]\[[^\]\n]*\])"                               # ][ref]
    r"|(?P<tag><!--.*?-->|<[A-Za-z/!?][^<>\n]*>)"             # autolinks, inline HTML
    r"|(?P<entity>&(?:#\d+|#x[0-9a-fA-F]+|\w+);)"
    r"|(?P<prefix>^[ \t]*(?:(?:#{1,6}|[-*+]|\d{1,9}[.)]|>)[ \t]+)+)"  # line prefixes
    r"|(?P<hardbreak>[ ]{2,}(?=\r?\n)|\\(?=\r?\n))",
    regex.MULTILINE | regex.DOTALL,
)


def _blocks(text: str) -> list[tuple[int, int]]:
    """The prose ranges of ``text`` (everything that is not a protected block)."""
    lines = text.splitlines(keepends=True)
    prose: list[tuple[int, int]] = []
    pos, i, start = 0, 0, None
    prev_blank, prev_list = True, False
    offsets = []
    for line in lines:
        offsets.append(pos)
        pos += len(line)
    offsets.append(pos)

    def close(at: int) -> None:
        nonlocal start
        if start is not None and at > start:
            prose.append((start, at))
        start = None

    n = len(lines)
    if n and lines[0].rstrip("\r\n") == "---":  # front matter
        j = next((k for k in range(1, n) if lines[k].rstrip("\r\n") in ("---", "...")), None)
        if j is not None:
            i = j + 1
    while i < n:
        line = lines[i]
        body = line.rstrip("\r\n")
        blank = not body.strip()
        fence = _FENCE.match(body)
        if fence:
            close(offsets[i])
            mark = fence.group(1)
            j = i + 1
            while j < n and not regex.match(rf"^ {{0,3}}{regex.escape(mark[0])}{{{len(mark)},}}[ \t]*$",
                                            lines[j].rstrip("\r\n")):
                j += 1
            i = j + 1
            prev_blank, prev_list = True, False
            continue
        html = bool(_HTML_BLOCK.match(body)) and prev_blank
        code = bool(_INDENTED.match(body)) and prev_blank and not prev_list and not blank
        if html or code or _REF_DEF.match(body) or (_RULE.match(body) and not blank):
            close(offsets[i])
            j = i + 1
            if html and body.lstrip().startswith("<!--"):  # a comment: to the line that ends it
                j = i
                while j < n and "-->" not in (lines[j] if j > i else body[body.find("<!--") + 4:]):
                    j += 1
                j += 1
            elif html:  # an HTML block: to the next blank line
                while j < n and lines[j].strip():
                    j += 1
            elif code:  # indented lines (and the blank lines between them)
                while j < n and (_INDENTED.match(lines[j]) or not lines[j].strip()):
                    j += 1
            i = j
            prev_blank, prev_list = False, False
            continue
        if start is None and not blank:
            start = offsets[i]
        if not blank:
            prev_list = bool(_LIST_OR_QUOTE.match(body)) or (prev_list and not prev_blank)
        prev_blank = blank
        i += 1
    close(offsets[n])
    return prose


def _slices(text: str) -> list[Slice]:
    starts = line_starts(text)
    out = []
    for start, end in _blocks(text):
        chunk = text[start:end]
        # trailing blank lines belong to the gap, not the segment
        stripped = chunk.rstrip("\r\n \t")
        end = start + len(stripped)
        if not stripped.strip():
            continue
        protected = tuple((m.start(), m.end()) for m in _INLINE.finditer(stripped))
        out.append(Slice(start, end, f"line {line_of(starts, start)}", protected))
    return out


_FORMAT = SliceFormat(lambda text, name: _slices(text))
extract = _FORMAT.extract
rebuild = _FORMAT.rebuild
mappers = _FORMAT.mappers
