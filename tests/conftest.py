"""Shared fixtures.

Fast web fixtures (no Redis server, no worker process): ``app`` is the real Flask app on an
in-memory Redis (fakeredis) with Celery running tasks eagerly in the test's own process and a
worker heartbeat in the store; ``client`` is its test client; ``runner`` is a click
``CliRunner``.  Tests that need a real Redis, real workers or a real LanguageTool use the
fixtures of ``tests.service_fixtures`` / ``tests.lt_fixture`` and are marked ``integration``.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

import pytest
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
FIXTURES = ROOT / "tests" / "fixtures"


@pytest.fixture(scope="session")
def builtin_rules():
    """Every built-in phrase rule."""
    from service.rulesets.loader import load_rules

    return load_rules()


@pytest.fixture(scope="session")
def sample_text() -> str:
    """The Vietnamese->English sample article."""
    return (SAMPLES / "soleimani-vi-en.txt").read_text(encoding="utf-8")


def fast_app_config(**extra: Any) -> dict[str, Any]:
    """The settings of an app on fakeredis with eager Celery (no grammar pass)."""
    import fakeredis

    server = fakeredis.FakeServer()
    return {
        "REDIS_URL": "redis://fakeredis/0",
        "REDIS_CLIENT": fakeredis.FakeRedis(server=server, decode_responses=True),
        "RATELIMIT_STORAGE_URI": "memory://",
        "GRAMMAR": "off",
        "CELERY": {"broker_url": "memory://", "result_backend": "cache+memory://", "task_always_eager": True,
                   "task_eager_propagates": True, "task_store_eager_result": False},
        **extra,
    }


@pytest.fixture
def app(monkeypatch) -> Iterator[Any]:
    """The Flask app on fakeredis, tasks run eagerly, one live worker heartbeat."""
    monkeypatch.setenv("MTCLEAN_GRAMMAR", "off")
    from service.web.app import create_app

    flask_app = create_app(fast_app_config())
    flask_app.config["TESTING"] = True
    flask_app.extensions["mtclean_store"].heartbeat("eager@test")
    yield flask_app


@pytest.fixture
def client(app):
    """The test client of :func:`app`."""
    return app.test_client()


@pytest.fixture
def runner() -> CliRunner:
    """A click runner for the ``mtclean`` command line."""
    return CliRunner()
