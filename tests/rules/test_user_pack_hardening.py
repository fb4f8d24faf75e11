"""User rule packs under hostile patterns (issue 14 item 9): every rule regex runs with a time
budget (the pattern and the unless_/only_ context patterns), a pathological one is reported and
skipped instead of hanging; group references in a v1 ``replace`` are checked at load."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from service.core.document import Document
from service.errors import RuleError
from service.passes.phrases import PhraseMatcher
from service.rulesets.loader import check_pack, load_pack

A32 = "a" * 32

EVIL = f"""\
langs: [any]
category: word_choice
rules:
  - id: t.evil
    src: "x"
    pattern: '(a|a)+$'
    anchor: [{A32}]
    replace: "b"
    tier: suggest
    message: "m"
    examples:
      - bad: "{A32}"
      - ok: "y"
  - id: t.ctx
    src: "x"
    match: "functional forces"
    replace: "the authorities"
    unless_before: '(a|a)+$'
    tier: auto
    message: "m"
    examples:
      - bad: "Functional forces came."
      - ok: "y"
  - id: t.fine
    src: "x"
    match: "pour oil on the fire"
    replace: "add fuel to the fire"
    tier: auto
    message: "m"
    examples:
      - bad: "pour oil on the fire"
        fix: "add fuel to the fire"
      - ok: "y"
"""
TEXT = f"{A32} {A32}b. Functional forces pour oil on the fire.\n"


def _pack(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "user" / "any" / "evil.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_pathological_patterns_are_skipped_and_reported(tmp_path):
    rules = load_pack(_pack(tmp_path, EVIL))
    matcher = PhraseMatcher(rules)
    edits = matcher.find(Document(TEXT))
    assert [e.rule_id for e in edits] == ["t.fine"]  # the healthy rule still runs
    assert set(matcher.timed_out) == {"t.evil", "t.ctx"}
    assert "key 'pattern'" in matcher.timed_out["t.evil"]
    assert "key 'unless_before'" in matcher.timed_out["t.ctx"]
    assert "evil.yaml" in matcher.timed_out["t.ctx"]


def test_cli_with_a_pathological_user_pack_finishes_and_warns(tmp_path):
    _pack(tmp_path, EVIL)
    doc = tmp_path / "in.txt"
    doc.write_text(TEXT, encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "service", "check", "--rules", str(tmp_path / "user"), str(doc)],
                          capture_output=True, text=True, timeout=90)
    assert proc.returncode in (0, 1), proc.stderr
    assert "t.evil" in proc.stderr and "time budget" in proc.stderr
    assert "t.ctx" in proc.stderr
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize("replace,needle", [
    ("'\\2'", "'\\2'"),
    ("'x \\g<2> y'", "'\\g<2>'"),
    ("'\\g<name>'", "'\\g<name>'"),
])
def test_group_reference_without_the_group_is_a_load_error(tmp_path, replace, needle):
    pack = f"""\
langs: [any]
category: word_choice
rules:
  - id: t.groups
    src: "x"
    pattern: '\\b(big) dog\\b'
    anchor: [dog]
    replace: {replace}
    tier: suggest
    message: "m"
    examples:
      - bad: "big dog"
      - ok: "y"
"""
    path = _pack(tmp_path, pack)
    _rules, errors = check_pack(path)
    assert any("t.groups" in e and "key 'replace'" in e and needle.strip("'") in e and str(path) in e
               for e in errors), errors
    with pytest.raises(RuleError):
        load_pack(path)


def test_existing_group_references_still_load(tmp_path):
    pack = """\
langs: [any]
category: word_choice
rules:
  - id: t.groups
    src: "x"
    pattern: '\\b(?P<adj>big) (dog)\\b'
    anchor: [dog]
    replace: '\\g<adj> \\2 \\1 \\g<0>'
    tier: suggest
    message: "m"
    examples:
      - bad: "big dog"
      - ok: "y"
"""
    rules, errors = check_pack(_pack(tmp_path, pack))
    assert not errors and rules
