"""Phrase pass: calqued idioms and MT word choices from the rule packs.

All literal phrases and the anchors of every other phrase (its rarest word, or all the literal
texts a short phrase can match) go into one Aho-Corasick automaton (pyahocorasick), so the
cost of a scan does not grow with the number of rules.  A phrase's regex runs only in a
window around its anchor hits, never over the whole text, and only when a cheap test on the
folded text (str.find of the words every match holds, near the hit: Phrase.needs/width,
Rule.context_needs, see service/rulesets/phrase.py) says that a match can be there.
"""
from __future__ import annotations

import bisect
import logging
import os
import re
from collections import defaultdict
from collections.abc import Iterable
from functools import lru_cache
from itertools import accumulate, repeat
from operator import add, sub
from pathlib import Path
from typing import TYPE_CHECKING

import ahocorasick
import regex

from service.core.casing import fix_case, starts_sentence
from service.core.model import Edit
from service.rulesets.loader import Rule
from service.rulesets.phrase import FILTER_FOLD, KEPT_SPACES, Phrase, render
from service.rulesets.regexcache import compiled

if TYPE_CHECKING:  # pragma: no cover - the pipeline imports the document model anyway
    from service.core.document import Document

NAME = "phrases"
CONTEXT_CHARS = 80
PATTERN_WINDOW = 200
_REPLACE = tuple((c, " ") for c in "\n\t\r\xa0\x0b\x0c") + (("’", "'"), ("‘", "'"))
_RARE_WS = re.compile("[\u2000-\u200a\u202f\u205f\u3000]")  # re: faster than regex for scans
# the pre-filter (see phrase.py "What every match holds"): off in a text with KEPT_SPACES; its copy
# of the folded text has the FILTER_FOLD characters as their plain letter
_KEPT_SPACES = re.compile(f"[{KEPT_SPACES}]")
_UNUSUAL = re.compile(f"[\u2000-\u200a\u202f\u205f\u3000{KEPT_SPACES}{''.join(FILTER_FOLD)}]")
_SPACE_RUN = re.compile("(  +)")
_PARAGRAPH_BREAK = regex.compile(r"\n[ \t\r]*\n")
_SENTENCE_END = regex.compile(r"[.!?…][\"'”’»)\]]*\s+")
_JOINERS = "-'’"
SCOPE_CHARS = 600
# the time budget of one regex call (match/search/finditer) of a user's rule (a pack given with
# --rules / rule_dirs): a pathological pattern ('(a|a)+$') is reported and skipped instead of
# hanging the pass.  The built-in packs (rules/phrases/, linted and tested) run without it: the
# timeout makes every regex call several times dearer.
REGEX_TIMEOUT = float(os.environ.get("MTCLEAN_REGEX_TIMEOUT", "0.25") or 0.25)
log = logging.getLogger(__name__)


@lru_cache(maxsize=None)
def _builtin_pack(path: str) -> bool:
    """``path`` is a pack shipped in rules/phrases/ (its regexes run without a time budget)."""
    from service.rulesets.loader import PHRASES_DIR

    try:
        Path(path).resolve().relative_to(PHRASES_DIR.resolve())
    except (ValueError, OSError):
        return False
    return True


class _RuleTimeout(Exception):
    def __init__(self, key: str):
        super().__init__(key)
        self.key = key


# characters whose lower case is longer than one character (only 'İ' in Unicode 15): lowered
# to a same-length stand-in first, so offsets survive
_ODD_LOWER = {0x130: "i"}


def _lower_same_length(text: str) -> str:
    low = text.lower()
    if len(low) == len(text):
        return low
    for odd, same in _ODD_LOWER.items():  # str.replace: C speed (translate looks up every character)
        text = text.replace(chr(odd), same)
    return text.lower()


class _Normalised:
    """The matcher's view of a text: lower case, one space for any whitespace run, with a map
    back to offsets in the original; and the pre-filter's copy of it (``filter_text``, None
    when the pre-filter cannot run on this text)."""

    def __init__(self, text: str, lowered: str | None = None):
        """``lowered``: ``text.lower()`` when the caller has it (Document.lowered)."""
        flat = lowered if lowered is not None and len(lowered) == len(text) else _lower_same_length(text)
        # str.replace runs at C speed; str.translate with a dict costs a lookup per character
        for old, new in _REPLACE:
            if old in flat:
                flat = flat.replace(old, new)
        unusual = _UNUSUAL.search(flat) is not None  # one scan for the rare characters below
        if unusual and _RARE_WS.search(flat):
            flat = _RARE_WS.sub(" ", flat)
        # for each run of spaces squeezed to one: the first normalised offset after it, and
        # the number of characters dropped up to and including that run
        if "  " not in flat:
            self.text = flat
            self._norm_starts: list[int] = []
            self.removed_before: list[int] = []
        else:
            # split at the runs (C speed): pieces and runs alternate
            parts = _SPACE_RUN.split(flat)
            pieces = parts[0::2]
            self.text = " ".join(pieces)
            del pieces[-1]
            self._norm_starts = list(accumulate(map(add, map(len, pieces), repeat(1))))
            self.removed_before = list(accumulate(map(sub, map(len, parts[1::2]), repeat(1))))
        self.filter_text: str | None = self.text
        if unusual:
            if _KEPT_SPACES.search(flat):
                self.filter_text = None
            else:
                for odd, plain in FILTER_FOLD.items():
                    if odd in self.filter_text:
                        self.filter_text = self.filter_text.replace(odd, plain)

    def to_original(self, i: int) -> int:
        """Map a normalised offset back to the original text."""
        k = bisect.bisect_right(self._norm_starts, i) - 1
        return i if k < 0 else i + self.removed_before[k]


def _near(find, checks: tuple, start: int, end: int) -> bool:
    """Each check (clauses, a, b) holds: the folded text from ``start - a`` to ``end + b`` has
    one string of each clause (``find``: that text's str.find)."""
    for clauses, a, b in checks:
        lo = start - a if start > a else 0
        hi = end + b
        for clause in clauses:
            for lit in clause:
                if find(lit, lo, hi) >= 0:
                    break
            else:  # no string of this clause there
                return False
    return True


def _is_word_char(c: str) -> bool:
    return c.isalnum() or c == "_"


class PhraseMatcher:
    """Finds every selected rule's matches in one scan."""

    def __init__(self, rules: list[Rule], automaton: "ahocorasick.Automaton | None" = None, timed: bool = False,
                 prefilter: bool = True):
        """``timed``: every rule's regexes get the time budget, built-in ones too (the lint);
        ``prefilter=False``: every anchor hit goes to its phrase's regex (the tests compare)."""
        self.rules = rules
        self._prefilter = prefilter
        self.timed_out: dict[str, str] = {}  # rule id -> why it is skipped (regex over its budget)
        # a rule whose replacements are plain text can take a literal hit as it is
        self._plain = [r.templates is not None and all(len(t) <= 1 and (not t or t[0][0] == "t")
                                                       for t in r.templates) for r in rules]
        # the regex time budget of each rule: None (no timeout) for the built-in packs
        self._budget: list[float | None] = [None if not timed and _builtin_pack(r.path) else REGEX_TIMEOUT
                                              for r in rules]
        self._plans: dict[tuple, tuple] = {}  # automaton value -> pre-filter (see _plan)
        if automaton is not None:
            self._automaton = automaton
            self._empty = len(automaton) == 0
            return
        self._automaton = cached_automaton(rules)
        self._empty = len(self._automaton) == 0

    def find(self, doc: Document) -> list[Edit]:
        """Every rule match in ``doc`` as an edit (protected spans and context respected)."""
        if self._empty:
            return []
        seen: set[tuple[str, int, int]] = set()
        edits: list[Edit] = []
        for start, end, targets in self._hits(doc):
            for ri, pi in targets:
                rule = self.rules[ri]
                if rule.id in self.timed_out:
                    continue
                phrase = rule.phrases[pi]
                try:
                    if phrase.literal and self._plain[ri]:
                        found = self._literal(doc, rule, start, end, self._budget[ri])
                    else:
                        found = self._regex(doc, rule, phrase, start, end, self._budget[ri])
                except _RuleTimeout as exc:
                    msg = (f"rule {rule.id} ({rule.path}): key '{exc.key}': regex over its time budget "
                           f"({REGEX_TIMEOUT:g} s); rule skipped")
                    self.timed_out[rule.id] = msg
                    log.info(msg)
                    continue
                for edit in found:
                    key = (rule.id, edit.start, edit.end)
                    if key not in seen:
                        seen.add(key)
                        edits.append(edit)
        edits.sort(key=lambda e: (e.start, e.end, e.rule_id))
        return edits

    def _hits(self, doc: Document):
        """Word-bounded anchor hits: (start, end, (rule, phrase) indexes), in original offsets;
        a phrase whose pre-filter (Phrase.needs within Phrase.width of the hit, in the folded
        text) says no match can hold the hit is left out."""
        plans = self._plans
        # a range is the whole text or whole paragraphs: it holds every window the filter asks
        # about (a regex window or a context ends at its paragraph)
        for lo, hi in doc.ranges():
            whole = (lo, hi) == (0, len(doc.text))  # the lower case other passes use too
            norm = _Normalised(doc.text, doc.lowered) if whole else _Normalised(doc.text[lo:hi])
            ntext = norm.text
            filterable = norm.filter_text is not None and self._prefilter
            find = norm.filter_text.find if norm.filter_text is not None else None
            last = len(ntext) - 1
            to_original = norm.to_original
            for end_idx, value in self._automaton.iter(ntext):
                if end_idx < last:
                    c = ntext[end_idx + 1]
                    if c.isalnum() or c == "_":
                        continue
                length, targets = value
                nstart = end_idx - length + 1
                if nstart > 0:
                    c = ntext[nstart - 1]
                    if c.isalnum() or c == "_":
                        continue
                if filterable:
                    plan = plans.get(value)
                    if plan is None:
                        plan = plans[value] = self._plan(length, targets)
                    if plan:
                        nend = end_idx + 1
                        targets = [t for t, checks in plan if not checks or _near(find, checks, nstart, nend)]
                        if not targets:
                            continue
                yield lo + to_original(nstart), lo + to_original(end_idx) + 1, targets

    def _plan(self, length: int, targets: tuple[tuple[int, int], ...]) -> tuple:
        """The pre-filter of an anchor's targets: ((target, checks), ...), or () when none has a
        check; a check is (clauses, a, b): the folded text from ``a`` characters before the hit
        to ``b`` after it holds one string of each clause.  A phrase's needs are looked for as
        far as its match can reach (its width less the anchor's, within the regex window); an
        only_before/only_after context's, in the CONTEXT_CHARS beyond that."""
        out: list[tuple[tuple[int, int], tuple[tuple[tuple[tuple[str, ...], ...], int, int], ...]]] = []
        for ri, pi in targets:
            rule = self.rules[ri]
            phrase = rule.phrases[pi]
            reach = 0  # a literal phrase's match is the hit
            if not (phrase.literal and self._plain[ri]):
                reach = PATTERN_WINDOW
                if phrase.width:
                    reach = max(0, min(reach, phrase.width - length))
            checks = [(phrase.needs, reach, reach)] if phrase.needs else []
            for key, needs in rule.context_needs:
                if key == "only_before":
                    checks.append((needs, reach + CONTEXT_CHARS, -length))
                else:
                    checks.append((needs, -length, reach + CONTEXT_CHARS))
            out.append(((ri, pi), tuple(checks)))
        return tuple(out) if any(checks for _t, checks in out) else ()

    def _literal(self, doc: Document, rule: Rule, start: int, end: int, budget: float | None) -> list[Edit]:
        text = doc.text
        # hyphens and apostrophes are part of a word: "well-known" holds no "known"
        if (start >= 2 and text[start - 1] in _JOINERS and _is_word_char(text[start - 2])) or (
                end + 1 < len(text) and text[end] in _JOINERS and _is_word_char(text[end + 1])):
            return []
        span = text[start:end]
        assert rule.templates is not None
        para = doc.paragraph_at(start)
        at_start = starts_sentence(text, start, para.start if para else 0)
        reps = [fix_case(span, t[0][1] if t else "", at_start) for t in rule.templates]
        edit = self._edit(doc, rule, start, end, reps, budget)
        return [edit] if edit else []

    def _regex(self, doc: Document, rule: Rule, phrase: Phrase, a_start: int, a_end: int,
               budget: float | None) -> list[Edit]:
        para = doc.paragraph_at(a_start)
        lo = max(para.start if para else 0, a_start - PATTERN_WINDOW)
        hi = min(para.end if para else len(doc.text), a_end + PATTERN_WINDOW)
        out = []
        pattern = compiled(phrase.source, phrase.flags)
        matches: "Iterable[regex.Match[str]]"
        if budget is None:  # lazily: the matches after the hit are never looked at
            matches = pattern.finditer(doc.text, lo, hi)
        else:
            try:
                matches = list(pattern.finditer(doc.text, lo, hi, timeout=budget))
            except TimeoutError:
                raise _RuleTimeout("pattern" if phrase.expand else "match") from None
        for m in matches:
            if m.start() > a_start:
                break
            if m.end() >= a_end and m.end() > m.start():
                at_start = starts_sentence(doc.text, m.start(), para.start if para else 0)
                if rule.templates is None:
                    reps = [fix_case(m.group(), m.expand(r), at_start) for r in rule.replace]
                else:
                    reps = [fix_case(m.group(), render(t, m, phrase), at_start) for t in rule.templates]
                edit = self._edit(doc, rule, m.start(), m.end(), reps, budget)
                if edit:
                    out.append(edit)
        return out

    def _edit(self, doc: Document, rule: Rule, start: int, end: int, reps: list[str],
              budget: float | None = REGEX_TIMEOUT) -> Edit | None:
        text = doc.text
        span = text[start:end]
        if _PARAGRAPH_BREAK.search(span) or doc.protected.overlaps(start, end):
            return None
        if (rule.context or rule.cues is not None) and not self._context_ok(doc, rule, start, end, budget):
            return None
        reps = [r for r in dict.fromkeys(reps) if r != span and r]
        if not reps:
            return None
        return Edit(
            start=start, end=end, original=span, replacements=tuple(reps), rule_id=rule.id,
            category=rule.category, tier=rule.tier, message=rule.message,
            source=f"{rule.source} ({rule.path.rsplit('/', 1)[-1]})", pass_name=NAME,
            evidence=(f"rule pack {rule.pack}",),
        )

    @staticmethod
    def _context_ok(doc: Document, rule: Rule, start: int, end: int, budget: float | None = REGEX_TIMEOUT) -> bool:
        try:
            return PhraseMatcher._context_ok_timed(doc, rule, start, end, budget)
        except TimeoutError:
            raise _RuleTimeout("context") from None

    @staticmethod
    def _context_ok_timed(doc: Document, rule: Rule, start: int, end: int, budget: float | None) -> bool:
        if not rule.context and rule.cues is None:
            return True
        text = doc.text
        para = doc.paragraph_at(start)
        p_start, p_end = (para.start, para.end) if para else (0, len(text))
        if rule.context:
            before = text[max(p_start, start - CONTEXT_CHARS):start]
            after = text[end:min(p_end, end + CONTEXT_CHARS)]
            for key, source in rule.context:
                pat = compiled(source, regex.IGNORECASE)
                where = before if key.endswith("before") else after
                if budget is None:
                    hit = pat.search(where) is not None
                else:
                    try:
                        hit = pat.search(where, timeout=budget) is not None
                    except TimeoutError:
                        raise _RuleTimeout(key) from None
                if hit == key.startswith("unless"):
                    return False
        cues = rule.cues
        if cues is not None:
            lo, hi = p_start, p_end
            if cues.scope == "sentence":
                lo, hi = _sentence(text, start, end, p_start, p_end)
            else:
                lo, hi = max(lo, start - SCOPE_CHARS), min(hi, end + SCOPE_CHARS)

            def found(source: str) -> bool:
                pat = compiled(source, regex.IGNORECASE)
                if budget is None:
                    return pat.search(text, lo, start) is not None or pat.search(text, end, hi) is not None
                return (pat.search(text, lo, start, timeout=budget) is not None
                        or pat.search(text, end, hi, timeout=budget) is not None)

            if cues.any is not None and not found(cues.any):
                return False
            if cues.none is not None and found(cues.none):
                return False
        return True


def _sentence(text: str, start: int, end: int, p_start: int, p_end: int) -> tuple[int, int]:
    """The sentence around ``[start, end)`` (within its paragraph, at most SCOPE_CHARS either side)."""
    lo = max(p_start, start - SCOPE_CHARS)
    for m in _SENTENCE_END.finditer(text, lo, start):
        lo = m.end()
    hi = min(p_end, end + SCOPE_CHARS)
    m = _SENTENCE_END.search(text, end, hi)
    if m is not None:
        hi = m.start() + 1
    return lo, hi


AUTOMATON_VERSION = 1  # bump when build_automaton's keys or values change
SMALL_AUTOMATON = 1000  # anchors: below, the automaton is built, not cached (a test's single rule)
AUTOMATON_FILES = 24  # the cache keeps the newest (a full one is ~11 MB)


def cached_automaton(rules: list[Rule]) -> "ahocorasick.Automaton":
    """:func:`build_automaton`, kept in ``<cache root>/rules/automaton-<key>.pickle`` (the key:
    every rule's id and its phrases' anchors, in order); reading it back costs about a quarter
    of building it.  ``MTCLEAN_RULE_CACHE=0`` builds afresh and writes nothing."""
    import hashlib

    if os.environ.get("MTCLEAN_RULE_CACHE", "1") in ("0", "false", "no") or not rules:
        return build_automaton(rules)
    if sum(len(p.anchors) for r in rules for p in r.phrases) < SMALL_AUTOMATON:
        return build_automaton(rules)  # built in a few ms: a file per small rule set is not worth it
    key = hashlib.sha256(f"automaton {AUTOMATON_VERSION} {getattr(ahocorasick, '__version__', '')}".encode())
    key.update("\x00".join(f"{r.id}\x01" + "\x02".join("\x03".join(p.anchors) for p in r.phrases)
                           for r in rules).encode("utf-8", "surrogatepass"))
    try:
        from service.rulesets.loader import _cache_dir

        path = _cache_dir() / f"automaton-{key.hexdigest()[:32]}.pickle"
    except Exception:  # noqa: BLE001 - no cache folder: build
        return build_automaton(rules)
    from service.core.diskcache import load_or_build
    from service.rulesets.loader import _prune

    def build() -> "ahocorasick.Automaton":
        _prune(path.parent, AUTOMATON_FILES, "automaton-*.pickle")  # a new rule set: drop the oldest
        return build_automaton(rules)

    return load_or_build(path, build, lambda a: isinstance(a, ahocorasick.Automaton))


def build_automaton(rules: list[Rule]) -> "ahocorasick.Automaton":
    """One automaton over every anchor of every phrase of ``rules``: anchor -> (length,
    ((rule index, phrase index), ...))."""
    automaton = ahocorasick.Automaton()
    by_anchor: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for ri, rule in enumerate(rules):
        for pi, phrase in enumerate(rule.phrases):
            for anchor in phrase.anchors:
                if (ri, pi) not in by_anchor[anchor]:
                    by_anchor[anchor].append((ri, pi))
    for anchor, targets in by_anchor.items():
        automaton.add_word(anchor, (len(anchor), tuple(targets)))
    if by_anchor:
        automaton.make_automaton()
    return automaton
