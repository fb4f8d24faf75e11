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


def test_languagetool_sees_the_text_after_the_auto_edits():
    """The grammar pass checks the text with the rule passes' auto edits applied, so it never
    offers a fix that contradicts one ("him. in": the stop goes, "in -> In" is not offered)."""
    seen: dict = {"texts": [], "names": set()}

    class Spy(FakeGrammar):
        def check(self, text, paragraphs, known_names, skip_spans=()):
            seen["texts"].append(text)
            seen["names"] |= set(known_names)
            return super().check(text, paragraphs, known_names, skip_spans)

    text = "Kataib Hezbollah fired. Kataib Hezbollah denied. who met him. in Syria."
    result = Cleaner(grammar=Spy("in")).clean(text)
    assert seen["texts"][-1].endswith("who met him in Syria.")
    assert "Kataib" in seen["names"]
    assert result.cleaned.endswith("who met him in Syria.")
    assert not [e for e in result.edits if e.pass_name == "grammar" and e.start == text.index("in Syria")]
    assert result.harm_check == "done"


class Scripted:
    """A grammar checker from a table: (regex, rule id, replacement); ``fail_after`` calls it
    answers as unreachable."""

    def __init__(self, table, fail_after=None, tier=Tier.SUGGEST):
        self.table, self.fail_after, self.calls, self.tier = table, fail_after, 0, tier

    def check(self, text, paragraphs, known_names, skip_spans=()):
        self.calls += 1
        if self.fail_after is not None and self.calls > self.fail_after:
            return Outcome(available=False, message="LanguageTool not reachable at http://127.0.0.1:9")
        edits = []
        for s, e in paragraphs:
            for pattern, rule, rep in self.table:
                for m in regex.finditer(pattern, text[s:e]):
                    a, b = s + m.start(1), s + m.end(1)
                    if any(x < b and a < y for x, y in skip_spans):
                        continue
                    edits.append(Edit(a, b, text[a:b], (rep,), f"LT:{rule}", Category.GRAMMAR.value,
                                      self.tier, f"{rule} says so", "fake", "grammar"))
        return Outcome(edits)


A_AN = [(r"\b(a) (?=[aeiou])", "EN_A_VS_AN", "an"), (r"\b(an) (?=[^aeiouh ])", "EN_A_VS_AN", "a")]


def test_a_new_error_of_the_same_rule_at_the_same_place_is_harm():
    """'a orofessor': a/an says 'an', the speller says 'professor'; together 'an professor'."""
    table = A_AN + [(r"\b(orofessor)\b", "MORFOLOGIK_RULE_EN_US", "professor")]
    result = Cleaner(grammar=Scripted(table)).clean("She is a orofessor here.", "all")
    assert "an professor" not in result.cleaned
    assert result.harm_check == "done"
    assert not any("fixpoint" in w for w in result.warnings)


def test_chained_suggestions_do_not_make_a_new_error():
    """'has a har' -> 'has a heir' (speller) would need 'an': the speller edit is demoted."""
    table = [(r"\b(har)\b", "MORFOLOGIK_RULE_EN_US", "heir"), (r"\b(a) (?=heir)", "EN_A_VS_AN", "an")]
    result = Cleaner(grammar=Scripted(table)).clean("He has a har on the farm.", "all")
    assert result.cleaned == "He has a har on the farm."
    demoted = [e for e in result.edits if e.original == "har"]
    assert demoted and "not applied" in demoted[0].message


def test_apply_all_reaches_a_fixpoint_and_applied_means_in_the_output():
    """An edit demoted by do-no-harm is never applied again; ``applied`` edits are exactly the
    ones whose replacement is in the output."""
    text = "It pushed them closer to the crater of war than ever. Rockets fell."
    result = Cleaner(grammar=FakeGrammar("brink")).clean(text, "all")
    assert "crater of war" in result.cleaned
    assert not any("fixpoint" in w or "undo" in w for w in result.warnings)
    from service.engine.apply import apply_edits

    assert apply_edits(text, result.applied).text == result.cleaned
    applied = {e.key() for e in result.applied}
    assert not [e for e in result.edits if e.key() in applied and "not applied" in e.message]


def test_languagetool_failing_after_the_first_round_marks_the_result():
    table = [(r"\b(brink)\b", "FAKE_RULE", "edge")]
    text = "It pushed them closer to the crater of war than ever."
    result = Cleaner(grammar=Scripted(table, fail_after=2)).clean(text, "all")
    st = result.passes["grammar"]
    assert st.status != "ran" and "round" in st.message
    assert result.harm_check == "incomplete"
    assert any("do-no-harm" in w for w in result.warnings)
