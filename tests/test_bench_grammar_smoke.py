"""The grammar-overhead benchmark runs end to end in quick mode when LanguageTool can be had
(sections only; timings are never asserted: the benchmark reports its targets itself)."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytest_plugins = ["tests.lt_fixture"]

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench" / "grammar_overhead.py"
SECTIONS = (
    "== Corpus ==",
    "== Server ==",
    "== 1. Cold: LanguageTool alone vs pipeline ==",
    "== 2. Cached: pipeline again, warm paragraph cache ==",
    "== 3. Server memory ==",
    "== Targets ==",
)


@pytest.mark.integration
def test_quick_grammar_benchmark_prints_every_section(lt_session, tmp_path: Path):
    # lt_session only proves LanguageTool can be fetched and started here; the benchmark
    # starts its own cache-less server on a free port and stops it
    out_json = tmp_path / "grammar.json"
    proc = subprocess.run(
        [sys.executable, str(BENCH), "--quick", "--repeats", "1", "--json", str(out_json)],
        check=False, cwd=tmp_path, capture_output=True, text=True, timeout=900,
    )
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    positions = [proc.stdout.find(s) for s in SECTIONS]
    assert all(p >= 0 for p in positions), proc.stdout
    assert positions == sorted(positions)
    assert "VmRSS" in proc.stdout
    data = json.loads(out_json.read_text(encoding="utf-8"))
    assert {t["status"] for t in data["targets"]} <= {"PASS", "MISS"}
    assert data["cached"]["pipeline"]["requests"] == 0
