"""The large-document service benchmark runs end to end in quick mode (real Redis, real Celery
workers, a real web server; sections and JSON only, timings are never asserted)."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.bench_runner import run_quick


@pytest.mark.integration
def test_quick_service_benchmark_prints_every_section(tmp_path: Path):
    stdout, data = run_quick("service_large.py", tmp_path, timeout=900)
    assert "worker" in stdout
    assert set(data["service_s"]) == {"1", "2"} and all(len(t) == 3 for t in data["service_s"].values())
