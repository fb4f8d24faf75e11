"""The one module that applies edits to text.

Overlaps are resolved by a stated priority (:func:`priority`): an ``auto`` edit beats a
suggestion; then the earlier pass in :data:`PASS_PRIORITY` wins; then the longer span; then
the earlier start.  Every edit that loses is reported with the edit that beat it.  Identical
edits (same span and replacement) from different rules are merged, not reported.  The text
at each span is checked before it is replaced; an edit whose span no longer holds its
original text is reported as stale.  Only the edited spans change, so paragraphs, blank
lines and line endings (LF or CRLF) are kept exactly.
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass, field

from service.core.model import Edit, Tier

PASS_PRIORITY = ("debris", "punctuation", "names", "phrases", "grammar")


def priority(edit: Edit) -> tuple:
    """Sort key: smaller wins an overlap."""
    try:
        pass_rank = PASS_PRIORITY.index(edit.pass_name)
    except ValueError:
        pass_rank = len(PASS_PRIORITY)
    return (
        0 if edit.tier is Tier.AUTO else 1,
        pass_rank,
        -(edit.end - edit.start),
        edit.start,
        edit.rule_id,
    )


@dataclass(frozen=True)
class Conflict:
    """An edit that was not applied, and why."""

    edit: Edit
    reason: str
    winner: Edit | None = None

    def to_dict(self) -> dict:
        """JSON-ready form."""
        return {
            "edit": self.edit.to_dict(),
            "reason": self.reason,
            "winner": self.winner.rule_id if self.winner else None,
        }


@dataclass
class Resolution:
    """Edits that can be applied together (sorted by position) and those that lost."""

    chosen: list[Edit] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)


def resolve(edits: list[Edit]) -> Resolution:
    """Pick a non-overlapping subset of ``edits`` by :func:`priority`; report the rest."""
    result = Resolution()
    taken: list[Edit] = []  # sorted by start
    starts: list[int] = []
    by_key: dict[tuple, Edit] = {}
    for edit in sorted(edits, key=priority):
        if edit.key() in by_key:
            continue  # the same change from another rule: already taken or already lost
        i = bisect.bisect_left(starts, edit.start)
        # taken edits do not overlap, so their ends are sorted too: only neighbours can clash
        winner = next((t for t in taken[max(0, i - 1):i + 2] if t.span.overlaps(edit.span)), None)
        by_key[edit.key()] = edit
        if winner is not None:
            result.conflicts.append(Conflict(edit, "overlaps a higher-priority edit", winner))
            continue
        taken.insert(i, edit)
        starts.insert(i, edit.start)
    result.chosen = taken
    return result


@dataclass
class Applied:
    """The result of applying edits."""

    text: str
    applied: list[Edit]
    conflicts: list[Conflict]


def apply_edits(text: str, edits: list[Edit], replacement_for: dict[int, str] | None = None) -> Applied:
    """Apply ``edits`` to ``text`` after resolving overlaps.

    ``replacement_for`` may override the replacement of an edit (by ``id(edit)``), which is how
    a reviewer's own wording is applied.
    """
    res = resolve(edits)
    out: list[str] = []
    pos = 0
    applied: list[Edit] = []
    conflicts = list(res.conflicts)
    for edit in res.chosen:
        if text[edit.start:edit.end] != edit.original:
            conflicts.append(Conflict(edit, "stale: the text at the span has changed"))
            continue
        out.append(text[pos:edit.start])
        out.append((replacement_for or {}).get(id(edit), edit.replacement))
        pos = edit.end
        applied.append(edit)
    out.append(text[pos:])
    return Applied("".join(out), applied, conflicts)


#: in an edit's ``evidence``: a guess among candidates (the speller's fix of a word the MT made
#: up) that only a person can pick; ``all`` does not take it (MLQE-PE dev: the speller's first
#: candidate matched the post-edit 4 times in 30, and left a real word where the editor wrote
#: another 23 times)
NEEDS_CHOICE = "needs a person's choice"


def select(edits: list[Edit], mode: str) -> list[Edit]:
    """The edits an apply mode takes: ``auto`` (safe ones), ``all`` (every suggestion but the
    guesses marked :data:`NEEDS_CHOICE`) or ``none``."""
    if mode == "none":
        return []
    if mode == "all":
        return [e for e in edits if NEEDS_CHOICE not in e.evidence]
    if mode == "auto":
        return [e for e in edits if e.is_auto]
    raise ValueError(f"unknown apply mode {mode!r}: use auto, all or none")
