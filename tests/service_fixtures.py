"""Fixtures for the HTTP service: a real Redis server, real Celery worker processes, the app.

Load with ``pytest_plugins = ["tests.service_fixtures", "tests.lt_fixture"]``.  Without a ``redis-server`` binary
the tests skip, or fail when ``REQUIRE_SERVICES=1``.  Everything has a timeout; every process
started here is stopped here (by its own pid / process group).

* ``service_stack`` (session): Redis (append-only file, fsync every second) on a free port in a temp
  dir, one worker process (prefork, 2 children) on database 0, the Flask app.
* ``make_stack``: more stacks for tests that kill or slow things: their own Redis database
  (or their own Redis server) and their own workers with their own settings.
* ``live_url``: the session app served over loopback HTTP by werkzeug (threaded).
"""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest

from service.errors import ServiceUnavailable
from service.ops import processes

ROOT = Path(__file__).resolve().parent.parent
REDIS_BIN = shutil.which("redis-server")
START_TIMEOUT = 30.0


def require_services() -> None:
    """Skip (or fail with REQUIRE_SERVICES=1) when Redis cannot be run here."""
    if REDIS_BIN:
        return
    msg = "redis-server not found (apt-get install redis-server)"
    if os.environ.get("REQUIRE_SERVICES") == "1":
        pytest.fail(msg + "; REQUIRE_SERVICES=1 makes this a failure")
    pytest.skip(msg)


def free_port() -> int:
    return processes.free_port()


def wait_for(check: Callable[[], Any], timeout: float, what: str, interval: float = 0.05) -> Any:
    """Poll ``check`` until it returns something truthy; fail after ``timeout`` seconds."""
    try:
        return processes.wait_until(check, timeout, what, interval)
    except ServiceUnavailable as exc:
        raise TimeoutError(str(exc)) from None


class RedisServer(processes.RedisProcess):
    """A redis-server process with an append-only file in ``directory`` (fsync every second, as
    deployed): the project's managed-process helper (:mod:`service.ops.processes`)."""

    def __init__(self, directory: Path, port: int | None = None):
        assert REDIS_BIN
        super().__init__(directory, port, binary=REDIS_BIN, extra=("--protected-mode", "yes"))

    def start(self, timeout: float = START_TIMEOUT) -> "RedisServer":  # type: ignore[override]
        super().start(timeout)
        return self

    def stop(self, sig: int = signal.SIGTERM) -> None:  # type: ignore[override]
        super().stop(10.0, sig)


def _worker_env(redis_url: str, settings: dict[str, Any]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("MTCLEAN_") or k in ("MTCLEAN_CACHE", "MTCLEAN_LT_VERSION")}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    env["MTCLEAN_REDIS_URL"] = redis_url
    for k, v in settings.items():
        env[f"MTCLEAN_{k}"] = str(v)
    return env


class Worker:
    """``celery -A service.worker.celery_worker worker --pool=prefork -c N`` in its own process group."""

    def __init__(self, name: str, redis_url: str, settings: dict[str, Any], log: Path, concurrency: int = 2):
        self.name, self.redis_url, self.settings = name, redis_url, settings
        self.log, self.concurrency = log, concurrency
        self.proc: subprocess.Popen | None = None

    def start(self) -> "Worker":
        cmd = [sys.executable, "-m", "celery", "-A", "service.worker.celery_worker", "worker", "--pool=prefork",
               "-c", str(self.concurrency), "-n", f"{self.name}@%h", "--loglevel=INFO",
               "--without-gossip", "--without-mingle"]
        with self.log.open("ab") as fh:
            self.proc = subprocess.Popen(cmd, cwd=ROOT, env=_worker_env(self.redis_url, self.settings),
                                         stdin=subprocess.DEVNULL, stdout=fh, stderr=subprocess.STDOUT,
                                         start_new_session=True)
        return self

    def wait_ready(self, store: Any, timeout: float = START_TIMEOUT) -> "Worker":
        def ready() -> bool:
            if self.proc is None or self.proc.poll() is not None:
                raise RuntimeError(f"worker {self.name} exited; log:\n{self.tail()}")
            return any(w.startswith(f"{self.name}@") for w in store.live_workers(5.0))
        try:
            wait_for(ready, timeout, f"worker {self.name} heartbeat", interval=0.1)
        except TimeoutError as exc:
            raise TimeoutError(f"{exc}; log:\n{self.tail()}") from None
        return self

    def kill(self, sig: int = signal.SIGKILL) -> None:
        """Signal the whole process group (the main process and its pool children)."""
        if self.proc and self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, sig)
            except ProcessLookupError:
                pass
            self.proc.wait(15)

    def stop(self) -> None:
        if self.proc is None:
            return
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(5)
        try:  # pool children left behind by a killed parent
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        self.proc = None

    def tail(self, n: int = 40) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-n:])
        except OSError:
            return ""


def lt_url_for_tests(request: pytest.FixtureRequest) -> str | None:
    """The real LanguageTool server of ``tests.lt_fixture`` (started if need be), or None when it
    cannot be had: then the session's workers run without the grammar pass, and only the tests
    that ask for ``lt_url`` themselves skip (or fail with REQUIRE_LANGUAGETOOL=1)."""
    try:
        return request.getfixturevalue("lt_session").url
    except (pytest.skip.Exception, pytest.fail.Exception, pytest.FixtureLookupError):
        return None


@dataclass
class Stack:
    """A Redis database, workers on it and an app for it."""

    redis: RedisServer
    db: int
    settings: dict[str, Any]
    tmp: Path
    workers: list[Worker] = field(default_factory=list)
    _app: Any = None

    @property
    def url(self) -> str:
        return self.redis.url(self.db)

    def app_config(self, **extra: Any) -> dict[str, Any]:
        cfg = {"TESTING": True, "REDIS_URL": self.url, **self.settings, **extra}
        return cfg

    @property
    def app(self) -> Any:
        if self._app is None:
            from service.web.app import create_app

            self._app = create_app(self.app_config())
        return self._app

    @property
    def store(self) -> Any:
        return self.app.extensions["mtclean_store"]

    def add_worker(self, name: str, wait: bool = True, **settings: Any) -> Worker:
        w = Worker(name, self.url, {**self.settings, **settings}, self.tmp / f"worker-{name}.log")
        self.workers.append(w.start())
        if wait:
            w.wait_ready(self.store)
        return w

    def close(self) -> None:
        for w in self.workers:
            w.stop()


BASE_SETTINGS = {
    "WORKER_HEARTBEAT_SECONDS": 0.5,
    "WORKER_STALE_SECONDS": 4,
    "HEALTH_PING_TIMEOUT": 1.0,
    "JOB_TTL_SECONDS": 3600,
}


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    """The session's Redis server (append-only file)."""
    require_services()
    server = RedisServer(tmp_path_factory.mktemp("redis")).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def service_stack(redis_server: RedisServer, tmp_path_factory: pytest.TempPathFactory,
                  request: pytest.FixtureRequest) -> Iterator[Stack]:
    """Database 0 of the session Redis with one worker (prefork, 2 children), using the real
    LanguageTool server when there is one."""
    lt = lt_url_for_tests(request)
    grammar = {"GRAMMAR": "on", "LT_URL": lt} if lt else {"GRAMMAR": "off"}
    stack = Stack(redis_server, 0, {**BASE_SETTINGS, **grammar}, tmp_path_factory.mktemp("stack0"))
    stack.add_worker("main")
    yield stack
    stack.close()


@pytest.fixture(scope="session")
def make_stack(redis_server: RedisServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[..., Stack]]:
    """``make_stack(db=None, own_redis=False, **settings)``: a fresh stack (closed at the end)."""
    made: list[Stack] = []
    servers: list[RedisServer] = []
    next_db = iter(range(1, 16))

    def factory(own_redis: bool = False, **settings: Any) -> Stack:
        tmp = tmp_path_factory.mktemp("stack")
        if own_redis:
            server = RedisServer(tmp / "redis").start()
            servers.append(server)
            stack = Stack(server, 0, {**BASE_SETTINGS, **settings}, tmp)
        else:
            stack = Stack(redis_server, next(next_db), {**BASE_SETTINGS, **settings}, tmp)
        made.append(stack)
        return stack

    yield factory
    for stack in made:
        stack.close()
    for server in servers:
        server.stop()


@pytest.fixture(scope="session")
def service_app(service_stack: Stack) -> Any:
    return service_stack.app


@pytest.fixture()
def service_client(service_app: Any) -> Any:
    return service_app.test_client()


def serve(app: Any) -> tuple[str, Callable[[], None]]:
    """Serve ``app`` on a free loopback port in a thread; returns (base URL, stop)."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", free_port(), app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    def stop() -> None:
        server.shutdown()
        thread.join(10)

    return f"http://127.0.0.1:{server.server_port}", stop


@pytest.fixture(scope="session")
def live_url(service_app: Any) -> Iterator[str]:
    url, stop = serve(service_app)
    yield url
    stop()
