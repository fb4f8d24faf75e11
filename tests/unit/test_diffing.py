"""Unified, inline and HTML diffs."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from service.reporting import diffing


def test_unified_diff_names_the_file_and_marks_a_missing_final_newline():
    diff = diffing.unified("a\nb", "a\nc", "x.txt")
    assert diff.startswith("--- a/x.txt\n+++ b/x.txt\n")
    assert "-b\n\\ No newline at end of file\n+c\n" in diff
    assert diffing.unified("same\n", "same\n") == ""


@pytest.mark.parametrize(
    "old,new,inline",
    [
        ("the crater of war", "the brink of war", "the [-crater-]{+brink+} of war"),
        ("met him. in Syria", "met him in Syria", "met him[-.-] in Syria"),
        ("one\n\npost\n\ntwo\n", "one\n\ntwo\n", "one\n\n[-post\n\n-]two\n"),
    ],
)
def test_inline_diff(old, new, inline):
    assert diffing.inline(old, new) == inline


def test_html_diff_escapes_everything():
    html = diffing.html_inline('<script>alert(1)</script> a', '<script>alert(2)</script> a')
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<del>" in html and "<ins>" in html


@given(st.text(max_size=200), st.text(max_size=200))
def test_word_ops_rebuild_both_sides(old, new):
    ops = diffing.word_ops(old, new)
    assert "".join(op.old for op in ops) == old
    assert "".join(op.new for op in ops) == new


# --- diffs built from the applied edits (linear time) -----------------------------------------

from dataclasses import dataclass as _dataclass  # noqa: E402


@_dataclass(frozen=True)
class _E:
    start: int
    end: int
    replacement: str


def _apply(text: str, edits: list[_E]) -> str:
    out, pos = [], 0
    for e in sorted(edits, key=lambda e: (e.start, e.end)):
        out += [text[pos:e.start], e.replacement]
        pos = e.end
    return "".join(out) + text[pos:]


def _patch(original: str, diff: str) -> str:
    """Apply a unified diff (as produced by diffing.unified) to ``original``."""
    lines = original.splitlines(keepends=True)
    out: list[str] = []
    pos = 0
    rows = diff.splitlines(keepends=True)[2:]
    i = 0
    while i < len(rows):
        header = rows[i]
        assert header.startswith("@@ -"), header
        a = header.split()[1][1:]
        a_start = int(a.split(",")[0])
        a_len = int(a.split(",")[1]) if "," in a else 1
        a_lo = a_start - 1 if a_len else a_start
        out.extend(lines[pos:a_lo])
        pos = a_lo
        i += 1
        while i < len(rows) and not rows[i].startswith("@@ "):
            row = rows[i]
            nxt = rows[i + 1] if i + 1 < len(rows) else ""
            body = row[1:]
            if nxt.startswith("\\ No newline"):
                body = body[:-1]
                i += 1
            if row[0] == " ":
                assert lines[pos] == body
                out.append(body)
                pos += 1
            elif row[0] == "-":
                assert lines[pos] == body, (lines[pos], body)
                pos += 1
            elif row[0] == "+":
                out.append(body)
            i += 1
    out.extend(lines[pos:])
    return "".join(out)


@st.composite
def _text_and_edits(draw):
    text = draw(st.text(alphabet=st.sampled_from(list("ab \n.é😀")), max_size=120))
    cuts = sorted(draw(st.lists(st.integers(0, len(text)), max_size=8)))
    edits, last = [], -1
    for a, b in zip(cuts[::2], cuts[1::2]):
        if a <= last:
            continue
        if a == b and a == last:
            continue
        edits.append(_E(a, b, draw(st.text(alphabet=st.sampled_from(list("xy \n")), max_size=6))))
        last = b
    return text, edits


@given(_text_and_edits())
def test_diffs_from_edits_rebuild_the_cleaned_text(case):
    text, edits = case
    cleaned = _apply(text, edits)
    ops = diffing.word_ops(text, cleaned, edits)
    assert "".join(op.old for op in ops) == text
    assert "".join(op.new for op in ops) == cleaned
    diff = diffing.unified(text, cleaned, "t", edits=edits)
    assert (diff == "") == (text == cleaned) or text.splitlines() == cleaned.splitlines()
    assert _patch(text, diff) == cleaned if diff else text.splitlines(True) == cleaned.splitlines(True)


@pytest.mark.parametrize("old,edits", [
    ("a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n", [_E(2, 3, "B"), _E(18, 19, "J")]),
    ("one\ntwo\nthree", [_E(8, 13, "3")]),
    ("x\n\npost\n\ny\n", [_E(3, 9, "")]),
])
def test_unified_from_edits_matches_difflib(old, edits):
    new = _apply(old, edits)
    assert diffing.unified(old, new, "f", edits=edits) == diffing.unified(old, new, "f")


def test_inline_from_edits_shows_whole_words():
    text = "the crater of war"
    assert diffing.inline(text, "", [_E(4, 17, "brink of war")]) == "the [-crater-]{+brink+} of war"


def test_edits_that_do_not_reproduce_the_cleaned_text_fall_back_to_comparing_texts():
    old, new = "one two three\n", "one 2 three\n"
    assert diffing.exact_edits(old, new, [_E(4, 7, "TWO")]) is None
    assert diffing.both(old, new, "f", [_E(4, 7, "TWO")]) == diffing.both(old, new, "f")
    exact = diffing.exact_edits(old, new, [_E(4, 7, "2")])
    assert exact is not None and diffing.both(old, new, "f", exact)["inline"] == "one [-two-]{+2+} three\n"


def test_the_same_change_listed_twice_is_one_change():
    """Two rules that made the same change are both marked applied in a report; the diff is
    still built from the edits (not by comparing the texts)."""
    old, new = "at the drop that filled the glass now\n", "at the last straw now\n"
    twice = [_E(3, 33, "the last straw"), _E(3, 33, "the last straw")]
    exact = diffing.exact_edits(old, new, twice)
    assert exact is not None and len(exact) == 1
    assert diffing.both(old, new, "f", twice) == diffing.both(old, new, "f", exact)
    assert diffing.exact_edits(old, new, [_E(3, 33, "the last straw"), _E(3, 33, "the final straw")]) is None


@given(_text_and_edits())
def test_changes_between_two_texts_rebuild_the_second(case):
    text, edits = case
    cleaned = _apply(text, edits)
    changes = diffing.edits_between(text, cleaned)
    assert diffing.exact_edits(text, cleaned, changes) is not None
    assert diffing.unified(text, cleaned, "t", edits=changes) == diffing.unified(text, cleaned, "t") or \
        _patch(text, diffing.unified(text, cleaned, "t", edits=changes)) == cleaned
