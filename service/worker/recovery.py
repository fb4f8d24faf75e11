"""Jobs whose task was lost (issue 14 item 3): after a Redis outage a retry may not be
published, or a chord may fail, and the job stays ``queued``/``running`` forever.  Every worker's
heartbeat thread calls :func:`sweep` (one sweep at a time across workers, by a Redis lock): a
job that has not moved for ``stuck_after`` seconds and has no message in the queue or among the
unacknowledged ones is published again (its done chunks are kept; ``finish`` records a final
state once); after :data:`MAX_RESUMES` it is failed with the reason.  So every job ends ``done``
or ``failed``."""
from __future__ import annotations

import logging
import time
from typing import Any

from service.worker.store import STATE_SET, Store, job_key

log = logging.getLogger(__name__)
MAX_RESUMES = 3
LOCK = "mtclean:recovery:lock"


def _messages(store: Store, queue: str) -> str:
    """Every waiting and unacknowledged message as one string (job ids are searched in it)."""
    r = store.redis
    parts = [*r.lrange(queue, 0, -1)]
    for q in (f"{queue}\x06\x163", f"{queue}\x06\x166", f"{queue}\x06\x169"):  # kombu's priority lists
        parts += r.lrange(q, 0, -1)
    parts += list(r.hvals("unacked"))
    return "\n".join(parts)


def sweep(store: Store, publish: Any, queue: str, stuck_after: float, now: float | None = None) -> dict[str, int]:
    """Resume or fail the jobs stuck for ``stuck_after`` seconds; ``publish(job_id)`` queues
    ``clean_job`` again.  Returns how many were resumed and failed."""
    r = store.redis
    out = {"resumed": 0, "failed": 0}
    if not r.set(LOCK, "1", nx=True, ex=max(5, int(stuck_after // 4))):
        return out
    now = time.time() if now is None else now
    stale = [j for key in STATE_SET.values() for j in r.zrangebyscore(key, 0, now - stuck_after)]
    if not stale:
        return out
    pending = _messages(store, queue)
    for job_id in stale:
        if job_id in pending:
            continue  # a message will run it (or the restore sweep gives it back)
        job = store.get_job(job_id)
        if job is None:
            for key in STATE_SET.values():
                r.zrem(key, job_id)
            continue
        if job["state"] in ("done", "failed"):
            continue
        resumes = int(r.hincrby(job_key(job_id), "resumes", 1))
        if resumes > MAX_RESUMES:
            store.finish(job_id, "failed", error={
                "code": "lost", "message": f"the job's task was lost {resumes - 1} times after broker or worker "
                                           "faults; submit it again"})
            out["failed"] += 1
            continue
        log.warning("job %s: no task after %.0f s in state %s; queued again (resume %d)", job_id, stuck_after,
                    job["state"], resumes)
        store.set_state(job_id, job["state"])  # touch: the next sweep waits stuck_after again
        publish(job_id)
        out["resumed"] += 1
    return out


def stuck_after(config: Any) -> float:
    """Seconds without progress before a job counts as lost: beyond the visibility timeout and
    the restore sweep, so a killed worker's job is given back by Celery first."""
    return float(config.get("STUCK_JOB_SECONDS") or 2 * int(config["VISIBILITY_TIMEOUT"])
                 + 2 * int(config["UNACKED_RESTORE_INTERVAL"]))
