"""Shared fixtures."""
from __future__ import annotations

from pathlib import Path

import pytest

from service.rulesets.loader import load_rules

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"


@pytest.fixture(scope="session")
def builtin_rules():
    """Every built-in phrase rule."""
    return load_rules()


@pytest.fixture(scope="session")
def sample_text() -> str:
    """The Vietnamese->English sample article."""
    return (SAMPLES / "soleimani-vi-en.txt").read_text(encoding="utf-8")
