"""Bilingual checks as a pass: what the source text (``Document.source``, paragraph-aligned with
the target) says about the translation.  Its findings are edits like every pass's, so they go
through the resolver and the re-check.

* ``source.*`` name repairs: a name the source paragraph writes is the reference for a garbled
  target name (fused with a title, stuttered, split, one letter off): ``Presidentrump`` ->
  ``President Trump`` when the source writes ``Donald Trump``.  A target word the source
  writes exactly the same is never changed.  Accents alone are no garble (``Erdoğan`` in the
  source, ``Erdogan`` in English).
* ``source.number-mismatch`` / ``source.url-mismatch`` (suggest): a number or URL of the
  source that the target lacks or gives differently.  Numbers that are months or days of a
  date written out in words ("tháng 1" -> "January") and numbers the target spells in words
  are not flagged.
* ``source.untranslated`` (suggest): a target paragraph that repeats the source, or a run of
  :data:`MIN_UNTRANSLATED_WORDS` or more source words left in the target that are not English.

Without a source, or when the source's paragraphs do not align with the text's, only the
name repairs run (against the names of the whole source).
"""
from __future__ import annotations

import unicodedata

import regex

from service.core.document import Document, Paragraph
from service.core.inventory import MAX_NAME_LEN, WORD, is_common_word, starts_sentence, zipf
from service.core.model import Edit, Tier
from service.passes.names import MIN_LEN, Ref, Repairer

NAME = "source"
SOURCE = "mtclean source check (the source text, paragraph-aligned)"
CATEGORY = "consistency"
# a number: thousands grouped by spaces ("200 000"), separators, an ordinal or decade suffix ("1930s")
NUMBER = regex.compile(
    r"(?<![\p{L}\d])(?:\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?!\d)|\d+(?:[.,:/]\d+)*)(?:st|nd|rd|th|s)?(?![\p{L}\d])")
_GROUP = regex.compile(r"\d+")
URL = regex.compile(r"(?:https?://|www\.)[^\s<>\"'“”]+[^\s<>\"'“”.,;:!?)\]]")
_TOKEN = regex.compile(r"[\p{L}\p{M}\d]+(?:['’-][\p{L}\p{M}\d]+)*")
MIN_UNTRANSLATED_WORDS = 4
_MISMATCH = ("source.number-mismatch", "source.url-mismatch")
_MONTHS = regex.compile(
    r"\b(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|"
    r"Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\b")
_NUMBER_WORDS = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
                 "fifteen sixteen seventeen eighteen nineteen twenty").split()
_TENS = {30: "thirty", 40: "forty", 50: "fifty", 60: "sixty", 70: "seventy", 80: "eighty", 90: "ninety"}


def _spelled(n: int, lowered: str) -> bool:
    """The translation writes ``n`` in words ("four", "forty"), or a 24-hour time as 12-hour."""
    word = _NUMBER_WORDS[n] if 0 <= n < len(_NUMBER_WORDS) else _TENS.get(n)
    if word and regex.search(rf"\b{word}\b", lowered):
        return True
    return 13 <= n <= 23 and bool(regex.search(rf"\b{n - 12}(?::\d\d)?\s*p\.?\s?m\b", lowered))


def _fold(s: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", s) if not unicodedata.combining(c))


def source_names(text: str) -> dict[str, str]:
    """The capitalised words of a source text that are names (capitalised inside a sentence, or
    not ordinary English words at its start), with their accents dropped too (``Erdoğan`` gives
    ``Erdoğan`` and ``Erdogan``)."""
    out: dict[str, str] = {}
    for m in WORD.finditer(text):
        w = m.group()
        if MIN_LEN - 1 <= len(w) <= MAX_NAME_LEN and (not is_common_word(w) or not starts_sentence(text, m.start())):
            out[w] = "source"
            folded = _fold(w)
            if folded != w:
                out.setdefault(folded, "source")
    return out


def _flag(doc: Document, start: int, end: int, replacement: str, rule: str, message: str,
          evidence: tuple[str, ...] = ()) -> Edit:
    return Edit(start, end, doc.text[start:end], (replacement,), f"source.{rule}", CATEGORY, Tier.SUGGEST,
                message, SOURCE, NAME, evidence)


def _names(doc: Document, refs_from: str, ranges: list[tuple[int, int]]) -> list[Edit]:
    extra = source_names(refs_from)
    if not extra:
        return []
    inv = doc.names
    refs = {w: Ref(w, inv.count(w), "source") for w in extra}
    return Repairer(doc, refs, rule_prefix="source", pass_name=NAME, source=SOURCE,
                    exonyms_too=False).find(ranges)


def _digits(s: str) -> str:
    """The digits of a number, as ASCII digits (Devanagari ०-९, Arabic-Indic ٠-٩ ... too),
    without leading zeros ("03" is 3)."""
    digits = "".join(str(unicodedata.digit(c)) for c in s if c.isdigit() and unicodedata.digit(c, None) is not None)
    return digits.lstrip("0") or ("0" if digits else "")


def _numbers(doc: Document, para: Paragraph, src: str) -> list[Edit]:
    target = para.text
    theirs = [(m.group(), _digits(m.group())) for m in NUMBER.finditer(src)]
    ours = [(para.start + m.start(), para.start + m.end(), _digits(m.group())) for m in NUMBER.finditer(target)]
    # a number is also there when each of its digit groups is: "18:06" and "18: 06", "56 , 000"
    # (a tokenized source) and "56,000", "9 thousand" and "9,000"
    our_values = {v for _, _, v in ours} | {_digits(g) for g in _GROUP.findall(target)}
    their_values = {v for _, v in theirs} | {_digits(g) for g in _GROUP.findall(src)}

    def present(raw: str, v: str, values: set[str]) -> bool:
        return v in values or all(_digits(g) in values for g in _GROUP.findall(raw))

    theirs = [(raw, v) for raw, v in theirs if not present(raw, v, our_values)]
    ours = [(a, b, v) for a, b, v in ours if not present(doc.text[a:b], v, their_values)]
    has_month = bool(_MONTHS.search(target))
    lowered = target.lower()
    extra = [(a, b) for a, b, _ in ours]
    missing: list[str] = []
    maybe_months: list[str] = []
    for raw, v in theirs:
        if not v:
            continue
        n = int(v) if len(v) < 6 else -1
        if _spelled(n, lowered):
            continue
        (maybe_months if has_month and 1 <= n <= 12 else missing).append(raw)
    # a month number ("tháng 1" -> "January") counts only against a number the target has extra
    missing += maybe_months[:max(0, len(extra) - len(missing))]
    out = []
    for raw in dict.fromkeys(missing):
        if extra:
            a, b = extra.pop(0)
            out.append(_flag(doc, a, b, raw, "number-mismatch",
                             f"The source has the number {raw} where the translation has {doc.text[a:b]}; check it.",
                             (f"source: {src[:80]}",)))
        else:
            out.append(_flag(doc, para.start, para.end, para.text, "number-mismatch",
                             f"The source has the number {raw}, which the translation does not; check it.",
                             (f"source: {src[:80]}",)))
    return out


def _urls(doc: Document, para: Paragraph, src: str) -> list[Edit]:
    def norm(u: str) -> str:
        return u.rstrip("/").lower()

    ours = {norm(m.group()): m for m in URL.finditer(para.text)}
    out = []
    theirs = [m.group() for m in URL.finditer(src)]
    extra = [m for k, m in ours.items() if k not in {norm(t) for t in theirs}]
    for raw in dict.fromkeys(t for t in theirs if norm(t) not in ours):
        if extra:
            m = extra.pop(0)
            a, b = para.start + m.start(), para.start + m.end()
            out.append(_flag(doc, a, b, raw, "url-mismatch",
                             f"The source has the URL {raw} where the translation has {m.group()}; check it."))
        else:
            out.append(_flag(doc, para.start, para.end, para.text, "url-mismatch",
                             f"The source has the URL {raw}, which the translation does not; check it."))
    return out


def _foreign(token: str) -> bool:
    """A token that is not English: not an ordinary English word and not a capitalised name."""
    return not token[:1].isupper() and not token.isdigit() and zipf(token.lower()) < 2.5


def _untranslated(doc: Document, para: Paragraph, src: str) -> list[Edit]:
    target = " ".join(para.text.split())
    source = " ".join(src.split())
    if target == source and len(_TOKEN.findall(source)) >= 3:
        return [_flag(doc, para.start, para.end, para.text, "untranslated",
                      "This paragraph is the source text again: it was not translated.")]
    src_tokens = [t.lower() for t in _TOKEN.findall(src)]
    n = MIN_UNTRANSLATED_WORDS
    grams = {tuple(src_tokens[i:i + n]) for i in range(len(src_tokens) - n + 1)}
    if not grams:
        return []
    toks = list(_TOKEN.finditer(para.text))
    low = [t.group().lower() for t in toks]
    out = []
    i = 0
    while i <= len(toks) - n:
        if tuple(low[i:i + n]) not in grams:
            i += 1
            continue
        j = i + n
        while j < len(toks) and tuple(low[j - n + 1:j + 1]) in grams:
            j += 1
        run = [t.group() for t in toks[i:j]]
        if sum(map(_foreign, run)) * 2 >= len(run):
            a, b = para.start + toks[i].start(), para.start + toks[j - 1].end()
            out.append(_flag(doc, a, b, doc.text[a:b], "untranslated",
                             f"'{doc.text[a:b]}' is source text left untranslated."))
        i = j
    return out


def find(doc: Document) -> list[Edit]:
    """The source pass's findings (none without ``doc.source``)."""
    if not doc.source or not doc.source.strip():
        return []
    edits: list[Edit] = []
    if not doc.source_aligned:
        return _names(doc, doc.source, doc.ranges())
    protected = doc.protected
    for para in doc.paragraphs:
        src = doc.source_of(para)
        if src is None:
            continue
        edits += _names(doc, src.text, [(para.start, para.end)])
        for e in _numbers(doc, para, src.text) + _urls(doc, para, src.text) + _untranslated(doc, para, src.text):
            # numbers and URLs are protected from the other passes; a mismatch with the source
            # is exactly what an editor must see there (a suggestion, never applied unasked)
            if e.rule_id in _MISMATCH or (e.start, e.end) == (para.start, para.end) or \
                    not protected.overlaps(e.start, e.end):
                edits.append(e)
    return edits
