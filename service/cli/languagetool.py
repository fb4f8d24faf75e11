"""``mtclean languagetool fetch|start|stop|status`` and ``mtclean doctor``.

Registered by :mod:`service.cli.main` as ``languagetool_group`` and ``doctor_command``.
"""
from __future__ import annotations

import re
import shutil
import socket
import subprocess
import sys
import urllib.parse

import click

from service.errors import MtcleanError
from service.ops import languagetool as lt_server
from service.settings import get_settings


@click.group("languagetool")
def languagetool_group() -> None:
    """Manage the local LanguageTool server the grammar pass uses."""


@languagetool_group.command("fetch")
@click.option("--force", is_flag=True, help="Download again even if the cache is complete.")
def fetch_command(force: bool) -> None:
    """Download LanguageTool (server + English) into the cache."""
    try:
        res = lt_server.fetch(force=force)
    except MtcleanError as exc:
        raise click.ClickException(str(exc)) from exc
    if res.downloaded:
        click.echo(f"fetched LanguageTool {lt_server.LT_VERSION} with {res.method}: "
                   f"{res.size_mb} MB in {res.seconds} s -> {res.directory}")
    else:
        click.echo(f"LanguageTool {lt_server.LT_VERSION} already fetched ({res.size_mb} MB) in {res.directory}")


@languagetool_group.command("start")
@click.option("--port", default=lt_server.DEFAULT_PORT, show_default=True, help="Port on 127.0.0.1.")
@click.option("--heap", default=lt_server.DEFAULT_HEAP, show_default=True, help="Java heap (-Xmx).")
@click.option("--timeout", default=lt_server.START_TIMEOUT, show_default=True, help="Seconds to wait for health.")
def start_command(port: int, heap: str, timeout: float) -> None:
    """Start the server (fetching it first if needed) and wait until it answers."""
    if get_settings().lt_url:
        click.echo(f"MTCLEAN_LT_URL is set: using {lt_server.server_url()}, not starting a local server")
    try:
        st = lt_server.start(port=port, heap=heap, timeout=timeout)
    except MtcleanError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(st.describe())
    if not st.healthy:
        sys.exit(1)


@languagetool_group.command("stop")
def stop_command() -> None:
    """Stop the server mtclean started."""
    if get_settings().lt_url:
        click.echo("MTCLEAN_LT_URL is set: that server is not mtclean's to stop")
        return
    click.echo("stopped" if lt_server.stop() else "no LanguageTool server started by mtclean is running")


@languagetool_group.command("status")
def status_command() -> None:
    """Say where the server is and whether it answers (exit 1 when it does not)."""
    st = lt_server.status()
    click.echo(st.describe())
    click.echo(f"jars: {'fetched' if st.fetched else 'not fetched'} ({st.directory})")
    sys.exit(0 if st.healthy else 1)


def _check_java() -> tuple[bool, str, str]:
    java = shutil.which("java")
    if not java:
        return False, "java: not found", "install a JDK 17+ (apt-get install openjdk-17-jre-headless)"
    try:
        out = subprocess.run([java, "-version"], capture_output=True, text=True, timeout=30).stderr
    except (OSError, subprocess.SubprocessError) as exc:
        return False, f"java: {exc}", "reinstall Java 17+"
    m = re.search(r'version "(\d+)(?:\.(\d+))?', out)
    major = int(m.group(1)) if m else 0
    major = int(m.group(2) or 0) if m and major == 1 else major
    line = out.splitlines()[0] if out else "unknown"
    if major < 17:
        return (False, f"java: {line} (LanguageTool 6.x needs 17+)",
                "install a JDK 17+ (apt-get install openjdk-17-jre-headless)")
    return True, f"java: {line}", ""


def _check_jars() -> tuple[bool, str, str]:
    d = lt_server.cache_dir()
    if lt_server.is_fetched():
        return True, f"LanguageTool {lt_server.LT_VERSION} jars: {d}", ""
    how = "" if shutil.which("mvn") else " (needs Maven: apt-get install maven, or internet access)"
    return False, f"LanguageTool {lt_server.LT_VERSION} jars: not in {d}", f"run `mtclean languagetool fetch`{how}"


def _check_server() -> tuple[bool, str, str]:
    url = lt_server.server_url()
    if lt_server.healthy(url):
        return True, f"LanguageTool server: {url} answers", ""
    if get_settings().lt_url:
        return (False, f"LanguageTool server: not reachable at {url}",
                "check MTCLEAN_LT_URL, or unset it and run `mtclean languagetool start`")
    return False, f"LanguageTool server: not reachable at {url}", "run `mtclean languagetool start`"


def redis_ping(url: str, timeout: float = 2.0) -> str | None:
    """None when Redis at ``url`` answers PING, else why not."""
    try:
        import redis  # type: ignore[import-not-found]
    except ImportError:
        return _raw_ping(url, timeout)
    try:
        redis.Redis.from_url(url, socket_timeout=timeout, socket_connect_timeout=timeout).ping()
        return None
    except Exception as exc:  # noqa: BLE001 - any failure is "not reachable"
        return str(exc) or type(exc).__name__


def _raw_ping(url: str, timeout: float) -> str | None:
    """PING over a plain socket (RESP), with AUTH when the URL has a password."""
    u = urllib.parse.urlparse(url)
    try:
        with socket.create_connection((u.hostname or "127.0.0.1", u.port or 6379), timeout=timeout) as s:
            if u.password:
                args = [u.username, u.password] if u.username else [u.password]
                s.sendall(_resp(["AUTH", *args]))
                if not s.recv(256).startswith(b"+OK"):
                    return "AUTH refused"
            s.sendall(_resp(["PING"]))
            reply = s.recv(256)
    except OSError as exc:
        return str(exc)
    return None if reply.startswith(b"+PONG") else f"unexpected reply {reply[:40]!r}"


def _resp(args: list[str]) -> bytes:
    return f"*{len(args)}\r\n".encode() + b"".join(f"${len(a.encode())}\r\n{a}\r\n".encode() for a in args)


def _check_redis() -> tuple[bool, str, str]:
    settings = get_settings()
    url = settings.redis_url
    shown = urllib.parse.urlparse(url)._replace(netloc=urllib.parse.urlparse(url).netloc.rpartition("@")[2]).geturl()
    problem = redis_ping(url)
    if problem is None:
        return True, f"Redis: {shown} answers PING", ""
    if not settings.redis_url_given:  # `mtclean serve` runs its own; only `mtclean worker` needs one
        from service.cli.service import redis_binary

        found = redis_binary()
        if found is not None:
            return True, (f"Redis: none at {shown}; `mtclean serve` starts its own ({found[1]}: {found[0]}); "
                          "`mtclean worker` alone needs MTCLEAN_REDIS_URL"), ""
    return False, f"Redis: not reachable at {shown} ({problem})", \
        "start Redis (redis-server --daemonize yes, or docker compose up redis) or set MTCLEAN_REDIS_URL"


@click.command("doctor")
def doctor_command() -> None:
    """Check what mtclean needs beyond Python: Java, LanguageTool, Redis."""
    ok_all = True
    for check in (_check_java, _check_jars, _check_server, _check_redis):
        ok, what, fix = check()
        ok_all &= ok
        click.echo(f"{'OK     ' if ok else 'MISSING'} {what}" + ("" if ok else f"\n        fix: {fix}"))
    sys.exit(0 if ok_all else 1)
