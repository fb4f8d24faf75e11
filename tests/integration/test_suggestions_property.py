"""Accepting any subset of the suggestions, in any order, never makes LanguageTool report a new
error at an accepted edit (issue 10), on the sample article, MLQE-PE dev sentences and random
text, with the real LanguageTool server.

The check is independent of the pipeline's own do-no-harm code: LanguageTool's matches on the
auto-cleaned text and on the text with the accepted suggestions are compared as multisets of
(rule, matched text) per paragraph; a match that is new and touches an accepted edit fails.
Suggestions the pipeline itself marks as harmful ("not applied: after it LanguageTool reports
...") are not offered for acceptance and are left out.
"""
from __future__ import annotations

import json
import random
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from service.engine.apply import apply_edits
from service.engine.pipeline import Cleaner
from service.passes.grammar.languagetool import GrammarPass, GrammarSettings
from tests.lt_fixture import ensure_running

pytest_plugins = ["tests.lt_fixture"]
pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "samples" / "soleimani-vi-en.txt"
MLQE = ROOT.parent / "shared" / "data" / "mlqe-pe-dev"
WORDS = ("a an the the he has har orofessor apple hour him. in Syria. . , ,, colour color teh recieve "
         "convoy ran to crater of war is are were a European unique burqa coup d'état al- Baghdadi "
         "Rocket usually falls where Iran ein Berliner").split()


@pytest.fixture(scope="module")
def lt(lt_session):
    url = ensure_running(lt_session)
    gp = GrammarPass(GrammarSettings(url=url))
    return gp, Cleaner(grammar=gp)


@pytest.fixture(scope="module")
def lt_speller(lt_session):
    """With the speller on (off by default), whose fixes chain with a/an ("has a har")."""
    url = ensure_running(lt_session)
    gp = GrammarPass(GrammarSettings(url=url, speller=True))
    return gp, Cleaner(grammar=gp)


def _texts() -> list[str]:
    texts = [p for p in SAMPLE.read_text(encoding="utf-8").split("\n\n") if p.strip()]
    rng = random.Random(10)
    for path in sorted(MLQE.glob("*.jsonl")):
        rows = [json.loads(line)["mt"] for line in path.read_text(encoding="utf-8").splitlines()]
        texts += rng.sample(rows, 15)
    return texts


TEXTS = _texts()


def _matches(gp: GrammarPass, text: str) -> list:
    return gp.check(text, [(0, len(text))], set(), []).edits


def _new_errors_at_accepted(gp: GrammarPass, text: str, auto: list, accepted: list) -> list:
    """LanguageTool matches on the accepted text that were not on the auto-cleaned text and
    touch an accepted edit."""
    base = apply_edits(text, auto)
    after = apply_edits(text, auto + accepted)
    if after.text == base.text:
        return []
    old = Counter((g.rule_id, g.original) for g in _matches(gp, base.text))
    new = _matches(gp, after.text)
    seen: Counter = Counter()
    ranges, shift, mine = [], 0, {e.key() for e in accepted}
    for a in after.applied:
        s = a.start + shift
        if a.key() in mine:
            ranges.append((s, s + len(a.replacement)))
        shift += len(a.replacement) - (a.end - a.start)
    bad = []
    for g in new:
        k = (g.rule_id, g.original)
        seen[k] += 1
        if seen[k] > old[k] and any(g.start <= e + 1 and s - 1 <= g.end for s, e in ranges):
            bad.append((g.rule_id, g.original, g.message))
    return bad


def _check(lt, text: str, data) -> None:
    gp, cleaner = lt
    result = cleaner.clean(text)
    offered = [e for e in result.suggestions if "(not applied:" not in e.message]
    if not offered:
        return
    subset = data.draw(st.lists(st.sampled_from(offered), unique_by=lambda e: e.key(), min_size=1))
    assert _new_errors_at_accepted(gp, text, result.applied, subset) == []


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(index=st.integers(0, len(TEXTS) - 1), data=st.data())
def test_any_subset_of_suggestions_on_real_text_makes_no_new_error(lt, index, data):
    _check(lt, TEXTS[index], data)


@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
@given(index=st.integers(0, len(TEXTS) - 1), data=st.data())
def test_with_the_speller_any_subset_on_real_text_makes_no_new_error(lt_speller, index, data):
    _check(lt_speller, TEXTS[index], data)


@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
@given(words=st.lists(st.sampled_from(WORDS), min_size=3, max_size=14), data=st.data())
def test_any_subset_of_suggestions_on_random_text_makes_no_new_error(lt_speller, words, data):
    _check(lt_speller, " ".join(words).capitalize() + ".", data)


def test_apply_all_on_the_sample_keeps_names_and_sentences_and_every_clean_fix(lt, sample_text=None):
    _, cleaner = lt
    text = SAMPLE.read_text(encoding="utf-8")
    auto = cleaner.clean(text)
    everything = cleaner.clean(text, "all")
    for name in ("Kataib Hezbollah", "Abu Mahdi al-Muhandis", "Abdul Reza Shahlai", "Markus Leitner", "Ali Alfoneh",
                 "Nasrallah", "Mar-a-Lago", "Gina Haspel", "Javad Zarif", "Hassan Rouhani", "Abu Bakr al-Baghdadi"):
        assert everything.cleaned.count(name) == auto.cleaned.count(name), name
    for broken in ("him In Syria", "all-Baghdadi", "conflict With", "him. in Syria", "al- Baghdadi"):
        assert broken not in everything.cleaned
    taken = {e.key() for e in everything.applied}
    assert [e.rule_id for e in auto.applied if e.key() not in taken] == []
    assert not any("fixpoint" in w for w in everything.warnings)
    assert everything.harm_check == "done"
