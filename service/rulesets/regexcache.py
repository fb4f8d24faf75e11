"""Rule regexes compiled once per process and, across processes, kept compiled on disk.

The ``regex`` module compiles a pattern in Python (parse, optimise, generate code), about 3 ms
for a phrase pattern and 25% of the time of a first run on new text.  What it hands to its C
engine (``_regex.compile``'s arguments: the pattern, flags, the code as a list of ints, the
group tables, the required string) is plain data: it is recorded here when a rule pattern is
compiled and kept in ``<cache root>/rules/regex-<key>.pickle`` (the key: the ``regex``
version and Python's), so a later process builds the pattern object from it directly.  Any
failure (another ``regex`` version without ``_regex.compile``, a broken file) falls back to
``regex.compile``; ``MTCLEAN_RULE_CACHE=0`` turns the disk cache off.
"""
from __future__ import annotations

import os
import threading
from typing import Any

import regex

_COMPILED: dict[tuple[str, int], "regex.Pattern[str]"] = {}
_lock = threading.Lock()
_disk: dict[bytes, bytes] | None = None  # digest of (source, flags) -> pickled _regex.compile args
_new = 0  # entries recorded since the file was written
SAVE_EVERY = 50  # new entries between writes (and at exit)


def compiled(source: str, flags: int) -> "regex.Pattern[str]":
    """The compiled pattern (``regex.V0``), compiled once per process, from the disk cache when
    it is there."""
    key = (source, flags)
    pat = _COMPILED.get(key)
    if pat is None:
        pat = _COMPILED[key] = _compile(source, flags)
    return pat


def _enabled() -> bool:
    return os.environ.get("MTCLEAN_RULE_CACHE", "1") not in ("0", "false", "no")


def _path():
    import sys

    from service.rulesets.loader import _cache_dir

    tag = f"{regex.__version__}-{sys.version_info[0]}.{sys.version_info[1]}.{sys.version_info[2]}"
    return _cache_dir() / f"regex-{tag}.pickle"


def _digest(source: str, flags: int) -> bytes:
    import hashlib

    return hashlib.blake2b(f"{flags}\0{source}".encode("utf-8", "surrogatepass"), digest_size=16).digest()


def _load() -> dict[bytes, bytes]:
    global _disk
    if _disk is None:
        _disk = {}
        if _enabled():
            try:
                import pickle

                with open(_path(), "rb") as fh:
                    data = pickle.load(fh)
                if isinstance(data, dict):
                    _disk = data
            except Exception:  # noqa: BLE001 - missing or broken: compile afresh
                pass
            import atexit

            atexit.register(save)
    return _disk


def _compile(source: str, flags: int) -> "regex.Pattern[str]":
    import pickle

    disk = _load()
    digest = _digest(source, flags)
    blob = disk.get(digest)
    engine = getattr(getattr(regex, "_main", None), "_regex", None)
    if blob is not None and engine is not None:
        try:
            args = pickle.loads(blob)
            if args[0] == source:
                return engine.compile(*args)
        except Exception:  # noqa: BLE001 - not what this regex version takes: compile afresh
            pass
    if engine is None or not _enabled():
        return regex.compile(source, flags | regex.V0)
    recorded = _record(source, flags | regex.V0, engine)
    if recorded is not None:
        global _new
        with _lock:
            disk[digest] = pickle.dumps(recorded[1], protocol=pickle.HIGHEST_PROTOCOL)
            _new += 1
            due = _new >= SAVE_EVERY
        if due:
            save()
        return recorded[0]
    return regex.compile(source, flags | regex.V0)


class _Recorder:
    """Stands in for the ``_regex`` C module while one pattern compiles: passes every call on and
    keeps the arguments of the ``compile`` call for ``source``."""

    def __init__(self, engine: Any, source: str):
        self._engine = engine
        self._source = source
        self.args: tuple[Any, ...] | None = None

    def __getattr__(self, name: str) -> Any:
        return getattr(self._engine, name)

    def compile(self, *args: Any) -> Any:
        if args and args[0] == self._source and self.args is None:
            self.args = args
        return self._engine.compile(*args)


def _record(source: str, flags: int, engine: Any) -> tuple["regex.Pattern[str]", tuple[Any, ...]] | None:
    """Compile ``source`` (not from regex's own cache) and the arguments its C engine got."""
    main = regex._main  # type: ignore[attr-defined]
    recorder = _Recorder(engine, source)
    with _lock:
        main._regex = recorder
        try:
            pat = regex.compile(source, flags, cache_pattern=False)
        finally:
            main._regex = engine
    if recorder.args is None:
        return None
    return pat, recorder.args


def save() -> None:
    """Write the recorded arguments (atomically; a read-only cache folder is no error)."""
    global _new
    if _disk is None or not _new or not _enabled():
        return
    import pickle

    with _lock:
        data = dict(_disk)
        _new = 0
    from service.core.diskcache import write_atomic

    try:
        write_atomic(_path(), pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL))
    except Exception:  # noqa: BLE001 - no cache written: compiled again next time
        pass
