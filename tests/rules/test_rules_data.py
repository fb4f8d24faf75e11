"""The rule data itself: schema, unique ids, ``src``, examples, no self-maps, no cycles, no
duplicate (phrase, language) pairs, every pattern compiles."""
from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
import yaml

from service.core.document import Document
from service.errors import RuleError
from service.passes.phrases import PhraseMatcher
from service.rulesets.loader import PHRASES_DIR, compiled, is_legacy, load_pack, load_rules, normalise_phrase, pack_files


def test_every_pack_loads_and_ids_are_unique():
    rules = load_rules()
    dupes = [i for i, n in Counter(r.id for r in rules).items() if n > 1]
    assert not dupes
    assert rules


def test_every_rule_has_a_bad_and_an_ok_example(builtin_rules):
    missing = [r.id for r in builtin_rules
               if not any(e.bad for e in r.examples) or not any(e.ok for e in r.examples)]
    assert not missing


def test_no_replacement_maps_to_itself(builtin_rules):
    selfmaps = [r.id for r in builtin_rules if r.pattern is None
                and any(normalise_phrase(rep) in r.triggers for rep in r.replace)]
    assert not selfmaps


def test_no_plain_replacement_fires_its_own_rule(builtin_rules):
    """A rule must not fire on its own replacement (phrase rules with lemmas and slots too;
    templated replacements are covered by the fix examples)."""
    selfmaps = []
    for rule in builtin_rules:
        if rule.templates is None:
            continue
        matcher = PhraseMatcher([rule])
        for rep, parts in zip(rule.replace, rule.templates):
            if all(p[0] == "t" for p in parts) and matcher.find(Document(rep)):
                selfmaps.append((rule.id, rep))
    assert not selfmaps


def test_every_rule_names_its_source_expression(builtin_rules):
    """``src``: the source-language expression (v1 packs directly in rules/phrases/ are exempt
    until migrated)."""
    from pathlib import Path as _P

    missing = [r.id for r in builtin_rules if not r.src and not is_legacy(_P(r.path))]
    assert not missing


def test_every_v2_pack_passes_strict_validation():
    problems = []
    for path in pack_files([PHRASES_DIR]):
        if is_legacy(path):
            continue
        try:
            load_pack(path, strict=True)
        except RuleError as exc:
            problems.append(str(exc))
    assert not problems


def test_no_duplicate_phrase_for_the_same_language(builtin_rules):
    """No two rules match the same phrase for the same source language under the same
    conditions (rules told apart by their before/after/context conditions are not duplicates)."""
    owner: dict[tuple[str, str], str] = {}
    dupes = []
    for rule in builtin_rules:
        for phrase in rule.phrases:
            key_text = normalise_phrase(phrase.text) if not phrase.expand else phrase.text
            for lang in rule.langs:
                key = (key_text, lang, rule.context, rule.cues)
                if key in owner and owner[key] != rule.id:
                    dupes.append((rule.id, owner[key], phrase.text, lang))
                owner.setdefault(key, rule.id)
    assert not dupes


def test_every_pattern_compiles(builtin_rules):
    bad = []
    for rule in builtin_rules:
        for phrase in rule.phrases:
            try:
                compiled(phrase.source, phrase.flags)
            except Exception as exc:  # noqa: BLE001
                bad.append((rule.id, phrase.text, str(exc)))
        for key, source in rule.context:
            try:
                compiled(source, 0)
            except Exception as exc:  # noqa: BLE001
                bad.append((rule.id, key, str(exc)))
    assert not bad


def test_no_replacement_contains_another_rules_trigger(builtin_rules):
    """A replacement that another rule would fire on makes a cycle or a chain of fixes."""
    matcher = PhraseMatcher(builtin_rules)
    chains = []
    for rule in builtin_rules:
        if rule.pattern is not None:
            continue
        for rep in rule.replace:
            hits = [e.rule_id for e in matcher.find(Document(rep)) if e.tier.value == "auto"]
            if hits:
                chains.append((rule.id, rep, hits))
    assert not chains


def test_rule_packs_are_broad(builtin_rules):
    by_category = Counter(r.category for r in builtin_rules)
    assert by_category["idiom"] >= 150
    assert by_category["word_choice"] >= 100
    langs = Counter(lang for r in builtin_rules if r.category == "idiom" for lang in r.langs)
    assert len([lang for lang in langs if lang != "any"]) >= 4


def test_pack_files_are_mappings_with_rules():
    for path in pack_files([PHRASES_DIR]):
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert isinstance(raw, dict) and raw.get("rules"), path


@pytest.mark.parametrize(
    "body,words",
    [
        ("rules:\n  - id: x.one\n    match: a b\n    replace: c\n    message: m\n    examples: [{ok: q}]\n    colour: red\n",
         ["x.one", "colour"]),
        ("rules:\n  - id: x.two\n    pattern: '(unclosed'\n    anchor: unclosed\n    replace: c\n    message: m\n    examples: [{ok: q}]\n",
         ["x.two", "pattern"]),
        ("rules:\n  - id: Bad Id\n    match: a b\n    replace: c\n    message: m\n    examples: [{ok: q}]\n",
         ["id"]),
        ("rules:\n  - id: x.three\n    match: a b\n    replace: c\n    message: m\n    examples: [{fix: q}]\n",
         ["x.three", "examples"]),
    ],
)
def test_invalid_rule_file_names_file_rule_and_key(tmp_path: Path, body, words):
    path = tmp_path / "broken.yaml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(RuleError) as info:
        load_pack(path)
    message = str(info.value)
    assert "broken.yaml" in message
    for word in words:
        assert word in message


def test_no_fix_example_triggers_another_auto_rule(builtin_rules):
    """Where a rule (literal or pattern) writes its fix, no other rule fires automatically."""
    matcher = PhraseMatcher(builtin_rules)
    chains = []
    for rule in builtin_rules:
        for ex in rule.examples:
            if ex.fix is None:
                continue
            before = {(e.rule_id, e.original) for e in matcher.find(Document(ex.bad))}
            after = [e for e in matcher.find(Document(ex.fix)) if e.tier.value == "auto"
                     and (e.rule_id, e.original) not in before]
            if after:
                chains.append((rule.id, ex.fix, [e.rule_id for e in after]))
    assert not chains


def test_pattern_anchors_are_not_among_the_commonest_words(builtin_rules):
    """An anchor is where the automaton wakes a pattern up: 'on' or 'of the' would run the
    pattern at every other line.  Anchor on the rarest word the pattern needs."""
    from service.core.inventory import zipf

    common = [(r.id, a) for r in builtin_rules if r.pattern is not None for a in r.triggers
              if all(zipf(w) >= 6.5 for w in a.split())]
    assert not common


def test_phrase_anchors_are_not_among_the_commonest_words(builtin_rules):
    """A phrase's anchors (its rarest required word, or the literal texts it can match) are
    where the scan wakes its regex up: a phrase made only of words like 'the', 'of' or 'is'
    would run at every other word."""
    from service.core.inventory import zipf

    common = [(r.id, p.text) for r in builtin_rules for p in r.phrases
              if not p.expand and all(zipf(a) >= 6.5 for a in p.anchors)]
    assert not common


def test_compiled_packs_are_cached_per_file(tmp_path, monkeypatch):
    from service.rulesets import loader

    monkeypatch.setenv("MTCLEAN_CACHE", str(tmp_path / "cache"))
    monkeypatch.delitem(__import__("sys").modules, "service.settings", raising=False)
    packs = tmp_path / "packs"
    packs.mkdir()
    body = "rules:\n  - id: t.{n}\n    match: '<pour> oil on the fire'\n    replace: '<add> fuel to the fire'\n" \
           "    message: m\n    examples: [{{bad: poured oil on the fire}}, {{ok: fuel}}]\n"
    for n in ("one", "two"):
        (packs / f"{n}.yaml").write_text(body.format(n=n), encoding="utf-8")
    compiled = []
    real = loader.load_pack
    monkeypatch.setattr(loader, "load_pack", lambda path, strict=None: compiled.append(path.name) or real(path, strict))
    first = loader.load_rules([packs], builtin=False)
    again = loader.load_rules([packs], builtin=False)
    assert sorted(compiled) == ["one.yaml", "two.yaml"]  # the second load compiled nothing
    assert [r.id for r in again] == [r.id for r in first] and again[0].phrases == first[0].phrases
    (packs / "two.yaml").write_text(body.format(n="two").replace("oil", "petrol"), encoding="utf-8")
    changed = loader.load_rules([packs], builtin=False)
    assert sorted(compiled) == ["one.yaml", "two.yaml", "two.yaml"]  # only the edited pack
    assert "petrol" in changed[1].phrases[0].text
    assert list((tmp_path / "cache" / "rules").glob("pack-*.pickle"))
