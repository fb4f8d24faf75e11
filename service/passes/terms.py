"""Terminology from a termbase (:mod:`service.core.termbase`, ``--termbase FILE``); suggestions.

* ``terms.forbidden``: a forbidden English term (any case, whole words; a capitalised first
  letter carried over) -> the preferred term;
* ``terms.missing``: a paragraph whose aligned source (``--source``, or a bilingual file's
  segment source) has a termbase source term while the paragraph lacks its English term.

Not a registry pass: it needs the termbase, so the engine factory adds it to the cleaner of
options that carry one (:class:`service.engine.selection.SelectingCleaner`).
"""
from __future__ import annotations

from collections.abc import Iterable

import regex

from service.core.document import Document
from service.core.model import Edit, Tier

NAME = "terms"
SOURCE = "mtclean termbase (--termbase)"
CATEGORY = "terminology"


def _words(term: str) -> str:
    return r"\s+".join(regex.escape(w).replace("'", "['’]") for w in term.split())


class TermChecker:
    """The compiled termbase: ``terms`` as (kind, text, preferred) tuples."""

    def __init__(self, terms: Iterable[tuple[str, str, str]]):
        terms = list(terms)
        self.forbidden = [(regex.compile(rf"(?<![\w-]){_words(t)}(?![\w-])", regex.IGNORECASE), t, p)
                          for kind, t, p in terms if kind == "forbidden" and t.strip()]
        self.pairs = [(t, p) for kind, t, p in terms if kind == "pair" and t.strip()]

    def find(self, doc: Document) -> list[Edit]:
        out: list[Edit] = []
        text = doc.text
        for pattern, term, preferred in self.forbidden:
            for m in pattern.finditer(text):
                rep = preferred[:1].upper() + preferred[1:] if m.group()[:1].isupper() else preferred
                if rep == m.group():
                    continue
                out.append(Edit(m.start(), m.end(), m.group(), (rep,), "terms.forbidden", CATEGORY, Tier.SUGGEST,
                                f"The termbase says '{preferred}', not '{term}'.", SOURCE, NAME))
        if self.pairs and getattr(doc, "source", None) and doc.source_aligned:
            for para in doc.paragraphs:
                src = doc.source_of(para)
                if src is None:
                    continue
                target = text[para.start:para.end].casefold()
                for term, preferred in self.pairs:
                    if term.casefold() in src.text.casefold() and preferred.casefold() not in target:
                        out.append(Edit(para.start, para.end, text[para.start:para.end],
                                        (text[para.start:para.end],), "terms.missing", CATEGORY, Tier.SUGGEST,
                                        f"The source has '{term}': the termbase translates it '{preferred}', "
                                        "which this paragraph does not use.", SOURCE, NAME))
        return out


def segment_flags(segments: Iterable[object], terms: Iterable[tuple[str, str, str]]) -> list[tuple[int, Edit]]:
    """``(segment index, terms.missing flag)`` for bilingual segments (PO, XLIFF, TMX) whose
    source has a termbase source term while the target lacks its English term."""
    pairs = [(t, p) for kind, t, p in terms if kind == "pair" and t.strip()]
    out: list[tuple[int, Edit]] = []
    if not pairs:
        return out
    for k, seg in enumerate(segments):
        source, text = getattr(seg, "source", None), getattr(seg, "text", "")
        if not source or not text.strip():
            continue
        stripped = text.strip()
        a = text.find(stripped)
        for term, preferred in pairs:
            if term.casefold() in source.casefold() and preferred.casefold() not in text.casefold():
                out.append((k, Edit(a, a + len(stripped), stripped, (stripped,), "terms.missing", CATEGORY,
                                    Tier.SUGGEST, f"The source has '{term}': the termbase translates it "
                                    f"'{preferred}', which this segment does not use.", SOURCE, NAME)))
    return out
