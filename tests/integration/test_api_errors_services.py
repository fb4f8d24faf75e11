"""The API's error statuses that need a real Redis and real workers (rate limits in Redis, worker
heartbeats, API keys, an unexpected error inside a task)."""
from __future__ import annotations

import pytest

from tests.service_fixtures import free_port
from tests.unit.test_api_errors import error_of

pytestmark = pytest.mark.integration
pytest_plugins = ["tests.service_fixtures", "tests.lt_fixture"]


def test_over_the_rate_limit_is_429(service_stack):
    from service.web.app import create_app

    app = create_app(service_stack.app_config(RATE_LIMIT="2 per minute", RATELIMIT_KEY_PREFIX=f"t429-{free_port()}"))
    client = app.test_client()
    for _ in range(2):
        assert client.post("/v1/check", json={"text": "He met him. in Syria."}).status_code == 200
    resp = client.post("/v1/check", json={"text": "He met him. in Syria."})
    error_of(resp, 429, "rate_limited")
    assert int(resp.headers["Retry-After"]) > 0
    assert client.get("/v1/jobs/x").status_code == 404  # reading is not limited


def test_no_worker_is_503(make_stack):
    """How it is decided: no worker heartbeat in Redis within WORKER_STALE_SECONDS."""
    stack = make_stack()  # its own Redis database, no worker
    client = stack.app.test_client()
    error_of(client.post("/v1/jobs", json={"text": "He met him. in Syria."}), 503, "no_worker")
    assert client.post("/v1/check", json={"text": "He met him. in Syria."}).status_code == 200
    health = client.get("/healthz")
    assert health.status_code == 503 and health.json["workers"]["ok"] is False


def test_api_keys_are_required_when_configured(service_stack):
    from service.web.app import create_app

    client = create_app(service_stack.app_config(API_KEYS="k1,k2")).test_client()
    error_of(client.post("/v1/check", json={"text": "x y"}), 401, "unauthorized")
    error_of(client.post("/v1/check", json={"text": "x y"}, headers={"Authorization": "Bearer nope"}), 401)
    assert client.post("/v1/check", json={"text": "x y"}, headers={"Authorization": "Bearer k2"}).status_code == 200
    assert client.post("/v1/check", json={"text": "x y"}, headers={"X-API-Key": "k1"}).status_code == 200
    assert client.get("/v1/openapi.json").status_code == 200


def test_an_unexpected_error_is_a_bare_json_500(service_stack, monkeypatch):
    from service.web.app import create_app
    from service.worker import tasks

    def boom(*_a, **_k):
        raise RuntimeError("secret internals /etc/passwd")

    monkeypatch.setattr(tasks, "clean_text", boom)
    client = create_app(service_stack.app_config()).test_client()
    msg = error_of(client.post("/v1/check", json={"text": "x y"}), 500, "internal")
    assert "secret" not in msg and "reference" in msg
