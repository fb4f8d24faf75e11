"""Phrase pass: calqued idioms and MT word choices from the rule packs.

All literal phrases and pattern anchors of every selected rule go into one Aho-Corasick
automaton (pyahocorasick), so the cost of a scan does not grow with the number of rules.
"""
from __future__ import annotations

import bisect
from collections import defaultdict

import ahocorasick
import regex

from service.core.casing import fix_case
from service.core.document import Document
from service.core.model import Edit
from service.rulesets.loader import Rule

NAME = "phrases"
CONTEXT_CHARS = 80
PATTERN_WINDOW = 200
_WS = {ord(c): " " for c in "\t\n\r\x0b\x0c\xa0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"}
_WS.update({ord("’"): "'", ord("‘"): "'"})
_MULTI_SPACE = regex.compile(r" {2,}")
_PARAGRAPH_BREAK = regex.compile(r"\n[ \t\r]*\n")


def _lower_same_length(text: str) -> str:
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


class _Normalised:
    """The matcher's view of a text: lower case, one space for any whitespace run, with a map
    back to offsets in the original."""

    def __init__(self, text: str):
        flat = _lower_same_length(text).translate(_WS)
        # for each run of spaces squeezed to one: the first normalised offset after it, and
        # the number of characters dropped up to and including that run
        self.removed_before: list[int] = []
        if "  " not in flat:
            self.text = flat
            self._norm_starts: list[int] = []
            return
        parts, pos, dropped = [], 0, 0
        self._norm_starts = []
        for m in _MULTI_SPACE.finditer(flat):
            parts.append(flat[pos:m.start() + 1])
            dropped += m.end() - m.start() - 1
            self._norm_starts.append(m.start() + 1 - (dropped - (m.end() - m.start() - 1)))
            self.removed_before.append(dropped)
            pos = m.end()
        parts.append(flat[pos:])
        self.text = "".join(parts)

    def to_original(self, i: int) -> int:
        """Map a normalised offset back to the original text."""
        k = bisect.bisect_right(self._norm_starts, i) - 1
        return i if k < 0 else i + self.removed_before[k]


def _is_word_char(c: str) -> bool:
    return c.isalnum() or c == "_"


class PhraseMatcher:
    """Finds every selected rule's matches in one scan."""

    def __init__(self, rules: list[Rule]):
        self.rules = rules
        self._automaton = ahocorasick.Automaton()
        by_trigger: dict[str, list[int]] = defaultdict(list)
        for i, rule in enumerate(rules):
            for trigger in rule.triggers:
                if i not in by_trigger[trigger]:
                    by_trigger[trigger].append(i)
        for trigger, idx in by_trigger.items():
            self._automaton.add_word(trigger, (len(trigger), tuple(idx)))
        if by_trigger:
            self._automaton.make_automaton()
        self._empty = not by_trigger

    def find(self, doc: Document) -> list[Edit]:
        """Every rule match in ``doc`` as an edit (protected spans and context respected)."""
        if self._empty:
            return []
        seen: set[tuple[str, int, int]] = set()
        edits: list[Edit] = []
        for start, end, rule_idx in self._hits(doc):
            for i in rule_idx:
                rule = self.rules[i]
                found = self._literal(doc, rule, start, end) if rule.pattern is None else self._pattern(doc, rule, start, end)
                for edit in found:
                    key = (rule.id, edit.start, edit.end)
                    if key not in seen:
                        seen.add(key)
                        edits.append(edit)
        edits.sort(key=lambda e: (e.start, e.end, e.rule_id))
        return edits

    def _hits(self, doc: Document):
        """Word-bounded trigger hits: (start, end, rule indexes), in original offsets."""
        for lo, hi in doc.ranges():
            norm = _Normalised(doc.text[lo:hi] if (lo, hi) != (0, len(doc.text)) else doc.text)
            ntext = norm.text
            for end_idx, (length, rule_idx) in self._automaton.iter(ntext):
                nstart, nend = end_idx - length + 1, end_idx + 1
                if (nstart > 0 and _is_word_char(ntext[nstart - 1])) or (
                        nend < len(ntext) and _is_word_char(ntext[nend])):
                    continue
                yield lo + norm.to_original(nstart), lo + norm.to_original(nend - 1) + 1, rule_idx

    def _literal(self, doc: Document, rule: Rule, start: int, end: int) -> list[Edit]:
        edit = self._edit(doc, rule, start, end, [fix_case(doc.text[start:end], r) for r in rule.replace])
        return [edit] if edit else []

    def _pattern(self, doc: Document, rule: Rule, a_start: int, a_end: int) -> list[Edit]:
        para = doc.paragraph_at(a_start)
        lo = max(para.start if para else 0, a_start - PATTERN_WINDOW)
        hi = min(para.end if para else len(doc.text), a_end + PATTERN_WINDOW)
        out = []
        assert rule.pattern is not None
        for m in rule.pattern.finditer(doc.text, lo, hi, overlapped=False):
            if m.start() <= a_start and m.end() >= a_end and m.end() > m.start():
                reps = [fix_case(m.group(), m.expand(r)) for r in rule.replace]
                edit = self._edit(doc, rule, m.start(), m.end(), reps)
                if edit:
                    out.append(edit)
        return out

    def _edit(self, doc: Document, rule: Rule, start: int, end: int, reps: list[str]) -> Edit | None:
        text = doc.text
        span = text[start:end]
        if _PARAGRAPH_BREAK.search(span) or doc.protected.overlaps(start, end):
            return None
        if not self._context_ok(doc, rule, start, end):
            return None
        reps = [r for r in dict.fromkeys(reps) if r != span]
        if not reps:
            return None
        return Edit(
            start=start, end=end, original=span, replacements=tuple(reps), rule_id=rule.id,
            category=rule.category, tier=rule.tier, message=rule.message,
            source=f"{rule.source} ({rule.path.rsplit('/', 1)[-1]})", pass_name=NAME,
            evidence=(f"rule pack {rule.pack}",),
        )

    @staticmethod
    def _context_ok(doc: Document, rule: Rule, start: int, end: int) -> bool:
        if not rule.context:
            return True
        para = doc.paragraph_at(start)
        p_start, p_end = (para.start, para.end) if para else (0, len(doc.text))
        before = doc.text[max(p_start, start - CONTEXT_CHARS):start]
        after = doc.text[end:min(p_end, end + CONTEXT_CHARS)]
        for key, pat in rule.context:
            hit = pat.search(before if key.endswith("before") else after) is not None
            if hit == key.startswith("unless"):
                return False
        return True
