"""The pipeline with a grammar checker: do-no-harm roll-back and unavailability (a fake
checker; the real LanguageTool server is in test_grammar_integration.py)."""
from __future__ import annotations

from dataclasses import dataclass, field

import regex

from service.core.model import Category, Edit, Tier
from service.engine.pipeline import Cleaner


@dataclass
class Outcome:
    edits: list[Edit] = field(default_factory=list)
    available: bool = True
    message: str = ""


class FakeGrammar:
    """Flags every occurrence of a word as an error of rule FAKE_RULE (with no fix of its own)."""

    def __init__(self, word: str, available: bool = True):
        self.word, self.available, self.calls = word, available, 0

    def check(self, text, paragraphs, known_names, skip_spans=()):
        self.calls += 1
        if not self.available:
            return Outcome(available=False, message="LanguageTool not reachable at http://127.0.0.1:9")
        edits = []
        for s, e in paragraphs:
            for m in regex.finditer(rf"\b{self.word}\b", text[s:e]):
                a, b = s + m.start(), s + m.end()
                edits.append(Edit(a, b, text[a:b], (text[a:b].upper(),), "LT:FAKE_RULE", Category.GRAMMAR.value,
                                  Tier.SUGGEST, "fake error", "fake", "grammar"))
        return Outcome(edits)


def test_an_edit_after_which_languagetool_sees_a_new_error_is_rolled_back():
    text = "It pushed them closer to the crater of war than ever. Rockets fell."
    cleaner = Cleaner(grammar=FakeGrammar("brink"))
    result = cleaner.clean(text)
    assert "crater of war" in result.cleaned  # the fix was undone
    rolled = [e for e in result.edits if e.original == "crater of war"]
    assert rolled and rolled[0].tier is Tier.SUGGEST and "LT:FAKE_RULE" in rolled[0].message
    assert cleaner.clean(result.cleaned).applied == []


def test_an_error_that_was_already_at_that_place_does_not_roll_back_the_fix():
    text = "It pushed them closer to the crater of war than ever."
    result = Cleaner(grammar=FakeGrammar("war")).clean(text)  # "war" is flagged before and after
    assert "closer to the brink of war" in result.cleaned


def test_unreachable_languagetool_is_reported_and_other_passes_still_run():
    text = "who met him. in Syria."
    result = Cleaner(grammar=FakeGrammar("x", available=False)).clean(text)
    assert result.passes["grammar"].status == "unavailable"
    assert "not reachable" in result.passes["grammar"].message
    assert result.cleaned == "who met him in Syria."


def test_grammar_edits_are_kept_off_spans_other_passes_edit():
    seen = {}

    class Spy(FakeGrammar):
        def check(self, text, paragraphs, known_names, skip_spans=()):
            seen.setdefault("skip", list(skip_spans))
            seen.setdefault("names", set(known_names))
            return super().check(text, paragraphs, known_names, skip_spans)

    text = "Kataib Hezbollah fired. Kataib Hezbollah denied. who met him. in Syria."
    Cleaner(grammar=Spy("zzz")).clean(text)
    stop = text.index(". in")
    assert any(s <= stop < e for s, e in seen["skip"])
    assert "Kataib" in seen["names"]
