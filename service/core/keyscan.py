"""Pattern matches tried only where one of their first characters stands.

A pattern whose every match starts with one of a few literal keys ("{%$<[" of placeholders, the
first words of prompts) costs a scan of the whole text with ``finditer`` (a few ns a character);
finding the keys with ``str.find`` and matching there gives the same matches for much less.
Many keys (the words prompts start with) are found in one pass by :class:`KeyIndex` (an
Aho-Corasick automaton) instead of one ``str.find`` pass each."""
from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from itertools import product
from typing import TYPE_CHECKING

import ahocorasick

if TYPE_CHECKING:
    import regex


def keyed_finditer(pattern: "regex.Pattern[str]", keys: Iterable[str], text: str, lo: int, hi: int,
                   haystack: str | None = None) -> Iterator["regex.Match[str]"]:
    """``pattern.finditer(text, lo, hi)`` for a pattern whose matches all start with one of
    ``keys``: the same matches, tried only where a key stands.  The keys are looked for in
    ``haystack`` (default ``text``): a lowered copy of the same length for case-insensitive keys."""
    where = text if haystack is None else haystack
    starts: set[int] = set()
    for key in keys:
        i = where.find(key, lo, hi)
        while i >= 0:
            starts.add(i)
            i = where.find(key, i + 1, hi)
    return matches_at(pattern, text, sorted(starts), hi)


def matches_at(pattern: "regex.Pattern[str]", text: str, starts: Iterable[int], hi: int) -> Iterator["regex.Match[str]"]:
    """The matches ``pattern.finditer`` finds in ``text[:hi]`` when every match starts at one of
    ``starts`` (sorted): tried there, in order, each after the end of the one before."""
    done = 0
    for i in starts:
        if i < done:
            continue
        m = pattern.match(text, i, hi)
        if m is not None:
            yield m
            done = max(m.end(), i + 1)


# what ``regex`` with IGNORECASE (simple case folding) matches to an ASCII letter besides its two
# cases: the dotted capital I, the Kelvin sign and the long s (a test checks every character)
_OTHER_CASES = {"i": "\u0130", "k": "\u212a", "s": "\u017f"}


def case_variants(key: str) -> list[str]:
    """Every text an IGNORECASE pattern matches to the ASCII ``key``, in any case."""
    def cases(c: str) -> list[str]:
        return sorted({c.lower(), c.upper(), *_OTHER_CASES.get(c.lower(), "")}) if c.isalpha() else [c]
    return ["".join(combo) for combo in product(*map(cases, key))]


class KeyIndex:
    """Where the keys of several groups stand, found in one pass over the text (an
    Aho-Corasick automaton, built on first use).

    ``groups``: a name for each list of keys (the first words of one pattern's matches);
    ``ignore_case``: the keys are ASCII, found in any case as IGNORECASE matches them (a few
    thousand spellings in the automaton, rather than a lowered copy of the text)."""

    def __init__(self, groups: Mapping[str, Iterable[str]], ignore_case: bool = False):
        self.groups = {name: tuple(keys) for name, keys in groups.items()}
        self.ignore_case = ignore_case
        self._automaton: ahocorasick.Automaton | None = None

    def _build(self) -> ahocorasick.Automaton:
        owners: dict[str, set[str]] = {}
        for name, keys in self.groups.items():
            for key in keys:
                for spelling in case_variants(key) if self.ignore_case else [key]:
                    owners.setdefault(spelling, set()).add(name)
        automaton = ahocorasick.Automaton()
        for spelling, names in owners.items():
            automaton.add_word(spelling, (len(spelling) - 1, tuple(sorted(names))))
        automaton.make_automaton()
        return automaton

    def starts(self, text: str, lo: int, hi: int) -> dict[str, list[int]]:
        """For each group, the sorted offsets in ``text[lo:hi]`` where one of its keys stands
        (the whole key inside the range), as ``str.find`` of each spelling would give them."""
        if self._automaton is None:
            self._automaton = self._build()
        found: dict[str, set[int]] = {name: set() for name in self.groups}
        for end, (back, names) in self._automaton.iter(text, lo, hi):
            for name in names:
                found[name].add(end - back)
        return {name: sorted(at) for name, at in found.items()}
