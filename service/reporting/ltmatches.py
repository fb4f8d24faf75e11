"""mtclean's edits in LanguageTool's JSON shape (``/v2/check``), and LanguageTool's annotated
``data`` input as plain text with a map back to the positions of the annotated document.

Offsets and lengths are UTF-16 code units of the text the client sent (for ``data``: of the
annotated document, markup included, as LanguageTool counts them); ``context.offset`` and
``context.length`` are UTF-16 units of the context text.  Edits at the same span from several
passes are merged into one match (the first pass's rule, every pass's replacements, no
repeats); an edit inside another's span at the same place with the same replacement is dropped.
"""
from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import regex

from service.core.model import Edit
from service.core.offsets import Utf16Index
from service.errors import MalformedRequest

CONTEXT_CHARS = 40
_SENTENCE_END = regex.compile(r"(?<=[.!?…])[\"'”’)\]]*\s+|\n\s*\n")

#: LanguageTool's issue types (ITS 2.0 localization quality issue types) for mtclean's categories
ISSUE_TYPES = {
    "debris": "non-conformance", "punctuation": "typographical", "spacing": "whitespace",
    "garbled_name": "misspelling", "idiom": "mistranslation", "polysemy": "mistranslation",
    "officialese": "register", "word_choice": "style", "number": "inconsistency", "consistency": "inconsistency",
    "grammar": "grammar", "spelling": "misspelling", "style": "style", "terminology": "terminology",
    "source": "mistranslation", "untranslated": "untranslated",
}
CATEGORY_NAMES = {
    "debris": "MT debris", "punctuation": "Punctuation", "spacing": "Spacing", "garbled_name": "Names",
    "idiom": "Idioms translated word for word", "polysemy": "Wrong sense of a word", "officialese": "Officialese",
    "word_choice": "Word choice", "number": "Numbers", "consistency": "Consistency with the source",
    "grammar": "Grammar", "spelling": "Possible typo", "style": "Style", "terminology": "Terminology",
}


@dataclass
class Annotated:
    """A document as plain text plus, per plain character, its span in the original document."""

    original: str  # the whole annotated document (text and markup), as the client counts it
    plain: str  # what is checked: the text parts, markup as its interpretAs
    spans: list[tuple[int, int]]  # plain character i comes from original[spans[i][0]:spans[i][1]]

    @classmethod
    def of_text(cls, text: str) -> "Annotated":
        return cls(text, text, [(i, i + 1) for i in range(len(text))])

    @classmethod
    def of_data(cls, data: str) -> "Annotated":
        """LanguageTool's ``data`` parameter: ``{"annotation": [{"text": ...}, {"markup": ...,
        "interpretAs": ...}, ...]}``."""
        try:
            parsed = json.loads(data)
        except ValueError as exc:
            raise MalformedRequest(f"'data' is not JSON: {exc}") from None
        parts = parsed.get("annotation") if isinstance(parsed, dict) else None
        if not isinstance(parts, list):
            raise MalformedRequest("'data' must be {\"annotation\": [{\"text\": ...}, {\"markup\": ...}, ...]}")
        original: list[str] = []
        plain: list[str] = []
        spans: list[tuple[int, int]] = []
        pos = 0
        for i, part in enumerate(parts):
            if not isinstance(part, dict):
                raise MalformedRequest(f"'data': annotation {i} is not an object")
            if "text" in part and isinstance(part["text"], str):
                t = part["text"]
                original.append(t)
                plain.append(t)
                spans.extend((pos + k, pos + k + 1) for k in range(len(t)))
                pos += len(t)
            elif "markup" in part and isinstance(part["markup"], str):
                m, shown = part["markup"], part.get("interpretAs", "")
                if not isinstance(shown, str):
                    raise MalformedRequest(f"'data': annotation {i}: interpretAs must be a string")
                original.append(m)
                plain.append(shown)
                spans.extend((pos, pos + len(m)) for _ in shown)
                pos += len(m)
            else:
                raise MalformedRequest(f"'data': annotation {i} needs 'text' or 'markup' (a string)")
        return cls("".join(original), "".join(plain), spans)

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original span of plain ``[start, end)``."""
        if not self.spans:
            return 0, 0
        if start >= len(self.spans):
            return len(self.original), len(self.original)
        s = self.spans[start][0]
        e = self.spans[end - 1][1] if end > start else s
        return s, max(s, e)


def merge(edits: Iterable[Edit]) -> list[Edit]:
    """One edit per span: the first found keeps its rule, the others' replacements join it."""
    by_span: dict[tuple[int, int], Edit] = {}
    for e in edits:
        key = (e.start, e.end)
        if key in by_span:
            first = by_span[key]
            reps = tuple(dict.fromkeys(first.replacements + e.replacements))
            by_span[key] = Edit(first.start, first.end, first.original, reps, first.rule_id, first.category,
                                first.tier, first.message, first.source, first.pass_name, first.evidence)
        else:
            by_span[key] = e
    out = sorted(by_span.values(), key=lambda e: (e.start, e.end))
    # an edit that repeats a longer one's change at the same place (same replacement text inside it)
    return [e for e in out if not any(o is not e and o.start <= e.start and e.end <= o.end and (o.end - o.start)
                                      > (e.end - e.start) and e.replacement in o.replacement for o in out)]


def _sentence(text: str, start: int, end: int) -> str:
    s = 0
    for m in _SENTENCE_END.finditer(text, 0, start):
        s = m.end()
    m = _SENTENCE_END.search(text, end)
    e = m.start() if m else len(text)
    return text[s:e].strip()


def _context(text: str, start: int, end: int) -> dict[str, Any]:
    cs, ce = max(0, start - CONTEXT_CHARS), min(len(text), end + CONTEXT_CHARS)
    pre = "..." if cs > 0 else ""
    ctx = pre + text[cs:ce].replace("\n", " ") + ("..." if ce < len(text) else "")
    index = Utf16Index(ctx)
    off = len(pre) + start - cs
    return {"text": ctx, "offset": index.to_utf16(off), "length": index.to_utf16(off + end - start) - index.to_utf16(off)}


def rule_view(edit: Edit, descriptions: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The ``rule`` object of a match (LanguageTool's own rules keep their ids)."""
    rid = edit.rule_id
    if rid.startswith("LT:"):
        rid = rid[3:]
        cat_id = "TYPOS" if edit.category == "spelling" else "GRAMMAR"
    else:
        cat_id = "MTCLEAN_" + edit.category.upper()
    desc = (descriptions or {}).get(edit.rule_id) or edit.message.split(";")[0][:120]
    return {"id": rid, "description": desc, "issueType": ISSUE_TYPES.get(edit.category, "uncategorized"),
            "category": {"id": cat_id, "name": CATEGORY_NAMES.get(edit.category, edit.category.replace("_", " "))},
            "sourceFile": "mtclean" if not edit.rule_id.startswith("LT:") else "languagetool"}


def to_matches(doc: Annotated, edits: Iterable[Edit], descriptions: Mapping[str, str] | None = None
               ) -> list[dict[str, Any]]:
    """The edits (code points of ``doc.plain``) as LanguageTool matches."""
    index = Utf16Index(doc.original)
    out = []
    for e in merge(edits):
        s, t = doc.span(e.start, e.end)
        off = index.to_utf16(s)
        short = e.category.replace("_", " ").capitalize()
        out.append({
            "message": e.message, "shortMessage": short,
            "replacements": [{"value": r} for r in e.replacements],
            "offset": off, "length": index.to_utf16(t) - off,
            "context": _context(doc.plain, e.start, e.end), "sentence": _sentence(doc.plain, e.start, e.end),
            "type": {"typeName": "Other"}, "rule": rule_view(e, descriptions),
            "ignoreForIncompleteSentence": False, "contextForSureMatch": 0,
        })
    return out
