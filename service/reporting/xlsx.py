"""A QA report as an Excel workbook (``check --format xlsx -o report.xlsx``), like Xbench's: one row
per finding with the file, the segment id (XLIFF unit id, TMX tu id, PO msgid, JSON pointer, cue or
paragraph number; the line for plain text, Markdown and HTML), line, column, rule id, category,
tier, whether mtclean applied it, the source text (bilingual formats), the target text (the
segment, or the paragraph of a monolingual file), the flagged text, the suggestion(s) and the message.

The header row is bold and frozen, with an autofilter over every column.  Every cell is a string or
a number: a text that starts with ``=`` stays text (never a formula), characters XML cannot hold are
removed and a cell is cut at Excel's limit of 32,767 characters.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import IO, Any

import regex

from service.reporting.qa_csv import _context

COLUMNS = ("File", "Segment ID", "Line", "Column", "Rule ID", "Category", "Tier", "Applied", "Source", "Target",
           "Flagged", "Suggestion", "Message")
WIDTHS = (28, 18, 7, 7, 30, 14, 9, 9, 50, 50, 24, 24, 60)
MAX_CELL = 32_767
MAX_PARAGRAPH = 2_000
_ILLEGAL = regex.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_UNIT = regex.compile(r"^(?:unit|tu) (.+?) \(line \d+\)$", regex.DOTALL)
_PO = regex.compile(r"^line \d+: (msgstr(?:\[\d+\])?) of msgid ", regex.DOTALL)


def segment_id(fmt: str, locator: str, line: int, source: str | None = None) -> str:
    """The id a QA tool shows for a segment: the unit's or tu's id, the msgid (with the plural
    form), the JSON pointer, the cue or paragraph; ``line N`` for formats without ids."""
    if fmt in ("xliff", "tmx"):
        m = _UNIT.match(locator)
        return m.group(1) if m else locator
    if fmt == "po":
        m = _PO.match(locator)
        form = m.group(1) if m else "msgstr"
        return (source or locator) + (f" [{form}]" if form != "msgstr" else "")
    if fmt in ("json", "srt", "vtt", "docx"):
        return locator.split(" (line ")[0]
    return f"line {line}" if line else locator


def _paragraph(text: str, start: int, end: int) -> str:
    """The paragraph (between blank lines) of ``text`` that holds ``[start, end)``."""
    a = text.rfind("\n\n", 0, start)
    a = 0 if a < 0 else a + 2
    b = text.find("\n\n", end)
    b = len(text) if b < 0 else b
    piece = text[a:b].strip()
    return piece if len(piece) <= MAX_PARAGRAPH else _context_cut(text, start, end)


def _context_cut(text: str, start: int, end: int, width: int = 300) -> str:
    return ("…" if start > width else "") + text[max(0, start - width):end + width] + (
        "…" if end + width < len(text) else "")


def rows(files: Iterable[tuple[str, Any]], segments: Mapping[str, Sequence[Any]] | None = None) -> list[list[Any]]:
    """The report rows (without the header); ``segments[name]`` are the file's extracted segments
    (for the source and target texts), else the context of each finding is its target."""
    out = []
    for name, res in files:
        segs = (segments or {}).get(name) or ()
        for fe in res.edits:
            e = fe.edit
            seg = segs[fe.index] if 0 <= fe.index < len(segs) else None
            source = seg.source if seg is not None else None
            if seg is None:
                target = _context(res, fe)
            elif source is not None:
                target = seg.text
            else:
                target = _paragraph(seg.text, e.start, e.end)
            out.append([name, segment_id(res.format, fe.segment, fe.line, source), fe.line or None,
                        fe.column or None, e.rule_id, e.category, e.tier.value, "yes" if fe.applied else "no",
                        source or "", target, e.original, " | ".join(e.replacements), e.message])
    return out


def _text(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    value = _ILLEGAL.sub("", value)
    return value if len(value) <= MAX_CELL else value[:MAX_CELL - 1] + "…"


def write(files: Iterable[tuple[str, Any]], out: IO[bytes] | str,
          segments: Mapping[str, Sequence[Any]] | None = None) -> int:
    """Write the workbook to ``out`` (a path or a binary stream); the number of findings."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "QA report"
    ws.append(list(COLUMNS))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    body = rows(files, segments)
    for row in body:
        ws.append([_text(v) for v in row])
        for cell in ws[ws.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # "=SUM(1)" is text, never a formula
    wrap = Alignment(wrap_text=True, vertical="top")
    for k, width in enumerate(WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(k)].width = width
        if width >= 50:
            for (cell,) in ws.iter_rows(min_row=2, min_col=k, max_col=k):
                cell.alignment = wrap
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{max(1, len(body) + 1)}"
    wb.save(out)
    return len(body)
