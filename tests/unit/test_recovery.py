"""Lost tasks (issue 14 item 3): a job left queued/running with no message anywhere (a retry
not published during a Redis outage, a failed chord) is published again, and failed with a
reason after MAX_RESUMES, so every job ends done or failed."""
from __future__ import annotations

import json

import fakeredis

from service.worker import recovery
from service.worker.store import STATE_SET, Store


def _store() -> Store:
    return Store("redis://fake/0", 3600, client=fakeredis.FakeRedis(decode_responses=True))


def test_a_lost_job_is_resumed_then_failed_with_a_reason():
    store = _store()
    store.create_job("lost", "text", "text", {}, 40_000)
    store.set_state("lost", "running", progress_total=1)
    published: list[str] = []
    now = 10_000_000_000.0
    for i in range(recovery.MAX_RESUMES):
        store.redis.delete(recovery.LOCK)
        assert recovery.sweep(store, published.append, "mtclean", 60, now=now * (i + 1)) == {"resumed": 1, "failed": 0}
    assert published == ["lost"] * recovery.MAX_RESUMES
    assert store.get_job("lost")["state"] == "running"
    store.redis.delete(recovery.LOCK)
    assert recovery.sweep(store, published.append, "mtclean", 60, now=now * 9) == {"resumed": 0, "failed": 1}
    job = store.get_job("lost")
    assert job["state"] == "failed" and job["error"]["code"] == "lost" and "submit it again" in job["error"]["message"]
    assert not any(store.redis.zscore(k, "lost") for k in STATE_SET.values())


def test_a_job_with_a_message_waiting_or_unacked_is_left_alone():
    store = _store()
    for job_id in ("waiting", "taken"):
        store.create_job(job_id, "text", "text", {}, 40_000)
    store.set_state("taken", "running")
    store.redis.rpush("mtclean", json.dumps({"headers": {"id": "waiting"}}))
    store.redis.hset("unacked", "tag1", json.dumps([{"headers": {"id": "x", "argsrepr": "('taken', 3)"}}]))
    published: list[str] = []
    assert recovery.sweep(store, published.append, "mtclean", 60, now=10_000_000_000.0) == {"resumed": 0, "failed": 0}
    assert published == []


def test_recent_jobs_are_not_touched_and_one_sweep_runs_at_a_time():
    store = _store()
    store.create_job("fresh", "text", "text", {}, 40_000)
    published: list[str] = []
    assert recovery.sweep(store, published.append, "mtclean", 60) == {"resumed": 0, "failed": 0}
    store.redis.set(recovery.LOCK, "1")
    assert recovery.sweep(store, published.append, "mtclean", 0, now=10_000_000_000.0) == {"resumed": 0, "failed": 0}
    assert published == []


def test_stuck_after_exceeds_the_visibility_timeout():
    cfg = {"VISIBILITY_TIMEOUT": 45, "UNACKED_RESTORE_INTERVAL": 10}
    assert recovery.stuck_after(cfg) > 45 + 10
