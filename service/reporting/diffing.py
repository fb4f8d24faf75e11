"""Diffs of a cleaning: unified, word-level inline, and HTML.

When the applied edits are known (they always are after a cleaning), the diffs are built from
them in time linear in the text: only the lines and words the edits touch are compared, and
never the whole text against its cleaned copy.  Without edits (two arbitrary texts, e.g. a file
and its rebuilt copy) the diffs fall back to :mod:`difflib`.
"""
from __future__ import annotations

import bisect
import difflib
import html
from dataclasses import dataclass
from typing import Iterable, Protocol, Sequence

import regex

_TOKEN = regex.compile(r"\s+|[\p{L}\p{M}\d_'’-]+|.", regex.DOTALL)
CONTEXT_LINES = 3
WIDEN = 40


class AppliedEdit(Protocol):
    """What a diff needs of an edit: a span of the original and its replacement."""

    @property
    def start(self) -> int: ...

    @property
    def end(self) -> int: ...

    @property
    def replacement(self) -> str: ...


@dataclass(frozen=True)
class WordOp:
    """One piece of a word-level diff: ``equal``, ``delete``, ``insert`` or ``replace``."""

    op: str
    old: str
    new: str


@dataclass(frozen=True)
class Applied:
    """An applied change as a diff needs it (for edits that arrive as JSON dicts)."""

    start: int
    end: int
    replacement: str

    @classmethod
    def from_dict(cls, d: dict) -> "Applied":
        return cls(int(d["start"]), int(d["end"]), d["replacements"][0])


def exact_edits(original: str, cleaned: str, edits: Iterable[AppliedEdit]) -> list[AppliedEdit] | None:
    """The edits when applying them to ``original`` gives exactly ``cleaned`` (checked in linear
    time), else None (a diff must then compare the two texts)."""
    spans = _spans(edits)
    out, pos = [], 0
    for start, end, rep in spans:
        if start < pos:
            return None
        out += [original[pos:start], rep]
        pos = end
    out.append(original[pos:])
    if "".join(out) != cleaned:
        return None
    return [Applied(s, e, r) for s, e, r in spans]


def both(original: str, cleaned: str, name: str, edits: Iterable[AppliedEdit] | None = None) -> dict[str, str]:
    """The unified and inline diffs, built from ``edits`` when they reproduce ``cleaned``."""
    exact = exact_edits(original, cleaned, edits) if edits is not None else None
    return {"unified": unified(original, cleaned, name, edits=exact),
            "inline": inline(original, cleaned, edits=exact)}


def _spans(edits: Iterable[AppliedEdit]) -> list[tuple[int, int, str]]:
    """The edits as sorted ``(start, end, replacement)`` triples (non-overlapping, as applied);
    the same change listed twice (two rules that made it: a report marks both applied) once."""
    return sorted(set((e.start, e.end, e.replacement) for e in edits))


def edits_between(original: str, cleaned: str) -> list[Applied]:
    """Changes that turn ``original`` into ``cleaned``, one per changed block of lines (a
    line-level :mod:`difflib` comparison: for a part of a text whose applied edits are not
    known exactly, so that a diff of the whole text need not compare all of it)."""
    a, b = original.splitlines(keepends=True), cleaned.splitlines(keepends=True)
    starts = [0]
    for line in a:
        starts.append(starts[-1] + len(line))
    out = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag != "equal":
            out.append(Applied(starts[i1], starts[i2], "".join(b[j1:j2])))
    return out


def _token_ops(old: str, new: str) -> list[WordOp]:
    """A word-level diff of two short strings."""
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    return [WordOp(tag, "".join(a[i1:i2]), "".join(b[j1:j2]))
            for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()]


def _ops_from_edits(original: str, edits: Iterable[AppliedEdit]) -> list[WordOp]:
    """Word-level ops from the applied edits: text between edits is equal; each edit's span,
    widened to whole words (at most :data:`WIDEN` characters each way), is diffed word by word
    against its replacement, so that shared words stay equal."""
    segments: list[list] = []  # [lo, hi, [(start, end, rep), ...]]
    n = len(original)
    for s, e, r in _spans(edits):
        lo, hi = s, e
        while lo > 0 and s - lo < WIDEN and not original[lo - 1].isspace():
            lo -= 1
        while hi < n and hi - e < WIDEN and not original[hi].isspace():
            hi += 1
        if segments and lo < segments[-1][1]:
            segments[-1][1] = max(segments[-1][1], hi)
            segments[-1][2].append((s, e, r))
        else:
            segments.append([lo, hi, [(s, e, r)]])
    ops: list[WordOp] = []
    pos = 0
    for lo, hi, group in segments:
        if lo > pos:
            ops.append(WordOp("equal", original[pos:lo], original[pos:lo]))
        pieces, at = [], lo
        for s, e, r in group:
            pieces += [original[at:s], r]
            at = e
        pieces.append(original[at:hi])
        ops.extend(_token_ops(original[lo:hi], "".join(pieces)))
        pos = hi
    if pos < n:
        ops.append(WordOp("equal", original[pos:], original[pos:]))
    return ops


def word_ops(original: str, cleaned: str, edits: Sequence[AppliedEdit] | None = None) -> list[WordOp]:
    """Word-level differences (whitespace is a token of its own).  With ``edits`` (the applied
    edits, in original offsets) the cost is linear in the text; without, lines are compared first
    and only changed lines are split into words."""
    if edits is not None:
        return _ops_from_edits(original, edits)
    a_lines, b_lines = original.splitlines(keepends=True), cleaned.splitlines(keepends=True)
    ops: list[WordOp] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a_lines, b_lines, autojunk=False).get_opcodes():
        old, new = "".join(a_lines[i1:i2]), "".join(b_lines[j1:j2])
        if tag == "equal":
            ops.append(WordOp("equal", old, new))
        else:
            ops.extend(_token_ops(old, new))
    return ops


def _render(ops: list[WordOp], equal, deleted, inserted) -> str:
    """Join word ops, each kind written by its own function."""
    out = []
    for op in ops:
        if op.op == "equal":
            out.append(equal(op.old))
            continue
        if op.old:
            out.append(deleted(op.old))
        if op.new:
            out.append(inserted(op.new))
    return "".join(out)


def inline(original: str, cleaned: str, edits: Sequence[AppliedEdit] | None = None) -> str:
    """A wdiff-style inline diff: ``[-old-]{+new+}``."""
    return _render(word_ops(original, cleaned, edits), str, "[-{}-]".format, "{{+{}+}}".format)


def html_inline(original: str, cleaned: str, edits: Sequence[AppliedEdit] | None = None) -> str:
    """The inline diff as escaped HTML with ``<del>`` and ``<ins>``."""
    return _render(word_ops(original, cleaned, edits), html.escape,
                   lambda t: f"<del>{html.escape(t)}</del>", lambda t: f"<ins>{html.escape(t)}</ins>")


def _line(line: str, mark: str) -> str:
    return mark + line if line.endswith("\n") else mark + line + "\n\\ No newline at end of file\n"


def _range(start: int, length: int) -> str:
    """difflib's unified range: ``start,length`` with 1-based start (``start`` alone for 1)."""
    if length == 1:
        return f"{start + 1}"
    return f"{start + (0 if length == 0 else 1)},{length}"


@dataclass
class _Block:
    """Original lines ``[lo, hi)`` replaced by ``new`` lines."""

    lo: int
    hi: int
    new: list[str]


def _blocks(original: str, spans: list[tuple[int, int, str]]) -> tuple[list[str], list[_Block]]:
    """The original's lines and the changed line blocks (unchanged edge lines trimmed)."""
    lines = original.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))
    blocks: list[_Block] = []
    group: list[tuple[int, int, str]] = []
    g_lo = g_hi = 0

    def flush() -> None:
        if not group:
            return
        seg_lo, seg_hi = starts[g_lo], starts[g_hi]
        pieces, pos = [], seg_lo
        for s, e, r in group:
            pieces.append(original[pos:s])
            pieces.append(r)
            pos = e
        pieces.append(original[pos:seg_hi])
        old, new = lines[g_lo:g_hi], "".join(pieces).splitlines(keepends=True)
        lo, hi, k = g_lo, g_hi, 0
        while k < min(len(old), len(new)) and old[k] == new[k]:
            k += 1
        lo += k
        old, new = old[k:], new[k:]
        while old and new and old[-1] == new[-1]:
            old.pop()
            new.pop()
            hi -= 1
        if old or new:
            blocks.append(_Block(lo, hi, new))

    for s, e, r in spans:
        lo = bisect.bisect_right(starts, s) - 1
        hi = bisect.bisect_left(starts, e) if e > s else lo + 1
        lo, hi = min(lo, len(lines)), max(min(hi, len(lines)), min(lo + 1, len(lines)))
        if s == len(original) and lines and not original.endswith("\n"):
            lo = len(lines) - 1  # appending to an unterminated last line changes that line
        if group and lo < g_hi:
            g_hi = max(g_hi, hi)
        else:
            flush()
            group, g_lo, g_hi = [], lo, hi
        group.append((s, e, r))
    flush()
    return lines, blocks


def unified(original: str, cleaned: str, name: str = "text",
            edits: Sequence[AppliedEdit] | None = None, context: int = CONTEXT_LINES) -> str:
    """A unified diff (``a/NAME`` -> ``b/NAME``); empty when nothing changed.  With ``edits``
    (the applied edits in original offsets) it is built from them in linear time."""
    if edits is None:
        a, b = original.splitlines(keepends=True), cleaned.splitlines(keepends=True)
        return "".join(_fmt(x) for x in difflib.unified_diff(a, b, f"a/{name}", f"b/{name}", n=context))
    lines, blocks = _blocks(original, _spans(edits))
    if not blocks:
        return ""
    out = [f"--- a/{name}\n", f"+++ b/{name}\n"]
    shift = 0  # new-side line offset before the current hunk
    i = 0
    while i < len(blocks):
        j = i
        while j + 1 < len(blocks) and blocks[j + 1].lo - blocks[j].hi <= 2 * context:
            j += 1
        first, last = blocks[i], blocks[j]
        a_lo, a_hi = max(0, first.lo - context), min(len(lines), last.hi + context)
        body: list[str] = []
        pos = a_lo
        new_len = 0
        for blk in blocks[i:j + 1]:
            for line in lines[pos:blk.lo]:
                body.append(_line(line, " "))
            new_len += blk.lo - pos
            body.extend(_line(line, "-") for line in lines[blk.lo:blk.hi])
            body.extend(_line(line, "+") for line in blk.new)
            new_len += len(blk.new)
            pos = blk.hi
        body.extend(_line(line, " ") for line in lines[pos:a_hi])
        new_len += a_hi - pos
        b_lo = a_lo + shift
        out.append(f"@@ -{_range(a_lo, a_hi - a_lo)} +{_range(b_lo, new_len)} @@\n")
        out.extend(body)
        shift += sum(len(b.new) - (b.hi - b.lo) for b in blocks[i:j + 1])
        i = j + 1
    return "".join(out)


def _fmt(line: str) -> str:
    return line if line.endswith("\n") else line + "\n\\ No newline at end of file\n"
