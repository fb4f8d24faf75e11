#!/usr/bin/env python3
"""One large document through the HTTP service (``POST /v1/jobs``), with 1 and 2 worker
processes, beside the same document cleaned in process: does a job's time grow in proportion
to its size, and do more workers help a single large job (its chunks run in parallel)?

Real text that never repeats (see :mod:`bench._common`), documents of 1, 2.5 and 5 MB
(``--quick``: 0.2, 0.5 and 1 MB), rule passes only (grammar off).  Starts its own Redis
(embedded), Celery workers and web server for each worker count, and stops them.  Targets are
PASS/MISS lines, never asserted.

    python bench/service_large.py [--quick] [--json FILE]
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from _common import MB, ROOT, Targets, documents, real_paragraphs, write_json

from service.cli.service import _free_port, _stop, start_embedded_redis, web_argv, worker_argv
from service.engine.pipeline import RULE_PASSES, Cleaner

SECTIONS = ("== Documents ==", "== In process ==", "== Service ==", "== Targets ==")
TARGET_PROPORTIONAL = 1.3  # seconds per MB of the largest vs the smallest document


def wait_healthy(base: str, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            r = httpx.get(f"{base}/healthz", timeout=2)
            if r.status_code == 200 and r.json()["workers"]["ok"]:
                return
        except (httpx.HTTPError, ValueError, KeyError):
            pass
        time.sleep(0.3)
    raise SystemExit(f"the service at {base} did not become healthy in {timeout:.0f} s")


def run_job(client: httpx.Client, base: str, text: str) -> tuple[float, dict]:
    """Submit ``text``; seconds from submission to done, and the job."""
    t0 = time.perf_counter()
    r = client.post(f"{base}/v1/jobs", json={"text": text, "options": {"passes": list(RULE_PASSES)}})
    r.raise_for_status()
    url = r.json()["url"]
    while True:
        job = client.get(url, params={"wait": 10}).json()
        if job["state"] == "done":
            return time.perf_counter() - t0, job
        if job["state"] == "failed":
            raise RuntimeError(f"job failed: {job.get('error')}")


def service_times(docs: list[str], workers: int, tmp: Path) -> list[float]:
    """Each document through a service with ``workers`` worker processes."""
    redis_url, redis_proc = start_embedded_redis(tmp / f"redis-{workers}")
    env = {k: v for k, v in os.environ.items() if not k.startswith("MTCLEAN_") or k == "MTCLEAN_CACHE"}
    env.update(MTCLEAN_REDIS_URL=redis_url, MTCLEAN_GRAMMAR="off", MTCLEAN_RATELIMIT_ENABLED="false",
               MTCLEAN_MAX_CONTENT_LENGTH=str(64 * MB), PYTHONPATH=str(ROOT))
    port = _free_port()
    log = (tmp / f"services-{workers}.log").open("wb")
    procs = []
    try:
        procs.append(subprocess.Popen(worker_argv(workers, f"bench{workers}", "WARNING"), cwd=ROOT, env=env,
                                      stdout=log, stderr=subprocess.STDOUT, start_new_session=True))
        web = [a for a in web_argv("127.0.0.1", port, 1, 4) if a not in ("--access-logfile", "-")]
        procs.append(subprocess.Popen(web, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                      start_new_session=True))
        base = f"http://127.0.0.1:{port}"
        wait_healthy(base)
        times = []
        with httpx.Client(timeout=120) as client:
            run_job(client, base, docs[0][:20_000])  # warm every worker's engine
            for doc in docs:
                seconds, job = run_job(client, base, doc)
                assert job["result"]["cleaned"], "no cleaned text"
                times.append(seconds)
        return times
    finally:
        for p in procs:
            _stop(p)
        _stop(redis_proc)
        log.close()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--repeats", type=int, default=1, help="accepted for the smoke-test runner; one run each")
    ap.add_argument("--json")
    a = ap.parse_args(argv)
    targets = Targets()
    sizes = [0.2, 0.5, 1.0] if a.quick else [1.0, 2.5, 5.0]
    paras, _ = real_paragraphs(seed=29)
    docs, used = [], 0
    for mb in sizes:  # each document from paragraphs no other document uses
        doc = documents(paras[used:], int(mb * MB), int(mb * MB))[0]
        used += doc.count("\n\n") + 1
        docs.append(doc)
    sizes_mb = [len(d.encode()) / MB for d in docs]

    print(SECTIONS[0])
    print("  " + ", ".join(f"{s:.2f} MB" for s in sizes_mb) + " of real text, no paragraph twice")

    print(SECTIONS[1])
    cleaner = Cleaner(passes=RULE_PASSES)
    cleaner.clean(docs[0][:20_000])
    local = []
    for doc, mb in zip(docs, sizes_mb):
        t0 = time.perf_counter()
        cleaner.clean(doc)
        local.append(time.perf_counter() - t0)
        print(f"  {mb:5.2f} MB: {local[-1]:6.2f} s ({local[-1] / mb:.2f} s/MB)")

    print(SECTIONS[2])
    out: dict = {"sizes_mb": sizes_mb, "in_process_s": local, "service_s": {}}
    with tempfile.TemporaryDirectory(prefix="mtclean-bench-") as tmp:
        for workers in (1, 2):
            times = service_times(docs, workers, Path(tmp))
            out["service_s"][workers] = times
            for mb, t, lt in zip(sizes_mb, times, local):
                print(f"  {workers} worker{'s' if workers > 1 else ' '}, {mb:5.2f} MB: {t:6.2f} s "
                      f"({t / mb:.2f} s/MB; {t / lt:.2f}x in process)")

    print(SECTIONS[3])
    for workers, times in out["service_s"].items():
        ratio = (times[-1] / sizes_mb[-1]) / (times[0] / sizes_mb[0])
        targets.check(f"{workers} worker(s): s/MB of {sizes_mb[-1]:.1f} MB within {TARGET_PROPORTIONAL}x of "
                      f"{sizes_mb[0]:.1f} MB", ratio <= TARGET_PROPORTIONAL, f"{ratio:.2f}x")
    speedup = out["service_s"][1][-1] / out["service_s"][2][-1]
    targets.check("2 workers finish the largest document sooner than 1", speedup > 1.0, f"{speedup:.2f}x faster")
    out["targets"] = targets.rows
    write_json(a.json, out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
