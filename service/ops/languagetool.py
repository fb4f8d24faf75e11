"""A local LanguageTool HTTP server: fetch its jars, start, stop and report on it.

Layout of the cache (outside the repository)::

    <cache root>/languagetool/<version>/   (MTCLEAN_CACHE, else ~/.cache/mtclean: service.settings)
        lib/*.jar           from Maven Central (scripts/languagetool/pom.xml)
        .complete           stamp, JSON: how and when it was fetched, the class path
        custom/org/languagetool/rules/en/grammar_custom.xml   copy of rules/grammar/languagetool-en.xml
        server.properties   generated on every start
        server.pid          JSON {pid, port, heap}
        server.log          the server's stdout and stderr

The server is ``java -Xmx<heap> -cp 'custom:lib/*' org.languagetool.server.HTTPServer
--port PORT --config server.properties``; without ``--public`` it listens on localhost only.
``MTCLEAN_LT_URL`` names an existing server instead: then nothing is started or stopped.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from service.errors import ServiceUnavailable
from service.ops.processes import stop_pid, wait_until
from service.settings import get_settings

LT_VERSION = get_settings().lt_version
DEFAULT_PORT = 8081
# Measured with 6.8 after checking the 12 KB sample six times: live heap after a full GC
# ~145 MB; RSS 671 MB with -Xmx512m, 832 MB with -Xmx1g; 256m left too little headroom.
DEFAULT_HEAP = get_settings().lt_heap
START_TIMEOUT = 90.0
ROOT = Path(__file__).resolve().parents[2]
POM = ROOT / "scripts" / "languagetool" / "pom.xml"
CUSTOM_RULES = ROOT / "rules" / "grammar" / "languagetool-en.xml"
SERVER_PROPERTIES = {
    "maxTextLength": 100_000,  # characters per request; the grammar pass sends ~8000
    "maxCheckTimeMillis": 60_000,
    "cacheSize": 1000,  # sentences kept in LanguageTool's own result cache
    "pipelineCaching": "true",
    "maxCheckThreads": 2,  # the machine's cores; the pass sends at most 2 requests at once
}


@dataclass(frozen=True)
class FetchResult:
    """What :func:`fetch` did."""

    directory: Path
    downloaded: bool
    method: str  # maven | language_tool_python | cached
    size_mb: float
    seconds: float


@dataclass(frozen=True)
class Status:
    """The server as :func:`status` sees it."""

    url: str
    healthy: bool
    managed: bool  # False when MTCLEAN_LT_URL names someone else's server
    pid: int | None
    port: int | None
    fetched: bool
    version: str
    directory: Path

    def describe(self) -> str:
        """One line for people."""
        state = "healthy" if self.healthy else "not reachable"
        if not self.managed:
            who = "external server (MTCLEAN_LT_URL)"
        elif self.pid:
            who = f"pid {self.pid}, port {self.port}"
        else:
            who = "not started by mtclean"
        return f"LanguageTool {self.version} at {self.url}: {state}, {who}"


def cache_dir(version: str = LT_VERSION) -> Path:
    """Where the jars, stamp, pid file and log of ``version`` live."""
    return get_settings().cache_root / "languagetool" / version


def _stamp(version: str) -> dict | None:
    try:
        data = json.loads((cache_dir(version) / ".complete").read_text())
    except (OSError, ValueError):
        return None
    if data.get("version") != version or not all(Path(p.rstrip("*")).exists() for p in data.get("classpath", [])):
        return None
    return data


def is_fetched(version: str = LT_VERSION) -> bool:
    """True when a complete download of ``version`` is in the cache."""
    return _stamp(version) is not None


def _size_mb(path: Path) -> float:
    files = [path] if path.is_file() else list(path.rglob("*"))
    return round(sum(f.stat().st_size for f in files if f.is_file()) / 1e6, 1)


def fetch(version: str = LT_VERSION, force: bool = False) -> FetchResult:
    """Download LanguageTool ``version`` (server + English) unless the cache already has it.

    Maven first (``mvn dependency:copy-dependencies`` on scripts/languagetool/pom.xml); without
    Maven, language_tool_python's own download.  Raises :class:`ServiceUnavailable` when
    neither works."""
    t0 = time.monotonic()
    d = cache_dir(version)
    stamp = _stamp(version)
    if stamp and not force:
        return FetchResult(d, False, "cached", stamp.get("size_mb", 0.0), 0.0)
    d.mkdir(parents=True, exist_ok=True)
    (d / ".complete").unlink(missing_ok=True)
    problems = []
    mvn = shutil.which("mvn")
    if mvn and POM.exists():
        tmp, lib = d / "lib.partial", d / "lib"
        shutil.rmtree(tmp, ignore_errors=True)
        cmd = [mvn, "-q", "-B", "-f", str(POM), "dependency:copy-dependencies",
               f"-DoutputDirectory={tmp}", f"-Dlt.version={version}"]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=1800)
        if proc.returncode == 0 and any(tmp.glob("languagetool-server-*.jar")):
            shutil.rmtree(lib, ignore_errors=True)
            tmp.rename(lib)
            return _write_stamp(d, version, "maven", [f"{lib}{os.sep}*"], _size_mb(lib), t0)
        problems.append(f"Maven failed ({' '.join(cmd)}): {(proc.stdout + proc.stderr).strip()[-600:]}")
    else:
        problems.append("Maven (mvn) not found" if not mvn else f"{POM} is missing")
    try:  # the one module allowed to import language_tool_python does the download
        from service.passes.grammar.languagetool import download_standalone_languagetool

        jar = download_standalone_languagetool(version)
        return _write_stamp(d, version, "language_tool_python", [str(jar)], _size_mb(jar.parent), t0)
    except Exception as exc:  # noqa: BLE001 - any failure of the fallback is reported below
        problems.append(f"language_tool_python's download failed: {exc}")
    raise ServiceUnavailable(
        f"cannot fetch LanguageTool {version}: " + "; ".join(problems)
        + ". Install Maven (apt-get install maven; Maven Central must be reachable) or give this "
        "machine internet access, or set MTCLEAN_LT_URL to a running LanguageTool server.")


def _write_stamp(d: Path, version: str, method: str, classpath: list[str], size: float, t0: float) -> FetchResult:
    seconds = round(time.monotonic() - t0, 1)
    stamp = {"version": version, "method": method, "classpath": classpath, "size_mb": size,
             "seconds": seconds, "fetched_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
    (d / ".complete").write_text(json.dumps(stamp, indent=2) + "\n")
    return FetchResult(d, True, method, size, seconds)


def server_url(port: int | None = None) -> str:
    """``MTCLEAN_LT_URL`` if set, else the local server (its recorded port, or ``port``/8081)."""
    external = get_settings().lt_url
    if external:
        return external.rstrip("/")
    if port is None:
        port = (_read_pid() or {}).get("port", DEFAULT_PORT)
    return f"http://127.0.0.1:{port}"


def healthy(url: str, timeout: float = 2.0) -> bool:
    """True when ``GET url/v2/healthcheck`` answers 200."""
    import httpx  # here: the command line imports this module and rarely needs HTTP

    try:
        return httpx.get(f"{url.rstrip('/')}/v2/healthcheck", timeout=timeout).status_code == 200
    except (httpx.HTTPError, ValueError):
        return False


def _read_pid(version: str = LT_VERSION) -> dict | None:
    try:
        info = json.loads((cache_dir(version) / "server.pid").read_text())
    except (OSError, ValueError):
        return None
    return info if _is_our_server(info.get("pid")) else None


def _is_our_server(pid: int | None) -> bool:
    """The pid is alive and is a LanguageTool HTTPServer (guards against a recycled pid)."""
    if not pid:
        return False
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        try:
            os.kill(pid, 0)
        except OSError:
            return False
        return True  # no /proc (macOS): trust the pid
    return b"org.languagetool.server.HTTPServer" in cmdline


def status(version: str = LT_VERSION) -> Status:
    """Where the server is and whether it answers."""
    managed = not get_settings().lt_url
    info = _read_pid(version) if managed else None
    url = server_url()
    return Status(url, healthy(url), managed, (info or {}).get("pid"), (info or {}).get("port"),
                  is_fetched(version), version, cache_dir(version))


def start(port: int = DEFAULT_PORT, heap: str = DEFAULT_HEAP, timeout: float = START_TIMEOUT,
          version: str = LT_VERSION) -> Status:
    """Start the server (fetching it first if needed) and wait until it is healthy.

    Does nothing when ``MTCLEAN_LT_URL`` is set or our server already runs.  Raises
    :class:`ServiceUnavailable` with the log's tail when it does not come up."""
    if get_settings().lt_url:
        return status(version)
    running = _read_pid(version)
    if running and healthy(server_url(running["port"])):
        return status(version)
    if running:
        stop(version)
    if healthy(f"http://127.0.0.1:{port}"):
        raise ServiceUnavailable(f"port {port} already has a LanguageTool server that mtclean did not "
                                 f"start: use it with MTCLEAN_LT_URL=http://127.0.0.1:{port}, or pick another port")
    java = shutil.which("java")
    if not java:
        raise ServiceUnavailable("java not found: install a JDK 17+ (apt-get install openjdk-17-jre-headless)")
    if not is_fetched(version):
        fetch(version)
    stamp = _stamp(version) or {}
    d = cache_dir(version)
    custom = d / "custom"
    target = custom / "org" / "languagetool" / "rules" / "en" / "grammar_custom.xml"
    target.parent.mkdir(parents=True, exist_ok=True)
    if CUSTOM_RULES.exists():
        shutil.copyfile(CUSTOM_RULES, target)
    else:
        target.unlink(missing_ok=True)
    config = d / "server.properties"
    config.write_text("".join(f"{k}={v}\n" for k, v in SERVER_PROPERTIES.items()))
    classpath = os.pathsep.join([str(custom), *stamp["classpath"]])
    cmd = [java, f"-Xmx{heap}", "-XX:+ExitOnOutOfMemoryError", "-cp", classpath,
           "org.languagetool.server.HTTPServer", "--port", str(port), "--config", str(config)]
    log = d / "server.log"
    if log.exists() and log.stat().st_size > 5_000_000:
        log.replace(d / "server.log.1")
    with log.open("ab") as fh:
        fh.write(f"\n=== {time.strftime('%Y-%m-%d %H:%M:%S')} {' '.join(cmd)}\n".encode())
        fh.flush()
        proc = subprocess.Popen(cmd, stdout=fh, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                start_new_session=True, cwd=d)
    (d / "server.pid").write_text(json.dumps({"pid": proc.pid, "port": port, "heap": heap}) + "\n")
    url, deadline = f"http://127.0.0.1:{port}", time.monotonic() + timeout
    try:
        wait_until(lambda: healthy(url, timeout=1.0), timeout, f"LanguageTool at {url}/v2/healthcheck",
                   interval=0.25, alive=lambda: proc.poll() is None, log=log)
    except ServiceUnavailable:
        if proc.poll() is not None:
            (d / "server.pid").unlink(missing_ok=True)
        else:
            stop(version)
        raise
    _warm_up(url, max(5.0, deadline - time.monotonic()))
    return status(version)


def _warm_up(url: str, timeout: float) -> None:
    """One small check: the server answers its healthcheck ~1 s after launch but loads the
    English rules on the first check (~9 s); pay that here, not in the first real request."""
    import httpx

    try:
        httpx.post(f"{url}/v2/check", data={"language": "en-US", "text": "This is a warm-up sentence."},
                   timeout=timeout)
    except httpx.HTTPError:
        pass  # healthy already; the first real check will just be slower


def stop(version: str = LT_VERSION, timeout: float = 10.0) -> bool:
    """Stop our server (SIGTERM, then SIGKILL after ``timeout`` s).  False if none was running."""
    pidfile = cache_dir(version) / "server.pid"
    info = _read_pid(version)
    pidfile.unlink(missing_ok=True)
    if not info:
        return False
    return stop_pid(info["pid"], timeout, still_ours=_is_our_server)
