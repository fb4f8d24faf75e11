"""The whole pipeline with the real LanguageTool server on the sample article."""
from __future__ import annotations

import pytest

from service.engine.apply import apply_edits
from service.engine.pipeline import Cleaner
from service.passes.grammar.languagetool import GrammarPass, GrammarSettings
from tests.lt_fixture import ensure_running

pytest_plugins = ["tests.lt_fixture"]
pytestmark = pytest.mark.integration

NAMES = ["Kataib Hezbollah", "Abu Mahdi al-Muhandis", "Abdul Reza Shahlai", "Markus Leitner", "Ali Alfoneh",
         "Nasrallah", "Mar-a-Lago", "Gina Haspel", "Javad Zarif", "Hassan Rouhani"]


@pytest.fixture(scope="module")
def lt_cleaner(lt_session):
    return Cleaner(grammar=GrammarPass(GrammarSettings(url=ensure_running(lt_session))))


@pytest.fixture(scope="module")
def lt_result(lt_cleaner, sample_text):
    return lt_cleaner.clean(sample_text)


def test_grammar_pass_ran_and_found_the_bare_singular_subject(lt_result):
    assert lt_result.passes["grammar"].status == "ran"
    assert any(e.pass_name == "grammar" and e.original == "Rocket" for e in lt_result.edits)


def test_no_name_is_changed_with_languagetool_on(sample_text, lt_result):
    for name in NAMES:
        assert lt_result.cleaned.count(name) == sample_text.count(name), name
    assert not [e for e in lt_result.edits if e.pass_name == "grammar" and
                any(part in e.original for part in ("Kataib", "Muhandis", "Shahlai", "Alfoneh", "Leitner"))]


def test_languagetool_does_not_fight_the_rule_passes(lt_result):
    """No grammar edit touches a span another pass edits (nor the character beside it)."""
    others = [e for e in lt_result.edits if e.pass_name != "grammar"]
    for g in (e for e in lt_result.edits if e.pass_name == "grammar"):
        assert not any(g.start <= o.end and o.start <= g.end for o in others), g


def test_rule_fixes_are_still_applied_and_stable(lt_cleaner, sample_text, lt_result):
    assert "General Soleimani's death" in lt_result.cleaned
    assert "who met him in Syria" in lt_result.cleaned
    assert apply_edits(sample_text, lt_result.applied).text == lt_result.cleaned
    assert lt_cleaner.clean(lt_result.cleaned).applied == []


def test_emoji_offsets_through_the_pipeline(lt_cleaner):
    text = "😀😀 中文 He ate a apple yesterday."
    result = lt_cleaner.clean(text)
    fix = [e for e in result.edits if e.rule_id == "LT:EN_A_VS_AN"]
    assert fix and text[fix[0].start:fix[0].end] == fix[0].original
    assert "an apple" in result.cleaned
