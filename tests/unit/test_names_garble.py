"""bench/names_garble.py on a few cases: the generator garbles as it says, and the names passes
repair garbles without changing correct names (a small run; the full numbers are the bench's)."""
from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))

import names_garble  # noqa: E402


@pytest.mark.parametrize(
    "kind, check",
    [
        ("stutter", lambda w, g: len(g) > len(w) and g.lower() != w.lower()),
        ("fused", lambda w, g: g.startswith("President") and " " not in g),
        ("split", lambda w, g: g.replace(" ", "") == w and " " in g),
        ("lost", lambda w, g: len(g) == len(w) - 1),
        ("doubled", lambda w, g: len(g) == len(w) + 1),
        ("swapped", lambda w, g: sorted(g) == sorted(w) and g != w),
    ],
)
def test_garbles_do_what_they_say(kind, check):
    rng = random.Random(3)
    for _ in range(20):
        g = names_garble.garble("Soleimani", kind, rng, "President")
        if g is not None:
            assert check("Soleimani", g), g


def test_a_small_run_repairs_and_changes_no_correct_name():
    res = names_garble.run(cases_per_cell=2, seed=11, similar=20)
    total = res["total"]
    assert total["cases"] == 2 * len(names_garble.GARBLES) * len(names_garble.EVIDENCE)
    assert total["repaired"] >= total["cases"] // 3
    assert total["correct_changed_auto"] == 0 and total["wrong"] == 0
    assert res["similar"]["auto"] == 0 and res["similar"]["suggest"] == 0
