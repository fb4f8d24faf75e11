"""HTML: only text nodes change.

The stdlib :class:`html.parser.HTMLParser` tokenises the file; the text between block-level
tags is one segment, with the inline tags, entities, comments and the content of code-like
elements (``code``, ``kbd``, ``script``, ``style``...) inside it protected.  Attributes are never
touched.  Replacements are escaped.
"""
from __future__ import annotations

import html
from html.parser import HTMLParser

from service.formats import Slice, SliceFormat, line_of, line_starts

PARAGRAPHS = False
BINARY = False

BLOCK = frozenset("""address article aside blockquote body canvas caption center col colgroup dd details
dialog dir div dl dt fieldset figcaption figure footer form frameset h1 h2 h3 h4 h5 h6 head header
hgroup hr html iframe legend li link main menu meta nav noframes noscript ol optgroup option p pre
section select summary table tbody td tfoot th thead title tr ul video audio source track object
embed map area base body""".split())
# elements whose content is not prose: left out (blocks) or protected inside the prose (inline)
SKIPPED = frozenset("pre script style textarea template svg math".split())
PROTECTED_INLINE = frozenset("code kbd samp var".split())


class _Tokens(HTMLParser):
    """Records each token's kind, tag and start offset."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=False)
        self._starts = line_starts(text)
        self.tokens: list[tuple[str, str, int]] = []

    def _at(self) -> int:
        line, col = self.getpos()
        return self._starts[line - 1] + col

    def handle_starttag(self, tag, attrs):
        self.tokens.append(("start", tag, self._at()))

    def handle_startendtag(self, tag, attrs):
        self.tokens.append(("startend", tag, self._at()))

    def handle_endtag(self, tag):
        self.tokens.append(("end", tag, self._at()))

    def handle_data(self, data):
        self.tokens.append(("data", "", self._at()))

    def handle_entityref(self, name):
        self.tokens.append(("entity", "", self._at()))

    def handle_charref(self, name):
        self.tokens.append(("entity", "", self._at()))

    def handle_comment(self, data):
        self.tokens.append(("comment", "", self._at()))

    def handle_decl(self, decl):
        self.tokens.append(("decl", "", self._at()))

    def handle_pi(self, data):
        self.tokens.append(("decl", "", self._at()))

    def unknown_decl(self, data):
        self.tokens.append(("decl", "", self._at()))


def _slices(text: str) -> list[Slice]:
    parser = _Tokens(text)
    parser.feed(text)
    parser.close()
    toks = parser.tokens
    starts = line_starts(text)
    out: list[Slice] = []
    run: list[tuple[int, int, bool]] = []  # (start, end, translatable)
    skipped = inline = 0  # depth inside skipped / protected inline elements

    def flush() -> None:
        if any(t and text[s:e].strip() for s, e, t in run):
            base = run[0][0]
            prot = tuple((s - base, e - base) for s, e, t in run if not t)
            out.append(Slice(base, run[-1][1], f"line {line_of(starts, base)}", prot))
        run.clear()

    for k, (kind, tag, start) in enumerate(toks):
        end = toks[k + 1][2] if k + 1 < len(toks) else len(text)
        if tag in SKIPPED:
            skipped = skipped + 1 if kind == "start" else max(0, skipped - 1) if kind == "end" else skipped
            flush()
        elif skipped:
            continue
        elif kind == "decl" or (tag in BLOCK and kind in ("start", "end", "startend")):
            flush()
        else:
            if tag in PROTECTED_INLINE:
                inline = inline + 1 if kind == "start" else max(0, inline - 1) if kind == "end" else inline
            run.append((start, end, kind == "data" and not inline))
    flush()
    return out


def _escape(s: str) -> str:
    return html.escape(s, quote=False)


_FORMAT = SliceFormat(lambda text, name: _slices(text), _escape)
extract = _FORMAT.extract
rebuild = _FORMAT.rebuild
mappers = _FORMAT.mappers
