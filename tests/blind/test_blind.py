"""The blind test files (tests/blind/<lang>.yaml) as a measurement of the rule passes.

The files are written apart from the rules; this harness only reads them.  The numbers (recall
flagged/fixed, false hits, per kind) go to ``blind-table.txt`` in pytest's temporary folder and
one summary line per language is printed; what is asserted holds for any engine that is careful
on clean text, whatever its recall: the files follow the schema, and clean controls are left
alone (no auto edit at all, at most 5% of controls with any edit).
"""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
BLIND_DIR = Path(__file__).resolve().parent
MAX_CONTROL_FALSE_HIT_RATE = 5.0  # percent of clean controls with at least one edit


def _eval_blind():
    spec = importlib.util.spec_from_file_location("eval_blind", ROOT / "scripts" / "eval_blind.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("eval_blind", module)
    spec.loader.exec_module(module)
    return module


eval_blind = _eval_blind()
FILES = eval_blind.blind_files(BLIND_DIR)
LANGS = [p.stem for p in FILES]


@pytest.mark.parametrize("path", FILES, ids=LANGS)
def test_blind_file_follows_the_schema(path: Path) -> None:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert raw.get("lang") == path.stem, "lang matches the file name"
    blind = eval_blind.load_blind(path)  # raises BlindError on a bad case (never quoting it)
    assert blind.cases, "at least one case"
    for case, raw_case in zip(blind.cases, raw["cases"]):
        for art, raw_art in zip(case.artefacts, raw_case["artefacts"]):
            assert raw_art["span"] in raw_case["text"], f"case {case.id}: span not in text"
            assert case.text[art.start:art.end] == raw_art["span"]
            assert art.kind in eval_blind.KINDS


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> dict:
    result = eval_blind.measure(FILES)
    out = tmp_path_factory.mktemp("blind") / "blind-table.txt"
    out.write_text(eval_blind.table(result) + "\n", encoding="utf-8")
    total = result["total"]
    line = (f"blind: {total['artefacts']} artefacts, flagged {total['recall_flagged']}%, fixed "
            f"{total['recall_fixed']}%, auto-fixed {total['recall_fixed_auto']}%; controls hit "
            f"{total['control_false_hit_rate']}%; table in {out}")
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if capture is not None:  # shown without -s
        with capture.global_and_fixture_disabled():
            print("\n" + line)
    else:
        print(line)
    return result


@pytest.mark.parametrize("lang", LANGS)
def test_no_auto_edit_on_clean_controls(report: dict, lang: str) -> None:
    s = report["languages"][lang]
    assert s["control_edits_auto"] == 0, (
        f"{lang}: {s['control_edits_auto']} auto edits on clean controls; rules: {s['false_hit_rules']}")


@pytest.mark.parametrize("lang", LANGS)
def test_few_edits_on_clean_controls(report: dict, lang: str) -> None:
    s = report["languages"][lang]
    assert s["controls"] > 0
    assert s["control_false_hit_rate"] <= MAX_CONTROL_FALSE_HIT_RATE, (
        f"{lang}: {s['controls_hit']}/{s['controls']} clean controls edited; rules: {s['false_hit_rules']}")


def test_scoring_counts_a_fix_and_a_stray_edit() -> None:
    """The scorer itself, on a made-up case: an edit giving the fix is 'fixed', another is stray."""
    from service.core.model import Edit, Tier

    case = eval_blind.Case("x", "The functional forces came at the above time.",
                           [eval_blind.Artefact(4, 21, ["authorities", "police"], "officialese")])
    fix = Edit(4, 21, "functional forces", ("authorities",), "t.fix", "officialese", Tier.AUTO, "m")
    stray = Edit(22, 26, "came", ("arrived",), "t.stray", "word_choice", Tier.SUGGEST, "m")
    scored = eval_blind.score_case(case, [fix, stray], [fix], [fix, stray])
    art = scored["artefacts"][0]
    assert art["flagged"] and art["fixed"] and art["fixed_auto"]
    assert [s["rule"] for s in scored["stray"]] == ["t.stray"]
    wrong = Edit(4, 21, "functional forces", ("forces",), "t.wrong", "officialese", Tier.SUGGEST, "m")
    scored = eval_blind.score_case(case, [wrong], [], [wrong])
    assert scored["artefacts"][0]["flagged"] and not scored["artefacts"][0]["fixed"]
