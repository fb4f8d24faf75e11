"""What the source text of a bilingual file (PO, XLIFF) tells about its target.

* names: a capitalised word of a segment's source that is not an ordinary English word and
  that its target uses, or damages (a fused, stuttered or split form), is added to the file's
  glossary, so the names pass repairs the target to the source spelling;
* numbers and URLs: one in the source but missing or different in the target is flagged
  (``bilingual.number-mismatch``, ``bilingual.url-mismatch``);
* an untranslated target (the source again, more than a couple of words) is flagged
  (``bilingual.untranslated``).

Flags are suggestions (category ``consistency``), never applied.  Nothing is flagged from the
source side of a segment that has no source.
"""
from __future__ import annotations

import html

import regex
from rapidfuzz import fuzz

from service.core.inventory import WORD, is_common_word
from service.core.model import Edit, Tier
from service.formats import Segment
from service.passes.names import collapse_stutter

SOURCE = "mtclean bilingual check (source text of the file)"
CATEGORY = "consistency"
_NUMBER = regex.compile(r"(?<![\p{L}\d])\d+(?:[.,:/]\d+)*(?:st|nd|rd|th)?(?![\p{L}\d])")
_URL = regex.compile(r"(?:https?://|www\.)[^\s<>\"'“”]+[^\s<>\"'“”.,;:!?)\]]")
_WORDS = regex.compile(r"[\p{L}\p{M}\d]+")
MIN_UNTRANSLATED_WORDS = 3
NAME_SIMILARITY = 80.0


def _visible(seg: Segment) -> str:
    """The segment's text with markup blanked out (same length, so offsets hold)."""
    text = seg.text
    if not seg.protected:
        return text
    chars = list(text)
    for a, b in seg.protected:
        chars[a:b] = " " * (b - a)
    return "".join(chars)


def _plain(seg: Segment) -> str:
    """The segment's text with tags removed and entities resolved (for comparison)."""
    out, pos = [], 0
    for a, b in seg.protected:
        out.append(seg.text[pos:a])
        piece = seg.text[a:b]
        if piece.startswith("&") and piece.endswith(";"):
            out.append(html.unescape(piece))
        pos = b
    out.append(seg.text[pos:])
    return "".join(out)


def source_names(segments: list[Segment]) -> frozenset[str]:
    """Names of the sources that the targets use or damage."""
    names: set[str] = set()
    for seg in segments:
        if not seg.source:
            continue
        target_words = {m.group() for m in WORD.finditer(_visible(seg))}
        for m in WORD.finditer(seg.source):
            word = m.group()
            if len(word) < 3 or is_common_word(word) or word in names:
                continue
            if word in target_words or any(
                    len(w) >= 3 and fuzz.partial_ratio(word.lower(), collapse_stutter(w).lower()) >= NAME_SIMILARITY
                    for w in target_words):
                names.add(word)
    return frozenset(names)


def _flag(seg: Segment, start: int, end: int, replacement: str, rule: str, message: str) -> Edit:
    return Edit(start, end, seg.text[start:end], (replacement,), f"bilingual.{rule}", CATEGORY,
                Tier.SUGGEST, message, SOURCE, "bilingual")


def _whole(seg: Segment) -> tuple[int, int]:
    stripped = seg.text.strip()
    start = seg.text.find(stripped) if stripped else 0
    return start, start + len(stripped)


def _mismatches(seg: Segment, pattern: "regex.Pattern[str]", norm, rule: str, what: str) -> list[Edit]:
    source = seg.source or ""
    visible = _visible(seg)
    theirs = [(m.group(), norm(m.group())) for m in pattern.finditer(source)]
    ours = [(m.start(), m.end(), norm(m.group())) for m in pattern.finditer(visible)]
    our_values = {v for _, _, v in ours}
    their_values = {v for _, v in theirs}
    missing = [raw for raw, v in theirs if v not in our_values]
    extra = [(a, b) for a, b, v in ours if v not in their_values]
    out = []
    for raw in dict.fromkeys(missing):
        if extra:
            a, b = extra.pop(0)
            out.append(_flag(seg, a, b, raw, rule,
                             f"The source has the {what} {raw} where the target has {seg.text[a:b]}; check it."))
        else:
            a, b = _whole(seg)
            out.append(_flag(seg, a, b, seg.text[a:b], rule,
                             f"The source has the {what} {raw}, which the target does not; check it."))
    return out


def _digits(s: str) -> str:
    return regex.sub(r"\D", "", s)


def flags(seg: Segment) -> list[Edit]:
    """The consistency flags of one segment (offsets in ``seg.text``); none without a source."""
    if not seg.source or not seg.source.strip():
        return []
    out = _mismatches(seg, _NUMBER, _digits, "number-mismatch", "number")
    out += _mismatches(seg, _URL, lambda u: u.rstrip("/").lower(), "url-mismatch", "URL")
    target = " ".join(_plain(seg).split())
    source = " ".join(seg.source.split())
    if target == source and len(_WORDS.findall(source)) >= MIN_UNTRANSLATED_WORDS:
        a, b = _whole(seg)
        out.append(_flag(seg, a, b, seg.text[a:b], "untranslated",
                         "The target is the source text again: it was not translated."))
    return out
