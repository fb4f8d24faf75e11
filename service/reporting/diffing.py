"""Diffs of a cleaning: unified (difflib), word-level inline, and HTML."""
from __future__ import annotations

import difflib
import html
from dataclasses import dataclass

import regex

_TOKEN = regex.compile(r"\s+|[\p{L}\p{M}\d_'’-]+|.", regex.DOTALL)


def unified(original: str, cleaned: str, name: str = "text") -> str:
    """A unified diff (``a/NAME`` -> ``b/NAME``); empty when nothing changed."""
    a = original.splitlines(keepends=True)
    b = cleaned.splitlines(keepends=True)
    lines = difflib.unified_diff(a, b, f"a/{name}", f"b/{name}")
    return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n"
                   for line in lines)


@dataclass(frozen=True)
class WordOp:
    """One piece of a word-level diff: ``equal``, ``delete``, ``insert`` or ``replace``."""

    op: str
    old: str
    new: str


def word_ops(original: str, cleaned: str) -> list[WordOp]:
    """Word-level differences (whitespace is a token of its own).  Lines are compared first
    and only changed lines are split into words, so the cost follows the size of the change."""
    a_lines, b_lines = original.splitlines(keepends=True), cleaned.splitlines(keepends=True)
    ops: list[WordOp] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a_lines, b_lines, autojunk=False).get_opcodes():
        old, new = "".join(a_lines[i1:i2]), "".join(b_lines[j1:j2])
        if tag == "equal":
            ops.append(WordOp("equal", old, new))
            continue
        a, b = _TOKEN.findall(old), _TOKEN.findall(new)
        for wtag, k1, k2, l1, l2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
            ops.append(WordOp(wtag, "".join(a[k1:k2]), "".join(b[l1:l2])))
    return ops


def inline(original: str, cleaned: str) -> str:
    """A wdiff-style inline diff: ``[-old-]{+new+}``."""
    out = []
    for op in word_ops(original, cleaned):
        if op.op == "equal":
            out.append(op.old)
            continue
        if op.old:
            out.append(f"[-{op.old}-]")
        if op.new:
            out.append(f"{{+{op.new}+}}")
    return "".join(out)


def html_inline(original: str, cleaned: str) -> str:
    """The inline diff as escaped HTML with ``<del>`` and ``<ins>``."""
    out = []
    for op in word_ops(original, cleaned):
        if op.op == "equal":
            out.append(html.escape(op.old))
            continue
        if op.old:
            out.append(f"<del>{html.escape(op.old)}</del>")
        if op.new:
            out.append(f"<ins>{html.escape(op.new)}</ins>")
    return "".join(out)
