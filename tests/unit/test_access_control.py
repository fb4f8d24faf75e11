"""Access control (issue 14 item 7): keys own their jobs, /metrics needs a key, rate limits per
authenticated key or client address (failed authentication too), an API key does not skip CSRF
for a browser session, the Host header checked, long polls bounded."""
from __future__ import annotations

import secrets
import threading

import pytest

from tests.conftest import fast_app_config

TEXT = "He met him. in Syria. A convoy ran to the runway.\n"
A, B = {"X-API-Key": "alice-key"}, {"Authorization": "Bearer bob-key"}


def _app(monkeypatch, **extra):
    monkeypatch.setenv("MTCLEAN_GRAMMAR", "off")
    from service.web.app import create_app

    app = create_app(fast_app_config(**extra))
    app.config["TESTING"] = True
    app.extensions["mtclean_store"].heartbeat("eager@test")
    return app


@pytest.fixture()
def keyed(monkeypatch):
    return _app(monkeypatch, API_KEYS="alice-key,bob-key", RATELIMIT_ENABLED=False)


def test_a_job_of_key_a_is_404_for_key_b(keyed):
    c = keyed.test_client()
    r = c.post("/v1/jobs", json={"text": TEXT}, headers=A)
    assert r.status_code == 202
    job_id = r.json["id"]
    for path in ("", "/diff", "/edits", "/history", "/document"):
        assert c.get(f"/v1/jobs/{job_id}{path}", headers=A).status_code == 200, path
        assert c.get(f"/v1/jobs/{job_id}{path}", headers=B).status_code == 404, path
    eid = c.get(f"/v1/jobs/{job_id}/edits", headers=A).json["edits"][0]["id"]
    assert c.post(f"/v1/jobs/{job_id}/edits/{eid}", json={"decision": "reject"}, headers=B).status_code == 404
    assert c.post(f"/v1/jobs/{job_id}/edits", json={"decision": "reject", "tier": "auto"},
                  headers=B).status_code == 404
    assert c.get(f"/v1/jobs/{job_id}/history", headers=A).json["history"] == []


def test_metrics_need_a_key_when_keys_are_configured(keyed):
    c = keyed.test_client()
    assert c.get("/metrics").status_code == 401
    assert c.get("/metrics", headers={"X-API-Key": "wrong"}).status_code == 401
    assert c.get("/metrics", headers=A).status_code == 200


def test_failed_authentication_is_rate_limited(keyed):
    c = keyed.test_client()
    codes = [c.get("/v1/jobs/x", headers={"X-API-Key": secrets.token_hex(8)}).status_code for _ in range(25)]
    assert codes[:20] == [401] * 20 and codes[-1] == 429
    assert c.get("/v1/jobs/x", headers={"X-API-Key": "nope"}).json["error"]["code"] == "rate_limited"


def test_a_random_bearer_token_per_request_does_not_bypass_the_rate_limit(monkeypatch):
    app = _app(monkeypatch, RATE_LIMIT="3/minute")
    c = app.test_client()
    codes = [c.post("/v1/jobs", json={"text": TEXT}, headers={"Authorization": f"Bearer {secrets.token_hex(8)}"})
             .status_code for _ in range(5)]
    assert codes[:3] == [202] * 3 and codes[3:] == [429, 429]


def test_an_api_key_does_not_skip_csrf_for_a_cookie_session(keyed):
    c = keyed.test_client()
    job_id = c.post("/v1/jobs", json={"text": TEXT}, headers=A).json["id"]
    eid = c.get(f"/v1/jobs/{job_id}/edits", headers=A).json["edits"][0]["id"]
    c.set_cookie("mtclean_csrf", "t" * 43)
    r = c.post(f"/v1/jobs/{job_id}/edits/{eid}", json={"decision": "reject"},
               headers={**A, "Origin": "https://evil.example"})
    assert r.status_code == 403 and r.json["error"]["code"] == "csrf_failed"
    c.delete_cookie("mtclean_csrf")
    assert c.post(f"/v1/jobs/{job_id}/edits/{eid}", json={"decision": "reject"}, headers=A).status_code == 200


@pytest.mark.parametrize("host,status", [("evil.example", 400), ("localhost:8000", 200), ("127.0.0.1", 200),
                                         ("[::1]:80", 200), ("localhost.evil.example", 400)])
def test_the_host_header_is_checked(client, host, status):
    r = client.get("/healthz", headers={"Host": host})
    assert r.status_code == status or (status == 200 and r.status_code == 503), r.get_data(as_text=True)
    if status == 400:
        assert r.json["error"]["code"] == "bad_host"


def test_allowed_hosts_are_configurable(monkeypatch):
    monkeypatch.setenv("MTCLEAN_ALLOWED_HOSTS", "mt.example.org,.corp.example")
    app = _app(monkeypatch)
    c = app.test_client()
    assert c.get("/healthz", headers={"Host": "mt.example.org"}).status_code != 400
    assert c.get("/healthz", headers={"Host": "a.corp.example"}).status_code != 400
    assert c.get("/healthz", headers={"Host": "localhost"}).status_code == 400


def test_long_polls_beyond_the_slots_answer_at_once(app, client, monkeypatch):
    store = app.extensions["mtclean_store"]
    store.create_job("queuedjob", TEXT, "text", {}, 40_000)
    slots = app.extensions["mtclean_wait_slots"] = threading.BoundedSemaphore(1)
    assert slots.acquire(blocking=False)  # another long poll holds the only slot
    monkeypatch.setattr(store, "wait_finished", lambda *a: pytest.fail("waited without a slot"))
    r = client.get("/v1/jobs/queuedjob?wait=30")
    assert r.status_code == 200 and r.json["state"] == "queued"
    slots.release()
    calls = []
    monkeypatch.setattr(store, "wait_finished", lambda job_id, timeout: calls.append(timeout) or False)
    app.config["JOB_WAIT_MAX_SECONDS"] = 0.05
    assert client.get("/v1/jobs/queuedjob?wait=30").json["state"] == "queued"
    assert calls  # with a free slot it waits


def test_allowed_hosts_come_from_the_one_settings_object(monkeypatch):
    import ast
    import inspect

    import service.web.app as web_app
    from service.settings import describe, get_settings

    monkeypatch.setenv("MTCLEAN_ALLOWED_HOSTS", "mt.example.org")
    assert get_settings().allowed_hosts == "mt.example.org"
    assert "| ALLOWED_HOSTS |" in describe()
    tree = ast.parse(inspect.getsource(web_app))
    reads = [n for n in ast.walk(tree) if isinstance(n, ast.Attribute) and n.attr in ("environ", "getenv")
             and isinstance(n.value, ast.Name) and n.value.id == "os"]
    assert not reads, "service/web/app.py reads the environment itself; use service.settings"
