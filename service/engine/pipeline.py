"""Runs the passes over a text, resolves and applies their edits, and repeats until nothing
more applies (a fixpoint, with a runaway limit of :data:`MAX_ROUNDS`).

Every reported edit is in the coordinates of the original text, so applying the applied edits
to the original gives the cleaned text.  Edits found in a later round are mapped back to the
original; one that touches text an earlier edit wrote cannot be, and is reported as unstable
rather than applied.
"""
from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, Protocol

from service.engine.apply import Conflict, apply_edits, select
from service.core.document import Document
from service.core.model import Edit, Tier
from service.passes import debris
from service.passes import names
from service.passes import punctuation
from service.passes.phrases import PhraseMatcher
from service.passes.registry import PASS_ORDER, RULE_PASSES  # the one list of passes
from service.rulesets.loader import Rule, load_rules

MAX_ROUNDS = 10
APPLY_MODES = ("auto", "all", "none")


class GrammarChecker(Protocol):
    """What the pipeline needs of the grammar pass (see :mod:`service.passes.grammar.languagetool`)."""

    def check(self, text: str, paragraphs: list[tuple[int, int]], known_names: set[str],
              skip_spans: list[tuple[int, int]] = ...) -> "object": ...


@dataclass
class PassStatus:
    """How one pass went."""

    status: str = "ran"  # ran | skipped | unavailable
    found: int = 0
    applied: int = 0
    seconds: float = 0.0
    message: str = ""


@dataclass
class CleanResult:
    """Everything one cleaning produced."""

    original: str
    cleaned: str
    edits: list[Edit]
    applied: list[Edit]
    conflicts: list[Conflict]
    passes: dict[str, PassStatus]
    apply_mode: str
    rounds: int = 1
    warnings: list[str] = field(default_factory=list)

    @property
    def suggestions(self) -> list[Edit]:
        """Edits found but not applied."""
        applied = {e.key() for e in self.applied}
        return [e for e in self.edits if e.key() not in applied]


def _map_back(applied: list[Edit], edit: Edit) -> Edit | None:
    """Map an edit on the cleaned text back to the original, or None if it touches text an
    applied edit wrote."""
    shift = 0
    for a in applied:  # sorted by start, non-overlapping
        ns, length = a.start + shift, len(a.replacement)
        if edit.end <= ns and not (edit.start == edit.end == ns and length):
            break
        if edit.start < ns + length or (length == 0 and edit.start < ns < edit.end):
            return None
        shift += length - (a.end - a.start)
    start, end = edit.start - shift, edit.end - shift
    return Edit(start, end, edit.original, edit.replacements, edit.rule_id, edit.category, edit.tier,
                edit.message, edit.source, edit.pass_name, edit.evidence)


def _written_ranges(applied: list[Edit]) -> list[tuple[int, int]]:
    """Where the applied edits' replacements stand in the edited text."""
    ranges, shift = [], 0
    for a in applied:
        start = a.start + shift
        ranges.append((start, start + len(a.replacement)))
        shift += len(a.replacement) - (a.end - a.start)
    return ranges


def _harmful(applied: list[Edit], found: list[Edit], before: list[Edit]) -> dict[tuple, Edit]:
    """Applied edits next to which the re-check finds a LanguageTool error that was not at
    that place in the original, keyed by the edit, with the new error."""
    new_errors = [g for g in found if g.pass_name == "grammar"]
    if not new_errors:
        return {}
    out: dict[tuple, Edit] = {}
    for edit, (ws, we) in zip(applied, _written_ranges(applied)):
        for g in new_errors:
            if g.start <= we and ws <= g.end and not any(
                    b.rule_id == g.rule_id and b.start <= edit.end and edit.start <= b.end for b in before):
                out[edit.key()] = g
                break
    return out


def _demote(edit: Edit, error: Edit) -> Edit:
    """The edit as a suggestion, saying why it was not applied."""
    return replace(edit, tier=Tier.SUGGEST, message=f"{edit.message} (not applied: after it LanguageTool "
                                                   f"reports {error.rule_id}: {error.message})")


class Cleaner:
    """Compiled rules and settings, built once and reused for many texts."""

    def __init__(
        self,
        rule_dirs: list[Path] | None = None,
        glossary: frozenset[str] = frozenset(),
        source_langs: frozenset[str] | None = None,
        passes: tuple[str, ...] = PASS_ORDER,
        grammar: GrammarChecker | None = None,
        rules: list[Rule] | None = None,
    ):
        all_rules = rules if rules is not None else load_rules(rule_dirs)
        self.rules = [r for r in all_rules if r.applies_to(source_langs)]
        self.matcher = PhraseMatcher(self.rules)
        self.glossary = glossary
        self.passes = tuple(p for p in PASS_ORDER if p in passes)
        self.grammar = grammar

    def _finders(self) -> dict[str, Callable[[Document], list[Edit]]]:
        return {"debris": debris.find, "punctuation": punctuation.find, "names": names.find,
                "phrases": self.matcher.find}

    def find(self, text: str, status: dict[str, PassStatus] | None = None,
             focus: list[tuple[int, int]] | None = None, context: str | None = None) -> list[Edit]:
        """Every edit every enabled pass proposes for ``text`` (not yet resolved); with
        ``focus``, only in the paragraphs touching those ranges; with ``context`` (the whole
        document ``text`` is part of), names are counted over the context."""
        status = status if status is not None else {}
        doc = Document(text, self.glossary, focus, context)
        edits: list[Edit] = []
        finders = self._finders()
        for name in PASS_ORDER:
            st = status.setdefault(name, PassStatus())
            if name not in self.passes or (name == "grammar" and self.grammar is None):
                st.status = "skipped"
                continue
            t0 = time.perf_counter()
            if name == "grammar":
                found = self._grammar(doc, edits, st)
            else:
                found = finders[name](doc)
            st.seconds += time.perf_counter() - t0
            st.found += len(found)
            edits.extend(found)
        return edits

    def _grammar(self, doc: Document, earlier: list[Edit], st: PassStatus) -> list[Edit]:
        assert self.grammar is not None
        # LanguageTool keeps off what another pass edits (and the character either side of it:
        # "him. in" is one repair, not also a sentence to capitalise) and off protected spans
        skip = [(e.start - 1, e.end + 1) for e in earlier] + [(s.start, s.end) for s in doc.protected.spans]
        outcome = self.grammar.check(doc.text, [(p.start, p.end) for p in doc.paragraphs],
                                     doc.names.known_names(), skip)
        if not getattr(outcome, "available", True):
            st.status = "unavailable"
            st.message = getattr(outcome, "message", "")
        return list(getattr(outcome, "edits", []))

    def clean(self, text: str, apply: str = "auto", context: str | None = None) -> CleanResult:
        """Find, resolve and apply edits until a fixpoint (at most :data:`MAX_ROUNDS` rounds).

        ``context``: the whole document when ``text`` is a part of it (a chunk, a segment):
        the names inventory is built from it."""
        if apply not in APPLY_MODES:
            raise ValueError(f"unknown apply mode {apply!r}: use one of {', '.join(APPLY_MODES)}")
        status: dict[str, PassStatus] = {}
        edits = self.find(text, status, context=context)
        before = [e for e in edits if e.pass_name == "grammar"]  # LanguageTool's view of the original
        result = apply_edits(text, select(edits, apply))
        warnings: list[str] = []
        rounds = 1
        seen = {result.text}
        while result.applied and rounds < MAX_ROUNDS:
            # re-check only the paragraphs the applied edits touched
            found = self.find(result.text, {}, _written_ranges(result.applied), context)
            harmful = _harmful(result.applied, found, before)
            if harmful:  # do no harm: an edit after which LanguageTool sees a new error is undone
                edits = [_demote(e, harmful[e.key()]) if e.key() in harmful else e for e in edits]
                result = apply_edits(text, select(edits, apply))
                rounds += 1
                continue
            more = [e for e in found if e.is_auto]
            if not more:
                break
            rounds += 1
            mapped = [_map_back(result.applied, e) for e in more]
            unstable = [e for e, m in zip(more, mapped) if m is None]
            for e in unstable:
                warnings.append(f"{e.rule_id} would change '{e.original}' written by another edit; not applied")
            known = {e.key() for e in edits}
            new = [m for m in mapped if m is not None and m.key() not in known]
            if not new:
                break
            edits.extend(new)
            for e in new:
                status.setdefault(e.pass_name, PassStatus()).found += 1
            candidate = apply_edits(text, select(edits, apply))
            if candidate.text in seen:
                warnings.append("edits undo each other; stopped")
                break
            seen.add(candidate.text)
            result = candidate
        else:
            if rounds >= MAX_ROUNDS:
                warnings.append(f"no fixpoint after {MAX_ROUNDS} rounds; later edits not applied")
        counts = Counter(e.pass_name for e in result.applied)
        for name, st in status.items():
            st.applied = counts.get(name, 0)
        edits.sort(key=lambda e: (e.start, e.end, e.rule_id))
        return CleanResult(text, result.text, edits, result.applied, result.conflicts, status,
                           apply, rounds, warnings)

