"""Debris pass: web and caption leftovers that are not part of the text.

* stray label lines: a paragraph that is one web/caption label word (``post``, ``Advertisement``,
  ``Share``) is removed (auto); another lone lower-case word on its own line is a suggestion;
* photo captions with credits: a short paragraph with no sentence punctuation that ends in
  ``Photo: Fox`` / ``(Photo: AFP)`` / ``Image: Reuters`` / ``Ảnh: ...`` is removed (auto when
  it has no full sentence before the credit, else a suggestion);
* click-through and sharing prompts: ``Click on the image to see ...``, ``Read more: ...``,
  ``Continue reading``, ``Share this article`` sentences are removed (auto); the short
  teaser headline left beside such a prompt is suggested for removal.
"""
from __future__ import annotations

import regex

from ..document import Document, Paragraph
from ..model import Category, Edit, Tier

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
_AFTER_SENTENCE = r"(?:(?<=^)|(?<=[.!?…][\"”’)]?\s+))"
# prompts about the page's own pictures and links: never part of the article text
_PROMPT = regex.compile(
    _AFTER_SENTENCE
    + r"(?:Click|Tap|Touch)\s+(?:on\s+)?(?:the\s+)?(?:image|photo|picture|video|icon|thumbnail|gallery)s?\b[^.!?\n]*[.!?…]?"
    + r"|" + _AFTER_SENTENCE
    + r"(?:Read more|Read also|See more|See also|Continue reading|Share this (?:article|story|post)"
    r"|Follow us on|Subscribe to our newsletter|Watch the video)\b[^.!?\n]*[.!?…]?",
    regex.IGNORECASE | regex.MULTILINE,
)
# a sentence end: a stop followed by a capital or the end (a stop before a lower-case word is
# an MT split that the punctuation pass removes, so it must not change the decision here)
_SENTENCE_END = regex.compile(r"[.!?…][\"”’)]?(?:\s+[\p{Lu}\d\"“]|\s*$)")


def _remove_paragraph(doc: Document, para: Paragraph) -> tuple[int, int]:
    """The span that removes a paragraph and one of the breaks around it."""
    text = doc.text
    nxt = next((p for p in doc.paragraphs if p.start > para.start), None)
    if nxt is not None:
        return para.start, nxt.start
    prev = [p for p in doc.paragraphs if p.end < para.start]
    if prev:
        return prev[-1].end, para.end
    return para.start, para.end


def _edit(doc: Document, start: int, end: int, rule: str, tier: Tier, message: str) -> Edit:
    return Edit(start, end, doc.text[start:end], ("",), f"debris.{rule}", Category.DEBRIS.value,
                tier, message, SOURCE, NAME)


def _label_line(doc: Document, para: Paragraph) -> Edit | None:
    m = _LONE_WORD.match(para.text)
    if not m:
        return None
    word = m.group(1)
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


def _prompts(doc: Document, para: Paragraph) -> list[Edit]:
    edits: list[Edit] = []
    for m in _PROMPT.finditer(para.text):
        s, e = para.start + m.start(), para.start + m.end()
        if doc.protected.overlaps(s, e):
            continue
        lead = doc.text[para.start:s]
        trailing = lead.rstrip()
        if trailing:  # remove the space before the prompt sentence too
            s = para.start + len(trailing)
        elif e < para.end:
            continue  # a prompt starting a paragraph that goes on: leave it to a person
        edits.append(_edit(doc, s, e, "click-prompt", Tier.AUTO,
                           f"'{m.group().strip()}' is a web page prompt, not part of the text."))
        rest = trailing
        if rest and len(rest.split()) <= 12 and _SENTENCE_END.search(rest + " ") and e >= para.end:
            edits.append(_edit(doc, para.start, s, "teaser-headline", Tier.SUGGEST,
                               "A short line beside a click-through prompt is a link to another article."))
        if not trailing and e >= para.end:
            start, end = _remove_paragraph(doc, para)
            edits[-1] = _edit(doc, start, end, "click-prompt", Tier.SUGGEST,
                              edits[-1].message + " (a paragraph of its own: check it is not real instructions)")
    return edits


def find(doc: Document) -> list[Edit]:
    """Every debris edit in ``doc``."""
    edits: list[Edit] = []
    for para in doc.paragraphs:
        edit = _label_line(doc, para) or _caption(doc, para)
        if edit:
            edits.append(edit)
            continue
        edits.extend(_prompts(doc, para))
    return edits
