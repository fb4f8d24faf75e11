"""Reviewing a cleaning: stable edit ids, the decisions a person makes, and the reviewed text.

Pure functions shared by the review API (:mod:`service.web.review_api`), the review page and the
terminal review (:mod:`service.review.terminal`); storage is :mod:`service.worker.store`'s business.

A decision is ``accept`` (the edit's first candidate, or another of its candidates),
``reject`` or ``modify`` (the reviewer's own wording).  Without a decision an ``auto`` edit
counts as accepted and a suggestion as not.  The reviewed text is the original with the
accepted edits applied by :func:`service.engine.apply.apply_edits` (a reviewer's wording goes through
its ``replacement_for``), so overlaps are resolved by apply.py's stated priority and the
losers are reported, never guessed.
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from service.core.model import Edit
from service.core.offsets import LineIndex
from service.engine.apply import apply_edits
from service.reporting import diffing

DECISIONS = ("accept", "reject", "modify")
CONTEXT_CHARS = 80
MAX_REPLACEMENT_CHARS = 10_000


def edit_id(job_id: str, edit: Mapping[str, Any]) -> str:
    """A short id that stays the same for the same change in the same job: a hash of the job
    id, the span, the rule and the (first) replacement."""
    raw = "\x1f".join([job_id, str(edit["start"]), str(edit["end"]), edit["rule_id"], edit["replacements"][0]])
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:12]


@dataclass(frozen=True)
class ReviewEdit:
    """One edit of a result under review: its id, its :class:`Edit` and its JSON form."""

    id: str
    index: int
    edit: Edit
    data: dict[str, Any]

    @property
    def is_auto(self) -> bool:
        return self.edit.is_auto


def review_edits(job_id: str, edits: Iterable[Mapping[str, Any]]) -> list[ReviewEdit]:
    """The result's edits (JSON dicts, as :func:`service.reporting.report.edit_dicts` writes them), each
    with its id; ids that would repeat (the same change found twice) get a suffix."""
    out: list[ReviewEdit] = []
    seen: dict[str, int] = {}
    for i, d in enumerate(edits):
        base = edit_id(job_id, d)
        n = seen.get(base, 0)
        seen[base] = n + 1
        out.append(ReviewEdit(base if n == 0 else f"{base}-{n}", i, Edit.from_dict(dict(d)), dict(d)))
    return out


def check_decision(edit: Edit, decision: str, replacement: Any) -> str | None:
    """The replacement a valid decision stores, or raise ``ValueError`` saying what is wrong."""
    if decision not in DECISIONS:
        raise ValueError(f"decision {decision!r} is not known; use accept, reject, modify or undo")
    if decision == "reject":
        if replacement is not None:
            raise ValueError("a rejection takes no replacement")
        return None
    if replacement is not None and not isinstance(replacement, str):
        raise ValueError("replacement must be a string")
    if replacement is not None and len(replacement) > MAX_REPLACEMENT_CHARS:
        raise ValueError(f"replacement is longer than {MAX_REPLACEMENT_CHARS:,} characters")
    if decision == "modify":
        if replacement is None:
            raise ValueError('modify needs your wording: {"decision": "modify", "replacement": "..."}')
        return replacement
    if replacement is None:
        return None
    if replacement not in edit.replacements:
        raise ValueError("accept takes one of the edit's replacements; send modify for your own wording")
    return None if replacement == edit.replacement else replacement


def chosen(edit: Edit, state: Mapping[str, Any] | None) -> tuple[bool, str]:
    """Whether the edit goes into the reviewed text under ``state`` (a stored decision or
    None), and with which replacement."""
    decision = (state or {}).get("decision")
    if decision is None:
        return edit.is_auto, edit.replacement
    if decision == "reject":
        return False, edit.replacement
    replacement = (state or {}).get("replacement")
    return True, edit.replacement if replacement is None else replacement


@dataclass
class Reviewed:
    """The reviewed text and what happened to each selected edit."""

    text: str
    applied: set[str] = field(default_factory=set)
    conflicts: list[dict[str, Any]] = field(default_factory=list)
    #: what was written where (original offsets), for a diff built from the edits
    written: list[diffing.Applied] = field(default_factory=list)

    def conflict_of(self, eid: str) -> dict[str, Any] | None:
        return next((c for c in self.conflicts if c["edit_id"] == eid), None)


def reviewed_document(original: str, edits: list[ReviewEdit],
                      decisions: Mapping[str, Mapping[str, Any]]) -> Reviewed:
    """The original with the accepted edits applied; edits that lose an overlap are reported."""
    selected: list[Edit] = []
    by_obj: dict[int, ReviewEdit] = {}
    replacement_for: dict[int, str] = {}
    wanted: dict[str, str] = {}
    for re_ in edits:
        take, replacement = chosen(re_.edit, decisions.get(re_.id))
        if not take:
            continue
        selected.append(re_.edit)
        by_obj[id(re_.edit)] = re_
        wanted[re_.id] = replacement
        if replacement != re_.edit.replacement:
            replacement_for[id(re_.edit)] = replacement
    result = apply_edits(original, selected, replacement_for)
    out = Reviewed(result.text)
    out.written = [diffing.Applied(e.start, e.end, replacement_for.get(id(e), e.replacement)) for e in result.applied]
    written: dict[tuple[int, int], tuple[str, str]] = {}
    for e in result.applied:
        re_ = by_obj[id(e)]
        out.applied.add(re_.id)
        written[(e.start, e.end)] = (re_.id, wanted[re_.id])
    lost = set()
    for c in result.conflicts:
        re_ = by_obj[id(c.edit)]
        winner = by_obj.get(id(c.winner)) if c.winner is not None else None
        lost.add(re_.id)
        out.conflicts.append({"edit_id": re_.id, "rule_id": re_.edit.rule_id, "reason": c.reason,
                              "winner": winner.id if winner else None,
                              "winner_rule_id": winner.edit.rule_id if winner else None})
    # apply.resolve merges an edit making the same change as another (same span, same first
    # candidate) without reporting it: it counts as applied when the same words were written
    for re_ in edits:
        if re_.id not in wanted or re_.id in out.applied or re_.id in lost:
            continue
        holder = written.get((re_.edit.start, re_.edit.end))
        if holder and holder[1] == wanted[re_.id]:
            out.applied.add(re_.id)
        else:
            out.conflicts.append({"edit_id": re_.id, "rule_id": re_.edit.rule_id,
                                  "reason": "the same span is changed by a higher-priority edit",
                                  "winner": holder[0] if holder else None,
                                  "winner_rule_id": None})
    return out


def context(text: str, start: int, end: int, chars: int = CONTEXT_CHARS) -> dict[str, Any]:
    """The text around a span (not across a blank line), and its 1-based line and column."""
    before = text[max(0, start - chars):start]
    cut = before.rfind("\n\n")
    if cut >= 0:
        before = before[cut + 2:]
    after = text[end:end + chars]
    cut = after.find("\n\n")
    if cut >= 0:
        after = after[:cut]
    line, col = _lines(text).line_col(start)
    return {"before": before, "after": after, "line": line, "column": col}


@lru_cache(maxsize=4)
def _lines(text: str) -> LineIndex:
    """The line index of a text (kept for the few texts a review lists edits of)."""
    return LineIndex(text)


def diff(original: str, reviewed: str, name: str, written: list[diffing.Applied] | None = None) -> str:
    """The unified diff of the reviewed text against the original (from ``written``, the
    applied changes, in linear time when they reproduce the reviewed text)."""
    exact = diffing.exact_edits(original, reviewed, written) if written is not None else None
    return diffing.unified(original, reviewed, name, edits=exact)
