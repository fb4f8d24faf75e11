"""Jobs, texts, results and idempotency keys in Redis: the key scheme and TTLs in one place.

Keys (``P`` = ``mtclean:``; every per-job key expires ``ttl`` seconds after the job's last write)::

    P job:{id}                 hash: state, created, updated, name, options (JSON), chunk_chars,
                               chunks (JSON [[start, end], ...]), chunk_bytes (JSON, the same in the
                               text's UTF-8 bytes), context_names (JSON: the names the whole text
                               uses consistently, counted once), error (JSON), progress_total
    P job:{id}:text            the submitted text
    P job:{id}:chunk:{i}       JSON result of chunk i (written once; a rerun finds it and skips)
    P job:{id}:done_chunks     set of finished chunk indexes (progress; idempotent under reruns)
    P job:{id}:result          JSON result (report.to_json plus service fields)
    P job:{id}:finished        a list holding one token once the job finished (BLPOP wakes the
                               requests waiting on it; kept FINISHED_SIGNAL_TTL seconds)
    P job:{id}:decisions       review decisions, hash: edit id -> JSON {decision, replacement, at,
                               by, undo: [earlier states, oldest first]} (see service.review.decisions)
    P job:{id}:history         review history, list of JSON {edit_id, decision, replacement, at,
                               by, action, bulk}: every decision and undo, oldest first
    P idem:{owner}:{key}       "{job id} {body digest}" for an Idempotency-Key (same TTL)
    P jobs:queued / jobs:running   sorted sets of job ids by time (gauges for /metrics)
    P stats:jobs               hash: submitted, done, failed (counters)
    P stats:pass_seconds / P stats:pass_runs   hashes by pass name (pass timings)
    P stats:job_seconds        hash: sum, count (submit to done)
    P workers                  sorted set: worker name -> time of its last heartbeat

A review decision refreshes the TTL of the job, its text, its result and its decisions, so a
job under review lives ``ttl`` seconds past its last decision.  ``by`` is the fingerprint of the
API key that made a decision (``key:`` + 12 hex digits of its SHA-256; never the key itself),
or null when the service has no keys.

Redis errors become :class:`service.errors.ServiceUnavailable` at this boundary.
"""
from __future__ import annotations

import functools
import json
import secrets
import time
from typing import Any, Callable, Iterator, TypeVar

import redis

from service.errors import ServiceUnavailable

PREFIX = "mtclean:"
DEFAULT_TTL = 7 * 24 * 3600
FINISHED_SIGNAL_TTL = 300
STATES = ("queued", "running", "done", "failed")
FINAL = ("done", "failed")

T = TypeVar("T")


MAX_HISTORY = 20_000  # decision history entries kept per job (the newest)


def job_key(job_id: str, *parts: object) -> str:
    """The key of a job's record, or of one of its parts (``job_key(id, "chunk", 3)``)."""
    return ":".join([f"{PREFIX}job:{job_id}", *map(str, parts)])


def text_key(job_id: str) -> str:
    return job_key(job_id, "text")


def chunk_key(job_id: str, index: int) -> str:
    return job_key(job_id, "chunk", index)


def done_chunks_key(job_id: str) -> str:
    return job_key(job_id, "done_chunks")


def result_key(job_id: str) -> str:
    return job_key(job_id, "result")


def finished_key(job_id: str) -> str:
    return job_key(job_id, "finished")


def decisions_key(job_id: str) -> str:
    return job_key(job_id, "decisions")


def history_key(job_id: str) -> str:
    return job_key(job_id, "history")


def idem_key(owner: str, key: str) -> str:
    return f"{PREFIX}idem:{owner}:{key}"


STATE_SET = {"queued": f"{PREFIX}jobs:queued", "running": f"{PREFIX}jobs:running"}
STATS_JOBS = f"{PREFIX}stats:jobs"
STATS_PASS_SECONDS = f"{PREFIX}stats:pass_seconds"
STATS_PASS_RUNS = f"{PREFIX}stats:pass_runs"
STATS_JOB_SECONDS = f"{PREFIX}stats:job_seconds"
WORKERS = f"{PREFIX}workers"


def new_job_id() -> str:
    """A URL-safe id that is hard to guess (ids are the only access control between clients)."""
    return secrets.token_urlsafe(16)


def _redis_errors(fn: Callable[..., T]) -> Callable[..., T]:
    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> T:
        try:
            return fn(*args, **kwargs)
        except (redis.ConnectionError, redis.TimeoutError, redis.BusyLoadingError) as exc:
            raise ServiceUnavailable(f"Redis is not reachable ({type(exc).__name__}: {exc}); "
                                     "check that the Redis server runs and MTCLEAN_REDIS_URL points to it") from exc
    return wrapper


class Store:
    """Job records and results in one Redis database."""

    def __init__(self, url: str, ttl: int = DEFAULT_TTL, client: redis.Redis | None = None):
        self.url = url
        self.ttl = int(ttl)
        # decode_responses=True: every reply is str (redis-py's types cannot say so)
        self.redis: Any = client or redis.Redis.from_url(url, socket_timeout=10, socket_connect_timeout=5,
                                                    health_check_interval=30, decode_responses=True)

    # -- jobs ------------------------------------------------------------------------------
    @_redis_errors
    def create_job(self, job_id: str, text: str, name: str, options: dict[str, Any],
                   chunk_chars: int, owner: str | None = None) -> dict[str, Any]:
        now = time.time()
        record = {"state": "queued", "created": now, "updated": now, "name": name,
                  "options": json.dumps(options), "chunk_chars": chunk_chars, "progress_total": 1}
        if owner:  # the fingerprint of the API key that created it (keys own their jobs)
            record["owner"] = owner
        pipe = self.redis.pipeline()
        pipe.hset(job_key(job_id), mapping=record)
        pipe.expire(job_key(job_id), self.ttl)
        pipe.set(text_key(job_id), text, ex=self.ttl)
        pipe.zadd(STATE_SET["queued"], {job_id: now})
        pipe.hincrby(STATS_JOBS, "submitted", 1)
        pipe.execute()
        return self._decode(record)

    @_redis_errors
    def discard_job(self, job_id: str) -> None:
        """Remove a job that was created but never queued (an Idempotency-Key replay)."""
        pipe = self.redis.pipeline()
        pipe.delete(job_key(job_id), text_key(job_id))
        pipe.zrem(STATE_SET["queued"], job_id)
        pipe.hincrby(STATS_JOBS, "submitted", -1)
        pipe.execute()

    @_redis_errors
    def get_job(self, job_id: str) -> dict[str, Any] | None:
        raw = self.redis.hgetall(job_key(job_id))
        return self._decode(raw) if raw else None

    @staticmethod
    def _decode(raw: dict[str, Any]) -> dict[str, Any]:
        out = dict(raw)
        for k in ("created", "updated"):
            if k in out:
                out[k] = float(out[k])
        for k in ("chunk_chars", "progress_total"):
            if k in out:
                out[k] = int(out[k])
        for k in ("options", "chunks", "chunk_bytes", "context_names", "error"):
            if isinstance(out.get(k), str):
                out[k] = json.loads(out[k])
        return out

    @_redis_errors
    def get_text(self, job_id: str) -> str | None:
        return self.redis.get(text_key(job_id))

    @_redis_errors
    def get_text_range(self, job_id: str, start: int, end: int) -> str | None:
        """Bytes ``start``-``end`` of the job's text (UTF-8; a chunk's, which begins and ends at
        a paragraph break), without sending the whole text: None when the text has expired."""
        pipe = self.redis.pipeline()
        pipe.exists(text_key(job_id))
        pipe.getrange(text_key(job_id), start, end - 1)
        exists, part = pipe.execute()
        if not exists:
            return None
        return part.decode("utf-8") if isinstance(part, bytes) else part

    @_redis_errors
    def update_job(self, job_id: str, **fields: Any) -> None:
        """Set fields of an existing job (JSON-encoding lists and dicts) and refresh its TTL."""
        enc = {k: json.dumps(v) if isinstance(v, (dict, list, tuple)) else v for k, v in fields.items()}
        enc["updated"] = time.time()
        pipe = self.redis.pipeline()
        pipe.hset(job_key(job_id), mapping=enc)
        pipe.expire(job_key(job_id), self.ttl)
        pipe.execute()

    @_redis_errors
    def set_state(self, job_id: str, state: str, **fields: Any) -> None:
        """Move a job to ``state`` (queued/running sets and counters follow)."""
        assert state in STATES, state
        now = time.time()
        enc = {k: json.dumps(v) if isinstance(v, (dict, list, tuple)) else v for k, v in fields.items()}
        enc.update(state=state, updated=now)
        pipe = self.redis.pipeline()
        pipe.hset(job_key(job_id), mapping=enc)
        pipe.expire(job_key(job_id), self.ttl)
        for s, key in STATE_SET.items():
            if s == state:
                pipe.zadd(key, {job_id: now})
            else:
                pipe.zrem(key, job_id)
        pipe.execute()

    @_redis_errors
    def finish(self, job_id: str, state: str, result: dict[str, Any] | None = None,
               error: dict[str, Any] | None = None) -> bool:
        """Record a final state once; False when the job had already finished (a rerun)."""
        key = job_key(job_id)
        created = self.redis.hget(key, "created")
        if created is None:
            return False  # expired or never existed
        with self.redis.pipeline() as pipe:
            while True:
                try:
                    pipe.watch(key)
                    if pipe.hget(key, "state") in FINAL:
                        pipe.reset()
                        return False
                    now = time.time()
                    pipe.multi()
                    if result is not None:
                        pipe.set(result_key(job_id), json.dumps(result, ensure_ascii=False), ex=self.ttl)
                    fields: dict[str, Any] = {"state": state, "updated": now}
                    if error is not None:
                        fields["error"] = json.dumps(error)
                    pipe.hset(key, mapping=fields)
                    for k in (key, text_key(job_id), done_chunks_key(job_id)):
                        pipe.expire(k, self.ttl)
                    for s in STATE_SET.values():
                        pipe.zrem(s, job_id)
                    pipe.hincrby(STATS_JOBS, state, 1)
                    pipe.rpush(finished_key(job_id), "1")
                    pipe.expire(finished_key(job_id), FINISHED_SIGNAL_TTL)
                    if state == "done":
                        pipe.hincrbyfloat(STATS_JOB_SECONDS, "sum", now - float(created))
                        pipe.hincrby(STATS_JOB_SECONDS, "count", 1)
                    pipe.execute()
                    return True
                except redis.WatchError:
                    continue

    @_redis_errors
    def wait_finished(self, job_id: str, timeout: float) -> bool:
        """Block until the job finishes or ``timeout`` seconds pass (at most 5 per call)."""
        key = finished_key(job_id)
        if not self.redis.blpop([key], timeout=max(0.01, min(timeout, 5.0))):
            return False
        self.redis.rpush(key, "1")  # leave the token for other waiters
        self.redis.expire(key, FINISHED_SIGNAL_TTL)
        return True

    @_redis_errors
    def get_result(self, job_id: str) -> dict[str, Any] | None:
        raw = self.redis.get(result_key(job_id))
        return None if raw is None else json.loads(raw)

    # -- chunks ------------------------------------------------------------------------------
    @_redis_errors
    def get_chunk(self, job_id: str, index: int) -> dict[str, Any] | None:
        raw = self.redis.get(chunk_key(job_id, index))
        return None if raw is None else json.loads(raw)

    @_redis_errors
    def put_chunk(self, job_id: str, index: int, data: dict[str, Any]) -> int:
        """Store a chunk's result; returns how many chunks are done."""
        pipe = self.redis.pipeline()
        pipe.set(chunk_key(job_id, index), json.dumps(data, ensure_ascii=False), ex=self.ttl)
        pipe.sadd(done_chunks_key(job_id), index)
        pipe.expire(done_chunks_key(job_id), self.ttl)
        pipe.scard(done_chunks_key(job_id))
        pipe.hset(job_key(job_id), "updated", time.time())
        return int(pipe.execute()[3])

    @_redis_errors
    def chunks_done(self, job_id: str) -> int:
        return int(self.redis.scard(done_chunks_key(job_id)))

    @_redis_errors
    def drop_chunks(self, job_id: str, count: int) -> None:
        if count:
            self.redis.delete(*(chunk_key(job_id, i) for i in range(count)))

    # -- review decisions --------------------------------------------------------------------
    @_redis_errors
    def decisions(self, job_id: str) -> dict[str, dict[str, Any]]:
        """The current decision of every decided edit, by edit id."""
        raw = self.redis.hgetall(decisions_key(job_id))
        return {k: json.loads(v) for k, v in raw.items()}

    @_redis_errors
    def decide(self, job_id: str, changes: list[tuple[str, str, str | None]], by: str | None,
               bulk: dict[str, Any] | None = None) -> tuple[dict[str, dict[str, Any] | None], list[str]]:
        """Record ``(edit id, decision, replacement)`` changes in one transaction; the decision
        ``undo`` restores the edit's previous state.  Concurrent writers are serialised (the
        later one wins; the history keeps both).  Returns the new states (None: no decision)
        and the ids that had nothing to undo (left unchanged)."""
        dkey, hkey = decisions_key(job_id), history_key(job_id)
        ids = [c[0] for c in changes]
        with self.redis.pipeline() as pipe:
            for _attempt in range(10_000):
                try:
                    pipe.watch(dkey)
                    current = dict(zip(ids, pipe.hmget(dkey, ids))) if ids else {}
                    now = time.time()
                    new: dict[str, dict[str, Any] | None] = {}
                    nothing: list[str] = []
                    log: list[str] = []
                    for eid, decision, replacement in changes:
                        raw = current.get(eid)
                        state = json.loads(raw) if raw else None
                        if eid in new:  # the same edit twice in one call: the last counts
                            state = new[eid]
                        undo_stack = list((state or {}).get("undo", []))
                        if decision == "undo":
                            if not undo_stack:
                                nothing.append(eid)
                                continue
                            prev = undo_stack.pop()
                            after = {**prev, "undo": undo_stack} if prev.get("decision") or undo_stack else None
                            entry = {"edit_id": eid, "action": "undo", "decision": prev.get("decision"),
                                     "replacement": prev.get("replacement"), "at": now, "by": by}
                        else:
                            undo_stack.append({k: (state or {}).get(k) for k in ("decision", "replacement", "at", "by")})
                            after = {"decision": decision, "replacement": replacement, "at": now, "by": by,
                                     "undo": undo_stack[-100:]}
                            entry = {"edit_id": eid, "action": "decide", "decision": decision,
                                     "replacement": replacement, "at": now, "by": by}
                        if bulk:
                            entry["bulk"] = bulk
                        new[eid] = after
                        log.append(json.dumps(entry, ensure_ascii=False))
                    pipe.multi()
                    for eid, after in new.items():
                        if after is None:
                            pipe.hdel(dkey, eid)
                        else:
                            pipe.hset(dkey, eid, json.dumps(after, ensure_ascii=False))
                    if log:
                        pipe.rpush(hkey, *log)
                        pipe.ltrim(hkey, -MAX_HISTORY, -1)  # bounded: the newest entries
                    for k in (dkey, hkey, job_key(job_id), text_key(job_id), result_key(job_id)):
                        pipe.expire(k, self.ttl)
                    pipe.execute()
                    return new, nothing
                except redis.WatchError:
                    continue
        raise ServiceUnavailable("too many concurrent decisions on this job; retry")

    @_redis_errors
    def history_page(self, job_id: str, offset: int, limit: int) -> tuple[list[dict[str, Any]], int]:
        """Entries ``offset`` .. ``offset + limit`` of the job's history (oldest first), and the total."""
        hkey = history_key(job_id)
        total = int(self.redis.llen(hkey))
        raw = self.redis.lrange(hkey, offset, offset + limit - 1) if offset < total else []
        return [json.loads(x) for x in raw], total

    @_redis_errors
    def history(self, job_id: str, edit_id: str | None = None) -> list[dict[str, Any]]:
        """Every decision and undo of the job (or of one edit), oldest first."""
        entries = [json.loads(x) for x in self.redis.lrange(history_key(job_id), 0, -1)]
        return [e for e in entries if edit_id is None or e["edit_id"] == edit_id]

    # -- idempotency -------------------------------------------------------------------------
    @_redis_errors
    def claim_idempotency(self, owner: str, key: str, job_id: str, digest: str) -> tuple[str, str] | None:
        """Reserve ``key`` for ``job_id``; when already taken, the (job id, digest) holding it."""
        k = idem_key(owner, key)
        if self.redis.set(k, f"{job_id} {digest}", nx=True, ex=self.ttl):
            return None
        held = self.redis.get(k) or ""
        jid, _, dig = held.partition(" ")
        return jid, dig

    @_redis_errors
    def release_idempotency(self, owner: str, key: str) -> None:
        self.redis.delete(idem_key(owner, key))

    # -- statistics, workers, health ---------------------------------------------------------
    @_redis_errors
    def record_pass_timings(self, passes: dict[str, dict[str, Any]]) -> None:
        pipe = self.redis.pipeline()
        for name, st in passes.items():
            if st.get("status") == "ran":
                pipe.hincrbyfloat(STATS_PASS_SECONDS, name, float(st.get("seconds", 0.0)))
                pipe.hincrby(STATS_PASS_RUNS, name, 1)
        pipe.execute()

    @_redis_errors
    def heartbeat(self, worker: str) -> None:
        self.redis.zadd(WORKERS, {worker: time.time()})

    @_redis_errors
    def forget_worker(self, worker: str) -> None:
        self.redis.zrem(WORKERS, worker)

    @_redis_errors
    def live_workers(self, stale_seconds: float) -> list[str]:
        return list(self.redis.zrangebyscore(WORKERS, time.time() - stale_seconds, "+inf"))

    @_redis_errors
    def ping(self) -> float:
        """Round trip in seconds."""
        t0 = time.perf_counter()
        self.redis.ping()
        return time.perf_counter() - t0

    @_redis_errors
    def stats(self, queues: list[str]) -> dict[str, Any]:
        """Everything /metrics reports, read in one round trip."""
        cutoff = time.time() - self.ttl
        pipe = self.redis.pipeline()
        for key in STATE_SET.values():
            pipe.zremrangebyscore(key, "-inf", cutoff)  # jobs that expired without finishing
        for key in STATE_SET.values():
            pipe.zcard(key)
        pipe.hgetall(STATS_JOBS)
        pipe.hgetall(STATS_PASS_SECONDS)
        pipe.hgetall(STATS_PASS_RUNS)
        pipe.hgetall(STATS_JOB_SECONDS)
        pipe.zrangebyscore(WORKERS, time.time() - 60, "+inf")
        for q in queues:
            pipe.llen(q)
        out = pipe.execute()[len(STATE_SET):]
        it: Iterator[Any] = iter(out)
        gauges = {state: int(next(it)) for state in STATE_SET}
        return {"jobs": gauges, "totals": {k: int(v) for k, v in next(it).items()},
                "pass_seconds": {k: float(v) for k, v in next(it).items()},
                "pass_runs": {k: int(v) for k, v in next(it).items()},
                "job_seconds": {k: float(v) for k, v in next(it).items()},
                "workers_recent": len(next(it)),
                "queues": {q: int(next(it)) for q in queues}}
