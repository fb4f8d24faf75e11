"""Clean a file of any format as ONE document.

The file's segments are joined with paragraph breaks, so the names inventory sees the whole
file; the engine cleans the joined text once; its edits are mapped back to the segments.  An
edit that touches protected markup is dropped; one that crosses segments is applied only when
it removes text and the format has paragraphs (a stray ``post`` paragraph), otherwise it is
left as a suggestion; an edit never empties a segment of a format without paragraphs (a
subtitle, a translation).  Bilingual formats add their source's names to the glossary and
their consistency flags (:mod:`service.formats.bilingual`) to the suggestions.
"""
from __future__ import annotations

import bisect
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from service.core.model import Edit
from service.core.offsets import LineIndex, Utf16Index
from service.engine import chunking
from service.engine.chunking import document_names
from service.engine.factory import Engine
from service.engine.pipeline import CleanResult, PassStatus
from service.formats import Segment, bilingual, decode_text, detect_codec, file_edits, get, suppress
from service.passes import l10n

SEPARATOR = "\n\n"
#: a document longer than this (characters) is cleaned in chunks of whole paragraphs of about
#: CHUNK_CHARS, with the names the whole document uses consistently given to every chunk, so
#: the engine's working memory does not grow with the file
LARGE_CHARS = 4_000_000
CHUNK_CHARS = 1_000_000


@dataclass(frozen=True)
class FileEdit:
    """One edit of a file: the engine's :class:`Edit` in the coordinates of its segment, the
    segment's locator, the line and column in the file (0 when the format has none, e.g. docx)
    and whether it was applied."""

    edit: Edit
    segment: str
    applied: bool
    line: int = 0
    column: int = 0
    start_utf16: int = -1
    end_utf16: int = -1
    #: the edit in the engine's coordinates (the segments joined), for a review of the file
    origin: Edit | None = field(default=None, compare=False, repr=False)
    #: the index of its segment
    index: int = field(default=-1, compare=False, repr=False)
    #: the edit in the decoded file's coordinates (text formats; see formats.file_edits)
    in_file: Edit | None = field(default=None, compare=False, repr=False)

    @property
    def rule_id(self) -> str:
        return self.edit.rule_id

    @property
    def category(self) -> str:
        return self.edit.category

    @property
    def start(self) -> int:
        return self.edit.start

    def to_dict(self) -> dict[str, Any]:
        """The JSON form: the edit's fields, ``segment``, ``applied``, ``line``, ``column``; its
        offsets (code points and UTF-16), original and replacements are the file's (text
        formats) or else the segment's."""
        d = (self.in_file or self.edit).to_dict()
        d["segment"] = self.segment
        d["applied"] = self.applied
        if self.start_utf16 >= 0:
            d["start_utf16"], d["end_utf16"] = self.start_utf16, self.end_utf16
        if self.line:
            d["line"], d["column"] = self.line, self.column
        return d


@dataclass
class FileResult:
    """What cleaning one file produced."""

    output: bytes
    changed: bool
    edits: list[FileEdit] = field(default_factory=list)
    applied: int = 0
    suggestions: int = 0
    by_category: dict[str, dict[str, int]] = field(default_factory=dict)
    passes: dict[str, dict[str, Any]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    segments: int = 0
    format: str = "txt"
    #: the engine's result on the joined text (None for a large file cleaned chunk by chunk)
    result: CleanResult | None = None


def _overlaps(spans: tuple[tuple[int, int], ...], start: int, end: int) -> bool:
    for a, b in spans:
        if (start < b and a < end) or (start == end and a < start < b):
            return True
    return False


class _Joined:
    """The segments joined into one text, with each segment's offset."""

    def __init__(self, segments: list[Segment]):
        self.segments = segments
        self.text = SEPARATOR.join(s.text for s in segments)
        self.starts: list[int] = []
        pos = 0
        for s in segments:
            self.starts.append(pos)
            pos += len(s.text) + len(SEPARATOR)

    def end(self, i: int) -> int:
        return self.starts[i] + len(self.segments[i].text)

    def locate(self, start: int, end: int) -> list[tuple[int, int, int]]:
        """``(segment, start, end)`` pieces (segment-relative) of a span."""
        i = max(0, bisect.bisect_right(self.starts, start) - 1)
        out = []
        while i < len(self.segments) and self.starts[i] <= end:
            a, b = max(start, self.starts[i]), min(end, self.end(i))
            if a < b or (start == end and a == b):
                out.append((i, a - self.starts[i], b - self.starts[i]))
            i += 1
        return out


def _report(edit: Edit, seg: Segment, start: int, applied: bool, index: Utf16Index | None = None,
            seg_index: int = -1) -> FileEdit:
    moved = edit if edit.start == start else replace(edit, start=start, end=start + (edit.end - edit.start))
    where = seg.position(start)
    line, column = where if where else (0, 0)
    index = index or Utf16Index(seg.text)
    return FileEdit(moved, seg.locator, applied, line, column, index.to_utf16(moved.start), index.to_utf16(moved.end),
                    origin=edit, index=seg_index)


def map_edits(joined: _Joined, result: CleanResult, paragraphs: bool, detail: bool = True,
              verdict: Callable[[Segment, int, int, str], str] | None = None
              ) -> tuple[list[list[Edit]], list[FileEdit], list[Edit]]:
    """Per-segment edits (in each segment's coordinates), report entries (only category and applied without ``detail``), and
    the edits applied (in joined coordinates).  A format's ``verdict(segment, start, end, replacement)`` may keep an
    edit inside one segment as a suggestion (``suggest``) or drop it (``drop``; XLIFF's inline tags)."""
    changes: list[list[Edit]] = [[] for _ in joined.segments]
    report: list[FileEdit] = []
    indexes: dict[int, Utf16Index] = {}
    applied_keys = {e.key() for e in result.applied}
    taken: list[Edit] = []
    for edit in result.edits:
        pieces = joined.locate(edit.start, edit.end)
        if not pieces:  # wholly inside a separator
            continue
        if any(_overlaps(joined.segments[i].protected, a, b) for i, a, b in pieces):
            continue  # markup: not the engine's to change
        i0, a0, _ = pieces[0]
        seg0 = joined.segments[i0]
        inside = len(pieces) == 1 and joined.starts[i0] <= edit.start and edit.end <= joined.end(i0)
        ok = edit.key() in applied_keys
        if verdict is not None and inside:
            said = verdict(seg0, a0, pieces[0][2], edit.replacement)
            if said == "drop":
                continue
            ok = ok and said == "apply"
        if ok and inside:
            seg_len = len(seg0.text)
            if not paragraphs and a0 == 0 and pieces[0][2] == seg_len and not edit.replacement.strip():
                ok = False  # never empty a subtitle or a translation
            else:
                changes[i0].append(replace(edit, start=a0, end=pieces[0][2]))
        elif ok:
            if paragraphs and edit.replacement == "":
                for i, a, b in pieces:
                    text = joined.segments[i].text
                    if b == len(text) and a > 0:  # the segment's end goes: so do the breaks before it
                        while a > 0 and text[a - 1].isspace() and not _overlaps(joined.segments[i].protected, a - 1, a):
                            a -= 1
                    text_i = joined.segments[i].text
                    changes[i].append(replace(edit, start=a, end=b, original=text_i[a:b], replacements=("",)))
            else:
                ok = False
        if ok:
            taken.append(edit)
        if detail and i0 not in indexes:
            indexes[i0] = Utf16Index(seg0.text)
        report.append(_report(edit, seg0, a0, ok, indexes[i0], i0) if detail else FileEdit(edit, "", ok))
    return changes, report, taken


def chunk_bounds(text: str, size: int = CHUNK_CHARS) -> list[tuple[int, int]]:
    """:func:`service.engine.chunking.chunk_bounds` with this module's chunk size."""
    return chunking.chunk_bounds(text, size)


def clean_text(text: str, engine: Engine, extra: frozenset[str] = frozenset()) -> CleanResult:
    """Clean ``text`` with ``engine``: at once, or in chunks when it is large (see LARGE_CHARS)."""
    if len(text) <= LARGE_CHARS:
        return engine(text, extra)
    bounds = chunk_bounds(text)
    names = document_names(text, bounds)  # the whole text's: protected in every chunk
    cleaned = ""  # appended to in place (one reference), so the pieces are not held twice
    edits: list[Edit] = []
    applied: list[Edit] = []
    passes: dict[str, PassStatus] = {}
    warnings: list[str] = []
    rounds, mode = 1, "auto"
    checks: list[str] = []
    for i, (a, b) in enumerate(bounds):
        r = engine(text[a:b], extra, names)
        checks.append(r.harm_check)
        taken = {e.key() for e in r.applied}
        for e in r.edits:  # one shifted copy of each edit, shared by both lists
            moved = replace(e, start=e.start + a, end=e.end + a)
            edits.append(moved)
            if e.key() in taken:
                applied.append(moved)
        cleaned += r.cleaned
        _add_passes(passes, r.passes)
        warnings += [f"chunk {i + 1}: {w}" for w in r.warnings]
        rounds, mode = max(rounds, r.rounds), r.apply_mode
        del r
    return CleanResult(text, cleaned, edits, applied, [], passes, mode, rounds, warnings,
                       chunking.merge_harm_check(checks))


def _clean_large_text(data: bytes, engine: Engine, encoding: str | None, name: str,
                      detail: bool) -> FileResult | None:
    """A large UTF-8 plain-text file, chunk by chunk: each chunk's cleaned text is encoded at
    once and its edits reduced to counts (and report entries when ``detail``), so at most the
    input bytes, the decoded text and the output bytes are held, never a cleaned copy of the
    whole text.  None when the file is not of that kind."""
    codec = detect_codec(data, encoding)
    if codec.encoding.replace("-", "").replace("_", "").lower() not in ("utf8", "utf8sig"):
        return None
    text, _ = decode_text(data, name, encoding, len(data) + 1)
    if len(text) <= LARGE_CHARS:
        return None
    bounds = chunk_bounds(text)
    names = document_names(text, bounds)
    pieces: list[bytes] = [codec.bom]
    report: list[FileEdit] = []
    lines = LineIndex(text) if detail else None
    by_cat: dict[str, Counter[str]] = {}
    passes: dict[str, PassStatus] = {}
    warnings: list[str] = []
    for i, (a, b) in enumerate(bounds):
        r = engine(text[a:b], frozenset(), names)
        pieces.append(r.cleaned.encode("utf-8"))
        taken = {e.key() for e in r.applied}
        for e in r.edits:
            ok = e.key() in taken
            by_cat.setdefault(e.category, Counter())["applied" if ok else "suggested"] += 1
            if lines is not None:
                line, column = lines.line_col(e.start + a)
                report.append(FileEdit(replace(e, start=e.start + a, end=e.end + a), "text", ok, line, column))
        _add_passes(passes, r.passes)
        warnings += [f"chunk {i + 1}: {w}" for w in r.warnings]
        del r
    del text
    output = b"".join(pieces)
    del pieces
    if output == data:
        output = data
    applied = sum(c["applied"] for c in by_cat.values())
    total = sum(c["applied"] + c["suggested"] for c in by_cat.values())
    warnings += [f"the {p} pass did not run: {st.message}" for p, st in passes.items() if st.status == "unavailable"]
    return FileResult(
        output=output, changed=output is not data, edits=report, applied=applied, suggestions=total - applied,
        by_category={k: {"applied": v["applied"], "suggested": v["suggested"]} for k, v in by_cat.items()},
        passes={k: dict(vars(v)) for k, v in passes.items()}, warnings=warnings, segments=1)


def _place_in_file(report: list[FileEdit], segments: list[Segment], fmt: str, data: bytes,
                   encoding: str | None, name: str) -> None:
    """Give each reported edit its place in the decoded file (``FileEdit.in_file``): what the
    API returns and its review applies to the file's text."""
    inside = [k for k, fe in enumerate(report)
              if 0 <= fe.index < len(segments) and fe.edit.end <= len(segments[fe.index].text)]
    per_segment: list[list[Edit]] = [[] for _ in segments]
    for k in inside:
        per_segment[report[k].index].append(report[k].edit)
    placed = file_edits(fmt, data, per_segment, encoding, name)
    if placed is None:
        return
    text, located_edits = placed
    utf16 = Utf16Index(text)
    located = iter(located_edits)
    by_segment: list[list[Edit]] = [[] for _ in segments]
    for s_index, es in enumerate(per_segment):
        by_segment[s_index] = [next(located) for _ in es]
    taken = [0] * len(segments)
    for k in inside:
        fe = report[k]
        at = by_segment[fe.index][taken[fe.index]]
        report[k] = replace(fe, in_file=at, start_utf16=utf16.to_utf16(at.start), end_utf16=utf16.to_utf16(at.end))
        taken[fe.index] += 1


def _add_passes(acc: dict[str, PassStatus], passes: dict[str, PassStatus]) -> None:
    """Add one chunk's pass statuses to the file's."""
    for pname, st in passes.items():
        total = acc.setdefault(pname, PassStatus(st.status, message=st.message))
        total.found, total.applied, total.seconds = (total.found + st.found, total.applied + st.applied,
                                                     total.seconds + st.seconds)
        if st.status == "unavailable":
            total.status, total.message = st.status, st.message


def clean_file(data: bytes, fmt: str, engine: Engine, encoding: str | None = None,
               name: str = "input", detail: bool = True, terms: tuple[tuple[str, str, str], ...] = ()) -> FileResult:
    """Clean the translatable text of ``data`` (a file in format ``fmt``); without ``detail``
    the edits are counted but not listed."""
    if fmt == "txt" and len(data) > LARGE_CHARS:
        streamed = _clean_large_text(data, engine, encoding, name, detail)
        if streamed is not None:
            return streamed
    module = get(fmt)
    segments = module.extract(data, encoding=encoding, name=name)
    if not segments:
        return FileResult(data, False)
    extra = bilingual.source_names(segments)
    joined = _Joined(segments)
    result = clean_text(joined.text, engine, extra)
    regions = suppress.file_regions(data, fmt, module.BINARY, encoding, name)  # inline ignores
    result = suppress.silence(result, joined, regions)
    changes, report, taken = map_edits(joined, result, module.PARAGRAPHS, detail, getattr(module, "verdict", None))
    del joined
    for k, seg in enumerate(segments):
        report.extend(replace(_report(f, seg, f.start, False, seg_index=k), origin=None) for f in bilingual.flags(seg))
    for k, f in l10n.file_flags(segments, fmt):  # pofilter/Weblate-style checks (service.passes.l10n)
        report.append(replace(_report(f, segments[k], f.start, False, seg_index=k), origin=None))
    if terms:  # a termbase's source -> English pairs against each segment's source
        from service.passes.terms import segment_flags

        for k, f in segment_flags(segments, terms):
            report.append(replace(_report(f, segments[k], f.start, False, seg_index=k), origin=None))
    report = suppress.drop_flags(report, regions)
    output = module.rebuild(data, changes, encoding=encoding, name=name) if any(changes) else data
    if detail and not module.BINARY:
        _place_in_file(report, segments, fmt, data, encoding, name)
    by_cat: dict[str, Counter[str]] = {}
    for fe in report:
        by_cat.setdefault(fe.category, Counter())["applied" if fe.applied else "suggested"] += 1
    applied = sum(1 for fe in report if fe.applied)
    total = len(report)
    if not detail:
        report = []
    warnings = list(result.warnings)
    for pname, st in result.passes.items():
        if st.status == "unavailable":
            warnings.append(f"the {pname} pass did not run: {st.message}")
    return FileResult(
        output=output, changed=output != data, edits=report, applied=applied,
        suggestions=total - applied,
        by_category={k: {"applied": v["applied"], "suggested": v["suggested"]} for k, v in by_cat.items()},
        passes={k: dict(vars(v)) for k, v in result.passes.items()}, warnings=warnings,
        segments=len(segments), format=fmt, result=result)
