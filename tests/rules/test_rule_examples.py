"""Every example of every phrase rule, one test each (select one rule with ``-k RULE_ID``).

``{bad, fix}``: the rule fires on ``bad``; applying its edits gives exactly ``fix``; the rule
finds nothing more in ``fix``.  ``{bad}``: the rule fires.  ``{ok}``: the rule does not fire.
"""
from __future__ import annotations

import pytest

from service.core.document import Document
from service.engine.apply import apply_edits
from service.passes.phrases import PhraseMatcher
from service.rulesets.loader import load_rules


def _cases():
    for rule in load_rules():
        for n, ex in enumerate(rule.examples):
            kind = "ok" if ex.ok is not None else ("fix" if ex.fix is not None else "bad")
            yield pytest.param(rule, ex, id=f"{rule.id}-{kind}{n}")


@pytest.mark.parametrize("rule,example", list(_cases()))
def test_rule_example(rule, example):
    matcher = PhraseMatcher([rule])
    if example.ok is not None:
        found = matcher.find(Document(example.ok))
        assert not found, f"{rule.id} fired on correct text: {[e.original for e in found]}"
        return
    found = matcher.find(Document(example.bad))
    assert found, f"{rule.id} did not fire on {example.bad!r}"
    if example.fix is not None:
        fixed = apply_edits(example.bad, found).text
        assert fixed == example.fix
        assert not matcher.find(Document(fixed)), f"{rule.id} fires again on its own fix"
