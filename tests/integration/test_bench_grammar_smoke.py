"""The grammar-overhead benchmark runs end to end in quick mode when LanguageTool can be had
(sections and JSON only)."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.bench_runner import run_quick

pytest_plugins = ["tests.lt_fixture"]


@pytest.mark.integration
def test_quick_grammar_benchmark_prints_every_section(lt_session, tmp_path: Path):
    # lt_session only proves LanguageTool can be fetched and started here; the benchmark
    # starts its own cache-less server on a free port and stops it
    stdout, data = run_quick("grammar_overhead.py", tmp_path, timeout=900)
    assert "VmRSS" in stdout
    assert data["cached"]["pipeline"]["requests"] == 0
