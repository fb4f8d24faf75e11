"""Carry the case of matched text over to its replacement (after codespell's ``fix_case``)."""
from __future__ import annotations


def fix_case(matched: str, replacement: str, sentence_start: bool = True) -> str:
    """Give ``replacement`` the case pattern of ``matched``.

    All-caps matches (two or more letters) give an all-caps replacement; a match starting with
    a capital gives a replacement starting with a capital when it starts a sentence (with
    ``sentence_start=False``, a capital inside a sentence belongs to a name, and the
    replacement keeps the case it is written in); otherwise the replacement is used as
    written, so capitals it carries itself ("Swiss") stay.
    """
    letters = [c for c in matched if c.isalpha()]
    if len(letters) >= 2 and all(c.isupper() for c in letters):
        return replacement.upper()
    if sentence_start and matched[:1].isupper() and replacement[:1].islower():
        return replacement[:1].upper() + replacement[1:]
    return replacement


_OPENERS = "\"'“‘«([{*-–—•"


def starts_sentence(text: str, start: int, floor: int = 0) -> bool:
    """True when ``text[start:]`` begins a sentence: nothing but spaces and opening quotes or
    brackets between it and the start of the paragraph (``floor``), a line break, or the end
    of a sentence (. ! ? … :)."""
    i = start - 1
    quoted = False
    while i >= floor and (text[i] in " \t\u00a0" or text[i] in _OPENERS):
        if text[i] in "-–—" and i > floor and text[i - 1] not in " \t\n":
            return False  # a hyphenated word, not a dash
        quoted = quoted or text[i] in "\"“‘«"
        i -= 1
    return quoted or i < floor or text[i] in ".!?…:\n\r"
