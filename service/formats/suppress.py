"""Inline suppressions: comments in a file that silence rules for a part of it.

* Markdown, HTML (and plain text): ``<!-- mtclean: ignore vi.ball-in-our-yard -->`` silences the
  rules named (ids, id prefixes, categories, packs, passes; comma- or space-separated; none:
  every rule) in the paragraph the comment stands in or, on a line of its own, the next one;
  ``<!-- mtclean-disable [codes] -->`` ... ``<!-- mtclean-enable -->`` silences them between the
  two (to the end of the file without an enable).
* PO: a translator comment ``# mtclean: ignore codes`` silences them in its entry.
* XLIFF (1.2 and 2): a ``<note>mtclean: ignore codes</note>`` silences them in its unit.

Regions are file lines; an edit is silenced when its first line is in a region whose codes
match it (:class:`service.engine.selection.Selection` semantics).
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, replace
from typing import Any

from service.engine.selection import Selection, codes

_DIRECTIVE = re.compile(r"mtclean(?:\s*:\s*|-)(ignore|disable|enable)\b([^\n]*?)(?=-->|</note>|$)", re.M)
_BLANK = re.compile(r"\n[ \t]*\n")
_UNIT_OPEN = re.compile(r"<(?:[\w-]+:)?(?:trans-unit|unit)\b")
_UNIT_CLOSE = re.compile(r"</(?:[\w-]+:)?(?:trans-unit|unit)>")


@dataclass(frozen=True)
class Region:
    """Lines ``first``..``last`` (1-based, inclusive) where ``codes`` (empty: every rule) are off."""

    first: int
    last: int
    codes: tuple[str, ...]

    def silences(self, edit: Any, line: int, pack: str | None = None) -> bool:
        if not self.first <= line <= self.last:
            return False
        return not self.codes or not Selection(ignore=self.codes).keeps(edit, pack)


def _line_starts(text: str) -> list[int]:
    return [0] + [m.end() for m in re.finditer("\n", text)]


def regions(text: str, fmt: str) -> list[Region]:
    """The suppressed regions of a decoded file of format ``fmt``."""
    if "mtclean" not in text:
        return []
    starts = _line_starts(text)

    def line(pos: int) -> int:
        return bisect.bisect_right(starts, pos)

    out: list[Region] = []
    open_: list[tuple[int, tuple[str, ...]]] = []
    for m in _DIRECTIVE.finditer(text):
        kind, ids = m.group(1), codes(m.group(2).replace(" ", ",").strip())
        if fmt == "po" and not text[starts[line(m.start()) - 1]:m.start()].lstrip().startswith("#"):
            continue  # only a comment line of an entry
        if kind == "disable":
            open_.append((line(m.start()), ids))
        elif kind == "enable":
            keep = []
            for first, c in open_:
                if not ids or set(c) <= set(ids):
                    out.append(Region(first, line(m.start()), c))
                else:
                    keep.append((first, c))
            open_ = keep
        elif fmt == "xliff":
            a = max((u.start() for u in _UNIT_OPEN.finditer(text, 0, m.start())), default=0)
            b = _UNIT_CLOSE.search(text, m.end())
            out.append(Region(line(a), line(b.end() if b else len(text)), ids))
        else:  # the paragraph (entry) it stands in, or the next one when it stands alone on its line
            ls = starts[line(m.start()) - 1]
            le = text.find("\n", m.end())
            le = len(text) if le < 0 else le
            alone = fmt != "po" and not re.sub(r"<!--.*?-->", "", text[ls:le]).replace(m.group(0), "").strip()
            if alone:
                nxt = re.compile(r"\S").search(text, le)
                first, after = line(m.start()), (nxt.start() if nxt else len(text))
            else:
                first = line(max((x.end() for x in _BLANK.finditer(text, 0, m.start())), default=0))
                after = m.end()
            b = _BLANK.search(text, after)
            out.append(Region(first, line(b.start() if b else len(text)), ids))
    out += [Region(first, len(starts), c) for first, c in open_]
    return out


_packs: dict[str, str] | None = None


def _pack_of(rule_id: str) -> str | None:
    global _packs
    if _packs is None:
        from service.engine.factory import rules_for

        _packs = {r.id: r.pack for r in rules_for(())}
    return _packs.get(rule_id)


def silence(result: Any, joined: Any, found: list[Region]) -> Any:
    """``result`` (a CleanResult on the joined segments) without the edits ``found`` silences."""
    if not found:
        return result
    dropped = set()
    for e in result.edits:
        pieces = joined.locate(e.start, e.end)
        if not pieces:
            continue
        i, a, _ = pieces[0]
        where = joined.segments[i].position(a)
        if where and any(r.silences(e, where[0], _pack_of(e.rule_id)) for r in found):
            dropped.add(id(e))
    if not dropped:
        return result
    keys = {e.key() for e in result.edits if id(e) in dropped}
    return replace(result, edits=[e for e in result.edits if id(e) not in dropped],
                   applied=[e for e in result.applied if e.key() not in keys])


def file_regions(data: bytes, fmt: str, binary: bool, encoding: str | None, name: str) -> list[Region]:
    """:func:`regions` of a file's bytes (none for a binary format such as docx)."""
    if binary or b"mtclean" not in data:
        return []
    from service.formats import decode_text

    try:
        text, _ = decode_text(data, name, encoding, len(data) + 1)
    except Exception:  # noqa: BLE001 - the format's own reader reports a bad file
        return []
    return regions(text, fmt)


def drop_flags(report: list[Any], found: list[Region]) -> list[Any]:
    """The file-level flags (bilingual and l10n checks: report entries with no engine edit)
    that no region silences; the engine's edits were silenced before."""
    if not found:
        return report
    return [fe for fe in report if fe.origin is not None or not fe.line
            or not any(r.silences(fe.edit, fe.line) for r in found)]
