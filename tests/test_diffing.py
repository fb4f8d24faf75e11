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
