"""Settings of the HTTP service and its workers, with documented defaults.

Every setting can be given in the environment with the ``MTCLEAN_`` prefix (Flask's
``from_prefixed_env``; values are parsed as JSON when they parse, so ``MTCLEAN_JOB_TTL_SECONDS=60``
is the number 60 and ``MTCLEAN_GRAMMAR=off`` the string "off"), or in ``test_config``.

The web processes and the workers read the same settings; a job carries the few that decide
its result (chunk size, options), so whichever worker runs it gives the same answer.
"""
from __future__ import annotations

from typing import Any

DAY = 24 * 3600

#: name -> (default, what it means)
SETTINGS: dict[str, tuple[Any, str]] = {
    "REDIS_URL": ("redis://127.0.0.1:6379/0",
                  "Redis: the broker, the result backend and the store of jobs. `mtclean serve` "
                  "starts an embedded Redis when MTCLEAN_REDIS_URL is unset."),
    "JOB_TTL_SECONDS": (7 * DAY, "How long job records, texts and results are kept."),
    "MAX_CONTENT_LENGTH": (16 * 1024 * 1024, "Largest request body in bytes (413 above it)."),
    "CHECK_MAX_BYTES": (64 * 1024, "Largest text POST /v1/check cleans synchronously (413 above it; "
                                   "submit a job instead)."),
    "CHUNK_CHARS": (40_000, "Documents longer than this many characters are split into chunks of "
                            "whole paragraphs of about this size, cleaned in parallel."),
    "API_KEYS": ("", "Comma-separated API keys (or a JSON list). Empty: no key needed (the service "
                     "then binds to localhost by default)."),
    "RATE_LIMIT": ("600 per minute", "Limit on POST /v1/jobs and POST /v1/check per API key (per "
                                     "client address without keys); flask-limiter syntax, stored in Redis."),
    "RATELIMIT_ENABLED": (True, "Turn rate limiting off (benchmarks)."),
    "GRAMMAR": ("auto", "auto: use LanguageTool when LT_URL is set or the local server answers; "
                        "on: always try (the pass reports 'unavailable' when down); off: never."),
    "LT_URL": (None, "LanguageTool server URL (MTCLEAN_LT_URL, the same variable lt_server reads)."),
    "RULE_DIRS": ("", "Extra rule pack directories for the workers, comma-separated."),
    "QUEUE": ("mtclean", "The Celery queue jobs go to."),
    "WORKER_HEARTBEAT_SECONDS": (5.0, "How often a worker writes its heartbeat to Redis."),
    "WORKER_STALE_SECONDS": (15.0, "A worker whose last heartbeat is older is taken as gone; with "
                                   "no live worker, POST /v1/jobs answers 503."),
    "HEALTH_PING_TIMEOUT": (1.0, "Seconds /healthz waits for `celery inspect ping` replies."),
    "JOB_WAIT_MAX_SECONDS": (30.0, "Longest GET /v1/jobs/<id>?wait=S may hold a request."),
    "VISIBILITY_TIMEOUT": (3600, "Seconds before a job taken by a worker that died (SIGKILL, lost "
                                 "machine) is given to another worker. Must exceed the longest chunk."),
    "UNACKED_RESTORE_INTERVAL": (10, "Seconds between a worker's sweeps for such jobs."),
    "TEST_DELAY_SECONDS": (0.0, "Test only: each chunk sleeps this long (to kill a worker mid-job)."),
}


def defaults() -> dict[str, Any]:
    """The default of every setting."""
    return {name: default for name, (default, _doc) in SETTINGS.items()}


def api_keys(value: Any) -> frozenset[str]:
    """``API_KEYS`` as a set (a comma-separated string or a list)."""
    if not value:
        return frozenset()
    items = value if isinstance(value, (list, tuple, set, frozenset)) else str(value).split(",")
    return frozenset(str(k).strip() for k in items if str(k).strip())


def celery_settings(cfg: dict[str, Any]) -> dict[str, Any]:
    """Celery's configuration (lower-case names) derived from the service's settings."""
    url = cfg["REDIS_URL"]
    transport = {
        "visibility_timeout": int(cfg["VISIBILITY_TIMEOUT"]),
        "unacked_restore_interval": int(cfg["UNACKED_RESTORE_INTERVAL"]),
        "unacked_restore_throttle": 1,
        "socket_timeout": 30,
        "socket_connect_timeout": 5,
    }
    return {
        "broker_url": url,
        "result_backend": url,
        "broker_transport_options": transport,
        "result_backend_transport_options": {"socket_connect_timeout": 5},
        "broker_connection_retry_on_startup": True,
        "broker_connection_timeout": 5,
        "task_default_queue": cfg["QUEUE"],
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        "task_serializer": "json",
        "result_serializer": "json",
        "accept_content": ["json"],
        "result_expires": int(cfg["JOB_TTL_SECONDS"]),
        "worker_prefetch_multiplier": 1,
        "worker_send_task_events": False,
        "task_track_started": False,
    }


def describe() -> str:
    """The settings as a Markdown table (for docs and `--help`)."""
    rows = ["| MTCLEAN_... | default | meaning |", "| --- | --- | --- |"]
    rows += [f"| {name} | `{default!r}` | {doc} |" for name, (default, doc) in SETTINGS.items()]
    return "\n".join(rows)
