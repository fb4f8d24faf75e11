"""Debris pass: web and caption leftovers that are not part of the text.

* stray label lines: a paragraph that is one web/caption label word (``post``, ``Advertisement``,
  ``Share``) is removed (auto); another lone lower-case word on its own line is a suggestion;
* photo captions with credits: a short paragraph with no sentence punctuation that ends in
  ``Photo: Fox`` / ``(Photo: AFP)`` / ``Image: Reuters`` / ``Ảnh: ...`` is removed (auto when
  it has no full sentence before the credit, else a suggestion);
* click-through and sharing prompts: ``Click on the image to see ...``, ``Read more: ...``,
  ``Continue reading``, ``Share this article`` sentences are removed (auto); the short
  teaser headline left beside such a prompt is suggested for removal; a cross-reference inside
  the text ("See also Interest On Unpaid Taxes, below.") is content and left alone;
* broadcast and aggregator sign-offs: ``Thank you for watching ..., please subscribe``,
  ``Don't forget to like and subscribe`` (auto when the sentence asks to subscribe, like or share);
* aggregator markers: ``[ad_1]``, ``[ad_2]``, ``[embed]...`` shortcodes (auto);
* a headline left in the source script: a short paragraph written in a non-Latin script inside
  an English text (a suggestion: it may be a quotation).
"""
from __future__ import annotations

import re
from typing import Callable

import regex

from service.core.document import Document, Paragraph
from service.core.keyscan import KeyIndex, matches_at
from service.core.model import Category, Edit, Tier

NAME = "debris"
SOURCE = "mtclean debris pass"

LABELS = frozenset(
    """post posts advertisement advertising ad ads sponsored share shares tweet tweets
    comment comments photo photos image images video videos gallery loading related
    subscribe print email menu home back next previous top reply like likes follow
    tags tag source sources caption more""".split()
)
_LONE_WORD = regex.compile(r"^[ \t]*(\p{L}+)[ \t]*$")
_CREDIT = regex.compile(
    r"(?:[(\[]\s*)?\b(?i:Photo|Photos|Image|Images|Picture|Pic|Video|Graphic|Illustration|Source|Credit|"
    r"Photo credit|Ảnh|Nguồn|Фото|Foto|Photographie)\s*:\s*"
    # the credit: one to five capitalised words or agency names (Fox, Reuters/John Smith, AFP)
    r"[\p{Lu}\d][\p{L}\d.&'’-]*(?:\s*[/,]\s*|\s+)?(?:[\p{Lu}\d][\p{L}\d.&'’-]*(?:\s*[/,]\s*|\s+)?){0,4}"
    r"(?:\s*[)\]])?\s*$",
)
# prompts about the page's own pictures and links: never part of the article text.  The
# pattern starts at the keyword (fast to find); _AT_SENTENCE_START checks what stands before.
_PROMPT = regex.compile(
    r"\b(?:(?:Click|Tap|Touch)\s+(?:on\s+)?(?:the\s+)?(?:image|photo|picture|video|icon|thumbnail|gallery)s?\b"
    r"|(?:Read more|Read also|See more|See also|Continue reading|Share this (?:article|story|post)"
    r"|Follow us on|Subscribe to our newsletter|Watch the video)\b)[^.!?\n]*[.!?…]?",
    regex.IGNORECASE,
)
# "see also ... below/above/page 12": a cross-reference of the text itself, not a web prompt
_CROSS_REFERENCE = regex.compile(r"\b(?:below|above|earlier|later|overleaf|chapter|section|page|p\.|pp\.|part|"
                                 r"appendix|table|figure|fig\.|footnote|note)\b", regex.IGNORECASE)
_SIGN_OFF = regex.compile(
    r"(?:\b(?:Thank you|Thanks)(?: (?:so|very) much)? for (?:watching|viewing|listening|reading|tuning in)\b"
    r"|\b(?:Please|Don['’]t forget to|Remember to|Be sure to) (?:like|subscribe|share|hit the (?:bell|like))\b"
    r"|\bSubscribe (?:to|for) (?:our|my|the) (?:channel|newsletter|YouTube)\b)[^.!?\n]*[.!?…]*",
    regex.IGNORECASE)
_ASKS = regex.compile(r"\b(?:subscribe|subscribing|like and share|like, share|hit the bell|channel|"
                      r"notification bell)\b", regex.IGNORECASE)
_MARKER = regex.compile(r"\[(?:ad_\d+|ads?|advert|embed|/embed|related[_ ]posts?|sc[_ ]\w+)\]", regex.IGNORECASE)
_LATIN = regex.compile(r"[\p{Latin}]")
_LETTER = regex.compile(r"\p{L}")
_NOT_LETTER = regex.compile(r"\P{L}+")
_NOT_LATIN = regex.compile(r"[^\p{Latin}]+")
_AT_SENTENCE_START = regex.compile(r"(?:^|[.!?…][\"”’)]?\s+)$")
# a sentence end: a stop followed by a capital or the end (a stop before a lower-case word is
# an MT split that the punctuation pass removes, so it must not change the decision here)
_SENTENCE_END = regex.compile(r"[.!?…][\"”’)]?(?:\s+[\p{Lu}\d\"“]|\s*$)")


# The words every _PROMPT / _SIGN_OFF match starts with (lower case): the text is searched for
# them in any case (after line breaks and stops, see _prompt_starts), and the pattern is tried
# only where one stands (a case-insensitive alternation scanned over the whole text costs ~50 ns
# a character).
_PROMPT_KEYS = ("click", "tap", "touch", "read", "see", "continue", "share", "follow", "subscribe", "watch")
_SIGN_OFF_KEYS = ("thank", "please", "don", "remember", "be sure", "subscribe")


# A prompt or sign-off is only removed at a paragraph's start or after a sentence's end
# (_AT_SENTENCE_START): so it is tried only where a key follows a line break, or a stop and
# spaces, found by a scan for each (the standard library's re skips to a literal first character
# at C speed; its \s holds every character regex's \s does, its IGNORECASE every character
# regex's matches to a key's letter): ~0.03 s per 10 MB where finding every key cost 0.11.


def _any_key() -> str:
    """The keys in any case, grouped by their first letter, behind a look-ahead for those letters
    (most line breaks and stops are rejected at the first character: 1.6x faster)."""
    keys = sorted({*_PROMPT_KEYS, *_SIGN_OFF_KEYS})
    firsts = sorted({key[0] for key in keys})
    groups = [first + "(?:" + "|".join(re.escape(k[1:]) for k in keys if k[0] == first) + ")" for first in firsts]
    return f"(?i:(?=[{''.join(firsts)}])(?:{'|'.join(groups)}))"


_KEY_AFTER = tuple(re.compile(rf"{stop}[\"”’)]?\s++({_any_key()})") for stop in (r"\.", "!", r"\?", "…")) + (
    re.compile(rf"\n\r*({_any_key()})"),)
# every key, in any case, found by one pass over a piece of text
_KEY_INDEX = KeyIndex({"prompt": _PROMPT_KEYS, "sign-off": _SIGN_OFF_KEYS}, ignore_case=True)


def _prompt_starts(text: str, lo: int, hi: int) -> list[int]:
    """Offsets in ``text[lo:hi]`` from which a scan for _PROMPT or _SIGN_OFF matches
    (:func:`matches_at`) finds every match _AT_SENTENCE_START accepts, as a scan of the whole
    range does: the keys at a paragraph's start (after a line break and carriage returns, or at
    the range's start) or after a stop and spaces.

    A match tried elsewhere could hide (by overlapping) one of those.  A match runs to the next
    . ! ? or line break (the line breaks in "Click ... on the photo" are followed by no key), so
    only one across a '…' can: for each '…', every key from the stop before it is added."""
    first = lo
    while first < hi and text[first] in "\r\n":
        first += 1
    at = {first, *(m.start(1) for pattern in _KEY_AFTER for m in pattern.finditer(text, lo, hi))}
    scanned = lo  # the keys before it are in ``at`` back to the last stop
    ellipsis = text.find("…", lo, hi)
    while ellipsis >= 0:
        stop = max(text.rfind(".", scanned, ellipsis), text.rfind("!", scanned, ellipsis),
                   text.rfind("?", scanned, ellipsis))
        for keys in _KEY_INDEX.starts(text, max(scanned, stop + 1), ellipsis).values():
            at.update(keys)
        scanned = ellipsis + 1
        ellipsis = text.find("…", scanned, hi)
    return sorted(at)


def _remove_paragraph(doc: Document, para: Paragraph) -> tuple[int, int]:
    """The span that removes a paragraph and one of the breaks around it."""
    prev, nxt = doc.neighbours(para)
    if nxt is not None:
        return para.start, nxt.start
    if prev is not None:
        return prev.end, para.end
    return para.start, para.end


def _edit(doc: Document, start: int, end: int, rule: str, tier: Tier, message: str) -> Edit:
    return Edit(start, end, doc.text[start:end], ("",), f"debris.{rule}", Category.DEBRIS.value,
                tier, message, SOURCE, NAME)


def _label_line(doc: Document, para: Paragraph) -> Edit | None:
    m = _LONE_WORD.match(para.text)
    if not m:
        return None
    word = m.group(1)
    if word.lower() not in LABELS and not word.islower():
        return None  # (asked first: the names inventory costs a count of the whole document)
    if doc.names.is_known(word):
        return None
    start, end = _remove_paragraph(doc, para)
    if word.lower() in LABELS:
        return _edit(doc, start, end, "label-line", Tier.AUTO,
                     f"A lone '{word}' line is a web page label, not part of the text.")
    if word.islower():
        return _edit(doc, start, end, "lone-word-line", Tier.SUGGEST,
                     f"A paragraph of the single word '{word}' is probably page debris.")
    return None


def _caption(doc: Document, para: Paragraph) -> Edit | None:
    if len(para.text) > 400 or ":" not in para.text:
        return None
    m = _CREDIT.search(para.text)
    if not m or len(para.text.split()) > 40:
        return None
    before = para.text[:m.start()]
    start, end = _remove_paragraph(doc, para)
    if not _SENTENCE_END.search(before) and "\n" not in para.text:
        return _edit(doc, start, end, "photo-caption", Tier.AUTO,
                     f"A caption with a credit ('{m.group().strip()}') is page debris, not text.")
    return _edit(doc, start, end, "photo-caption", Tier.SUGGEST,
                 f"This paragraph ends with a picture credit ('{m.group().strip()}'); it may be a caption.")


def _prompt(doc: Document, m: regex.Match[str]) -> list[Edit]:
    para = doc.paragraph_at(m.start())
    s, e = m.start(), m.end()
    if para is None or doc.protected.overlaps(s, e):
        return []
    if not _AT_SENTENCE_START.search(doc.text[max(para.start, s - 5):s]):
        return []
    if m.group().lower().startswith(("see also", "read also", "see more")) and _CROSS_REFERENCE.search(m.group()):
        return []  # "See also Interest On Unpaid Taxes, below.": the text refers to itself
    lead = doc.text[para.start:s].rstrip()
    message = f"'{m.group().strip()}' is a web page prompt, not part of the text."
    if not lead:
        if e < para.end:
            return []  # a prompt starting a paragraph that goes on: leave it to a person
        start, end = _remove_paragraph(doc, para)
        return [_edit(doc, start, end, "click-prompt", Tier.SUGGEST,
                      message + " (a paragraph of its own: check it is not real instructions)")]
    edits = [_edit(doc, para.start + len(lead), e, "click-prompt", Tier.AUTO, message)]
    if len(lead.split()) <= 12 and _SENTENCE_END.search(lead) and e >= para.end:
        edits.append(_edit(doc, para.start, para.start + len(lead), "teaser-headline", Tier.SUGGEST,
                           "A short line beside a click-through prompt is a link to another article."))
    return edits


def _sign_off(doc: Document, m: regex.Match[str]) -> Edit | None:
    """A broadcast/aggregator sign-off sentence ("Thank you for watching. Please subscribe.")."""
    para = doc.paragraph_at(m.start())
    s, e = m.start(), m.end()
    if para is None or doc.protected.overlaps(s, e):
        return None
    if not _AT_SENTENCE_START.search(doc.text[max(para.start, s - 5):s]):
        return None
    # the rest of the paragraph, when it is more sign-off ("Please subscribe and share.")
    rest = doc.text[e:para.end]
    while True:
        nxt = _SIGN_OFF.match(rest.lstrip())
        if not nxt:
            break
        e += len(rest) - len(rest.lstrip()) + nxt.end()
        rest = doc.text[e:para.end]
    text = doc.text[s:e]
    lead = doc.text[para.start:s].strip()
    if not lead and not rest.strip():
        s, e = _remove_paragraph(doc, para)
    elif lead:
        s = para.start + len(doc.text[para.start:s].rstrip())
    else:
        e += len(rest) - len(rest.lstrip())
    tier = Tier.AUTO if _ASKS.search(text) else Tier.SUGGEST
    return _edit(doc, s, e, "sign-off", tier, f"'{text.strip()}' is a broadcast or aggregator sign-off, "
                 "not part of the text.")


def _marker(doc: Document, m: regex.Match[str]) -> Edit | None:
    """An aggregator marker such as ``[ad_1]``, with the spaces or the line it leaves."""
    s, e = m.start(), m.end()
    para = doc.paragraph_at(s)
    if para is not None and doc.text[para.start:para.end].strip() == m.group():
        s, e = _remove_paragraph(doc, para)
    elif s > 0 and doc.text[s - 1] == " ":
        s -= 1
    elif e < len(doc.text) and doc.text[e] == " ":
        e += 1
    return _edit(doc, s, e, "aggregator-marker", Tier.AUTO, f"'{m.group()}' is an ad or embed marker of the "
                 "page the text was copied from.")


def _source_script_headline(doc: Document, para: Paragraph, latin_share: Callable[[], float]) -> Edit | None:
    """A short paragraph in a non-Latin script in an English text: a headline left untranslated.
    ``latin_share()``: the document's share of Latin letters, asked for only when the paragraph
    itself qualifies (it costs a scan of the document)."""
    if len(para.text) > 200 or para.text.rstrip()[-1:] in ".!?…。！？»”\"":
        return None  # a headline has no closing stop; a quoted sentence or proverb has one
    letters = _LETTER.findall(para.text)
    if len(letters) < 2 or _LATIN.search(para.text) and len(_LATIN.findall(para.text)) > len(letters) / 5:
        return None
    if latin_share() < 0.8:
        return None
    start, end = _remove_paragraph(doc, para)
    return _edit(doc, start, end, "source-script-line", Tier.SUGGEST,
                 "A short paragraph in the source language's script inside English text: probably the "
                 "original headline left by the translation.")


_NON_ASCII_RUN = regex.compile(r"[^\x00-\x7f]+")
_ASCII_NOT_LETTERS = bytes(c for c in range(128) if not chr(c).isalpha())


def _latin_share(doc: Document) -> float:
    sample = doc.text if len(doc.text) < 200_000 else doc.text[:100_000] + doc.text[-100_000:]
    # The ASCII letters (all Latin) are counted at C speed (the ASCII bytes, less the others);
    # the rest by deleting, from the non-ASCII characters, what is not a letter / not Latin (a
    # regex over the whole sample cost 7 ms per 100 KB)
    ascii_letters = len(sample.encode("ascii", "ignore").translate(None, _ASCII_NOT_LETTERS))
    rest = "".join(_NON_ASCII_RUN.findall(sample))
    letters = ascii_letters + len(_NOT_LETTER.sub("", rest))
    return (ascii_letters + len(_NOT_LATIN.sub("", rest))) / letters if letters else 0.0


# The checks of a whole paragraph fire only on a paragraph that is one line of one word
# (_label_line), holds a colon (_caption) or a letter of another script than Latin
# (_source_script_headline): those paragraphs are found by scans of the text, and only they are
# checked (one Python call per paragraph cost 0.25 s per 10 MB of one-sentence paragraphs).
# A lone-word line after a line break, or at the start of the text (any non-ASCII character
# stands in for a letter: the standard library's re, at C speed, ~5x faster than regex here)
_LONE_LINE = re.compile(r"\n[\r \t]*+([^\x00-\x40\x5b-\x60\x7b-\x7f]++)[ \t\r]*+(?=\n|\Z)")
_LONE_FIRST = re.compile(r"[\r\n \t]*+([^\x00-\x40\x5b-\x60\x7b-\x7f]++)[ \t\r]*+(?=\n|\Z)")
# a character that may be a letter of another script than Latin: anything but ASCII, the Latin
# blocks (but the micro sign, a Greek letter) and general punctuation (a test checks that no
# letter outside Latin is in them)
_MAYBE_OTHER_SCRIPT = regex.compile(r"[^\x00-\xb4\xb6-\u024f\u1e00-\u1eff\u2000-\u206f]")


def _candidates(doc: Document) -> list[Paragraph]:
    """The paragraphs of the whole text that a check of a whole paragraph may flag, in order:
    every paragraph that is one line of one word, holds a colon or holds a letter that may be
    of another script than Latin."""
    text = doc.text
    found: dict[int, Paragraph] = {}

    def add(offset: int) -> Paragraph | None:
        para = doc.paragraph_at(offset)
        if para is not None:
            found[para.start] = para
        return para

    first = _LONE_FIRST.match(text)
    if first:
        add(first.start(1))
    for m in _LONE_LINE.finditer(text):
        add(m.start(1))
    i = text.find(":")
    while i >= 0:  # one look-up per paragraph with a colon
        para = add(i)
        i = text.find(":", max(i, para.end if para else i) + 1)
    taken = -1  # the end of the last paragraph taken for its script
    for run in _NON_ASCII_RUN.finditer(text):  # (a scan for a class of ASCII ranges is fast)
        if run.start() > taken:
            other = _MAYBE_OTHER_SCRIPT.search(text, run.start(), run.end())
            if other is not None:
                para = add(other.start())
                taken = para.end if para is not None else taken
    return [found[k] for k in sorted(found)]


def find(doc: Document) -> list[Edit]:
    """Every debris edit in ``doc``."""
    edits: list[Edit] = []
    whole_paragraph: set[int] = set()
    share: list[float] = []

    def latin_share() -> float:
        if not share:
            share.append(_latin_share(doc))
        return share[0]

    for para in (doc.paragraphs if doc.focus is not None else _candidates(doc)):
        edit = _label_line(doc, para) or _caption(doc, para)
        if edit is None and not para.text.isascii():
            edit = _source_script_headline(doc, para, latin_share)
        if edit:
            edits.append(edit)
            whole_paragraph.add(para.start)
    for lo, hi in doc.ranges():
        starts = _prompt_starts(doc.text, lo, hi)
        for m in matches_at(_PROMPT, doc.text, starts, hi):
            at = doc.paragraph_at(m.start())
            if at is not None and at.start not in whole_paragraph:
                edits.extend(_prompt(doc, m))
        for m in matches_at(_SIGN_OFF, doc.text, starts, hi):
            at = doc.paragraph_at(m.start())
            if at is not None and at.start not in whole_paragraph:
                edit = _sign_off(doc, m)
                if edit is not None:
                    edits.append(edit)
        if doc.text.find("[", lo, hi) >= 0:
            for m in _MARKER.finditer(doc.text, lo, hi):
                if not doc.protected.overlaps(m.start(), m.end()):
                    edit = _marker(doc, m)
                    if edit is not None:
                        edits.append(edit)
    return edits
