"""The v2 phrase language: lemmas and their inflection in the replacement, slots, groups,
optional words, context cues, and the lint command."""
from __future__ import annotations

from pathlib import Path

import pytest

from service.core.document import Document
from service.engine.apply import apply_edits
from service.passes.phrases import PhraseMatcher
from service.rulesets.lint import lint
from service.rulesets.loader import load_pack

PACK = """\
langs: [vi]
category: idiom
rules:
  - id: t.rule
    src: "x"
    match: {match}
    replace: {replace}
    tier: auto
    message: "m"
{extra}    examples:
      - bad: "x"
      - ok: "y"
"""


def _rule(tmp_path: Path, match: str, replace: str, extra: str = ""):
    path = tmp_path / "vi" / "t.yaml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(PACK.format(match=match, replace=replace, extra=extra), encoding="utf-8")
    return load_pack(path)[0]


def _fix(rule, text: str) -> str | None:
    found = PhraseMatcher([rule]).find(Document(text))
    return apply_edits(text, found).text if found else None


@pytest.mark.parametrize("match,replace,text,expected", [
    ("'<pour> (more|extra)? oil (on|into) the fire'", "'<add> fuel to the fire'",
     "He poured oil on the fire.", "He added fuel to the fire."),
    ("'<pour> (more|extra)? oil (on|into) the fire'", "'<add> fuel to the fire'",
     "She pours more oil into the fire.", "She adds fuel to the fire."),
    ("'<pour> (more|extra)? oil (on|into) the fire'", "'<add> fuel to the fire'",
     "Pouring oil on the fire is unwise.", "Adding fuel to the fire is unwise."),
    ("'<go> to the sea'", "'<fail>'", "It has gone to the sea.", "It has failed."),
    ("'<go> to the sea'", "'<fail>'", "It went to the sea.", "It failed."),
    ("'<go> to the sea'", "'<fail>'", "It goes to the sea.", "It fails."),
    ("'<crater> of war'", "'<brink> of war'", "on the craters of war", "on the brinks of war"),
    ("'in {poss} yard'", "'in {poss} court'", "The ball is in Washington's yard.",
     "The ball is in Washington's court."),
    ("'in {poss} yard'", "'in {poss} court'", "The ball is in the country's yard.",
     "The ball is in the country's court."),
    ("'in {poss} yard'", "'in {poss} court'", "The ball is in the US' yard.", "The ball is in the US' court."),
    ("'in {poss} yard'", "'in {poss} court'", "The ball is in our yard.", "The ball is in our court."),
    ("'{num} <person> died'", "'{num} people were killed'", "Twenty-five persons died.",
     "Twenty-five people were killed."),
    ("'President {name} <say>'", "'President {name} <tell>'", "President Joe Biden said so.",
     "President Joe Biden told so."),
    ("'very? heavy rain'", "'downpour'", "A very heavy rain fell.", "A downpour fell."),
    ("'(the|a)? crater of war'", "'{1} brink of war'", "Near a crater of war.", "Near a brink of war."),
    ("'{det} subject fled'", "'{det} suspect fled'", "The subject fled.", "The suspect fled."),
    ("'it''s raining cats'", "'it is pouring'", "It’s raining cats.", "It is pouring."),
    ("'(<implement>|<deploy>) the plan drastically'", "'<carry> out the plan vigorously'",
     "They deployed the plan drastically.", "They carried out the plan vigorously."),
    ("'<give> {pron} <hand>'", "'<lend> {pron} a <hand>'", "She gives him hands.", "She lends him a hands."),
])
def test_phrase_matches_and_replacement_agrees(tmp_path, match, replace, text, expected):
    assert _fix(_rule(tmp_path, match, replace), text) == expected


@pytest.mark.parametrize("text", [
    "The well-known crater of war.x",  # no match inside a hyphenated word: see below
    "This subject's car fled.",
])
def test_hyphens_and_apostrophes_belong_to_the_word(tmp_path, text):
    rule = _rule(tmp_path, "'known crater'", "'x'") if "well" in text else _rule(tmp_path, "'subject'", "'suspect'")
    assert _fix(rule, text) is None


def test_context_cues_any_and_none_in_the_sentence(tmp_path):
    rule = _rule(tmp_path, "'caused by the <fugitive>'", "'caused by a leak'",
                 "    context: {any: [fire, gas], none: [police]}\n")
    assert _fix(rule, "The fires were caused by the fugitive.") == "The fires were caused by a leak."
    assert _fix(rule, "The crash was caused by the fugitive. There was a fire.") is None
    assert _fix(rule, "Police said the fire was caused by the fugitive.") is None


def test_lint_reports_file_rule_and_key_and_failing_examples(tmp_path, capsys):
    path = tmp_path / "vi" / "bad.yaml"
    path.parent.mkdir()
    path.write_text(
        "rules:\n"
        "  - id: t.one\n    match: '(a|b'\n    replace: c\n    message: m\n    examples: [{bad: a}, {ok: q}]\n"
        "  - id: t.two\n    src: y\n    match: 'crater of war'\n    replace: 'brink of war'\n    message: m\n"
        "    examples: [{bad: 'the crater of war', fix: 'the edge of war'}, {ok: 'the crater of war'}]\n",
        encoding="utf-8")
    n = lint([path], strict=True)
    out = capsys.readouterr().out
    assert n == 4
    assert "rule 't.one'" in out and "key 'src'" in out and "key 'match'" in out
    assert "rule 't.two'" in out and "(fix)" in out and "(ok)" in out
    assert "bad.yaml" in out
