"""Chaos (issue 14 item 3): SIGKILL Redis (append-only file on) while a batch of jobs runs,
restart it; a worker that exited with the broker is restarted (a supervisor's job: compose's
restart policy, ``mtclean serve``).  Every job accepted before the kill must end ``done`` with
the right result or ``failed`` with a reason: 0 lost, 0 stuck, 0 wrong (a done job whose result
differs from an undisturbed cleaning)."""
from __future__ import annotations

import signal
import time

import pytest

pytest.register_assert_rewrite("tests.service_fixtures")

from tests.chaos.outcomes import job_outcomes
from tests.service_fixtures import wait_for

pytest_plugins = ["tests.service_fixtures"]
pytestmark = [pytest.mark.integration, pytest.mark.chaos]

N_JOBS = 20


def test_a_redis_sigkill_leaves_no_job_lost_stuck_or_wrong(make_stack):
    from service.engine import factory

    factory.clear()
    stack = make_stack(own_redis=True, GRAMMAR="off", TEST_DELAY_SECONDS=0.3, VISIBILITY_TIMEOUT=3,
                       UNACKED_RESTORE_INTERVAL=1)
    worker = stack.add_worker("w1")
    client = stack.app.test_client()
    texts = [f"Job {i}: who met him. in Syria. A convoy ran to the runway." for i in range(N_JOBS)]
    ids = []
    for t in texts:
        r = client.post("/v1/jobs", json={"text": t})
        assert r.status_code == 202, r.get_data(as_text=True)
        ids.append(r.json["id"])
    wait_for(lambda: sum(client.get(f"/v1/jobs/{i}").json["state"] == "done" for i in ids) >= 3, 60, "some jobs done")
    stack.redis.stop(signal.SIGKILL)
    time.sleep(2)
    stack.redis.start()
    deadline = time.monotonic() + 90
    restarts = 0
    while time.monotonic() < deadline:
        if worker.proc is None or worker.proc.poll() is not None:  # the supervisor's part
            restarts += 1
            worker = stack.add_worker(f"w{restarts + 1}")
        try:
            states = [client.get(f"/v1/jobs/{i}").json.get("state") for i in ids]
        except Exception:  # noqa: BLE001 - Redis still coming back
            states = []
        if states and all(s in ("done", "failed") for s in states):
            break
        time.sleep(1)
    o = job_outcomes(client, stack.app, ids, texts)
    lost, stuck, wrong, failed = o.lost, o.stuck, o.wrong + o.failed_silently, o.failed  # failed without a reason: wrong
    print(f"\nRedis SIGKILL: {N_JOBS} jobs, lost {lost}, stuck {stuck}, wrong {wrong}, failed with a reason "
          f"{failed}, worker restarts {restarts}")
    assert (lost, stuck, wrong) == (0, 0, 0)
