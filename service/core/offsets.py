"""Code-point <-> UTF-16 offset conversion (JSON clients and LanguageTool count UTF-16 units)."""
from __future__ import annotations

import bisect

import regex

_ASTRAL = regex.compile(r"[\U00010000-\U0010FFFF]")


class Utf16Index:
    """Converts offsets in one text between code points and UTF-16 code units."""

    def __init__(self, text: str):
        self._astral = [m.start() for m in _ASTRAL.finditer(text)]
        # UTF-16 offset of each astral character
        self._astral16 = [p + i for i, p in enumerate(self._astral)]

    def to_utf16(self, cp: int) -> int:
        """UTF-16 offset of code-point offset ``cp``."""
        return cp + bisect.bisect_left(self._astral, cp)

    def to_codepoint(self, u16: int) -> int:
        """Code-point offset of UTF-16 offset ``u16`` (an offset inside a surrogate pair
        rounds down to the character)."""
        n = bisect.bisect_right(self._astral16, u16 - 1)
        # each astral char before contributes one extra unit
        return u16 - n


class LineIndex:
    """1-based line and column of code-point offsets in one text (built once, O(log n) a query)."""

    def __init__(self, text: str):
        self._starts = [0] + [m.end() for m in regex.finditer("\n", text)]

    def line_col(self, offset: int) -> tuple[int, int]:
        """1-based line and column of ``offset``."""
        k = bisect.bisect_right(self._starts, offset) - 1
        return k + 1, offset - self._starts[k] + 1
