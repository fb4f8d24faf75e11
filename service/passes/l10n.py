"""Localisation QA checks of a target against its source, as pofilter and Weblate run them; all
suggestions (category ``consistency``), never applied.

* ``l10n.placeholder-missing`` / ``l10n.placeholder-added``: printf (``%s``, ``%1$d``,
  ``%(name)s``), brace (``{count}``, ``{0}``, ``{{name}}``), ``$NAME$`` placeholders and HTML
  tags (``<b>``, ``</b>``, ``<br/>``) that the source has and the target lacks, or the reverse;
* ``l10n.end-punctuation``: the source ends a sentence (``.``, ``?``, ``!``, ``:``, ``…``, or
  their full-width forms) and the target does not, or ends with a different mark;
* ``l10n.untranslated``: a short target that is the source again (the source pass and the
  bilingual check flag the longer ones: together, segments of any length);
* ``l10n.inconsistent`` (files): one source translated in different ways in one file; the most
  frequent translation is offered.

As a pass (``find``) it runs on the paragraphs aligned with ``--source``; for bilingual files
(PO, XLIFF, TMX) :func:`file_flags` runs it on each segment and its source.
"""
from __future__ import annotations

import html
from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import Any

import regex

from service.core.model import Edit, Tier

NAME = "l10n"
SOURCE = "mtclean localisation checks (pofilter/Weblate-style, source against target)"
CATEGORY = "consistency"
MIN_UNTRANSLATED_WORDS = 4  # from this length on the source pass / bilingual check flag it
PLACEHOLDER = regex.compile(
    r"%(?:\d+\$)?[-+ 0#]*\d*(?:\.\d+)?(?:l{0,2}|h)[sdifuxXeEgGc@]|%\([\w.]+\)[sdifr]"
    r"|\{\{\s*[\w.]+\s*\}\}|\{[\w.]*\}|\$[A-Z_][A-Z0-9_]*\$|</?[A-Za-z][\w-]*(?:\s[^<>]*)?/?>")
_END = {".": ".", "。": ".", "．": ".", "?": "?", "？": "?", "!": "!", "！": "!", ":": ":", "：": ":",
        "…": "…", ";": ";", "；": ";"}
_TRAILING = regex.compile(r"(\.\.\.|[.。．?？!！:：…;；])[\"'”’)\]»]*\s*$")
_LETTERS = regex.compile(r"\p{L}")
_WORDS = regex.compile(r"[\p{L}\p{M}\d]+")


def _edit(target: str, start: int, end: int, replacement: str, rule: str, message: str) -> Edit:
    return Edit(start, end, target[start:end], (replacement,), f"l10n.{rule}", CATEGORY, Tier.SUGGEST, message,
                SOURCE, NAME)


def _whole(text: str) -> tuple[int, int]:
    stripped = text.strip()
    start = text.find(stripped) if stripped else 0
    return start, start + len(stripped)


def _norm_tag(p: str) -> str:
    if p.startswith("<"):
        m = regex.match(r"</?\s*([A-Za-z][\w-]*)", p)
        return ("</" if p.startswith("</") else "<") + (m.group(1).lower() if m else p)
    return p.replace(" ", "")


def placeholders(target: str, source: str) -> list[Edit]:
    """Placeholders and tags dropped or added."""
    theirs = Counter(_norm_tag(m.group()) for m in PLACEHOLDER.finditer(source))
    ours = [(m.start(), m.end(), _norm_tag(m.group())) for m in PLACEHOLDER.finditer(target)]
    mine = Counter(v for _, _, v in ours)
    out = []
    for p, n in (theirs - mine).items():
        a, b = _whole(target)
        out.append(_edit(target, a, b, target[a:b], "placeholder-missing",
                         f"The source has {p} {n} time(s) more than the target: a placeholder or tag was dropped."))
    extra = mine - theirs
    for a, b, v in ours:
        if extra.get(v, 0) > 0:
            extra[v] -= 1
            out.append(_edit(target, a, b, target[a:b], "placeholder-added",
                             f"{target[a:b]} is not in the source: a placeholder or tag was added or changed."))
    return out


def _end_mark(text: str) -> tuple[str, int, int] | None:
    m = _TRAILING.search(text)
    if not m:
        return None
    mark = m.group(1)
    return ("…" if mark == "..." else _END[mark]), m.start(1), m.end(1)


def end_punctuation(target: str, source: str) -> list[Edit]:
    """The sentence end of the source, missing or different in the target."""
    if not target.strip() or not source.strip():
        return []
    theirs, ours = _end_mark(source), _end_mark(target)
    if theirs is None and ours is None:
        return []
    if theirs is not None and ours is None:
        mark = theirs[0]
        _a, b = _whole(target)
        return [_edit(target, b, b, mark, "end-punctuation",
                      f"The source ends with '{mark}' and the target with no such mark; check the sentence end.")]
    if theirs is None and ours is not None:
        if ours[0] in (".", "…") and len(_WORDS.findall(target)) > 3:
            return []  # a title in the source, a sentence in English: common and fine
        return [_edit(target, ours[1], ours[2], target[ours[1]:ours[2]], "end-punctuation",
                      f"The target ends with '{ours[0]}' where the source has no end mark.")]
    assert theirs is not None and ours is not None
    if theirs[0] != ours[0] and {theirs[0], ours[0]} not in ({".", "…"}, {":", "."}):
        return [_edit(target, ours[1], ours[2], theirs[0], "end-punctuation",
                      f"The source ends with '{theirs[0]}', the target with '{ours[0]}'.")]
    return []


def untranslated(target: str, source: str) -> list[Edit]:
    """A short target that repeats the source (letters in it, not a lone placeholder or code)."""
    t, s = " ".join(target.split()), " ".join(source.split())
    if not t or t.casefold() != s.casefold() or not _LETTERS.search(PLACEHOLDER.sub("", s)):
        return []
    if len(_WORDS.findall(s)) >= MIN_UNTRANSLATED_WORDS:
        return []
    a, b = _whole(target)
    return [_edit(target, a, b, target[a:b], "untranslated",
                  "The target is the source again: it may not be translated (a name or brand may stay).")]


def check(target: str, source: str) -> list[Edit]:
    """Every per-segment check (offsets in ``target``)."""
    if not source or not source.strip() or not target.strip():
        return []
    return placeholders(target, source) + end_punctuation(target, source) + untranslated(target, source)


def find(doc: Any) -> list[Edit]:
    """The pass: the checks on each paragraph aligned with ``doc.source``."""
    if not getattr(doc, "source", None) or not doc.source_aligned:
        return []
    out: list[Edit] = []
    for para in doc.paragraphs:
        src = doc.source_of(para)
        if src is None:
            continue
        for e in check(doc.text[para.start:para.end], src.text):
            out.append(Edit(e.start + para.start, e.end + para.start, e.original, e.replacements, e.rule_id,
                            e.category, e.tier, e.message, e.source, e.pass_name))
    return out


def _visible(text: str, xml: bool) -> str:
    """The text a translator sees: for XML formats, inline XML tags (and native code) removed and
    entities resolved (an escaped ``&lt;b&gt;`` is then an HTML tag of the string)."""
    if not xml:
        return text
    return html.unescape(regex.sub(r"<(ph|bpt|ept|it|ut)\b[^>]*?(?<!/)>.*?</\1\s*>|<[^<>]+>", "", text,
                                   flags=regex.DOTALL))


def file_flags(segments: Iterable[Any], fmt: str = "") -> list[tuple[int, Edit]]:
    """``(segment index, flag)`` for the bilingual segments of a file: the per-segment checks
    and inconsistent translations of one source."""
    segs = list(segments)
    xml = fmt in ("xliff", "tmx")
    out: list[tuple[int, Edit]] = []
    by_source: dict[str, list[int]] = defaultdict(list)
    for k, seg in enumerate(segs):
        if not seg.source or not seg.source.strip():
            continue
        target = seg.text
        flags = check(target, seg.source)
        if xml:  # the target is XML: placeholders and tags compared on its visible text, flagged on the whole
            flags = [e for e in flags if not e.rule_id.startswith("l10n.placeholder")]
            found = placeholders(_visible(target, True), seg.source)
            if found:
                a, b = _whole(target)
                flags.append(_edit(target, a, b, target[a:b], found[0].rule_id.removeprefix("l10n."),
                                   found[0].message))
        out += [(k, e) for e in flags]
        if "msgstr[" not in seg.locator or "msgstr[0]" in seg.locator:  # one plural form an entry
            by_source[" ".join(seg.source.split())].append(k)
    for _src, ks in by_source.items():
        if len(ks) < 2:
            continue
        versions = Counter(" ".join(_visible(segs[k].text, xml).split()) for k in ks)
        if len(versions) < 2:
            continue
        best, _n = versions.most_common(1)[0]
        for k in ks:
            mine = " ".join(_visible(segs[k].text, xml).split())
            if mine != best:
                a, b = _whole(segs[k].text)
                others = ", ".join(repr(v) for v in versions if v != mine)
                out.append((k, _edit(segs[k].text, a, b, best, "inconsistent",
                                     f"The same source is translated differently elsewhere in this file ({others}); "
                                     "use one translation.")))
    return out
