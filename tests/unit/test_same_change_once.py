"""The same change found by two rules is one edit in a cleaning's result and its report (the
one the resolver applies): a report listed both, both marked applied, and a reviewer saw one
change twice."""
from __future__ import annotations

from collections import Counter

from service.engine.pipeline import RULE_PASSES, Cleaner
from service.reporting import report

TEXT = "For the farmers, the new tax was the drop that filled the glass."


def test_two_rules_one_change_one_edit():
    cleaner = Cleaner(passes=RULE_PASSES)
    found = cleaner.find(TEXT)
    keys = Counter(e.key() for e in found)
    twice = [k for k, n in keys.items() if n > 1]
    assert twice, "two rules should find the same change here"
    result = cleaner.clean(TEXT, "auto")
    assert all(n == 1 for n in Counter(e.key() for e in result.edits).values())
    assert "the last straw" in result.cleaned
    data = report.to_json(result)
    applied = [e for e in data["edits"] if e["applied"]]
    assert len(applied) == data["counts"]["applied"] == len(result.applied)
