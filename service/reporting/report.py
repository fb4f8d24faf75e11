"""The JSON form of a cleaning (versioned by :data:`SCHEMA_VERSION`) and the text report."""
from __future__ import annotations

from typing import Any

from service.core.offsets import LineIndex, Utf16Index
from service.engine.pipeline import CleanResult
from service.reporting import diffing

SCHEMA_VERSION = "1.0"


def edit_dicts(result: CleanResult) -> list[dict[str, Any]]:
    """The edits with code-point and UTF-16 offsets and whether each was applied."""
    index = Utf16Index(result.original)
    applied = {e.key() for e in result.applied}
    out = []
    for edit in result.edits:
        d = edit.to_dict()
        d["start_utf16"] = index.to_utf16(edit.start)
        d["end_utf16"] = index.to_utf16(edit.end)
        d["applied"] = edit.key() in applied
        out.append(d)
    return out


def to_json(result: CleanResult, name: str = "text", include_text: bool = True) -> dict[str, Any]:
    """The whole result as a JSON-ready dict."""
    applied: list[Any] = list(result.applied)  # Edits (frozen) satisfy diffing's AppliedEdit when read
    data: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "name": name,
        "apply": result.apply_mode,
        "changed": result.cleaned != result.original,
        "edits": edit_dicts(result),
        "conflicts": [c.to_dict() for c in result.conflicts],
        "passes": {k: vars(v) for k, v in result.passes.items()},
        "counts": {
            "found": len(result.edits),
            "applied": len(result.applied),
            "suggestions": len(result.suggestions),
        },
        "rounds": result.rounds,
        "warnings": result.warnings,
        "harm_check": result.harm_check,
        "diff": {
            "unified": diffing.unified(result.original, result.cleaned, name, edits=applied),
            "inline": diffing.inline(result.original, result.cleaned, edits=applied),
        },
    }
    if include_text:
        data["cleaned"] = result.cleaned
    return data


def line_col(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of a code-point offset (for many offsets use :class:`LineIndex`)."""
    return LineIndex(text).line_col(offset)


def to_text(result: CleanResult, name: str) -> str:
    """One line per edit, like a linter: ``NAME:LINE:COL: TIER RULE 'old' -> 'new': message``."""
    lines = []
    applied = {e.key() for e in result.applied}
    lines_of = LineIndex(result.original)
    for e in result.edits:
        line, col = lines_of.line_col(e.start)
        mark = "fixed" if e.key() in applied else e.tier.value
        alts = " | ".join(repr(r) for r in e.replacements)
        lines.append(f"{name}:{line}:{col}: [{mark}] {e.rule_id} ({e.category}) {e.original!r} -> {alts}: {e.message}")
    for name_, st in result.passes.items():
        if st.status == "unavailable":
            lines.append(f"warning: pass '{name_}' unavailable: {st.message}")
    return "\n".join(lines) + ("\n" if lines else "")
