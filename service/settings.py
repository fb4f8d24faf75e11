"""ONE settings object for the command line, the HTTP service and its workers.

Every setting is read from the environment with the ``MTCLEAN_`` prefix by pydantic-settings
(``MTCLEAN_JOB_TTL_SECONDS=60`` is the number 60); :func:`get_settings` reads the environment
each time it is called, so tests may ``monkeypatch.setenv``.  Nothing else in the project reads
``os.environ`` for an ``MTCLEAN_*`` variable.

One cache root holds everything mtclean keeps between runs: ``MTCLEAN_CACHE`` or the user cache
folder (platformdirs: ``~/.cache/mtclean`` on Linux, honouring ``XDG_CACHE_HOME``)::

    <cache root>/languagetool/<version>/   LanguageTool's jars, pid file and log (service.ops.languagetool)
    <cache root>/redis/                    the embedded Redis of `mtclean serve`
    <cache root>/batch/                    batch results for resuming (MTCLEAN_CACHE_DIR overrides)

The web processes and the workers read the same settings; a job carries the few that decide
its result (chunk size, options), so whichever worker runs it gives the same answer.  The
Flask app keeps the service settings in ``app.config`` under their upper-case names.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import platformdirs
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

DAY = 24 * 3600
APP_NAME = "mtclean"

#: the settings of the HTTP service and its workers (kept in Flask's ``app.config``)
SERVICE_KEYS = (
    "REDIS_URL", "JOB_TTL_SECONDS", "MAX_CONTENT_LENGTH", "CHECK_MAX_BYTES", "CHUNK_CHARS", "API_KEYS",
    "RATE_LIMIT", "RATELIMIT_ENABLED", "GRAMMAR", "LT_URL", "RULE_DIRS", "QUEUE", "WORKER_HEARTBEAT_SECONDS",
    "WORKER_STALE_SECONDS", "HEALTH_PING_TIMEOUT", "JOB_WAIT_MAX_SECONDS", "VISIBILITY_TIMEOUT",
    "UNACKED_RESTORE_INTERVAL", "TEST_DELAY_SECONDS",
)


class Settings(BaseSettings):
    """Every ``MTCLEAN_*`` setting, with its default and what it means."""

    model_config = SettingsConfigDict(env_prefix="MTCLEAN_", extra="ignore", case_sensitive=False)

    # -- where things are kept ------------------------------------------------------------------
    cache: Path | None = Field(None, description="The cache root (default: the user cache folder, "
                                                 "~/.cache/mtclean on Linux).")
    cache_dir: Path | None = Field(None, description="Batch results for resuming (default: <cache root>/batch).")
    # -- LanguageTool ---------------------------------------------------------------------------
    lt_url: str | None = Field(None, description="An existing LanguageTool server; then mtclean starts "
                                                 "and stops none of its own.")
    lt_version: str = Field("6.8", description="The LanguageTool version fetched and started.")
    lt_heap: str = Field("512m", description="Java heap of the LanguageTool server mtclean starts.")
    grammar: str = Field("auto", description="auto: use LanguageTool when LT_URL is set or the local server "
                                             "answers; on: always try (the pass reports 'unavailable' when "
                                             "down); off: never (the CLI's --no-grammar for every command).")
    no_grammar: bool = Field(False, description="Same as GRAMMAR=off (kept for old scripts).")
    # -- the HTTP service -----------------------------------------------------------------------
    redis_url: str = Field("redis://127.0.0.1:6379/0",
                           description="Redis: the broker, the result backend and the store of jobs. "
                                       "`mtclean serve` starts an embedded Redis when MTCLEAN_REDIS_URL is unset.")
    job_ttl_seconds: int = Field(7 * DAY, description="How long job records, texts and results are kept.")
    max_content_length: int = Field(16 * 1024 * 1024, description="Largest request body in bytes (413 above it).")
    check_max_bytes: int = Field(64 * 1024, description="Largest text POST /v1/check cleans synchronously "
                                                        "(413 above it; submit a job instead).")
    chunk_chars: int = Field(40_000, description="Documents longer than this many characters are split into "
                                                 "chunks of whole paragraphs of about this size, cleaned in parallel.")
    api_keys: str = Field("", description="Comma-separated API keys (or a JSON list). Empty: no key needed "
                                          "(the service then binds to localhost by default).")
    allowed_hosts: str = Field("", description="Host names the service answers to, comma-separated (``*`` any, "
                                               "``.example.org`` a domain and its subdomains); other Host headers "
                                               "get 400. Empty: the loopback names.")
    rate_limit: str = Field("600 per minute", description="Limit on POST /v1/jobs and POST /v1/check per API "
                                                          "key (per client address without keys); flask-limiter "
                                                          "syntax, stored in Redis.")
    ratelimit_enabled: bool = Field(True, description="Turn rate limiting off (benchmarks).")
    rule_dirs: str = Field("", description="Extra rule pack directories for the workers, comma-separated.")
    queue: str = Field("mtclean", description="The Celery queue jobs go to.")
    worker_heartbeat_seconds: float = Field(5.0, description="How often a worker writes its heartbeat to Redis.")
    worker_stale_seconds: float = Field(15.0, description="A worker whose last heartbeat is older is taken as "
                                                          "gone; with no live worker, POST /v1/jobs answers 503.")
    health_ping_timeout: float = Field(1.0, description="Seconds /healthz waits for `celery inspect ping` replies.")
    job_wait_max_seconds: float = Field(30.0, description="Longest GET /v1/jobs/<id>?wait=S may hold a request.")
    visibility_timeout: int = Field(45, description="Seconds before a job taken by a worker that died (SIGKILL, "
                                                    "lost machine) is given to another worker (with the restore "
                                                    "sweep: resumed within a minute). Must exceed the longest "
                                                    "chunk: a CHUNK_CHARS chunk takes a few seconds with "
                                                    "LanguageTool; a slower one is run twice, never lost.")
    unacked_restore_interval: int = Field(10, description="Seconds between a worker's sweeps for such jobs.")
    test_delay_seconds: float = Field(0.0, description="Test only: each chunk sleeps this long (to kill a "
                                                       "worker mid-job).")

    # -- derived ----------------------------------------------------------------------------------
    @property
    def cache_root(self) -> Path:
        """``MTCLEAN_CACHE`` or the user cache folder."""
        return (self.cache or platformdirs.user_cache_path(APP_NAME)).expanduser()

    @property
    def batch_cache_dir(self) -> Path:
        """Where batch results are kept between runs."""
        return self.cache_dir or self.cache_root / "batch"

    @property
    def grammar_off(self) -> bool:
        """True when the grammar pass is turned off for every command."""
        return self.no_grammar or self.grammar.strip().lower() in ("off", "false", "0", "no")

    @property
    def redis_url_given(self) -> bool:
        """True when MTCLEAN_REDIS_URL names a Redis (else `serve` runs its own)."""
        return "redis_url" in self.model_fields_set

    def service_config(self) -> dict[str, Any]:
        """The service settings under their upper-case names (Flask's ``app.config``)."""
        cfg = {key: getattr(self, key.lower()) for key in SERVICE_KEYS}
        if self.no_grammar:
            cfg["GRAMMAR"] = "off"
        return cfg


def get_settings(**overrides: Any) -> Settings:
    """The settings from the environment (read now), with ``overrides``."""
    return Settings(**overrides)


def cache_root() -> Path:
    """The one cache root (see the module docstring)."""
    return get_settings().cache_root


#: name -> (default, what it means), for the service settings
SETTINGS: dict[str, tuple[Any, str]] = {
    key: (Settings.model_fields[key.lower()].default, Settings.model_fields[key.lower()].description or "")
    for key in SERVICE_KEYS
}


def defaults() -> dict[str, Any]:
    """The default of every service setting."""
    return {name: default for name, (default, _doc) in SETTINGS.items()}


def api_keys(value: Any) -> frozenset[str]:
    """``API_KEYS`` as a set (a comma-separated string, a JSON list, or a list)."""
    if not value:
        return frozenset()
    if isinstance(value, str) and value.strip().startswith("["):
        try:
            value = json.loads(value)
        except ValueError:
            pass
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
    """Every setting as a Markdown table (for docs and `--help`)."""
    rows = ["| MTCLEAN_... | default | meaning |", "| --- | --- | --- |"]
    for name, f in Settings.model_fields.items():
        rows.append(f"| {name.upper()} | `{f.default!r}` | {f.description} |")
    return "\n".join(rows)
