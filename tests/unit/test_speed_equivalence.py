"""Shortcuts taken for speed find exactly what the plain scans find (issue 12)."""
from __future__ import annotations

import random

import pytest

from service.core.keyscan import matches_at
from service.core.protect import _PATTERNS, _at_signs, find_protected
from service.passes import debris
from service.passes.phrases import _lower_same_length
from tests.random_texts import random_text, random_texts

EMAIL = dict(_PATTERNS)["email"]
FRAGMENTS = ["Click on the photo. ", "READ MORE here. ", "ſee also this. ", "İstanbul. ", "Thank you for watching! ",
             "Please ſubscribe now. ", "Don’t forget to like it. ", "word ", "KIng ", "x", "\n", "\n\n", "ﬀ ",
             "ſhare this article ", "subscribe to our channel. ", "İİ ", "Be sure to share. ", "tap the icon ",
             "cli\u212aK on the image ", "sEe ALSO that ",
             "a@b.com ", "x.y+z@mail-host.example.org", "@", "@@", "foo@bar ", "mail me at j.doe@un.org.\n"]


@pytest.mark.parametrize("seed", range(3))
def test_email_scan_of_the_lines_with_an_at_sign_finds_what_a_full_scan_finds(seed: int) -> None:
    found = 0
    for text in random_texts(FRAGMENTS, seed, 150, 30):
        for lo, hi in ((0, len(text)), (len(text) // 3, len(text)), (2, max(2, len(text) - 3))):
            full = [m.span() for m in EMAIL.finditer(text, lo, hi)]
            assert [m.span() for m in _at_signs(EMAIL, text, lo, hi)] == full
            found += len(full)
    assert found > 0


def test_protected_emails_are_found_on_any_line() -> None:
    text = "No address here.\nWrite to a.b@example.org today.\n\nOr c@d.io\nend"
    kinds = [(text[s.start:s.end], s.kind) for s in find_protected(text).spans]
    assert ("a.b@example.org", "email") in kinds and ("c@d.io", "email") in kinds


@pytest.mark.parametrize("seed", range(3))
def test_keyed_prompt_scan_on_text_with_dotted_capital_i_and_long_s(seed: int) -> None:
    found = 0
    for text in random_texts(FRAGMENTS, 100 + seed, 150, 30):
        for lo, hi in ((0, len(text)), (len(text) // 3, len(text)), (2, max(2, len(text) - 3))):
            starts = debris._KEY_INDEX.starts(text, lo, hi)  # both key lists, every spelling, in one pass
            for pattern, name in ((debris._PROMPT, "prompt"), (debris._SIGN_OFF, "sign-off")):
                full = [m.span() for m in pattern.finditer(text, lo, hi)]
                assert [m.span() for m in matches_at(pattern, text, starts[name], hi)] == full
                found += len(full)
    assert found > 0


def test_phrase_lowering_keeps_positions() -> None:
    text = "İstanbul and İzmir: ſome TEXT"
    low = _lower_same_length(text)
    assert len(low) == len(text)
    assert low == text.translate({0x130: "i"}).lower()


def test_word_frequency_cache_answers_as_the_dict_before_and_after_decoding(tmp_path, monkeypatch) -> None:
    from service.core import inventory

    rnd = random.Random(7)
    letters = "abcdeéfghijklmnopqrstuvwxyzß'’-"
    freqs = {random_text(rnd, letters, 1, 9): rnd.random() for _ in range(3000)}
    freqs.update({"the": 0.05, "zürich": 1e-7, "naïve": 2e-7, "\U0001f600": 3e-9})
    path = tmp_path / "en.bin"
    inventory._write_frequencies(path, freqs)
    cache = inventory._read_frequencies(path)
    monkeypatch.setattr(inventory._SortedFrequencies, "LAZY_LOOKUPS", 500)
    asked = list(freqs) + ["", "absent", "zzzz", "the ", "Zürich"]
    rnd.shuffle(asked)
    got = [cache.get(w) for w in asked]
    assert got == [freqs.get(w) for w in asked]
    assert cache._words is not None  # decoded after 500 look-ups: both ways were asked


def test_rule_regexes_from_the_disk_cache_match_as_compiled_ones(tmp_path, monkeypatch) -> None:
    import regex

    from service.rulesets import regexcache
    from service.rulesets.phrase import compile_phrase

    monkeypatch.setenv("MTCLEAN_CACHE", str(tmp_path))
    monkeypatch.setenv("MTCLEAN_RULE_CACHE", "1")
    monkeypatch.setattr(regexcache, "_COMPILED", {})
    monkeypatch.setattr(regexcache, "_disk", None)
    phrases = [compile_phrase(t) for t in ("<pour> oil on the fire", "{poss} (hands|arms) are tied",
                                           "the ball is in {pron} yard", "(a|the) drop in the ocean")]
    sources = [(p.source, p.flags) for p in phrases] + [(r"\b(?:fire|blaze)\b", regex.IGNORECASE)]
    text = ("They poured oil on the fire. The country's hands are tied; the ball is in our yard, "
            "a drop in the ocean. Fire! POURING OIL ON THE FIRE")
    fresh = [[(m.span(), m.groups()) for m in regex.compile(s, f | regex.V0).finditer(text)] for s, f in sources]
    for s, f in sources:
        regexcache.compiled(s, f)
    regexcache.save()
    assert list(tmp_path.rglob("regex-*.pickle"))
    monkeypatch.setattr(regexcache, "_COMPILED", {})
    monkeypatch.setattr(regexcache, "_disk", None)

    def no_compile(*args, **kwargs):
        raise AssertionError("compiled again instead of read from the cache")

    monkeypatch.setattr(regex, "compile", no_compile)
    cached = [[(m.span(), m.groups()) for m in regexcache.compiled(s, f).finditer(text)] for s, f in sources]
    assert cached == fresh
    assert sum(map(len, fresh)) >= 5
