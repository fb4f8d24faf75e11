"""The document's own inventory of names: which capitalised words and name sequences it uses,
and how often.  A name used consistently (two or more times, or listed in the glossary) is
never changed by any pass; the names pass repairs damaged forms toward it.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

import regex
from wordfreq import zipf_frequency

# a capitalised word (letters only, so "Soleimani's" gives "Soleimani")
WORD = regex.compile(r"(?<![\p{L}\p{M}\d_])\p{Lu}[\p{Ll}\p{M}]*(?:\p{Lu}[\p{Ll}\p{M}]+)*(?![\p{L}\p{M}\d_])")

COMMON_ZIPF = 3.0  # a word at least this frequent in English is an ordinary word


@lru_cache(maxsize=200_000)
def zipf(word: str) -> float:
    """English Zipf frequency of ``word`` (wordfreq), 0 for unknown words."""
    return zipf_frequency(word, "en")


def is_common_word(word: str, threshold: float = COMMON_ZIPF) -> bool:
    """True for an ordinary English word (by wordfreq), whatever its case."""
    return zipf(word.lower()) >= threshold


@dataclass
class NameInventory:
    """Counts of the capitalised words and capitalised pairs in one text, plus glossary names."""

    words: Counter[str] = field(default_factory=Counter)
    pairs: Counter[tuple[str, str]] = field(default_factory=Counter)
    glossary: frozenset[str] = frozenset()

    @classmethod
    def build(cls, text: str, glossary: frozenset[str] = frozenset()) -> "NameInventory":
        """Count the names in ``text``; glossary entries (single or multi-word) are added."""
        matches = [(m.start(), m.end(), m.group()) for m in WORD.finditer(text)]
        words = Counter(w for _s, _e, w in matches)
        # a pair: two capitalised words of 2+ letters with one space between them
        pairs = Counter(
            (a[2], b[2]) for a, b in zip(matches, matches[1:])
            if b[0] == a[1] + 1 and text[a[1]] == " " and len(a[2]) > 1 and len(b[2]) > 1
        )
        gloss_words = frozenset(w for name in glossary for w in regex.findall(r"[\p{L}\p{M}]+", name))
        return cls(words=words, pairs=pairs, glossary=frozenset(glossary) | gloss_words)

    def count(self, word: str) -> int:
        """How often the document uses ``word`` capitalised."""
        return self.words.get(word, 0)

    def is_known(self, word: str) -> bool:
        """A name the document uses consistently (2+ times) or the glossary lists."""
        return word in self.glossary or self.words.get(word, 0) >= 2

    def known_names(self) -> set[str]:
        """Every consistently used capitalised word that is not an ordinary English word,
        plus the glossary."""
        names = {w for w, n in self.words.items() if n >= 2 and not is_common_word(w)}
        return names | set(self.glossary)

    def after_title(self, title: str) -> Counter[str]:
        """The names that follow ``title`` in the document ("General" -> {"Soleimani": 5})."""
        return Counter({b: n for (a, b), n in self.pairs.items() if a == title})
