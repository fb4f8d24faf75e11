"""Batch after a SIGKILL (issue 14 item 11): `mtclean clean FOLDER -j 2` is SIGKILLed while its
pool of worker processes cleans; every process it started is gone within a few seconds (before,
the pool workers stayed, orphaned, holding memory and the files they had open)."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.chaos.outcomes import parent_pids

pytestmark = pytest.mark.chaos
ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "samples" / "soleimani-vi-en.txt"


def _descendants(pid: int) -> set[int]:
    table, found, todo = parent_pids(), set(), [pid]
    while todo:
        parent = todo.pop()
        for child, ppid in table.items():
            if ppid == parent and child not in found:
                found.add(child)
                todo.append(child)
    return found


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def _alive(pid: int) -> bool:
    """Running (a zombie waiting for a reaper is gone)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_pool_workers_exit_when_the_batch_is_sigkilled(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    paragraphs = [p for p in SAMPLE.read_text(encoding="utf-8").split("\n\n") if p.strip()]
    for i in range(3000):  # enough work that the run is still going when it is killed
        chosen = paragraphs[i % len(paragraphs):] + paragraphs[:i % len(paragraphs)]
        (folder / f"{i:04d}.txt").write_text("\n\n".join(chosen[:4]) + "\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "MTCLEAN_CACHE": str(tmp_path / "cache")}
    err = tmp_path / "stderr.txt"
    with open(err, "wb") as stderr:
        proc = subprocess.Popen([sys.executable, "-m", "service", "clean", str(folder), "--output-dir",
                                 str(tmp_path / "out"), "--no-cache", "--no-grammar", "-j", "2"],
                                cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=stderr,
                                start_new_session=True)
    started: set[int] = set()
    cmdlines: dict[int, bytes] = {}
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and proc.poll() is None:
            started |= _descendants(proc.pid)
            if "[5/3000]" in err.read_text(errors="replace") and len(started) >= 2:
                break
            time.sleep(0.05)
        assert proc.poll() is None, "the batch finished before it could be killed: " + err.read_text()[-2000:]
        started |= _descendants(proc.pid)
        cmdlines = {p: _cmdline(p) for p in started}
        workers = [p for p, cmd in cmdlines.items() if b"multiprocessing" in cmd]
        assert len(workers) >= 2, (started, err.read_text()[-2000:])
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and any(_alive(p) for p in started):
            time.sleep(0.1)
        left = sorted(p for p in started if _alive(p))
        assert not left, f"orphaned after the batch was SIGKILLed: {left} (of {sorted(started)})"
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)
        for pid in started:  # only the processes this test started, by their id (not a reused one)
            if _alive(pid) and _cmdline(pid) == cmdlines.get(pid):
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass


CHILD = """
import os, sys, time
from service.batch import orphans
if sys.argv[1] == "fallback":
    orphans._prctl_deathsig = lambda sig=9: False  # the watchdog thread alone
orphans.die_with_parent(int(sys.argv[2]), interval=0.1)
print(os.getpid(), flush=True)
time.sleep(60)
"""
PARENT = """
import subprocess, sys, os, time
child = subprocess.Popen([sys.executable, "-c", sys.argv[1], sys.argv[2], str(os.getpid())], stdout=subprocess.PIPE)
print(child.stdout.readline().decode().strip(), flush=True)
time.sleep(60)
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize("how", ["prctl", "fallback"])
def test_a_process_that_dies_with_its_parent_exits_by_prctl_or_by_the_watchdog(how):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    parent = subprocess.Popen([sys.executable, "-c", PARENT, CHILD, how], stdout=subprocess.PIPE, env=env,
                              start_new_session=True)
    child = 0
    try:
        assert parent.stdout is not None
        child = int(parent.stdout.readline())
        assert _alive(child)
        parent.kill()
        parent.wait(10)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and _alive(child):
            time.sleep(0.05)
        assert not _alive(child), f"the child {child} outlived its parent ({how})"
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait(10)
        if child and _alive(child) and b"die_with_parent" in _cmdline(child):
            os.kill(child, signal.SIGKILL)
