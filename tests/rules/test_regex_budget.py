"""The regex time budget (issue 14 item 9) applies to users' packs; the built-in packs
(rules/phrases/, linted and tested) run without it (issue 12: the timeout makes each regex
call several times dearer), except under the lint, where a pack is being written."""
from __future__ import annotations

from pathlib import Path

from service.passes.phrases import REGEX_TIMEOUT, PhraseMatcher
from service.rulesets.loader import PHRASES_DIR, load_pack, load_rules

USER_PACK = """\
langs: [any]
category: word_choice
rules:
  - id: t.user
    src: "x"
    match: "functional forces"
    replace: "the authorities"
    tier: suggest
    message: "m"
    examples:
      - bad: "Functional forces came."
      - ok: "y"
"""


def test_builtin_rules_run_without_budget_user_rules_with_it(tmp_path: Path):
    builtin = load_rules()
    path = tmp_path / "user" / "any" / "mine.yaml"
    path.parent.mkdir(parents=True)
    path.write_text(USER_PACK, encoding="utf-8")
    user = load_pack(path)
    matcher = PhraseMatcher(builtin + user)
    budgets = dict(zip((r.id for r in builtin + user), matcher._budget))
    assert builtin and all(Path(r.path).resolve().is_relative_to(PHRASES_DIR.resolve()) for r in builtin)
    assert all(budgets[r.id] is None for r in builtin)
    assert budgets["t.user"] == REGEX_TIMEOUT
    # the lint times every rule, built-in ones too
    assert all(b == REGEX_TIMEOUT for b in PhraseMatcher(builtin[:50], timed=True)._budget)


def test_a_copy_of_a_builtin_pack_elsewhere_is_a_user_pack(tmp_path: Path):
    src = next(p for p in sorted(PHRASES_DIR.rglob("*.yaml")) if p.parent != PHRASES_DIR)
    copy = tmp_path / src.parent.name / src.name
    copy.parent.mkdir(parents=True)
    copy.write_bytes(src.read_bytes())
    rules = load_pack(copy, strict=False)
    assert rules
    assert set(PhraseMatcher(rules)._budget) == {REGEX_TIMEOUT}
