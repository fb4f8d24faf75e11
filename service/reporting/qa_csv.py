"""A QA report as CSV, one row per finding, like Xbench's or CheckMate's exports: file, segment
id, line, column, issue type, rule, severity, the flagged text, the suggestion(s), whether mtclean
applied it, the message and the segment's text around it.

Spreadsheet-friendly: UTF-8 with a byte-order mark (Excel then reads the accents right), CRLF
row ends, every field quoted when needed, and a cell that a spreadsheet would take for a formula
(``=``, ``+``, ``-``, ``@``, tab, carriage return first) prefixed with ``'``.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

COLUMNS = ("File", "Segment ID", "Line", "Column", "Issue Type", "Rule", "Severity", "Flagged", "Suggestion",
           "Applied", "Message", "Context")
CONTEXT = 60
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_FORMULA):
        return "'" + value
    return value


def _context(res: Any, fe: Any) -> str:
    result, origin = getattr(res, "result", None), fe.origin
    if result is None or origin is None:
        return fe.edit.original
    text = result.original
    a, b = max(0, origin.start - CONTEXT), min(len(text), origin.end + CONTEXT)
    a = text.rfind("\n\n", a, origin.start) + 2 if "\n\n" in text[a:origin.start] else a
    cut = text.find("\n\n", origin.end, b)
    b = cut if cut >= 0 else b
    return " ".join(text[a:b].split())


def rows(files: Iterable[tuple[str, Any]]) -> list[list[Any]]:
    """The report rows (without the header)."""
    out = []
    for name, res in files:
        for fe in res.edits:
            e = fe.edit
            out.append([name, fe.segment, fe.line or "", fe.column or "", e.category, e.rule_id, e.tier.value,
                        e.original, " | ".join(e.replacements), "yes" if fe.applied else "no", e.message,
                        _context(res, fe)])
    return out


def to_csv(files: Iterable[tuple[str, Any]], bom: bool = True) -> str:
    """The whole report as CSV text (with a BOM unless ``bom`` is False)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(COLUMNS)
    for row in rows(files):
        w.writerow([_cell(v) for v in row])
    return ("\ufeff" if bom else "") + buf.getvalue()
