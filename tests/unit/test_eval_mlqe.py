"""scripts/eval_mlqe.py: precision without neutral edits, sentences made better/worse, the
targets of issue 10, and --source-lang-from-pair (the pair's source language given as a user
would give it)."""
from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import SimpleNamespace

from service.core.model import Edit, Tier
from service.engine.apply import apply_edits

ROOT = Path(__file__).resolve().parents[2]


def _load():
    spec = importlib.util.spec_from_file_location("eval_mlqe", ROOT / "scripts" / "eval_mlqe.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("eval_mlqe", module)
    spec.loader.exec_module(module)
    return module


mlqe = _load()


class _Words:
    """Replaces each word of ``subs`` (suggestions), applied with apply='all' only."""

    def __init__(self, subs: dict[str, str]):
        self.subs = subs

    def clean(self, text: str, apply: str = "auto"):
        edits = []
        for word, rep in self.subs.items():
            i = text.find(word)
            if i >= 0:
                edits.append(Edit(i, i + len(word), word, (rep,), f"t.{word}", "word_choice", Tier.SUGGEST, "m",
                                  pass_name="phrases"))
        out = apply_edits(text, edits if apply == "all" else [])
        return SimpleNamespace(applied=out.applied, suggestions=[], cleaned=out.text)


ROWS = [
    {"id": "1", "mt": "a foo here", "pe": "a baz here"},     # foo -> baz: toward, sentence better
    {"id": "2", "mt": "a bar here", "pe": "a bar here"},     # bar -> qux: away, sentence worse
    {"id": "3", "mt": "a zap here", "pe": "one two three"},  # zap -> zip: neutral
    {"id": "4", "mt": "nothing", "pe": "nothing"},
]


def test_precision_counts_toward_and_away_only_and_sentences_better_and_worse() -> None:
    r = mlqe.evaluate(ROWS, _Words({"foo": "baz", "bar": "qux", "zap": "zip"}), "all", show=0)
    s = r["stats"]
    assert (s["toward"], s["away"], s["neutral"]) == (1, 1, 1)
    assert s["precision"] == 0.5  # 1 / (1 + 1): the neutral edit is neither
    assert s["toward_share"] == round(1 / 3, 4)
    assert (s["sentences_closer"], s["sentences_further"]) == (1, 1)
    assert s["further_rate"] == 0.25 and s["closer_rate"] == 0.25


def test_targets_name_the_pairs_that_miss() -> None:
    good = mlqe.evaluate(ROWS, _Words({"foo": "baz"}), "all", show=0)
    bad = mlqe.evaluate(ROWS, _Words({"bar": "qux"}), "all", show=0)
    auto = mlqe.evaluate(ROWS, _Words({"bar": "qux"}), "auto", show=0)
    report = {"dev": {"ro-en": {"all": good, "auto": auto}, "ru-en": {"all": bad, "auto": auto}}}
    got = {name: ok for name, ok, _ in mlqe.targets(report, ["auto", "all"])}
    assert got == {"dev ro-en --apply all": True, "dev ru-en --apply all": False}


def test_source_lang_from_pair_builds_a_second_cleaner_with_the_pairs_language(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "ro-en.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in ROWS), encoding="utf-8")
    asked: list[object] = []

    def build(grammar: bool, lt_alone: bool, source_langs=None):
        asked.append(source_langs)
        # with the source language the rule for 'bar' does not run
        return _Words({"foo": "baz"} if source_langs else {"foo": "baz", "bar": "qux"})

    monkeypatch.setattr(mlqe, "build_cleaner", build)
    labels = mlqe.variants(["all"], with_source=True)
    assert labels == ["all", "all+src"]
    split, pair, _, out = mlqe._job(("dev", str(path), tuple(labels), False, False, 0, None))
    assert (split, pair) == ("dev", "ro-en")
    assert asked == [None, frozenset({"ro"})]
    assert out["all"]["stats"]["away"] == 1 and out["all+src"]["stats"]["away"] == 0


def test_main_prints_both_modes_and_the_targets(tmp_path: Path, monkeypatch, capsys) -> None:
    dev = tmp_path / "mlqe-pe-dev"
    dev.mkdir()
    (dev / "ru-en.jsonl").write_text("".join(json.dumps(r) + "\n" for r in ROWS), encoding="utf-8")
    monkeypatch.setattr(mlqe, "build_cleaner",
                        lambda g, a, langs=None: _Words({"foo": "baz"} if langs else {"bar": "qux"}))
    assert mlqe.main(["--data", str(tmp_path), "--split", "dev", "--apply", "all", "--jobs", "1",
                      "--source-lang-from-pair"]) == 0
    out = capsys.readouterr().out
    assert "MISS  dev ru-en --apply all:" in out
    assert "PASS  dev ru-en --apply all+src:" in out
