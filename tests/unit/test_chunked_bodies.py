"""Chunked request bodies (issue 14 item 4): counted against MAX_CONTENT_LENGTH (413, never a
job for the first part of a document), and chunked JSON, text and multipart parsed as usual.
Over real HTTP (werkzeug's server on loopback; the app on fakeredis with eager tasks)."""
from __future__ import annotations

import http.client
import json
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest

from tests.conftest import fast_app_config
from tests.service_fixtures import serve

LIMIT = 4096


@pytest.fixture()
def site(monkeypatch) -> Iterator[tuple[str, object]]:
    monkeypatch.setenv("MTCLEAN_GRAMMAR", "off")
    from service.web.app import create_app

    app = create_app(fast_app_config(MAX_CONTENT_LENGTH=LIMIT, RATELIMIT_ENABLED=False))
    app.extensions["mtclean_store"].heartbeat("eager@test")
    url, stop = serve(app)
    yield url, app
    stop()


def chunked(url: str, path: str, body: bytes, ctype: str) -> tuple[int, dict]:
    u = urlsplit(url)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
    pieces = (body[i:i + 1000] for i in range(0, len(body), 1000))
    conn.request("POST", path, body=pieces, headers={"Content-Type": ctype}, encode_chunked=True)
    resp = conn.getresponse()
    data = resp.read()
    conn.close()
    return resp.status, json.loads(data) if data.startswith(b"{") else {}


def _jobs(app) -> int:
    return sum(1 for _ in app.extensions["mtclean_store"].redis.scan_iter("mtclean:job:*"))


@pytest.mark.parametrize("ctype,make", [
    ("application/json", lambda n: json.dumps({"text": "word " * n}).encode()),
    ("text/plain", lambda n: ("word " * n).encode()),
])
def test_a_chunked_body_over_the_limit_is_413_and_no_job(site, ctype, make):
    url, app = site
    status, body = chunked(url, "/v1/jobs", make(5 * LIMIT), ctype)
    assert status == 413 and body["error"]["code"] == "too_large"
    assert _jobs(app) == 0


@pytest.mark.parametrize("ctype,body", [
    ("application/json", json.dumps({"text": "A convoy ran to the runway. " * 20}).encode()),
    ("text/plain", ("A convoy ran to the runway. " * 20).encode()),
])
def test_a_chunked_body_within_the_limit_is_parsed(site, ctype, body):
    url, app = site
    status, out = chunked(url, "/v1/jobs", body, ctype)
    assert status == 202, out
    u = urlsplit(url)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
    conn.request("GET", f"/v1/jobs/{out['id']}")
    job = json.loads(conn.getresponse().read())
    assert job["state"] == "done"
    assert job["result"]["cleaned"].count("runway") == 20  # the whole document, not a part
