"""The phrase pass's pre-filter (issue 12) never drops a real match.

Before a phrase's regex runs around an anchor hit, the matcher asks whether the strings every
match must hold (Phrase.needs) are within Phrase.width of the hit in its folded copy of the
text.  These tests check the compile-time claims on every built-in rule's examples (and the
examples upper-cased, re-spaced, with curly apostrophes, 'ſ', 'ı', 'İ' and the Kelvin sign),
that the character folding it relies on is the regex engine's, and that the matcher finds the
same edits with and without the pre-filter.
"""
from __future__ import annotations

import random
import sys

import pytest
import regex

from service.core.document import Document
from service.passes.phrases import PhraseMatcher, _Normalised
from service.rulesets.loader import load_rules
from service.rulesets.phrase import (
    FILTER_FOLD,
    FOLDED_SPACES,
    KEPT_SPACES,
    _filter_char,
    _foldable,
    fold_char,
    pattern_needs,
)
from tests.random_texts import random_text

ALL_CHARS = "".join(chr(i) for i in range(sys.maxunicode + 1) if not 0xD800 <= i < 0xE000)


@pytest.fixture(scope="module")
def rules():
    return load_rules()


def _variants(text: str) -> list[str]:
    """The text as written and as MT output or odd typing may have it."""
    return [
        text,
        text.upper(),
        text.title(),
        text.replace(" ", "  "),
        text.replace(" ", "\n"),
        text.replace(" ", " \xa0\t"),
        text.replace(" ", "\u2009"),
        text.replace("'", "’"),
        text.replace("s", "ſ").replace("S", "ſ"),
        text.upper().replace("I", "ı"),
        text.replace("i", "İ"),
        text.replace("k", "\u212a"),
        text.replace(" ", "\u2028"),
    ]


def _examples(rule) -> list[str]:
    return [t for ex in rule.examples for t in (ex.bad, ex.fix, ex.ok) if t]


def test_fold_char_is_the_matchers_folding_of_every_character() -> None:
    # one character between digits (no case context: 'Σ' is not final), in one text
    text = "0" + "0".join(ALL_CHARS) + "0"
    folded = _Normalised(text).text
    assert len(folded) == len(text)
    mismatched = [c for i, c in enumerate(ALL_CHARS) if folded[2 * i + 1] != fold_char(c)]
    assert mismatched == []


def test_every_regex_space_is_folded_or_turns_the_prefilter_off() -> None:
    # Phrase.width counts each \s+ of a match as one character of the folded text
    spaces = {m.group() for m in regex.finditer(r"\s", ALL_CHARS, flags=regex.V0)}
    assert " " in spaces and spaces <= set(FOLDED_SPACES) | set(KEPT_SPACES) | {" "}
    assert all(fold_char(c) == " " for c in FOLDED_SPACES)


def test_a_foldable_character_matches_only_characters_that_fold_to_it(rules) -> None:
    chars = {c for c in map(chr, range(32, 0x250))}
    chars |= {c for rule in rules for p in rule.phrases for clause in p.needs for lit in clause for c in lit}
    checked = 0
    for c in sorted(chars):
        if not _foldable(c):
            continue
        checked += 1
        pat = regex.compile(regex.escape(c), regex.IGNORECASE | regex.V0)
        wrong = [m.group() for m in pat.finditer(ALL_CHARS) if _filter_char(m.group()) != _filter_char(c)]
        assert wrong == [], c
    assert checked > 100
    # the odd cases the filter's copy of the text spells plainly
    assert _foldable("s") and _foldable("k") and _foldable("I") and not _foldable("\u2028")
    assert FILTER_FOLD["\u017f"] == "s"


def test_every_match_of_every_rule_holds_its_needs_within_its_width(rules) -> None:
    checked_needs = checked_width = 0
    for rule in rules:
        for phrase in rule.phrases:
            if phrase.literal or not (phrase.needs or phrase.width):
                continue
            pat = regex.compile(phrase.source, phrase.flags | regex.V0)
            for example in _examples(rule):
                for text in _variants(example):
                    for m in pat.finditer(text, overlapped=True):
                        if not m.group():
                            continue
                        norm = _Normalised(m.group())
                        held = norm.filter_text
                        if held is None:  # the matcher does not filter such a text
                            continue
                        for clause in phrase.needs:
                            assert any(lit in held for lit in clause), (rule.id, text, m.group(), clause)
                            checked_needs += 1
                        if phrase.width and not any(c in KEPT_SPACES for c in m.group()):
                            assert len(norm.text) <= phrase.width, (rule.id, m.group(), phrase.width)
                            checked_width += 1
    assert checked_needs > 1000 and checked_width > 1000


def test_every_only_before_or_after_context_match_holds_its_needs(rules) -> None:
    checked = 0
    for rule in rules:
        for key, needs in rule.context_needs:
            pat = regex.compile(dict(rule.context)[key], regex.IGNORECASE | regex.V0)
            for example in _examples(rule):
                for text in _variants(example):
                    # the 80 characters after each word / before each word, as the matcher reads them
                    if key == "only_after":
                        slices = [text[m.end():m.end() + 80] for m in regex.finditer(r"\w+", text)]
                    else:
                        slices = [text[max(0, m.start() - 80):m.start()] for m in regex.finditer(r"\w+", text)]
                    for piece in slices:
                        m = pat.search(piece)
                        if m is None:
                            continue
                        held = _Normalised(m.group()).filter_text
                        if held is None:  # the matcher does not filter such a text
                            continue
                        for clause in needs:
                            assert any(lit in held for lit in clause), (rule.id, key, piece, clause)
                            checked += 1
    assert checked > 300


def test_plain_pattern_needs() -> None:
    ic = regex.IGNORECASE
    # literal runs, groups and branches; optional parts and lookarounds hold nothing for sure
    needs, width = pattern_needs(r"\bwater (?:sleeps|may sleep),? (?:but )?(?=x)enemy\b", ic, ("water",))
    assert ("enemy",) in needs and ("may sleep", "sleeps") in needs
    assert not any("but" in lit for clause in needs for lit in clause) and width == 26
    assert pattern_needs(r"\blaw[- ]enforcement\s+organs\b", ic, ("enforcement organs",)) == (
        (("law",),), 0)
    # bounded width (characters), a set of one folded character is that character
    assert pattern_needs(r"\bdoesn['’]t (?:sleep|rest)\b", ic, ("sleep", "rest"))[0] == (("doesn't",),)
    assert pattern_needs(r"\bab[cd]? x\b", ic, ("x",))[1] == 5
    # syntax Python's parser does not read the same way: no pre-filter
    for source in (r"\b(?:water){e<=1} x", r"[[:alpha:]]+ water", r"(?x) water  x"):
        assert pattern_needs(source, ic, ("x",)) == ((), 0)
    # \p{..} and (?<name>..) read as a non-literal character and a named group
    assert pattern_needs(r"\b(?<p>my|\p{L}+['’]s) eyes are (?:too )?high\b", ic, ("high",))[0]


def _documents(rules, seed: int) -> list[str]:
    rnd = random.Random(seed)
    texts = [v for rule in rules for ex in _examples(rule) for v in rnd.sample(_variants(ex), 2)]
    rnd.shuffle(texts)
    return ["\n\n".join(texts[i:i + 300]) for i in range(0, len(texts), 300)]


@pytest.mark.parametrize("seed", range(2))
def test_the_matcher_finds_the_same_edits_with_and_without_the_prefilter(rules, seed: int) -> None:
    fast, slow = PhraseMatcher(rules), PhraseMatcher(rules, prefilter=False)
    found = 0
    for text in _documents(rules, seed):
        for focus in (None, [(len(text) // 3, len(text) // 3 + 2000)]):
            expected = slow.find(Document(text, focus=focus))
            assert fast.find(Document(text, focus=focus)) == expected
            found += len(expected)
    assert found > 1000


def test_squeezed_offsets_map_back_to_the_original() -> None:
    rnd = random.Random(5)
    for _ in range(300):
        text = random_text(rnd, ["ab", " ", "  ", "\n\n", "\u2003", "İ", "x.", "\t "], 0, 40)
        norm = _Normalised(text)
        flat = text.replace("İ", "i").lower()
        flat = "".join(" " if c.isspace() else c for c in flat)
        kept = [i for i, c in enumerate(flat) if not (c == " " and i > 0 and flat[i - 1] == " ")]
        assert norm.text == "".join(flat[i] for i in kept)
        assert [norm.to_original(i) for i in range(len(kept))] == kept


def test_automaton_cache_keeps_small_rule_sets_out_and_prunes_old_files(rules, tmp_path, monkeypatch) -> None:
    import os

    from service.passes import phrases
    from service.rulesets import loader

    monkeypatch.setattr(loader, "_cache_dir", lambda: tmp_path)
    monkeypatch.setenv("MTCLEAN_RULE_CACHE", "1")
    small = phrases.cached_automaton(rules[:3])
    assert len(small) > 0 and not list(tmp_path.glob("automaton-*.pickle"))
    for i in range(phrases.AUTOMATON_FILES + 6):
        old = tmp_path / f"automaton-old{i}.pickle"
        old.write_bytes(b"x")
        os.utime(old, (1000 + i, 1000 + i))
    full = phrases.cached_automaton(rules)
    files = sorted(p.name for p in tmp_path.glob("automaton-*.pickle"))
    assert len(files) == phrases.AUTOMATON_FILES + 1 and "automaton-old0.pickle" not in files
    again = phrases.cached_automaton(rules)  # read back from the file
    assert len(again) == len(full)


_PIECES = ["water", "Sleeps", "may", "ſ", "I", "ID", "s", "k", "don['’]t", "[Tt]he", "(?:a|an)", "(?-i:B)",
           "(?:x|yz)?", "\\s+", " ", "\\s*", ",?", "(?=ab)", "(?<!q)", "(?:fire|flames?)", "\\d+", "[- ]",
           "(?i:Kx)", "(ab|)", "(?:cd)+", "e{2}", "\\.", "\\w+", "(?:the\\s+)?", "\u2028", "σ", "μ"]
_TEXT_PIECES = ["water", "WATER", "ſleeps", "sleeps", "may", "ID", "ıd", "id", "İD", "don't", "don’t", "the", "The",
                "a", "an", "B", "b", "x", "yz", " ", "  ", "\n", "\t", "\xa0", ",", "ab", "q", "fire", "flames",
                "12", "-", "kx", "\u212ax", "cd", "cdcd", "ee", ".", "\u2028", "\u2009", "σ", "ς", "Σ", "µ", "μ"]


@pytest.mark.parametrize("seed", range(3))
def test_random_plain_patterns_hold_their_needs_and_width(seed: int) -> None:
    rnd = random.Random(seed)
    checked = 0
    for _ in range(300):
        source = random_text(rnd, _PIECES, 1, 6)
        for flags in (regex.IGNORECASE, 0):
            needs, width = pattern_needs(source, flags, ())
            if not needs and not width:
                continue
            pat = regex.compile(source, flags | regex.V0)
            for _ in range(20):
                text = random_text(rnd, _TEXT_PIECES, 1, 12)
                for m in pat.finditer(text, overlapped=True):
                    held = _Normalised(m.group()).filter_text
                    if held is None:  # the matcher does not filter such a text
                        continue
                    for clause in needs:
                        assert any(lit in held for lit in clause), (source, text, m.group(), clause)
                        checked += 1
                    if width:
                        assert len(m.group()) <= width, (source, m.group())
    assert checked > 100


_TOKENS = ["water", "<sleep>", "{det}", "{pron}", "(the|a big)", "(fire|<flame>)?", "don't", "U.S.", "I", "seas?",
           "(ID|cards)", "<go>", "well-known", "{num}", "ſtate", "Kelvin"]
_WORDS = ["water", "Water", "sleeps", "slept", "SLEEPING", "the", "a", "big", "an", "this", "fire", "flames", "don't",
          "don’t", "U.S.", "u.s.", "I", "ı", "sea", "ſea", "ID", "ıd", "cards", "went", "goes", "well-known", "3",
          "three", "state", "ſtate", "\u212aelvin", "it", "they", "them"]
_SPACES = [" ", "  ", "\n", " \t", "\xa0", "\u2009", " \u2028 "]


@pytest.mark.parametrize("seed", range(2))
def test_random_match_phrases_hold_their_needs_and_width(seed: int) -> None:
    from service.rulesets.phrase import PhraseError, compile_phrase

    rnd = random.Random(seed)
    checked = 0
    for _ in range(150):
        text = random_text(rnd, _TOKENS, 1, 4, " ")
        try:
            phrase = compile_phrase(text, case_sensitive=rnd.random() < 0.2)
        except PhraseError:
            continue
        pat = regex.compile(phrase.source, phrase.flags | regex.V0)
        for _ in range(30):
            words = [rnd.choice(_WORDS) for _ in range(rnd.randint(1, 8))]
            sample = "".join(w + rnd.choice(_SPACES) for w in words)
            for m in pat.finditer(sample, overlapped=True):
                norm = _Normalised(m.group())
                if norm.filter_text is None:  # the matcher does not filter such a text
                    continue
                for clause in phrase.needs:
                    assert any(lit in norm.filter_text for lit in clause), (text, sample, m.group(), clause)
                    checked += 1
                if phrase.width:
                    assert len(norm.text) <= phrase.width, (text, m.group(), phrase.width)
                    checked += 1
    assert checked > 50
