"""Load on the HTTP service over loopback, beside the same texts cleaned in-process.

Starts its own Redis (embedded, as `mtclean serve` does), Celery workers and gunicorn (or
werkzeug with --server werkzeug), then:

1. in-process: every text cleaned by a Cleaner in this process (the engine's own cost);
2. latency: one client, one job at a time (what the queue and HTTP add to a job);
3. load: N concurrent clients submitting 1 KB texts for a fixed time (jobs/s, p50/p99 of
   submission to done; each client polls with GET /v1/jobs/<id>?wait=).

Prints the numbers, the ratios and PASS/MISS against the targets: queue + HTTP add < 50 ms at
p50 (phase 2 minus phase 1); >= 50 jobs/s with grammar disabled (phase 3).

    python bench/service_load.py                     # 16 clients, 20 s, grammar off
    python bench/service_load.py --clients 32 --seconds 60 --concurrency 2
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from service.cli.service import _free_port, _stop, start_embedded_redis, web_argv, worker_argv  # noqa: E402

TARGET_OVERHEAD_MS = 50.0
TARGET_JOBS_PER_S = 50.0


def make_texts(n: int, size: int = 1024) -> list[str]:
    """``n`` distinct texts of about ``size`` bytes, from the sample article's paragraphs."""
    paragraphs = [p for p in (ROOT / "samples" / "soleimani-vi-en.txt").read_text().split("\n\n") if p.strip()]
    texts, i = [], 0
    while len(texts) < n:
        parts, length = [], 0
        while length < size:
            p = paragraphs[i % len(paragraphs)]
            parts.append(p)
            length += len(p.encode()) + 2
            i += 1
        text = "\n\n".join(parts).encode()[:size].decode(errors="ignore")
        texts.append(f"{text.rsplit(' ', 1)[0]} ({len(texts)}).\n")
    return texts


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def wait_http(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            r = requests.get(url, timeout=2)
            if r.status_code == 200 and r.json()["workers"]["ok"]:
                return
        except (requests.RequestException, ValueError, KeyError):
            pass
        time.sleep(0.2)
    raise SystemExit(f"the service did not become healthy at {url} within {timeout:.0f} s")


def one_job(session: requests.Session, base: str, text: str) -> float:
    """Submit and wait; seconds from submission to done."""
    t0 = time.perf_counter()
    r = session.post(f"{base}/v1/jobs", json={"text": text}, timeout=30)
    r.raise_for_status()
    url = r.json()["url"]
    while True:
        job = session.get(url, params={"wait": 10}, timeout=30).json()
        if job["state"] == "done":
            return time.perf_counter() - t0
        if job["state"] == "failed":
            raise RuntimeError(f"job failed: {job.get('error')}")


def in_process(texts: list[str], grammar: bool) -> list[float]:
    os.environ.setdefault("MTCLEAN_GRAMMAR", "on" if grammar else "off")
    from service.web.app import create_app
    from service.worker import tasks

    app = create_app({"REDIS_URL": "redis://127.0.0.1:1/0", "GRAMMAR": "on" if grammar else "off"})
    times = []
    with app.app_context():
        tasks.clean_text(texts[0], {})  # warm up
        for text in texts:
            t0 = time.perf_counter()
            tasks.clean_text(text, {})
            times.append(time.perf_counter() - t0)
    return times


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--clients", type=int, default=16)
    ap.add_argument("--seconds", type=float, default=20.0, help="length of the load phase")
    ap.add_argument("--latency-seconds", type=float, default=5.0, help="length of the one-client phase")
    ap.add_argument("--concurrency", type=int, default=os.cpu_count() or 2, help="worker processes")
    ap.add_argument("--web-workers", type=int, default=2)
    ap.add_argument("--threads", type=int, default=16)
    ap.add_argument("--server", choices=["gunicorn", "werkzeug"], default="gunicorn")
    ap.add_argument("--grammar", action="store_true", help="run the grammar pass (LanguageTool must run)")
    ap.add_argument("--size", type=int, default=1024, help="bytes per text")
    args = ap.parse_args()

    load_before = os.getloadavg()[0]
    texts = make_texts(500, args.size)
    local = in_process(texts, args.grammar)
    tmp = Path(tempfile.mkdtemp(prefix="mtclean-bench-"))
    redis_url, redis_proc = start_embedded_redis(tmp / "redis")
    env = {k: v for k, v in os.environ.items() if not k.startswith("MTCLEAN_") or k == "MTCLEAN_LT_URL"}
    env.update(MTCLEAN_REDIS_URL=redis_url, MTCLEAN_GRAMMAR="on" if args.grammar else "off",
               MTCLEAN_RATELIMIT_ENABLED="false", PYTHONPATH=str(ROOT))
    port = _free_port()
    procs: list[subprocess.Popen] = []
    log = (tmp / "services.log").open("wb")
    try:
        procs.append(subprocess.Popen(worker_argv(args.concurrency, "bench", "WARNING"), cwd=ROOT, env=env,
                                      stdout=log, stderr=subprocess.STDOUT, start_new_session=True))
        web = web_argv("127.0.0.1", port, args.web_workers, args.threads)
        if args.server == "werkzeug":
            web = [sys.executable, "-c", "from service.web.app import create_app; "
                   f"create_app().run('127.0.0.1', {port}, threaded=True)"]
        web = [a for a in web if a != "--access-logfile" and a != "-"]
        procs.append(subprocess.Popen(web, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                      start_new_session=True))
        base = f"http://127.0.0.1:{port}"
        wait_http(f"{base}/healthz")
        with requests.Session() as s:  # warm every worker process
            for text in texts[:20]:
                one_job(s, base, text)

        # phase 2: one client
        single: list[float] = []
        with requests.Session() as s:
            end = time.monotonic() + args.latency_seconds
            i = 0
            while time.monotonic() < end:
                single.append(one_job(s, base, texts[i % len(texts)]))
                i += 1

        # phase 3: N clients for a fixed time
        loaded: list[float] = []
        errors: list[str] = []
        lock = threading.Lock()
        stop_at = time.monotonic() + args.seconds
        start = threading.Barrier(args.clients + 1)

        def client(k: int) -> None:
            with requests.Session() as s:
                start.wait()
                i = k
                while time.monotonic() < stop_at:
                    try:
                        dt = one_job(s, base, texts[i % len(texts)])
                    except Exception as exc:  # noqa: BLE001 - counted and reported
                        with lock:
                            errors.append(repr(exc))
                        continue
                    with lock:
                        loaded.append(dt)
                    i += args.clients

        threads = [threading.Thread(target=client, args=(k,), daemon=True) for k in range(args.clients)]
        for t in threads:
            t.start()
        start.wait()
        t0 = time.monotonic()
        for t in threads:
            t.join(args.seconds + 60)
        elapsed = time.monotonic() - t0
    finally:
        for p in procs:
            _stop(p)
        _stop(redis_proc)
        log.close()

    ms = 1000.0
    lp50, lp99 = pct(local, 0.5) * ms, pct(local, 0.99) * ms
    sp50, sp99 = pct(single, 0.5) * ms, pct(single, 0.99) * ms
    p50, p99 = pct(loaded, 0.5) * ms, pct(loaded, 0.99) * ms
    rate = len(loaded) / elapsed
    local_rate = len(local) / sum(local)
    overhead = sp50 - lp50
    print(f"mtclean service load: {len(texts)} texts of ~{args.size} B, grammar {'on' if args.grammar else 'off'}, "
          f"{args.concurrency} worker processes, {args.server} ({args.web_workers}x{args.threads}), "
          f"{os.cpu_count()} cores; load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after "
          "(other processes on the machine take CPU from these numbers)")
    print(f"in-process            : p50 {lp50:7.2f} ms  p99 {lp99:7.2f} ms  {local_rate:8.1f} texts/s (1 process)")
    print(f"service, 1 client     : p50 {sp50:7.2f} ms  p99 {sp99:7.2f} ms  {len(single)} jobs")
    print(f"service, {args.clients:2d} clients    : p50 {p50:7.2f} ms  p99 {p99:7.2f} ms  {rate:8.1f} jobs/s  "
          f"({len(loaded)} jobs in {elapsed:.1f} s, {len(errors)} errors)")
    print(f"ratios                : 1-client p50 / in-process p50 = {sp50 / lp50:.1f}x; "
          f"loaded jobs/s / in-process texts/s = {rate / local_rate:.2f}")
    ok1 = overhead < TARGET_OVERHEAD_MS
    ok2 = rate >= TARGET_JOBS_PER_S
    print(f"{'PASS' if ok1 else 'MISS'}  queue + HTTP add {overhead:.1f} ms at p50 (target < {TARGET_OVERHEAD_MS:.0f} ms)")
    print(f"{'PASS' if ok2 else 'MISS'}  {rate:.1f} jobs/s with {args.clients} clients "
          f"(target >= {TARGET_JOBS_PER_S:.0f} jobs/s{'' if not args.grammar else '; the target is for grammar off'})")
    if errors:
        print("errors (first 3):", *errors[:3], sep="\n  ")
    return 0 if not errors else 1


if __name__ == "__main__":
    sys.exit(main())
