"""The debris pass checks whole paragraphs only where a scan finds a candidate: it must never skip
a paragraph a check would flag (issue 12)."""
from __future__ import annotations

import random
import sys

import pytest
import regex

from service.core.document import Document
from service.core.keyscan import matches_at
from service.passes import debris
from tests.random_texts import random_text, random_texts

FRAGMENTS = ["post", "Post", "Advertisement", "share", "word", "KIng", "x", " ", "  ", "\t", "\n", "\n\n", "\r\n",
             "\r", "\r\n\r\n", "\n \n", "\u00a0", "Photo: Fox", "(Photo: AFP)", "Ảnh: Reuters", "Фото: ТАСС",
             "Image: John Smith/Reuters", ": ", ":", "Пожар в Москве", "火灾", "لا", "Ελλάδα", "µµ", "ª", "é",
             "Read more: the story", "The man said. ", "Ἀθῆναι", "ǅ", "ⅰⅱ"]


@pytest.mark.parametrize("seed", range(3))
def test_every_paragraph_a_check_flags_is_a_candidate(seed: int) -> None:
    flagged = 0
    for text in random_texts(FRAGMENTS, seed, 400, 20):
        doc = Document(text)
        candidates = {p.start for p in debris._candidates(doc)}
        for para in doc.all_paragraphs:
            edit = (debris._label_line(doc, para) or debris._caption(doc, para)
                    or (not para.text.isascii() and debris._source_script_headline(doc, para, lambda: 1.0)))
            if edit:
                flagged += 1
                assert para.start in candidates, (text, para)
    assert flagged > 50


def test_the_skipped_blocks_hold_no_letter_of_another_script() -> None:
    letter, latin = regex.compile(r"\p{L}"), regex.compile(r"\p{Latin}")
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        if not debris._MAYBE_OTHER_SCRIPT.match(char):
            assert not (letter.match(char) and not latin.match(char)), hex(code)


def test_focus_and_whole_text_flag_the_same_paragraphs() -> None:
    text = "Body text here.\n\npost\n\nSoldiers at the front (Photo: AFP)\n\nПожар в Москве\n\nMore text."
    whole = [(e.rule_id, e.start, e.end) for e in debris.find(Document(text))]
    focused = [(e.rule_id, e.start, e.end) for e in debris.find(Document(text, focus=[(0, len(text))]))]
    assert whole == focused
    assert {r for r, _, _ in whole} == {"debris.label-line", "debris.photo-caption", "debris.source-script-line"}


def test_case_variants_cover_every_character_ignorecase_matches_to_a_key_letter() -> None:
    from service.core.keyscan import case_variants

    every = "".join(map(chr, range(sys.maxunicode + 1)))
    for letter in sorted({c for key in debris._PROMPT_KEYS + debris._SIGN_OFF_KEYS for c in key if c.isalpha()}):
        matched = set(regex.findall("(?i)" + letter, every))
        assert matched == set(case_variants(letter)), letter
    assert len(case_variants("be sure")) == 2 ** 5 * 3  # b e s u r e: the space has one spelling


def _at_sentence_start(doc: Document, m) -> bool:  # type: ignore[no-untyped-def]
    para = doc.paragraph_at(m.start())
    return para is not None and bool(debris._AT_SENTENCE_START.search(doc.text[max(para.start, m.start() - 5):m.start()]))


PROMPT_PIECES = ["Click on the photo. ", "READ MORE here. ", "ſee also this. ", "İstanbul. ", "Thank you for watching! ",
                 "Please ſubscribe now. ", "Don’t forget to like it. ", "cli\u212aK the image", "read more", "see also",
                 "Subscribe to our channel", "x", ". ", "! ", "? ", ".” ", ") ", "…", "… ", "\n", "\n\n", "\r\n", "\r",
                 " ", "\t", "\u00a0", "\u2003", "word ", "Be sure to share", "tap the icon ", "Watch the video", ":",
                 "x.read more", "… Read more here"]


@pytest.mark.parametrize("seed", range(3))
def test_prompt_starts_give_every_match_at_a_sentence_start(seed: int) -> None:
    rnd = random.Random(seed)
    found = 0
    for _ in range(1500):
        text = random_text(rnd, PROMPT_PIECES, 0, 25)
        doc = Document(text)
        for lo, hi in [(0, len(text))] + [(p.start, p.end) for p in doc.all_paragraphs]:
            at = debris._prompt_starts(text, lo, hi)
            for pattern in (debris._PROMPT, debris._SIGN_OFF):
                full = [m.span() for m in pattern.finditer(text, lo, hi) if _at_sentence_start(doc, m)]
                assert [m.span() for m in matches_at(pattern, text, at, hi) if _at_sentence_start(doc, m)] == full
                found += len(full)
    assert found > 500


def test_latin_share_counts_letters_and_latin_ones() -> None:
    import regex as re_

    text = "Hà Nội 2024: Пожар в Москве, ǅemal ⅰⅱ µ 火灾 — Reuters."
    letters = re_.findall(r"\p{L}", text)
    latin = re_.findall(r"\p{Latin}", text)
    assert debris._latin_share(Document(text)) == len(latin) / len(letters)
    assert debris._latin_share(Document("12 — 34")) == 0.0
    assert [chr(c) for c in range(128) if re_.match(r"\p{L}|\p{Latin}", chr(c))] == [
        chr(c) for c in range(128) if chr(c).isalpha()]


def test_the_stop_scans_see_every_space_and_key_letter_the_patterns_see() -> None:
    import re

    every = "".join(map(chr, range(sys.maxunicode + 1)))
    assert set(regex.findall(r"\s", every)) <= set(re.findall(r"\s", every))
    for letter in sorted({c for key in debris._PROMPT_KEYS + debris._SIGN_OFF_KEYS for c in key if c.isalpha()}):
        assert set(regex.findall("(?i)" + letter, every)) <= set(re.findall("(?i)" + letter, every)), letter
