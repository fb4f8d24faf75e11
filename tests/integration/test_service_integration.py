"""The HTTP service end to end: real Redis, real Celery worker processes, HTTP over loopback."""
from __future__ import annotations

import signal
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

pytest.register_assert_rewrite("tests.service_fixtures")
import requests

from tests.service_fixtures import Stack, free_port, serve, wait_for

pytest_plugins = ["tests.service_fixtures", "tests.lt_fixture"]
pytestmark = pytest.mark.integration

TIMEOUT = 10  # seconds for any one HTTP request


def submit(base: str, text: str, headers: dict[str, str] | None = None, **options: Any) -> str:
    body: dict[str, Any] = {"text": text}
    if options:
        body["options"] = options
    r = requests.post(f"{base}/v1/jobs", json=body, headers=headers, timeout=TIMEOUT)
    assert r.status_code == 202, r.text
    assert r.headers["Location"].endswith(f"/v1/jobs/{r.json()['id']}")
    return r.json()["id"]


def wait_done(base: str, job_id: str, timeout: float = 60) -> dict[str, Any]:
    def poll() -> dict[str, Any] | None:
        r = requests.get(f"{base}/v1/jobs/{job_id}", params={"wait": 2}, timeout=TIMEOUT)
        assert r.status_code == 200, r.text
        return r.json() if r.json()["state"] in ("done", "failed") else None
    job = wait_for(poll, timeout, f"job {job_id} to finish", interval=0.01)
    assert job["state"] == "done", job
    return job


def reference(app: Any, text: str, options: dict[str, Any] | None = None, name: str = "text") -> dict[str, Any]:
    """What a job must produce: the same cleaning, in this process, chunked as the job is."""
    from service.worker import tasks

    options = {"source_lang": None, "apply": "auto", "passes": None, "glossary": None, **(options or {})}
    with app.app_context():
        bounds = tasks.split_chunks(text, int(app.config["CHUNK_CHARS"]))
        if len(bounds) == 1:
            return tasks.clean_text(text, options, name)
        parts = [tasks.clean_text(text[s:e], options, name, context=text) for s, e in bounds]
        return tasks.merge_chunks(text, bounds, parts, name)


@pytest.fixture()
def fresh_rules() -> None:
    """Read the rule files again in this process (as a recently started worker did), so the
    reference cleaning uses the rules the workers use."""
    from service.engine import factory

    factory.clear()


def same_result(got: dict[str, Any], want: dict[str, Any]) -> None:
    assert got["cleaned"] == want["cleaned"]
    strip = lambda edits: [{k: v for k, v in e.items() if k != "seconds"} for e in edits]  # noqa: E731
    assert strip(got["edits"]) == strip(want["edits"])
    assert got["diff"] == want["diff"]
    assert got["counts"] == want["counts"]


def replay(original: str, edits: list[dict[str, Any]]) -> str:
    """Apply the applied edits to the original: must give the cleaned text (edits making the
    same change, found by two passes, are one change)."""
    out, pos = [], 0
    applied = {(e["start"], e["end"], e["replacements"][0]): e for e in edits if e["applied"]}
    for e in sorted(applied.values(), key=lambda e: e["start"]):
        assert original[e["start"]:e["end"]] == e["original"]
        out.append(original[pos:e["start"]] + e["replacements"][0])
        pos = e["end"]
    return "".join(out) + original[pos:]


def test_sample_article_comes_back_done_with_the_expected_fixes_and_a_diff(live_url, sample_text):
    job = wait_done(live_url, submit(live_url, sample_text, source_lang="vi"))
    result = job["result"]
    cleaned = result["cleaned"]
    assert "Generalimimimani" in sample_text and "Generalimimimani" not in cleaned
    assert "The campaign to kill General Soleimani pushed" in cleaned
    assert "met him. in Syria" in sample_text and "met him in Syria" in cleaned
    assert "\npost\n" in sample_text and "\npost\n" not in cleaned
    assert replay(sample_text, result["edits"]) == cleaned
    statuses = {p: s["status"] for p, s in result["passes"].items()}
    assert {p: statuses.get(p) for p in ("debris", "punctuation", "names", "phrases")} == {
        "debris": "ran", "punctuation": "ran", "names": "ran", "phrases": "ran"}
    assert all(st in ("ran", "skipped") for p, st in statuses.items() if p != "grammar"), statuses
    assert job["progress"]["fraction"] == 1.0
    diff = requests.get(job["diff_url"], timeout=TIMEOUT)
    assert diff.status_code == 200 and diff.headers["Content-Type"].startswith("text/x-diff")
    assert diff.text == result["diff"]["unified"]
    assert "-The campaign to kill Generalimimimani" in diff.text and "+The campaign to kill General Soleimani" in diff.text
    html = requests.get(job["diff_url"], params={"format": "html"}, timeout=TIMEOUT)
    assert html.headers["Content-Type"].startswith("text/html")
    assert "<del>Generalimimimani</del>" in html.text and "<ins>General Soleimani</ins>" in html.text


def test_fifty_concurrent_submissions_all_complete_with_the_right_results(live_url, service_app, fresh_rules):
    texts = [f"Report {i}: the officer met him. in Syria on day {i}.\n\npost\n\nThe talks ended {i} hours later.\n"
             for i in range(50)]
    barrier = threading.Barrier(50, timeout=30)

    def one(text: str) -> dict[str, Any]:
        barrier.wait()
        return wait_done(live_url, submit(live_url, text), timeout=120)

    t0 = time.monotonic()
    with ThreadPoolExecutor(50) as pool:
        jobs = list(pool.map(one, texts, timeout=180))
    print(f"50 jobs in {time.monotonic() - t0:.2f} s")
    assert len({j["id"] for j in jobs}) == 50
    for text, job in zip(texts, jobs):
        same_result(job["result"], reference(service_app, text))
        assert "met him in Syria" in job["result"]["cleaned"] and "post" not in job["result"]["cleaned"]


def test_an_idempotency_key_returns_the_same_job(live_url):
    headers = {"Idempotency-Key": f"retry-{free_port()}"}
    first = submit(live_url, "He met him. in Syria.", headers)
    again = requests.post(f"{live_url}/v1/jobs", json={"text": "He met him. in Syria."}, headers=headers, timeout=TIMEOUT)
    assert again.status_code in (200, 202) and again.json()["id"] == first
    assert again.headers["Idempotent-Replayed"] == "true"
    wait_done(live_url, first)
    other = requests.post(f"{live_url}/v1/jobs", json={"text": "Another text."}, headers=headers, timeout=TIMEOUT)
    assert other.status_code == 422 and other.json()["error"]["code"] == "invalid_options"


def test_a_file_upload_is_cleaned_like_json(live_url, service_app):
    data = "who met him. in Syria.\n".encode("utf-8")
    r = requests.post(f"{live_url}/v1/jobs", files={"file": ("a.txt", data, "text/plain")},
                      data={"options": '{"apply": "auto"}'}, timeout=TIMEOUT)
    assert r.status_code == 202, r.text
    job = wait_done(live_url, r.json()["id"])
    assert job["name"] == "a.txt" and job["result"]["cleaned"] == "who met him in Syria.\n"
    assert job["result"]["diff"]["unified"].startswith("--- a/a.txt")


def test_a_large_document_is_cleaned_in_chunks_joined_in_order(service_stack: Stack, sample_text, fresh_rules):
    from service.web.app import create_app

    app = create_app(service_stack.app_config(CHUNK_CHARS=2500))
    base, stop = serve(app)
    try:
        job = wait_done(base, submit(base, sample_text))
    finally:
        stop()
    result = job["result"]
    assert result["chunks"] > 2 and job["progress"]["total"] == result["chunks"] == job["progress"]["done"]
    same_result(result, reference(app, sample_text))
    assert replay(sample_text, result["edits"]) == result["cleaned"]
    assert "met him in Syria" in result["cleaned"]
    assert "Generalimimimani" not in result["cleaned"]  # repaired from the pairs in other chunks


def test_a_worker_killed_mid_job_loses_nothing(make_stack, sample_text, fresh_rules):
    stack = make_stack(TEST_DELAY_SECONDS=1.0, VISIBILITY_TIMEOUT=3, UNACKED_RESTORE_INTERVAL=1,
                       GRAMMAR="off", CHUNK_CHARS=2500)
    doomed = stack.add_worker("doomed")
    client = stack.app.test_client()
    job_id = client.post("/v1/jobs", json={"text": sample_text}).json["id"]

    def midway() -> bool:
        job = client.get(f"/v1/jobs/{job_id}").json
        return job["state"] == "running" and 1 <= job["progress"]["done"] < job["progress"]["total"]
    wait_for(midway, 30, "the job to be part done")
    doomed.kill(signal.SIGKILL)
    assert client.get(f"/v1/jobs/{job_id}").json["state"] == "running"
    stack.add_worker("rescuer")
    job = wait_for(lambda: (j := client.get(f"/v1/jobs/{job_id}?wait=2").json)["state"] in ("done", "failed") and j,
                   90, "the job to finish on the restarted worker")
    assert job["state"] == "done", job
    same_result(job["result"], reference(stack.app, sample_text))
    assert job["result"]["chunks"] == job["progress"]["total"] > 2


def test_a_redis_restart_loses_no_finished_job(make_stack):
    stack = make_stack(own_redis=True, GRAMMAR="off")
    stack.add_worker("survivor")
    client = stack.app.test_client()
    job_id = client.post("/v1/jobs", json={"text": "who met him. in Syria."}).json["id"]
    before = wait_for(lambda: (j := client.get(f"/v1/jobs/{job_id}?wait=2").json)["state"] == "done" and j,
                      30, "the first job")
    # Redis is killed once the worker has acknowledged the job: with a message unacknowledged at
    # the moment the broker vanishes, kombu 5.7's restore on reconnect fails and the worker exits
    # (see the report); a supervisor (compose's restart policy, `mtclean serve`) restarts it.
    wait_for(lambda: stack.store.redis.hlen("unacked") == 0, 10, "the worker's acknowledgement")
    stack.redis.stop(signal.SIGKILL)
    assert client.get(f"/v1/jobs/{job_id}").status_code == 503
    stack.redis.start()
    after = wait_for(lambda: (r := client.get(f"/v1/jobs/{job_id}")).status_code == 200 and r.json, 10, "Redis back")
    assert after == before
    # the worker reconnects and takes new jobs
    second = wait_for(lambda: (r := client.post("/v1/jobs", json={"text": "Then he met him. in Iraq."})).status_code == 202
                      and r.json["id"], 30, "a worker heartbeat after the restart", interval=0.5)
    done = wait_for(lambda: (j := client.get(f"/v1/jobs/{second}?wait=2").json)["state"] == "done" and j,
                    60, "the second job")
    assert done["result"]["cleaned"] == "Then he met him in Iraq."


def test_languagetool_unreachable_gives_results_marked_unavailable(make_stack):
    closed = f"http://127.0.0.1:{free_port()}"
    stack = make_stack(GRAMMAR="on", LT_URL=closed)
    stack.add_worker("nolt")
    client = stack.app.test_client()
    job_id = client.post("/v1/jobs", json={"text": "who met him. in Syria."}).json["id"]
    job = wait_for(lambda: (j := client.get(f"/v1/jobs/{job_id}?wait=2").json)["state"] in ("done", "failed") and j,
                   30, "the job")
    assert job["state"] == "done"
    grammar = job["result"]["passes"]["grammar"]
    assert grammar["status"] == "unavailable" and "not reachable" in grammar["message"]
    assert job["result"]["cleaned"] == "who met him in Syria."
    health = client.get("/healthz")
    assert health.status_code == 200
    assert health.json["status"] == "degraded" and health.json["languagetool"]["ok"] is False


def test_healthz_reports_redis_workers_and_languagetool(live_url):
    r = requests.get(f"{live_url}/healthz", timeout=TIMEOUT)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["redis"]["ok"] and body["workers"]["ok"] and body["workers"]["count"] >= 1
    assert "languagetool" in body and body["status"] in ("ok", "degraded")


def test_metrics_report_jobs_pass_timings_and_queue_depth(live_url):
    wait_done(live_url, submit(live_url, "He met him. in Syria."))
    text = requests.get(f"{live_url}/metrics", timeout=TIMEOUT).text
    for needle in ('mtclean_jobs{state="queued"}', 'mtclean_jobs_total{state="done"}',
                   'mtclean_pass_seconds_count{pass="phrases"}', 'mtclean_queue_depth{queue="mtclean"}',
                   "mtclean_workers "):
        assert needle in text


def test_the_grammar_pass_runs_in_the_workers_on_the_real_languagetool(live_url, lt_url):
    # a rule on the auto allow-list (rules/grammar/auto.yaml): the repeated word
    job = wait_done(live_url, submit(live_url, "There is a problem with the the sentence. He met him. in Syria."))
    grammar = job["result"]["passes"]["grammar"]
    assert grammar["status"] == "ran", grammar
    assert any(e["rule_id"].startswith("LT:") for e in job["result"]["edits"]), job["result"]["edits"]
    assert "met him in Syria" in job["result"]["cleaned"]


def test_docker_compose_file_describes_the_deployment():
    import shutil
    import subprocess
    from pathlib import Path

    import yaml

    root = Path(__file__).resolve().parents[2]
    compose = yaml.safe_load((root / "docker-compose.yml").read_text())
    services = compose["services"]
    assert set(services) == {"redis", "languagetool", "web", "worker", "flower"}
    redis_cmd = " ".join(services["redis"]["command"])
    assert "--appendonly yes" in redis_cmd and any(v.endswith(":/data") for v in services["redis"]["volumes"])
    assert set(compose["volumes"]) >= {"redis-data"}
    worker = services["worker"]
    assert "container_name" not in worker and "ports" not in worker  # scalable: --scale worker=N
    assert "service.worker.celery_worker" in worker["command"]
    assert "gunicorn" in services["web"]["command"][0]
    for name in ("web", "worker", "languagetool"):
        dockerfile = root / services[name]["build"]["dockerfile"]
        assert dockerfile.exists(), dockerfile
        for line in dockerfile.read_text().splitlines():
            if line.startswith("COPY ") and "--from" not in line:
                for src in line.split()[1:-1]:
                    assert (root / src).exists(), f"{dockerfile.name}: COPY {src} does not exist"
    lt_docker = (root / services["languagetool"]["build"]["dockerfile"]).read_text()
    assert "scripts/languagetool/pom.xml" in lt_docker and "dependency:copy-dependencies" in lt_docker
    docker = shutil.which("docker")
    if docker and subprocess.run([docker, "compose", "version"], capture_output=True, timeout=20).returncode == 0:
        proc = subprocess.run([docker, "compose", "-f", str(root / "docker-compose.yml"), "config", "-q"],
                              capture_output=True, text=True, timeout=60, cwd=root)
        assert proc.returncode == 0, proc.stderr


def test_job_records_and_results_expire_after_the_configured_time_to_live(live_url, service_stack):
    from service import settings as config
    from service.worker import store

    assert config.defaults()["JOB_TTL_SECONDS"] == 7 * 24 * 3600 == store.DEFAULT_TTL
    job_id = wait_done(live_url, submit(live_url, "He met him. in Syria."))["id"]
    ttl = service_stack.app.config["JOB_TTL_SECONDS"]
    redis = service_stack.store.redis
    for key in (store.job_key(job_id), store.text_key(job_id), store.result_key(job_id)):
        assert 0 < redis.ttl(key) <= ttl, key
