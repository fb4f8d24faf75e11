"""Runs a benchmark script in quick mode for the smoke tests, and checks what every benchmark
must print: its own sections (read from the script's SECTIONS), in order, and a JSON file
whose targets are PASS or MISS.  Timings are never asserted: machines are noisy and the
benchmarks report their targets themselves."""
from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent.parent / "bench"


def sections(script: Path) -> tuple[str, ...]:
    """The script's SECTIONS constant, read without importing it."""
    for node in ast.parse(script.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "SECTIONS" for t in node.targets):
            return tuple(ast.literal_eval(node.value))
    raise AssertionError(f"{script} has no SECTIONS")


def run_quick(name: str, tmp_path: Path, timeout: float) -> tuple[str, dict[str, Any]]:
    """Run ``bench/NAME --quick --repeats 1``; its standard output and JSON, after the common checks."""
    script = BENCH_DIR / name
    out_json = tmp_path / "bench.json"
    proc = subprocess.run(
        [sys.executable, str(script), "--quick", "--repeats", "1", "--json", str(out_json)],
        check=False, cwd=tmp_path, capture_output=True, text=True, timeout=timeout,
    )
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    positions = [proc.stdout.find(s) for s in sections(script)]
    assert all(p >= 0 for p in positions), proc.stdout
    assert positions == sorted(positions)
    data = json.loads(out_json.read_text(encoding="utf-8"))
    assert data["targets"] and {t["status"] for t in data["targets"]} <= {"PASS", "MISS"}
    return proc.stdout, data
