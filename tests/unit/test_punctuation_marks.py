"""The punctuation pass tries its patterns only at the marks one scan finds: the same matches as
a scan of the whole text (issue 12)."""
from __future__ import annotations

import random

import pytest

from service.core.keyscan import matches_at
from service.passes import punctuation

PIECES = ["a", "b", "B", "é", "ж", "Ж", "ǅ", "ß", "1", "٣", "_", " ", "  ", "\t", "\n", "\u00a0", ".", ",", ";", ":",
          "!", "?", "..", "...", ",,", ",,,", ". .", "(", ")", "[", "]", "\"", "”", "’", "'", "-", "…", "«", "»",
          "word", "Mr", "etc", "x. y", "K.H", "e.g", "al-", "the"]
RULES = [("split", punctuation._SPLIT_STOP), ("space", punctuation._SPACE_BEFORE),
         ("bracket", punctuation._BRACKET_SPACE), ("double", punctuation._DOUBLE_MARK),
         ("comma", punctuation._NO_SPACE_AFTER_COMMA)]


def _spans(m) -> tuple:  # type: ignore[no-untyped-def]
    return m.span(), tuple(m.span(g) for g in range(1, (m.lastindex or 0) + 1)), m.groupdict()


@pytest.mark.parametrize("seed", range(4))
def test_marks_hold_every_match_start(seed: int) -> None:
    rnd = random.Random(seed)
    found = dict.fromkeys((name for name, _ in RULES), 0)
    for _ in range(3000):
        text = "".join(rnd.choice(PIECES) for _ in range(rnd.randint(0, 30)))
        at = punctuation._marks(text)
        for name, pattern in RULES:
            full = [_spans(m) for m in pattern.finditer(text)]
            assert [_spans(m) for m in matches_at(pattern, text, at[name], len(text))] == full, (name, text)
            found[name] += len(full)
    assert all(found.values()), found  # every rule matched somewhere
