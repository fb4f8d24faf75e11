"""Pool worker processes that exit when the batch process dies (issue 14 item 11).

A batch SIGKILLed mid-run (an OOM killer, ``kill -9``, a closed CI job) cannot shut its pool
down: without this its worker processes stay, orphaned, holding memory and finishing files
nobody waits for.  :func:`die_with_parent`, called first in the pool initializer:

* on Linux asks the kernel to SIGKILL this process when its parent dies
  (``prctl(PR_SET_PDEATHSIG)`` through ctypes);
* everywhere starts a daemon thread that polls ``os.getppid()`` and exits the process when the
  parent is no longer the one that started it (the fallback: other systems, or a prctl refused);
* exits at once when the parent is already gone (it died before the prctl took effect).
"""
from __future__ import annotations

import os
import signal
import sys
import threading
import time

PR_SET_PDEATHSIG = 1
POLL_SECONDS = 0.5


def _prctl_deathsig(sig: int = signal.SIGKILL) -> bool:
    """PR_SET_PDEATHSIG on Linux; False where it is not available."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        return int(libc.prctl(PR_SET_PDEATHSIG, sig, 0, 0, 0)) == 0
    except (OSError, AttributeError):
        return False


def _watch(parent: int, interval: float) -> None:
    while True:
        time.sleep(interval)
        if os.getppid() != parent:
            os._exit(1)


def die_with_parent(parent: int | None, interval: float = POLL_SECONDS) -> bool:
    """Make this process exit when ``parent`` (the pid that started it) dies; returns whether the
    kernel does it (prctl) besides the watchdog thread."""
    if parent is None:
        return False
    kernel = _prctl_deathsig()
    if os.getppid() != parent:  # died before the prctl: nobody waits for this process
        os._exit(1)
    threading.Thread(target=_watch, args=(parent, interval), name="mtclean-parent-watch", daemon=True).start()
    return kernel
