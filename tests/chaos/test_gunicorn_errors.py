"""gunicorn's own errors (issue 14 item 5): a request gunicorn refuses before the app sees it
(414 request line too long, 400 bad request line or header, 431 header fields too large) is
answered as JSON in the service's error shape, with the security headers, by a real gunicorn
started with the command line `mtclean serve` uses (service.cli.service.web_argv), on a real Redis."""
from __future__ import annotations

import json
import os
import socket
import subprocess
from collections.abc import Iterator

import pytest

from service.ops import processes
from tests.service_fixtures import ROOT, wait_for

pytestmark = pytest.mark.chaos
pytest_plugins = ["tests.service_fixtures"]


@pytest.fixture(scope="module")
def gunicorn_port(redis_server, tmp_path_factory) -> Iterator[int]:
    from service.cli.service import web_argv

    port = processes.free_port()
    argv = web_argv("127.0.0.1", port, 1, 2)
    assert "gunicorn" in argv, "gunicorn is pinned: mtclean serve must run it"
    log = tmp_path_factory.mktemp("gunicorn") / "gunicorn.log"
    env = {**os.environ, "MTCLEAN_REDIS_URL": f"{redis_server.url(9)}", "MTCLEAN_GRAMMAR": "off",
           "PYTHONPATH": str(ROOT)}
    with open(log, "wb") as out:
        proc = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_for(lambda: proc.poll() is not None or _answers(port), 60, "gunicorn to answer")
        assert proc.poll() is None, log.read_text()[-3000:]
        yield port
    finally:
        processes.stop_process(proc, 15)


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def _raw(port: int, request: bytes) -> tuple[int, dict[str, str], bytes]:
    with socket.create_connection(("127.0.0.1", port), timeout=20) as s:
        s.sendall(request)
        data = b""
        while chunk := s.recv(65536):
            data += chunk
            head, _, body = data.partition(b"\r\n\r\n")
            length = [int(v) for k, v in (ln.split(b":", 1) for ln in head.split(b"\r\n")[1:] if b":" in ln)
                      if k.strip().lower() == b"content-length"]
            if length and len(body) >= length[0]:
                break
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {k.strip().lower(): v.strip() for k, v in (ln.split(":", 1) for ln in lines[1:] if ":" in ln)}
    return int(lines[0].split()[1]), headers, body


CASES = {
    "request line too long": (b"GET /v1/jobs/" + b"a" * 9000 + b" HTTP/1.1\r\nHost: localhost\r\n\r\n", 414),
    "bad request line": (b"GARBAGE\r\nHost: localhost\r\n\r\n", 400),
    "bad http version": (b"GET / HTTP/9.7\r\nHost: localhost\r\n\r\n", 400),
    "bad header name": (b"GET / HTTP/1.1\r\nHost: localhost\r\nBad Header: x\r\n\r\n", 400),
    "header too large": (b"GET / HTTP/1.1\r\nHost: localhost\r\nX-Big: " + b"b" * 9000 + b"\r\n\r\n", 431),
    "too many headers": (b"GET / HTTP/1.1\r\nHost: localhost\r\n"
                         + b"".join(b"X-H%d: v\r\n" % i for i in range(150)) + b"\r\n", 431),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_gunicorns_own_errors_are_json_in_the_service_shape(gunicorn_port, case):
    request, expected = CASES[case]
    status, headers, body = _raw(gunicorn_port, request)
    assert status == expected, body[:300]
    assert headers.get("content-type", "").startswith("application/json"), (headers, body[:300])
    assert headers.get("x-content-type-options") == "nosniff"
    assert "content-security-policy" in headers
    error = json.loads(body)["error"]
    assert set(error) == {"code", "message"} and error["code"] and error["message"]
    assert "<html" not in body.decode("utf-8").lower()


def test_the_app_still_answers_through_the_same_worker(gunicorn_port):
    status, headers, body = _raw(gunicorn_port, b"GET /v1/no-such-route HTTP/1.1\r\nHost: localhost\r\n"
                                                b"Connection: close\r\n\r\n")
    assert status == 404 and json.loads(body)["error"]["code"] == "not_found"


def test_deployments_run_the_json_error_worker():
    from service.cli.service import web_argv

    worker = "service.ops.gunicorn_worker.JsonErrorWorker"
    argv = web_argv("127.0.0.1", 8000, 1, 2)
    assert argv[argv.index("-k") + 1] == worker
    assert worker in (ROOT / "docker-compose.yml").read_text()
    assert worker in (ROOT / "docker" / "app.Dockerfile").read_text()
