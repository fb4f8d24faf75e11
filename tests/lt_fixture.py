"""A real LanguageTool server for the integration tests (``pytest_plugins = ["tests.lt_fixture"]``).

The session starts the server through :mod:`service.ops.languagetool` (fetching it first if needed)
unless ``MTCLEAN_LT_URL`` names one or ours already runs.  When it cannot be had the tests are
skipped, or fail when ``REQUIRE_LANGUAGETOOL=1``.  A server this session started is stopped
at its end.
"""
from __future__ import annotations

import os
import time
from dataclasses import dataclass

import pytest

from service.ops import languagetool as lt_server


@dataclass
class LTServer:
    """The server the tests use."""

    url: str
    owned: bool  # started by this test session: the tests may stop it
    seconds_to_healthy: float


def _unavailable(reason: str) -> None:
    if os.environ.get("REQUIRE_LANGUAGETOOL") == "1":
        pytest.fail(f"LanguageTool is required (REQUIRE_LANGUAGETOOL=1) but {reason}", pytrace=False)
    pytest.skip(f"LanguageTool not available: {reason}")


@pytest.fixture(scope="session")
def lt_session():
    """Start (or find) the server once per session."""
    if os.environ.get("MTCLEAN_LT_URL"):
        url = lt_server.server_url()
        if not lt_server.healthy(url, timeout=5):
            _unavailable(f"MTCLEAN_LT_URL={url} does not answer")
        yield LTServer(url, owned=False, seconds_to_healthy=0.0)
        return
    already = lt_server.status()
    if already.healthy:
        yield LTServer(already.url, owned=False, seconds_to_healthy=0.0)
        return
    t0 = time.monotonic()
    try:
        st = lt_server.start()
    except Exception as exc:  # noqa: BLE001 - any reason is reported
        _unavailable(f"it could not be started: {exc}")
    server = LTServer(st.url, owned=True, seconds_to_healthy=round(time.monotonic() - t0, 1))
    yield server
    lt_server.stop()


def ensure_running(lt_session) -> str:
    """The server's URL, restarted first if an earlier test stopped it."""
    if lt_session.owned and not lt_server.healthy(lt_session.url):
        lt_server.start()
    return lt_session.url


@pytest.fixture
def lt_url(lt_session) -> str:
    """The server's URL, restarted first if an earlier test stopped it."""
    if lt_session.owned and not lt_server.healthy(lt_session.url):
        lt_server.start()
    return lt_session.url
