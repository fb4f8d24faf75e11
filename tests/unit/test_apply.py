"""The one module that applies edits."""
from __future__ import annotations

import pytest

from service.core.model import Edit, Tier
from service.engine.apply import apply_edits, resolve, select


def _edit(text, start, end, rep, *, tier=Tier.AUTO, pass_name="phrases", rule="r", reps=None):
    return Edit(start, end, text[start:end], tuple(reps or [rep]), rule, "idiom", tier, "m", "", pass_name)


def test_edits_apply_right_to_left_safe_in_order():
    text = "one two three"
    edits = [_edit(text, 8, 13, "3"), _edit(text, 0, 3, "1")]
    assert apply_edits(text, edits).text == "1 two 3"


def test_overlapping_edits_are_reported_with_the_winner():
    text = "the crater of war"
    long = _edit(text, 0, 17, "the brink of war", rule="long")
    short = _edit(text, 4, 10, "brink", rule="short")
    out = apply_edits(text, [short, long])
    assert out.text == "the brink of war"
    assert [c.edit.rule_id for c in out.conflicts] == ["short"]
    assert out.conflicts[0].winner.rule_id == "long"


def test_auto_beats_suggestion_and_earlier_pass_beats_later():
    text = "abc def"
    sug = _edit(text, 0, 3, "X", tier=Tier.SUGGEST, pass_name="debris", rule="sug")
    auto = _edit(text, 0, 3, "Y", pass_name="grammar", rule="auto")
    assert resolve([sug, auto]).chosen[0].rule_id == "auto"
    a = _edit(text, 0, 3, "P", pass_name="punctuation", rule="p")
    b = _edit(text, 0, 3, "Q", pass_name="phrases", rule="q")
    assert resolve([b, a]).chosen[0].rule_id == "p"


def test_identical_edits_from_two_rules_are_merged_not_reported():
    text = "abc"
    out = apply_edits(text, [_edit(text, 0, 1, "A", rule="x"), _edit(text, 0, 1, "A", rule="y")])
    assert out.text == "Abc" and not out.conflicts and len(out.applied) == 1


def test_stale_edit_is_reported_not_applied():
    edit = _edit("hello world", 0, 5, "HELLO")
    out = apply_edits("jello world", [edit])
    assert out.text == "jello world"
    assert out.conflicts and out.conflicts[0].reason.startswith("stale")


def test_line_endings_and_blank_lines_are_kept():
    text = "a  b\r\n\r\n\r\nc  d\r\n"
    edits = [_edit(text, 1, 3, " "), _edit(text, 11, 13, " ")]
    assert apply_edits(text, edits).text == "a b\r\n\r\n\r\nc d\r\n"


def test_insertions_at_the_same_point_conflict():
    text = "ab"
    out = apply_edits(text, [_edit(text, 1, 1, "X", rule="x"), _edit(text, 1, 1, "Y", rule="y")])
    assert out.text in ("aXb", "aYb") and len(out.conflicts) == 1


def test_select_modes():
    text = "abc"
    auto = _edit(text, 0, 1, "A")
    sug = _edit(text, 1, 2, "B", tier=Tier.SUGGEST)
    multi = _edit(text, 2, 3, "C", reps=["C", "D"])
    assert select([auto, sug, multi], "auto") == [auto]
    assert select([auto, sug, multi], "all") == [auto, sug, multi]
    assert select([auto, sug], "none") == []
    with pytest.raises(ValueError):
        select([auto], "some")


def test_edit_rejects_a_span_that_does_not_fit():
    with pytest.raises(ValueError):
        Edit(0, 3, "ab", ("x",), "r", "idiom", Tier.AUTO, "m")
