"""The debris pass checks whole paragraphs only where a scan finds a candidate: it must never skip
a paragraph a check would flag (issue 12)."""
from __future__ import annotations

import random
import sys

import pytest
import regex

from service.core.document import Document
from service.passes import debris

FRAGMENTS = ["post", "Post", "Advertisement", "share", "word", "KIng", "x", " ", "  ", "\t", "\n", "\n\n", "\r\n",
             "\r", "\r\n\r\n", "\n \n", "\u00a0", "Photo: Fox", "(Photo: AFP)", "Ảnh: Reuters", "Фото: ТАСС",
             "Image: John Smith/Reuters", ": ", ":", "Пожар в Москве", "火灾", "لا", "Ελλάδα", "µµ", "ª", "é",
             "Read more: the story", "The man said. ", "Ἀθῆναι", "ǅ", "ⅰⅱ"]


def _texts(seed: int, n: int = 400) -> list[str]:
    rnd = random.Random(seed)
    return ["".join(rnd.choice(FRAGMENTS) for _ in range(rnd.randint(0, 20))) for _ in range(n)]


@pytest.mark.parametrize("seed", range(3))
def test_every_paragraph_a_check_flags_is_a_candidate(seed: int) -> None:
    flagged = 0
    for text in _texts(seed):
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
