"""The measurement scripts (bench/false_positives.py, scripts/eval_mlqe.py, scripts/mine_mlqe.py)
on tiny made-up inputs: what they count, and that missing data is an error, not an empty table."""
from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import SimpleNamespace

from service.core.model import Edit, Tier

ROOT = Path(__file__).resolve().parents[2]


def _load(name: str, rel: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / rel)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(name, module)
    spec.loader.exec_module(module)
    return module


fp = _load("false_positives", "bench/false_positives.py")
mlqe = _load("eval_mlqe", "scripts/eval_mlqe.py")
mine = _load("mine_mlqe", "scripts/mine_mlqe.py")


class _FakeCleaner:
    """Flags every 'foo' (auto) and every 'bar' (suggest)."""

    def clean(self, text: str, apply: str = "auto"):
        edits = []
        for word, tier, rule in (("foo", Tier.AUTO, "t.foo"), ("bar", Tier.SUGGEST, "t.bar")):
            start = text.find(word)
            while start >= 0:
                edits.append(Edit(start, start + 3, word, ("baz",), rule, "word_choice", tier, "m",
                                  pass_name="phrases"))
                start = text.find(word, start + 1)
        return SimpleNamespace(edits=edits, passes={}, applied=[e for e in edits if e.is_auto])


def test_false_positives_counts_hits_per_rule_tier_and_million_words() -> None:
    docs = {"a": ["foo one two three", "bar bar four"], "b": ["five six seven eight nine ten"]}
    report = fp.measure(_FakeCleaner(), docs, show=1)
    assert report["total_words"] == 4 + 3 + 6
    rows = {(r["rule"], r["tier"]): r for r in report["rules"]}
    assert rows[("t.foo", "auto")]["hits"] == 1
    assert rows[("t.bar", "suggest")]["hits"] == 2
    assert rows[("t.bar", "suggest")]["per_million_words"] == round(2 * 1_000_000 / 13, 2)
    assert report["totals"] == {"auto": 1, "suggest": 2}
    assert report["passes"]["phrases"]["auto"]["hits"] == 1
    assert "[foo]" in report["examples"]["t.foo"][0]
    over = fp.over_budget(report, budget_auto=0, budget_suggest=1_000_000)
    assert over and over[0].startswith("t.foo (auto)")
    assert fp.over_budget(report, budget_auto=None, budget_suggest=None) == []


def test_false_positives_counts_known_corpus_errors_apart_but_in_the_total(tmp_path: Path) -> None:
    known_file = tmp_path / "known.yaml"
    known_file.write_text('real_errors:\n  - rule: t.foo\n    at: "one [foo] two"\n    why: a slip\n',
                          encoding="utf-8")
    known = fp.load_known(known_file)
    docs = {"a": ["one foo two three", "four foo five six"]}
    report = fp.measure(_FakeCleaner(), docs, known=known)
    tot = report["totals_per_corpus"]["ALL"]
    assert (tot["auto"]["hits"], tot["auto:real-error"]["hits"], tot["auto:false"]["hits"]) == (2, 1, 1)
    assert tot["auto:rules"]["hits"] == 2 and tot["auto:grammar"]["hits"] == 0
    assert [h["real_error"] for h in report["auto_hits"]] == [True, False]
    per_m = 1_000_000 / 8
    assert fp.over_budget(report, budget_auto=2 * per_m, budget_suggest=None) == []
    over = fp.over_budget(report, budget_auto=per_m, budget_suggest=None)
    assert over[-1].startswith("TOTAL auto") and "t.foo (auto)" in over[0]
    assert fp.over_budget(report, None, None, budget_false_auto=per_m) == []
    assert fp.over_budget(report, None, None, budget_false_auto=0)[0].startswith("FALSE auto")


def test_the_known_corpus_errors_file_loads() -> None:
    known = fp.load_known()
    assert known and all(k["rule"] and "[" in k["at"] for k in known)


def test_false_positives_rule_packs_run_alone(tmp_path: Path) -> None:
    pack = tmp_path / "p.yaml"
    pack.write_text(
        "langs: [any]\nsource: test\nrules:\n"
        "  - id: t.zorbly\n    src: zorbly\n    match: zorbly\n    replace: x\n    message: m\n"
        "    examples:\n      - bad: a zorbly b\n        fix: a x b\n      - ok: a b\n", encoding="utf-8")
    cleaner = fp.build_cleaner([pack], grammar=False)
    assert [r.id for r in cleaner.rules] == ["t.zorbly"]
    report = fp.measure(cleaner, {"c": ["a zorbly and another zorbly.\n"]})
    assert [(r["rule"], r["hits"]) for r in report["rules"]] == [("t.zorbly", 2)]


def test_eval_mlqe_refuses_a_folder_without_data(tmp_path: Path, capsys) -> None:
    assert mlqe.main(["--data", str(tmp_path), "--split", "dev"]) == 2
    assert "no MLQE-PE" in capsys.readouterr().err


def test_eval_mlqe_scores_toward_and_away(tmp_path: Path) -> None:
    rows = [{"id": "1", "src": "", "mt": "foo is here", "pe": "baz is here"},
            {"id": "2", "src": "", "mt": "the foo", "pe": "the foo"}]
    r = mlqe.evaluate(rows, _Applier(), "auto", show=1)
    s = r["stats"]
    assert (s["edits"], s["toward"], s["away"]) == (2, 1, 1)
    assert s["unchanged_by_editor"] == 1 and s["unchanged_but_changed"] == 1
    assert s["sentences_closer"] == 1 and s["sentences_further"] == 1
    assert s["precision"] == 0.5
    assert r["examples"][0]["rule"] == "t.foo"


class _Applier(_FakeCleaner):
    def clean(self, text: str, apply: str = "auto"):
        from service.engine.apply import apply_edits

        res = super().clean(text, apply)
        out = apply_edits(text, res.applied)
        return SimpleNamespace(applied=out.applied, suggestions=[], cleaned=out.text)


def test_eval_mlqe_reads_a_split_folder(tmp_path: Path) -> None:
    dev = tmp_path / "mlqe-pe-dev"
    dev.mkdir()
    (dev / "xx-en.jsonl").write_text(json.dumps({"id": "1", "src": "s", "mt": "a b", "pe": "a b"}) + "\n",
                                     encoding="utf-8")
    files = mlqe.split_files(tmp_path, ["dev", "train"], None)
    assert list(files) == ["dev"] and [p.name for p in files["dev"]] == ["xx-en.jsonl"]


def test_mining_keeps_a_consistent_substitution_and_drops_an_inconsistent_one() -> None:
    rows = []
    for i in range(4):  # 'foo bar' -> 'qux' every time
        rows.append({"id": str(i), "src": f"src{i} kala", "mt": f"We saw foo bar {i} today.",
                     "pe": f"We saw qux {i} today."})
    for i in range(6):  # 'green' changed in 3 of 9 sentences only
        rows.append({"id": f"g{i}", "src": "x", "mt": f"A green door {i}.",
                     "pe": f"A red door {i}." if i < 3 else f"A green door {i}."})
    for i in range(3):
        rows.append({"id": f"h{i}", "src": "x", "mt": f"The green hill {i}.", "pe": f"The green hill {i}."})
    kept = {(r["mt"], r["pe"]): r for r in mine.mine_pair(rows, max_len=4, min_sentences=3, min_consistency=0.5)}
    assert ("foo bar", "qux") in kept
    assert kept[("foo bar", "qux")]["consistency"] == 1.0
    assert kept[("foo bar", "qux")]["src"][0].startswith("kala")
    assert ("green", "red") not in kept  # 3 of 9 occurrences
