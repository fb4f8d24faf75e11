"""The rule-pass benchmark runs end to end in quick mode (sections only; timings are never
asserted: machines are noisy and the benchmark reports its targets itself)."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench" / "rules_throughput.py"
SECTIONS = (
    "== Corpus ==",
    "== 1. Throughput ==",
    "== 2. Scaling with document size ==",
    "== 3. Scaling with rule count ==",
    "== 4. Reference: codespell ==",
    "== Targets ==",
)


def test_quick_benchmark_runs_and_prints_every_section(tmp_path: Path):
    out_json = tmp_path / "bench.json"
    proc = subprocess.run(
        [sys.executable, str(BENCH), "--quick", "--repeats", "1", "--json", str(out_json)],
        cwd=tmp_path, capture_output=True, text=True, timeout=600,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    positions = [proc.stdout.find(s) for s in SECTIONS]
    assert all(p >= 0 for p in positions), proc.stdout
    assert positions == sorted(positions)
    assert "MB/s" in proc.stdout
    data = json.loads(out_json.read_text(encoding="utf-8"))
    assert {"corpus", "throughput", "size_scaling", "rule_scaling", "codespell", "targets"} <= data.keys()
    assert {t["status"] for t in data["targets"]} <= {"PASS", "MISS"}
