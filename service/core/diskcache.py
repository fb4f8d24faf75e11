"""A value kept as a pickle in the cache folder: read it back, else build it and write it
atomically (a temporary file, then ``os.replace``), so that concurrent processes never read half
a file.  An unreadable or stale file is rebuilt; a folder that cannot be written only costs the
build."""
from __future__ import annotations

import os
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

_UNREADABLE = (OSError, pickle.PickleError, EOFError, AttributeError, ValueError, TypeError, ImportError)


def load_or_build(path: Path, build: Callable[[], T], valid: Callable[[object], bool] = lambda _: True) -> T:
    """The value pickled at ``path`` when it reads back and ``valid`` accepts it; else ``build()``,
    written to ``path`` for the next process."""
    try:
        with open(path, "rb") as fh:
            value = pickle.load(fh)
        if valid(value):
            return value  # type: ignore[no-any-return]
    except _UNREADABLE:
        pass
    value = build()
    write_atomic(path, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
    return value


def write_atomic(path: Path, data: bytes) -> bool:
    """Write ``data`` to ``path`` through a temporary file and ``os.replace``; False (nothing
    written) when the folder cannot be written."""
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(data)
        os.replace(tmp, path)
        return True
    except OSError:
        try:
            tmp.unlink(missing_ok=True)
        except OSError:
            pass
        return False
