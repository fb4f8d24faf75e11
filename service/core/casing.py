"""Carry the case of matched text over to its replacement (after codespell's ``fix_case``)."""
from __future__ import annotations


def fix_case(matched: str, replacement: str) -> str:
    """Give ``replacement`` the case pattern of ``matched``.

    All-caps matches (two or more letters) give an all-caps replacement; a match starting with
    a capital gives a replacement starting with a capital; otherwise the replacement is used
    as written, so capitals it carries itself ("Swiss") stay.
    """
    letters = [c for c in matched if c.isalpha()]
    if len(letters) >= 2 and all(c.isupper() for c in letters):
        return replacement.upper()
    if matched[:1].isupper() and replacement[:1].islower():
        return replacement[:1].upper() + replacement[1:]
    return replacement
