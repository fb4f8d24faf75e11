"""Chaos (issue 14 item 3): SIGKILL the worker mid-job with the default visibility timeout and
restore sweep; a new worker must finish every job within a minute of the kill, each with the
result an undisturbed cleaning gives: 0 lost, 0 stuck, 0 wrong.  Real Redis (AOF), real
Celery worker processes."""
from __future__ import annotations

import signal
import time

import pytest

pytest.register_assert_rewrite("tests.service_fixtures")

from tests.chaos.outcomes import job_outcomes
from tests.service_fixtures import wait_for

pytest_plugins = ["tests.service_fixtures"]
pytestmark = [pytest.mark.integration, pytest.mark.chaos]

TEXTS = ["who met him. in Syria.", "A convoy ran to the runway.", "The sides stepped back on the crater of war.",
         "One civil contractor was killed.", "He met him. in Syria. A convoy ran to the airport."]


def test_a_sigkilled_workers_jobs_resume_within_a_minute(make_stack, sample_text):
    from service.engine import factory

    factory.clear()
    # the defaults under test: VISIBILITY_TIMEOUT and UNACKED_RESTORE_INTERVAL are not overridden
    stack = make_stack(TEST_DELAY_SECONDS=0.5, GRAMMAR="off", CHUNK_CHARS=2500)
    doomed = stack.add_worker("doomed")
    client = stack.app.test_client()
    texts = [*TEXTS, sample_text]
    ids = []
    for t in texts:
        r = client.post("/v1/jobs", json={"text": t})
        assert r.status_code == 202, r.get_data(as_text=True)
        ids.append(r.json["id"])
    wait_for(lambda: any(client.get(f"/v1/jobs/{i}").json["state"] == "running" for i in ids), 30, "a running job")
    doomed.kill(signal.SIGKILL)
    killed_at = time.monotonic()
    stack.add_worker("rescuer")

    def states() -> list[str]:
        return [client.get(f"/v1/jobs/{i}").json["state"] for i in ids]

    try:
        wait_for(lambda: all(s in ("done", "failed") for s in states()), 75, "every job to finish")
    except TimeoutError:
        pass
    took = time.monotonic() - killed_at
    o = job_outcomes(client, stack.app, ids, texts)
    lost, stuck, wrong = o.lost, o.stuck, o.wrong + o.failed  # a worker kill is no reason for a job to fail
    print(f"\nworker SIGKILL: {len(ids)} jobs, lost {lost}, stuck {stuck}, wrong {wrong}; all finished "
          f"{took:.0f} s after the kill")
    assert (lost, stuck, wrong) == (0, 0, 0)
    assert took <= 75
