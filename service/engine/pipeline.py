"""Runs the passes over a text, resolves and applies their edits, and repeats until nothing
more applies (a fixpoint).

The rule passes (debris, punctuation, names, phrases) look at the original text; their ``auto``
edits are applied, and the grammar pass (LanguageTool) looks at *that* text, so no suggestion
contradicts or repeats an applied edit ("him. in Syria": the stop is removed, so "in -> In" is
never offered).  Every reported edit is in the coordinates of the original text: applying the
applied edits to the original gives the cleaned text.  A grammar match that touches text an
applied edit wrote (or the character either side of it) cannot be mapped back and is not
offered (next to it, an auto fix LanguageTool reported at that place before the edit too is).

Do no harm: after edits are applied, LanguageTool checks the paragraphs they touched; an edit
next to which it reports an error that was not at that place before (a new rule id there, or
the same rule id on different text: "a orofessor" -> "an professor") is demoted to a
suggestion and never applied again.  Each round either applies new edits or demotes some, and
neither can repeat, so the loop ends; :data:`MAX_ROUNDS` is only a guard (a warning if hit).
With ``apply="all"`` the suggestions are applied together and checked the same way, and edits
that a later round would find next to an applied suggestion (chains: "has a har" -> "has a
heir" -> "has an heir") are not added.

A pass that fails in any round marks the result: its status is not ``ran`` and
``harm_check`` says the do-no-harm check did not run to the end.
"""
from __future__ import annotations

import bisect
import inspect
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Protocol

from service.core.document import Document
from service.core.gcpause import relaxed_gc
from service.core.inventory import NameInventory
from service.core.model import Edit, Tier
from service.engine.apply import Applied, Conflict, apply_edits, priority, select
from service.passes import debris, names, punctuation, registry
from service.passes import source as source_pass
from service.passes.phrases import PhraseMatcher
from service.passes.registry import PASS_ORDER, RULE_PASSES  # noqa: F401 - the one list of passes
from service.rulesets.loader import Rule, load_rules

MAX_ROUNDS = 50  # a guard only: every round adds an edit or demotes one, never the same twice
APPLY_MODES = ("auto", "all", "none")
HARM_CHECK = ("done", "skipped", "incomplete")


class GrammarChecker(Protocol):
    """What the pipeline needs of the grammar pass (see :mod:`service.passes.grammar.languagetool`)."""

    def check(self, text: str, paragraphs: list[tuple[int, int]], known_names: set[str],
              skip_spans: list[tuple[int, int]] = ...) -> object: ...


@dataclass
class PassStatus:
    """How one pass went (``status``: ran | skipped | unavailable)."""

    status: str = "ran"  # ran | skipped | unavailable
    found: int = 0
    applied: int = 0
    seconds: float = 0.0
    message: str = ""


@dataclass
class CleanResult:
    """Everything one cleaning produced.

    ``harm_check``: ``done`` (LanguageTool checked every applied edit), ``skipped`` (no grammar
    pass) or ``incomplete`` (LanguageTool failed in some round: applied edits were not all
    checked)."""

    original: str
    cleaned: str
    edits: list[Edit]
    applied: list[Edit]
    conflicts: list[Conflict]
    passes: dict[str, PassStatus]
    apply_mode: str
    rounds: int = 1
    warnings: list[str] = field(default_factory=list)
    harm_check: str = "skipped"

    @property
    def suggestions(self) -> list[Edit]:
        """Edits found but not applied."""
        applied = {e.key() for e in self.applied}
        return [e for e in self.edits if e.key() not in applied]


def _map_back(applied: list[Edit], edit: Edit) -> Edit | None:
    """Map an edit on the edited text back to the original, or None if it touches text an
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


def _forward(applied: list[Edit], spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Original-text spans in the edited text's coordinates (spans overlapping an applied edit
    are widened to cover its replacement)."""
    starts = [a.start for a in applied]
    shifts, total = [], 0
    for a in applied:
        shifts.append(total)
        total += len(a.replacement) - (a.end - a.start)

    def at(pos: int) -> int:
        i = bisect.bisect_right(starts, pos) - 1
        if i < 0:
            return pos
        a = applied[i]
        if pos >= a.end:
            return pos + shifts[i] + len(a.replacement) - (a.end - a.start)
        return a.start + shifts[i] + (len(a.replacement) if pos > a.start else 0)

    return [(at(s), max(at(s), at(e))) for s, e in spans]


def _near(start: int, end: int, ws: int, we: int, margin: int = 1) -> bool:
    """``[start, end)`` overlaps or lies within ``margin`` characters of ``[ws, we)``."""
    return start <= we + margin and ws - margin <= end


Seen = set[tuple[str, int, int, str]]  # LanguageTool errors known before: (rule, start, end, text) in the original


def _harmful(applied: list[Edit], errors: list[Edit], before: Seen) -> dict[tuple, Edit]:
    """Applied edits at which LanguageTool (``errors``: on the edited text) reports an error
    that was not at that place before, keyed by the edit, with the new error.

    An error is at an edit when it overlaps the edit's replacement or stands next to it (one
    character between).  It was there before when the same rule flagged the same text at the
    same place of the original (for an error inside the replacement: of the edit's original
    span); the same rule id on other text ("a" -> "an" before a word that needs "a") is new."""
    if not errors or not applied:
        return {}
    ranges = _written_ranges(applied)
    out: dict[tuple, Edit] = {}
    for g in errors:
        back = _map_back(applied, g)
        if back is not None and (back.rule_id, back.start, back.end, back.original) in before:
            continue
        at = [i for i, (ws, we) in enumerate(ranges) if _near(g.start, g.end, ws, we, 0)]
        at = at or [i for i, (ws, we) in enumerate(ranges) if _near(g.start, g.end, ws, we, 1)]
        if not at:
            continue
        if back is None and any(r == g.rule_id and t == g.original and s <= applied[i].end + 1
                                and applied[i].start - 1 <= e for (r, s, e, t) in before for i in at):
            continue
        for i in at:
            out.setdefault(applied[i].key(), g)
    return out


def _demote(edit: Edit, error: Edit) -> Edit:
    """The edit as a suggestion, saying why it was not applied."""
    return replace(edit, tier=Tier.SUGGEST, message=f"{edit.message} (not applied: after it LanguageTool "
                                                   f"reports {error.rule_id}: {error.message})")


def _seen(errors: Iterable[Edit]) -> Seen:
    return {(g.rule_id, g.start, g.end, g.original) for g in errors}


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
        #: the names the whole document uses consistently when the text is a chunk of it (also in
        #: the glossary: never changed), set by factory.with_names: a repair may not take one as
        #: the glossary's word for a name, only as the document's own (as a whole-text clean would)
        self.context_names: frozenset[str] = frozenset()
        self.passes = tuple(p for p in PASS_ORDER if p in passes)
        self.grammar = grammar
        self._grammar_language = False
        if grammar is not None:
            try:
                self._grammar_language = "language" in inspect.signature(grammar.check).parameters
            except (TypeError, ValueError):
                pass

    def _finders(self) -> dict[str, Callable[[Document], list[Edit]]]:
        finders: dict[str, Callable[[Document], list[Edit]]] = {
            "debris": debris.find, "punctuation": punctuation.find, "names": names.find,
            "phrases": self.matcher.find, "source": source_pass.find}
        for info in registry.all_passes():  # passes registered later (l10n): their find(doc)
            if info.name not in finders and not info.builder and not info.needs_server:
                finders[info.name] = info.load()
        return finders

    @property
    def _grammar_on(self) -> bool:
        return "grammar" in self.passes and self.grammar is not None

    def find(self, text: str, status: dict[str, PassStatus] | None = None,
             focus: list[tuple[int, int]] | None = None, context: str | None = None,
             grammar: bool = True, skip: list[tuple[int, int]] | None = None,
             language: str | None = None, source: str | None = None, names: NameInventory | None = None,
             docs: list[Document] | None = None) -> list[Edit]:
        """Every edit the enabled passes propose for ``text`` (not yet resolved); with
        ``focus``, only in the paragraphs touching those ranges; with ``context`` (the whole
        document ``text`` is part of), names are counted over the context.  ``grammar``: run
        the grammar pass too, kept off ``skip`` (default: the rule edits found here, and the
        character either side of each).  ``names``: the names inventory of ``context`` (or
        ``text``) when known; ``docs``: the Document built is appended to it."""
        status = status if status is not None else {}
        doc = Document(text, self.glossary, focus, context, source=source, names=names,
                       context_names=self.context_names)
        if docs is not None:
            docs.append(doc)
        edits: list[Edit] = []
        finders = self._finders()
        for name in PASS_ORDER:
            st = status.setdefault(name, PassStatus())
            if name not in self.passes or (name == "grammar" and self.grammar is None):
                st.status = "skipped"
                continue
            if name == "grammar" and not grammar:
                continue
            t0 = time.perf_counter()
            if name == "grammar":
                spans = skip if skip is not None else [(e.start - 1, e.end + 1) for e in edits]
                found = self._grammar(doc, spans, st, language)
            else:
                found = finders[name](doc)
            st.seconds += time.perf_counter() - t0
            edits.extend(found)
        return edits

    def _grammar(self, doc: Document, skip: list[tuple[int, int]], st: PassStatus,
                 language: str | None) -> list[Edit]:
        assert self.grammar is not None
        spans = list(skip) + [(s.start, s.end) for s in doc.protected.spans]
        args = (doc.paragraph_spans(), doc.names.known_names(), spans)
        if self._grammar_language and language:
            outcome = self.grammar.check(doc.text, *args, language=language)  # type: ignore[call-arg]
        else:
            outcome = self.grammar.check(doc.text, *args)
        if not getattr(outcome, "available", True):
            st.status = "unavailable"
            st.message = getattr(outcome, "message", "")
        return list(getattr(outcome, "edits", []))

    def _language(self, text: str, context: str | None) -> str | None:
        """The LanguageTool language for this document (its English variant), when the
        grammar pass can take one."""
        if not self._grammar_language:
            return None
        from service.passes.grammar.variant import language_for

        return language_for(context if context is not None else text,
                            getattr(getattr(self.grammar, "settings", None), "variant", None))

    def clean(self, text: str, apply: str = "auto", context: str | None = None,
              source: str | None = None) -> CleanResult:
        """Find, resolve and apply edits until a fixpoint.

        ``context``: the whole document when ``text`` is a part of it (a chunk, a segment):
        the names inventory is built from it."""
        if apply not in APPLY_MODES:
            raise ValueError(f"unknown apply mode {apply!r}: use one of {', '.join(APPLY_MODES)}")
        with relaxed_gc():  # (short-lived objects without cycles: see service.core.gcpause)
            return _Run(self, text, apply, context, source).result()


class _Run:
    """One cleaning: the state of the fixpoint loop."""

    def __init__(self, cleaner: Cleaner, text: str, apply: str, context: str | None, source: str | None = None):
        self.c, self.text, self.apply, self.context = cleaner, text, apply, context
        self.source = source  # the source-language text, paragraph-aligned (the source pass)
        self.status: dict[str, PassStatus] = {}
        self.warnings: list[str] = []
        self.rejected: set[tuple] = set()
        self.before: Seen = set()  # LanguageTool errors known in the original
        self.rounds = 0
        self.harm_check = "done" if cleaner._grammar_on else "skipped"
        self.language = cleaner._language(text, context)
        self.checked_originals: set[int] = set()  # paragraphs of the original LanguageTool has seen
        self.grammar_down = False  # LanguageTool failed in this run: not asked again
        self.base_names: NameInventory | None = None  # the names inventory of round 1

    # -- helpers ---------------------------------------------------------------------------
    def _names(self, text: str, applied: list[Edit] | None) -> NameInventory | None:
        """The names inventory of ``text`` (the original with ``applied`` applied) from round
        1's, when it can be had without counting the whole text again."""
        base = self.base_names
        if base is None:
            return None
        if self.context is not None or text == self.text:
            return base  # the context's inventory, or the same text
        return base.patched(text, applied) if applied else None

    def _find(self, text: str, focus: list[tuple[int, int]] | None, grammar: bool,
              skip: list[tuple[int, int]] | None = None, applied: list[Edit] | None = None) -> list[Edit]:
        """One round's finds on ``text`` (the original with ``applied`` applied); a pass that
        fails after the first round marks the result."""
        self.rounds += 1
        st: dict[str, PassStatus] = {}
        grammar = grammar and not self.grammar_down
        docs: list[Document] = []
        found = self.c.find(text, st, focus, self.context, grammar=grammar, skip=skip, language=self.language,
                            source=self.source, names=self._names(text, applied), docs=docs)
        if self.base_names is None and text == self.text and docs:
            self.base_names = docs[0].__dict__.get("names")  # counted in this round (if a pass asked)
        for name, s in st.items():
            total = self.status.setdefault(name, PassStatus(s.status))
            total.seconds += s.seconds
            if s.status == "unavailable" and total.status != "unavailable":
                total.status = "unavailable"
                total.message = s.message if self.rounds == 1 else f"failed in round {self.rounds}: {s.message}"
            if name == "grammar" and grammar and s.status == "unavailable" and self.harm_check == "done":
                self.grammar_down = True
                self.harm_check = "incomplete"
                self.warnings.append(f"LanguageTool failed in round {self.rounds}: the do-no-harm check of the "
                                     "applied edits did not run (run again when LanguageTool is back)")
        return found

    def _apply(self, edits: list[Edit], mode: str) -> Applied:
        return apply_edits(self.text, [e for e in select(edits, mode) if e.key() not in self.rejected])

    def _reject(self, edits: list[Edit], harmful: dict[tuple, Edit]) -> list[Edit]:
        self.rejected |= set(harmful)
        return [_demote(e, harmful[e.key()]) if e.key() in harmful else e for e in edits]

    def _grammar_errors(self, text: str, focus: list[tuple[int, int]] | None,
                        skip: list[tuple[int, int]], applied: list[Edit] | None = None) -> list[Edit]:
        return [e for e in self._find(text, focus, True, skip, applied) if e.pass_name == "grammar"]

    def _check_original(self, applied: list[Edit]) -> None:
        """LanguageTool's errors in the original paragraphs the applied edits touch (what was
        there before), once per paragraph."""
        doc = Document(self.text)
        focus = []
        for e in applied:
            para = doc.paragraph_at(e.start)
            if para is not None and para.start not in self.checked_originals:
                self.checked_originals.add(para.start)
                focus.append((para.start, para.end))
        if focus:
            self.before |= _seen(self._grammar_errors(self.text, focus, []))

    # -- the loop --------------------------------------------------------------------------
    def result(self) -> CleanResult:
        c, text = self.c, self.text
        rule_edits = self._find(text, None, grammar=False)
        edits = list(rule_edits)
        # 1. the rule passes' auto edits, to a fixpoint, each checked by LanguageTool
        state = self._apply(edits, "auto")
        grammar_found: list[Edit] = []
        while True:
            if self.rounds >= MAX_ROUNDS:
                self.warnings.append(f"no fixpoint after {MAX_ROUNDS} rounds; later edits not applied")
                break
            ranges = _written_ranges(state.applied)
            new: list[Edit] = []
            if state.applied:
                again = self._find(state.text, ranges, grammar=False, applied=state.applied)
                new = self._new_edits(state, again, edits, chained_ok=True)
            if new:
                edits.extend(new)
                state = self._apply(edits, "auto")
                continue
            if not c._grammar_on or self.grammar_down:
                break
            if state.applied:
                self._check_original(state.applied)
            unapplied = [e for e in edits if e.key() not in {a.key() for a in state.applied}]
            skip = [(s - 1, e + 1) for s, e in _forward(state.applied, ((u.start, u.end) for u in unapplied))]
            errors = self._grammar_errors(state.text, None, skip, state.applied)
            harmful = _harmful(state.applied, errors, self.before)
            if harmful:
                edits = self._reject(edits, harmful)
                state = self._apply(edits, "auto")
                continue
            # what LanguageTool finds away from the applied edits: its edits, in original offsets
            grammar_found = []
            for g in errors:
                back = _map_back(state.applied, g)
                if back is None:
                    continue
                seen = (back.rule_id, back.start, back.end, back.original)
                # an auto fix next to an applied edit only when LanguageTool reported it there before
                # the edit too ("abolished. a arm" -> "abolished a arm": "a arm" is not the stop's
                # doing; left out, the next clean applied it: not a fixpoint)
                if (g.is_auto and seen in self.before) or not any(_near(g.start, g.end, ws, we)
                                                                  for ws, we in ranges):
                    grammar_found.append(back)
                self.before.add(seen)
            break
        known = {e.key() for e in edits}
        edits.extend(g for g in grammar_found if g.key() not in known)
        # 2. the auto edits together (with LanguageTool's own), then every suggestion checked on
        # top of them, alone and all together: a suggestion after which LanguageTool reports a
        # new error at the edit is not one a reviewer can accept
        edits, result = self._settle(edits, "auto", {e.key() for e in state.applied})
        if c._grammar_on and not self.grammar_down:
            edits = self._verify(edits, result)
        if self.apply == "all":
            edits, result = self._settle(edits, "all", {e.key() for e in result.applied})
        elif self.apply == "none":
            result = self._apply(edits, "none")
        return self._finish(edits, result)

    def _settle(self, edits: list[Edit], mode: str, checked: set[tuple]) -> tuple[list[Edit], Applied]:
        """Apply ``mode``'s edits; re-check what they touched until nothing is demoted or
        added (``checked``: the applied set already checked)."""
        c = self.c
        result = self._apply(edits, mode)
        seen = {result.text}
        base = checked
        while {e.key() for e in result.applied} != base and self.rounds < MAX_ROUNDS:
            base = set()  # checked in this state: a demotion below changes it
            ranges = _written_ranges(result.applied)
            unapplied = [e for e in edits if e.key() not in {a.key() for a in result.applied}]
            skip = [(s - 1, e + 1) for s, e in _forward(result.applied, ((u.start, u.end) for u in unapplied))]
            found = self._find(result.text, ranges, grammar=c._grammar_on, skip=skip, applied=result.applied)
            harmful = _harmful(result.applied, [g for g in found if g.pass_name == "grammar"], self.before)
            if harmful:
                edits = self._reject(edits, harmful)
                result = self._apply(edits, mode)
                continue
            new = self._new_edits(result, found, edits, chained_ok=False)
            if not new:
                break
            edits.extend(new)
            candidate = self._apply(edits, mode)
            if candidate.text in seen:
                self.warnings.append("edits undo each other; stopped")
                break
            seen.add(candidate.text)
            result = candidate
        else:
            if self.rounds >= MAX_ROUNDS:
                self.warnings.append(f"no fixpoint after {MAX_ROUNDS} rounds; later edits not applied")
        return edits, result

    def _verify(self, edits: list[Edit], auto: Applied) -> list[Edit]:
        """Demote every suggestion after which (alone, on top of the auto edits) LanguageTool
        reports a new error at the edit.  One suggestion per paragraph per request round."""
        base = {a.key() for a in auto.applied}
        doc = Document(self.text)
        pending = [e for e in edits if e.key() not in base and e.key() not in self.rejected]
        while pending and not self.grammar_down:
            batch: list[Edit] = []
            rest: list[Edit] = []
            used: set[int] = set()
            for e in pending:
                para = doc.paragraph_at(e.start)
                where = para.start if para is not None else -1
                (rest if where in used else batch).append(e)
                used.add(where)
            pending = rest
            trial = apply_edits(self.text, auto.applied + batch)
            tried = [a for a in trial.applied if a.key() not in base]
            if not tried:
                continue
            focus = [r for r, a in zip(_written_ranges(trial.applied), trial.applied) if a.key() not in base]
            self.rounds -= 1  # a check of suggestions, not a round of the fixpoint
            errors = self._grammar_errors(trial.text, focus, [], trial.applied)
            harmful = {k: g for k, g in _harmful(trial.applied, errors, self.before).items() if k not in base}
            if harmful:
                edits = self._reject(edits, harmful)
        return edits

    def _new_edits(self, state: Applied, found: list[Edit], edits: list[Edit], chained_ok: bool) -> list[Edit]:
        """Auto edits found on the edited text, in original offsets, not known yet.  With
        ``chained_ok`` False, none next to text a suggestion wrote (a chain of suggestions)."""
        more = [e for e in found if e.is_auto]
        if not more:
            return []
        ranges = _written_ranges(state.applied)
        suggested = [r for r, a in zip(ranges, state.applied) if not a.is_auto]
        known = {e.key() for e in edits} | self.rejected
        out = []
        for e in more:
            if not chained_ok and any(_near(e.start, e.end, ws, we) for ws, we in suggested):
                continue
            m = _map_back(state.applied, e)
            if m is None:
                self.warnings.append(f"{e.rule_id} would change '{e.original}' written by another edit; not applied")
            elif m.key() not in known:
                known.add(m.key())
                out.append(m)
        return out

    def _finish(self, edits: list[Edit], result: Applied) -> CleanResult:
        # the same change found by two rules is one edit (the one the resolver takes: a report
        # listed both, both applied, and a reviewer saw the change twice)
        first: dict[tuple, Edit] = {}
        for e in sorted(edits, key=priority):
            first.setdefault(e.key(), e)
        if len(first) < len(edits):
            edits = list(first.values())
        counts = Counter(e.pass_name for e in result.applied)
        found = Counter(e.pass_name for e in edits)
        for name, st in self.status.items():
            st.applied = counts.get(name, 0)
            st.found = found.get(name, 0)
        edits.sort(key=lambda e: (e.start, e.end, e.rule_id))
        self.warnings.extend(w for w in self.c.matcher.timed_out.values() if w not in self.warnings)
        return CleanResult(self.text, result.text, edits, result.applied, result.conflicts, self.status,
                           self.apply, max(1, self.rounds), self.warnings, self.harm_check)
