"""``requires_source_lang: true``: a language-specific rule whose wording is ordinary English
too runs only when one of its languages is given (``--source-lang``), never by default."""
from __future__ import annotations

from pathlib import Path

from service.engine.pipeline import Cleaner
from service.rulesets.loader import load_pack, load_rules

PACK = """langs: [ru]
source: test
rules:
  - id: ru.zz-territory
    requires_source_lang: true
    src: "на территории"
    match: "on the territory of the region"
    replace: "in the region"
    message: m
    examples:
      - bad: "Snow fell on the territory of the region."
        fix: "Snow fell in the region."
      - ok: "Snow fell in the region."
  - id: ru.zz-plain
    src: "x"
    match: "zorbly wup"
    replace: "wup"
    message: m
    examples:
      - bad: "a zorbly wup"
        fix: "a wup"
      - ok: "a wup"
"""
TEXT = "Snow fell on the territory of the region and a zorbly wup."


def _rules(tmp_path: Path):
    path = tmp_path / "p.yaml"
    path.write_text(PACK, encoding="utf-8")
    return load_pack(path, strict=False)


def test_a_rule_that_requires_its_source_language_runs_only_when_it_is_given(tmp_path: Path) -> None:
    rules = _rules(tmp_path)
    by_id = {r.id: r for r in rules}
    strict, plain = by_id["ru.zz-territory"], by_id["ru.zz-plain"]
    assert strict.requires_source_lang and not plain.requires_source_lang
    assert not strict.applies_to(None) and plain.applies_to(None)
    assert strict.applies_to(frozenset({"ru"})) and strict.applies_to(frozenset({"all"}))
    assert not strict.applies_to(frozenset({"ro"}))

    def fired(langs):
        return {e.rule_id for e in Cleaner(rules=rules, passes=("phrases",), source_langs=langs).clean(TEXT, "all").applied}

    assert fired(None) == {"ru.zz-plain"}
    assert fired(frozenset({"ru"})) == {"ru.zz-plain", "ru.zz-territory"}


def test_builtin_rules_that_require_a_source_language_name_one() -> None:
    strict = [r for r in load_rules() if r.requires_source_lang]
    assert strict, "no built-in rule uses requires_source_lang"
    assert not [r.id for r in strict if "any" in r.langs or not r.langs]
