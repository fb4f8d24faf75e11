"""The rule-pass benchmark runs end to end in quick mode (sections and JSON only)."""
from __future__ import annotations

from pathlib import Path

from tests.bench_runner import run_quick


def test_quick_benchmark_runs_and_prints_every_section(tmp_path: Path):
    stdout, data = run_quick("rules_throughput.py", tmp_path, timeout=600)
    assert "MB/s" in stdout
    assert {"corpus", "throughput", "size_scaling", "memory", "codespell", "cli", "targets"} <= data.keys()
