"""Memory for long words (issue 14 item 2): the peak resident memory (VmHWM) of a real gunicorn
web worker (POST /v1/check) and of a real Celery pool child (POST /v1/jobs) for a 60k-letter
capitalised word, two 30k-letter words and a 100k-character glossary name stays within
MAX_GROWTH_MB of the same process after a one-word request (the audit saw 587 MB in a web
worker, 1.87 GB in a Celery child, 5 GB for the glossary line).  The numbers are printed
(pytest -s) for the closing note."""
from __future__ import annotations

import json
import os
import random
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from service.ops import processes
from tests.chaos.outcomes import parent_pids
from tests.service_fixtures import ROOT, Worker, wait_for

pytestmark = pytest.mark.chaos
pytest_plugins = ["tests.service_fixtures"]
MAX_GROWTH_MB = 50


def _word(rng: random.Random, letters: int) -> str:
    return "N" + "".join(rng.choice("bcdfghjklmnpqrstvwxyzaeiou") for _ in range(letters - 1))


def _cases() -> dict[str, dict]:
    rng = random.Random(14)
    return {
        "one word": {"text": f"He met {_word(rng, 8)} in Hanoi. The convoy ran to the runway.\n"},
        "a 60k-letter capitalised word": {"text": f"He met {_word(rng, 60_000)} in Hanoi.\n"},
        "two 30k-letter words": {"text": f"He met {_word(rng, 30_000)} and {_word(rng, 30_000)} in Hanoi.\n"},
        "a 100k-character glossary name": {"text": "He met Nguyen in Hanoi.\n",
                                           "options": {"glossary": [_word(rng, 100_000)]}},
    }


def _peak_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise AssertionError(f"no VmHWM for {pid}")


def _children(pid: int) -> list[int]:
    return [child for child, parent in parent_pids().items() if parent == pid]


def _post(port: int, path: str, body: dict) -> tuple[int, dict]:
    data = json.dumps(body).encode()
    req = (f"POST {path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
           f"Content-Length: {len(data)}\r\nConnection: close\r\n\r\n").encode() + data
    with socket.create_connection(("127.0.0.1", port), timeout=120) as s:
        s.sendall(req)
        raw = b""
        while chunk := s.recv(1 << 16):
            raw += chunk
    head, _, payload = raw.partition(b"\r\n\r\n")
    return int(head.split()[1]), json.loads(payload)


@pytest.fixture()
def gunicorn(redis_server, tmp_path) -> Iterator[tuple[int, int]]:
    """A fresh gunicorn (one worker) as `mtclean serve` runs it: (port, the worker's pid)."""
    from service.cli.service import web_argv

    port = processes.free_port()
    env = {**os.environ, "MTCLEAN_REDIS_URL": redis_server.url(10), "MTCLEAN_GRAMMAR": "off",
           "MTCLEAN_RATELIMIT_ENABLED": "false", "PYTHONPATH": str(ROOT)}
    with open(tmp_path / "gunicorn.log", "wb") as log:
        proc = subprocess.Popen(web_argv("127.0.0.1", port, 1, 2), cwd=ROOT, env=env, stdout=log,
                                stderr=subprocess.STDOUT, start_new_session=True)
    try:
        workers = wait_for(lambda: proc.poll() is not None or _children(proc.pid), 60, "the gunicorn worker")
        assert proc.poll() is None, (tmp_path / "gunicorn.log").read_text()[-3000:]
        wait_for(lambda: _post(port, "/v1/check", {"text": "Hello."})[0] == 200, 60, "gunicorn to answer")
        yield port, workers[0]
    finally:
        processes.stop_process(proc, 15)


@pytest.mark.parametrize("case", list(_cases())[1:])
def test_a_web_workers_memory_for_long_words_is_bounded(gunicorn, case):
    port, worker = gunicorn
    cases = _cases()
    status, _ = _post(port, "/v1/check", cases["one word"])
    assert status == 200
    base = _peak_kb(worker)
    status, answer = _post(port, "/v1/check", cases[case])
    grown = (_peak_kb(worker) - base) / 1024
    print(f"\nweb worker, {case}: status {status}, peak {base / 1024:.0f} MB -> +{grown:.1f} MB")
    assert status == 200 or (status in (413, 422) and answer["error"]["code"]), answer
    assert grown < MAX_GROWTH_MB


def test_a_celery_childs_memory_for_long_words_is_bounded(make_stack, tmp_path):
    stack = make_stack(GRAMMAR="off", RATELIMIT_ENABLED=False)
    worker = Worker("mem", stack.url, stack.settings, tmp_path / "worker.log", concurrency=1)
    stack.workers.append(worker.start())
    worker.wait_ready(stack.store)
    assert worker.proc is not None
    child = wait_for(lambda: _children(worker.proc.pid), 30, "the pool child")[0]
    client = stack.app.test_client()

    def run(body: dict) -> tuple[int, dict]:
        r = client.post("/v1/jobs", json=body)
        if r.status_code != 202:
            return r.status_code, r.json
        job = r.json["id"]
        state = wait_for(lambda: (s := client.get(f"/v1/jobs/{job}?wait=5").json)["state"] in ("done", "failed")
                         and s, 120, f"job {job}")
        return 200, state

    cases = _cases()
    status, state = run(cases["one word"])
    assert status == 200 and state["state"] == "done", state
    assert _children(worker.proc.pid) == [child]  # the same child runs every job
    for case in list(cases)[1:]:
        base = _peak_kb(child)
        status, state = run(cases[case])
        grown = (_peak_kb(child) - base) / 1024
        print(f"\ncelery child, {case}: {state.get('state') or state}, peak {base / 1024:.0f} MB -> +{grown:.1f} MB")
        assert (status == 200 and state["state"] == "done") or status in (413, 422), state
        assert grown < MAX_GROWTH_MB, case
