"""Batch cleaning of files and folders in the formats translators use (``mtclean clean PATH...``).

* :func:`collect` walks the inputs: files, folders (recursively; hidden entries, backups and
  the output folder skipped; only known formats taken) and globs.
* :func:`run` cleans them on the local cores (a :class:`~concurrent.futures.ProcessPoolExecutor`
  with one engine per worker process, built by its initializer) or through a running mtclean
  service (``--via URL``), writes cleaned copies (``--output-dir``, mirroring the tree) or
  rewrites the files (``--in-place``, atomically, with a backup), and skips files whose content
  and settings are unchanged since the last run (:class:`Cache`).
* A failing file (binary, undecodable, too large, malformed) is reported with its reason and
  the others go on; nothing is written for it.
* Exit status (:func:`exit_status`): 0 nothing left to review, 1 suggestions remain, 2 some
  files failed.  Reports: :mod:`service.reporting.batch_report`; the remote engine: :mod:`service.batch.remote`.
"""
from __future__ import annotations

import glob
import hashlib
import json
import os
import stat
import sys
import time
from collections import Counter
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path
from typing import Any, Callable, Iterable

from service.engine.factory import Engine, engine_for, local_engine
from service.engine.options import CleanOptions
from service.engine.pipeline import Cleaner, CleanResult
from service.errors import InputTooLargeError, MtcleanError, UnsupportedFormat
from service.formats import decode_text, format_name, get
from service.formats.cleaning import FileResult, clean_file
from service.formats.document import resolve_format
from service.reporting import diffing
from service.rulesets.loader import RULES_DIR, pack_files
from service.settings import get_settings

__all__ = ["local_engine"]  # re-exported: the CLI cleans one file with it
CACHE_VERSION = "1"
BACKUP_SUFFIX = ".mtclean.bak"
CACHE_DIRNAME = ".mtclean-cache"
DIFF_MAX_BYTES = 5 * 1024 * 1024
EXIT_CLEAN, EXIT_SUGGESTIONS, EXIT_FAILED = 0, 1, 2
_MAGIC = set("*?[")
# the code that decides a file's result (its hash is part of the cache key)
ENGINE_PACKAGES = ("core", "engine", "passes", "rulesets", "formats", "batch")


# -- settings ---------------------------------------------------------------------------------
def fingerprint(options: CleanOptions) -> str:
    """A hash of the options, the rule files and mtclean's own code (the result cache's key)."""
    h = hashlib.sha256()
    h.update(json.dumps([CACHE_VERSION, options.fingerprint()]).encode())
    code = Path(__file__).resolve().parents[1]
    files = sorted(p for d in ENGINE_PACKAGES for p in (code / d).rglob("*.py"))
    files += sorted(p for p in RULES_DIR.rglob("*") if p.is_file())
    files += pack_files([Path(d) for d in options.rule_dirs])
    for p in files:
        h.update(str(p).encode())
        h.update(p.read_bytes())
    return h.hexdigest()


@dataclass(frozen=True)
class Options:
    """Where results go and how the run goes (not part of the cache key)."""

    output_dir: Path | None = None
    in_place: bool = False
    backup: bool = True
    jobs: int = 0  # 0: the number of cores
    cache_dir: Path | None = None
    use_cache: bool = True
    want_diff: bool = False
    keep_edits: bool = False


# -- inputs -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Item:
    """One file to clean: its path, its path relative to the input it came from, its format."""

    path: str
    rel: str
    fmt: str
    error: str = ""


_OPTIONAL = ("bytes", "reason", "error", "content_sha256", "by_category", "passes", "warnings", "segments", "edits",
             "output_sha256", "output", "backup", "seconds")
_OK_FIELDS = ("changed", "applied", "suggestions")


@dataclass
class FileOutcome:
    """What happened to one file of a batch (typed; :meth:`to_dict` / :meth:`from_dict` at the
    I/O boundaries: the JSON report, the result cache, the process pool's results)."""

    path: str
    rel: str
    format: str
    status: str = "ok"  # ok | failed | skipped
    cached: bool = False
    bytes: int | None = None
    reason: str | None = None  # skipped
    error: dict[str, str] | None = None  # failed: {"code", "message"}
    content_sha256: str | None = None
    changed: bool = False
    applied: int = 0
    suggestions: int = 0
    by_category: dict[str, dict[str, int]] | None = None
    passes: dict[str, dict[str, Any]] | None = None
    warnings: list[str] | None = None
    segments: int | None = None
    edits: list[dict[str, Any]] | None = None  # the JSON form of each edit (FileEdit.to_dict)
    output_sha256: str | None = None
    diff: str | None = None
    diff_left_out: bool = False  # a diff was wanted but the file is too large for one
    output: str | None = None
    backup: str | None = None
    seconds: float | None = None
    maxrss_kb: int = 0

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    def to_dict(self) -> dict[str, Any]:
        """The JSON form (fields that were not produced are left out)."""
        d: dict[str, Any] = {"path": self.path, "rel": self.rel, "format": self.format, "cached": self.cached,
                             "status": self.status}
        for key in _OPTIONAL:
            value = getattr(self, key)
            if value is not None:
                d[key] = value
        if self.ok:
            d.update({k: getattr(self, k) for k in _OK_FIELDS})
        if self.diff is not None or self.diff_left_out:
            d["diff"] = self.diff
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "FileOutcome":
        known = {k: v for k, v in d.items() if k in cls.__dataclass_fields__ and k != "diff_left_out"}
        out = cls(**known)
        out.diff_left_out = "diff" in d and d["diff"] is None
        return out


def _static_root(pattern: str) -> Path:
    parts = Path(pattern).parts
    keep = []
    for part in parts:
        if _MAGIC & set(part):
            break
        keep.append(part)
    return Path(*keep) if keep else Path(".")


def _real(path: Path) -> Path:
    """``path`` resolved; a symbolic link loop is an error (exit 2) with the path, not a traceback."""
    try:
        return path.resolve()
    except (RuntimeError, OSError) as exc:  # Python 3.11: RuntimeError('Symlink loop from ...')
        raise MtcleanError(f"{path}: a symbolic link loop ({exc}); remove the link or exclude it") from None


def _regular(path: Path) -> Path:
    """The resolved path of a regular file; a FIFO, socket or device is refused without being
    opened (reading a FIFO blocks until a writer comes)."""
    real = _real(path)
    try:
        mode = os.stat(real).st_mode
    except OSError as exc:
        raise MtcleanError(f"{path}: cannot read: {exc.strerror}") from None
    if not stat.S_ISREG(mode):
        kind = "a FIFO" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode) else "a device" \
            if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "not a regular file"
        raise MtcleanError(f"{path}: {kind}; only regular files are read")
    return real


def collect(paths: Iterable[str], exclude: Iterable[Path] = ()) -> tuple[list[Item], int]:
    """The files to clean, and how many files of other kinds the folder walks skipped."""
    excluded = {p.resolve() for p in exclude}
    items: list[Item] = []
    seen: set[Path] = set()
    skipped = 0

    def add(path: Path, rel: str, fmt: str) -> None:
        real = _regular(path)
        if real not in seen:
            seen.add(real)
            items.append(Item(str(path), rel, fmt))

    def walk(root: Path, base: Path) -> None:
        nonlocal skipped
        for folder, dirs, files in os.walk(root):
            here = Path(folder)
            dirs[:] = sorted(d for d in dirs if not d.startswith(".") and _real(here / d) not in excluded)
            for f in sorted(files):
                p = here / f
                fmt = format_name(p, None)
                if f.startswith(".") or fmt is None:
                    skipped += 1
                    continue
                add(p, p.relative_to(base).as_posix(), fmt)

    for arg in paths:
        p = Path(arg)
        if p.is_dir():
            walk(p, p)
        elif p.is_file():
            try:
                add(p, p.name, resolve_format(p.name))
            except UnsupportedFormat as exc:
                items.append(Item(arg, p.name, "txt", str(exc).split(": ", 1)[1]))
        elif _MAGIC & set(arg):
            matches = sorted(glob.glob(arg, recursive=True))
            if not matches:
                items.append(Item(arg, arg, "txt", "no files match this pattern"))
            root = _static_root(arg)
            for m in matches:
                mp = Path(m)
                if mp.is_dir():
                    walk(mp, root)
                elif mp.is_file() and format_name(mp, None):
                    add(mp, os.path.relpath(mp, root), resolve_format(mp.name))
        else:
            if p.is_symlink() or p.exists():
                _regular(p)  # a link loop, a FIFO, a device: refused with its reason
            items.append(Item(arg, p.name, "txt", "no such file or folder"))
    return items, skipped


# -- engines ----------------------------------------------------------------------------------
_ENGINE: Engine | None = None


def init_worker(settings: CleanOptions, parent: int | None = None) -> None:
    """Process-pool initializer: one engine per worker process (from the one factory); a pool
    worker exits when ``parent`` (the batch process) dies (:mod:`service.batch.orphans`)."""
    global _ENGINE
    if parent is not None:
        from service.batch.orphans import die_with_parent

        die_with_parent(parent)
    _ENGINE = engine_for(settings)


def set_engine(engine: Callable[[str, frozenset[str]], CleanResult]) -> None:
    """Use ``engine`` in this process (inline runs reuse the caller's Cleaner)."""
    global _ENGINE
    _ENGINE = engine


# -- one file ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Task:
    """One file for a worker: where to read, where to write."""

    item: Item
    settings: CleanOptions
    target: str | None = None  # output-dir copy
    in_place: bool = False
    backup: bool = True
    want_diff: bool = False
    detail: bool = True  # list every edit (for a report); else only count them


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_sha(path: str | Path) -> str:
    """SHA-256 of a file, read in blocks."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def atomic_write(target: Path, data: bytes, mode: int | None = None) -> None:
    """Write ``data`` to a temporary file beside ``target``, then rename it over ``target``."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.mtclean-tmp-{os.getpid()}")
    try:
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, target)
    finally:
        if tmp.exists():
            tmp.unlink()


JOURNAL = ".mtclean-journal"  # per folder, hidden (walks skip it): files written in place


def _journal(path: Path) -> set[str]:
    """The content hashes mtclean wrote to ``path`` in place (earlier runs)."""
    try:
        lines = (path.parent / JOURNAL).read_text(encoding="utf-8").splitlines()
    except OSError:
        return set()
    out = set()
    for line in lines:
        name, _, digest = line.rpartition("\t")
        if name == path.name and digest:
            out.add(digest)
    return out


def _journal_add(path: Path, digest: str) -> None:
    """Record (appending one line, fsynced) that ``path`` is about to hold content ``digest``."""
    fd = os.open(path.parent / JOURNAL, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, f"{path.name}\t{digest}\n".encode())
        os.fsync(fd)
    finally:
        os.close(fd)


def backup_path(path: Path) -> Path:
    """A backup name that is not taken (``a.txt.mtclean.bak``, then ``a.txt.mtclean.1.bak``...)."""
    candidate = path.with_name(path.name + BACKUP_SUFFIX)
    n = 0
    while candidate.exists():
        n += 1
        candidate = path.with_name(f"{path.name}.mtclean.{n}.bak")
    return candidate


def _diff(fmt: str, before: bytes, after: bytes, rel: str, encoding: str | None) -> str | None:
    if len(before) > DIFF_MAX_BYTES:
        return None
    module = get(fmt)
    if module.BINARY:
        a = "\n\n".join(s.text for s in module.extract(before)) + "\n"
        b = "\n\n".join(s.text for s in module.extract(after)) + "\n" if after is not before else a
    else:
        a = decode_text(before, rel, encoding, len(before) + 1)[0]
        b = decode_text(after, rel, encoding, len(after) + 1)[0] if after is not before else a
    return diffing.unified(a, b, rel)


def describe_result(out: FileOutcome, item: Item, data: bytes, res: FileResult, want_diff: bool,
                    encoding: str | None) -> FileOutcome:
    """``out`` with the fields of a cleaned file."""
    out.status, out.content_sha256, out.changed = "ok", _sha(data), res.changed
    out.applied, out.suggestions, out.by_category = res.applied, res.suggestions, res.by_category
    out.passes, out.warnings, out.segments = res.passes, res.warnings, res.segments
    if res.edits or not res.applied + res.suggestions:
        out.edits = [e.to_dict() for e in res.edits]
    out.output_sha256 = _sha(res.output) if res.changed else out.content_sha256
    if want_diff:
        out.diff = _diff(item.fmt, data, res.output, item.rel, encoding) if res.changed else ""
        out.diff_left_out = out.diff is None
    return out


def process(task: Task) -> FileOutcome:
    """Clean one file (in a worker process)."""
    item, s = task.item, task.settings
    t0 = time.perf_counter()
    out = FileOutcome(item.path, item.rel, item.fmt)
    try:
        size = os.stat(item.path).st_size
        out.bytes = size
        if size > s.max_bytes:
            raise InputTooLargeError(f"{item.path}: {size:,} bytes is over the limit of {s.max_bytes:,}; "
                                     "split the file or raise --max-bytes")
        with open(item.path, "rb") as fh:
            data = fh.read()
        if not data:
            out.status, out.reason = "skipped", "empty file"
            return out
        if task.in_place and _sha(data) in _journal(Path(item.path)):
            # written by an earlier in-place run (perhaps one killed before its cache was saved):
            # not cleaned twice, and never backed up again (the backup holds the original)
            out.status, out.reason, out.content_sha256 = "skipped", "cleaned in place by an earlier run (journal)", \
                _sha(data)
            return out
        assert _ENGINE is not None, "init_worker was not called"
        res = clean_file(data, item.fmt, _ENGINE, s.encoding, item.path, task.detail)
        describe_result(out, item, data, res, task.want_diff, s.encoding)
        if task.target:
            atomic_write(Path(task.target), res.output)
            out.output = task.target
        elif task.in_place and res.changed:
            path = Path(item.path)
            mode = stat.S_IMODE(os.stat(path).st_mode)
            if task.backup:
                bak = backup_path(path)
                with open(bak, "xb") as fh:
                    fh.write(data)
                out.backup = str(bak)
                _journal_add(path, _sha(res.output))  # before the write: a kill after it still finds it
            atomic_write(path, res.output, mode)
            out.output = item.path
    except MtcleanError as exc:
        out.status, out.error = "failed", {"code": exc.code, "message": str(exc)}
    except OSError as exc:
        out.status, out.error = "failed", {"code": "io", "message": f"{item.path}: {exc.strerror or exc}"}
    except Exception as exc:  # noqa: BLE001 - one broken file must not stop the batch
        out.status = "failed"
        out.error = {"code": "internal", "message": f"{item.path}: {type(exc).__name__}: {exc}"}
    out.seconds = round(time.perf_counter() - t0, 4)
    out.maxrss_kb = _maxrss_kb()
    return out


def _maxrss_kb() -> int:
    try:
        import resource

        return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
    except (ImportError, OSError):  # pragma: no cover - not on this platform
        return 0


# -- cache ------------------------------------------------------------------------------------
def default_cache_dir() -> Path:
    """``$MTCLEAN_CACHE_DIR``, else ``batch/`` in the one cache root (:mod:`service.settings`)."""
    return get_settings().batch_cache_dir


class Cache:
    """Results by (content hash, settings hash): one JSON file each, written atomically."""

    def __init__(self, folder: Path, fingerprint: str):
        self.folder = folder
        self.fingerprint = fingerprint

    def key(self, content_sha: str, fmt: str) -> str:
        return hashlib.sha256(f"{self.fingerprint}:{fmt}:{content_sha}".encode()).hexdigest()

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key[2:]}.json"

    def get(self, key: str) -> dict[str, Any] | None:
        try:
            return json.loads(self._path(key).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def put(self, key: str, outcome: FileOutcome) -> None:
        keep = {k: v for k, v in outcome.to_dict().items() if k not in ("path", "rel", "output", "backup", "cached",
                                                                        "seconds", "maxrss_kb")}
        try:
            atomic_write(self._path(key), json.dumps(keep, ensure_ascii=False).encode())
        except OSError:
            pass  # a cache that cannot be written only costs time


def _cache_usable(hit: dict[str, Any], opts: Options, target: str | None) -> bool:
    if (opts.want_diff and "diff" not in hit) or (opts.keep_edits and "edits" not in hit):
        return False
    if target:
        return Path(target).is_file() and file_sha(target) == hit.get("output_sha256")
    if opts.in_place:
        return not hit.get("changed")
    return True


# -- the run ----------------------------------------------------------------------------------
@dataclass
class Summary:
    """The outcome of a batch run."""

    outcomes: list[FileOutcome] = field(default_factory=list)
    skipped_other: int = 0
    cleaned: int = 0  # files the engine actually cleaned this run
    from_cache: int = 0
    seconds: float = 0.0
    workers_maxrss_kb: int = 0

    @property
    def failed(self) -> list[FileOutcome]:
        return [o for o in self.outcomes if o.status == "failed"]

    @property
    def with_suggestions(self) -> list[FileOutcome]:
        return [o for o in self.outcomes if o.ok and o.suggestions]

    def by_category(self) -> dict[str, Counter[str]]:
        out: dict[str, Counter[str]] = {}
        for o in self.outcomes:
            for cat, n in (o.by_category or {}).items():
                out.setdefault(cat, Counter()).update(n)
        return out

    def totals(self) -> dict[str, Any]:
        ok = [o for o in self.outcomes if o.ok]
        return {
            "files": len(self.outcomes), "changed": sum(1 for o in ok if o.changed),
            "unchanged": sum(1 for o in ok if not o.changed),
            "failed": len(self.failed), "skipped": sum(1 for o in self.outcomes if o.status == "skipped"),
            "skipped_other_types": self.skipped_other, "cleaned": self.cleaned, "from_cache": self.from_cache,
            "applied": sum(o.applied for o in ok), "suggestions": sum(o.suggestions for o in ok),
            "files_with_suggestions": len(self.with_suggestions), "seconds": round(self.seconds, 3),
            "by_category": {k: {"applied": v["applied"], "suggested": v["suggested"]}
                            for k, v in sorted(self.by_category().items())},
        }


def exit_status(summary: Summary) -> int:
    """0 nothing left to review, 1 suggestions remain, 2 some files failed."""
    if summary.failed:
        return EXIT_FAILED
    return EXIT_SUGGESTIONS if summary.with_suggestions else EXIT_CLEAN


def _target(item: Item, opts: Options) -> str | None:
    return str(opts.output_dir / item.rel) if opts.output_dir else None


def run(items: list[Item], settings: CleanOptions, opts: Options, progress: "Progress | None" = None,
        skipped_other: int = 0, cleaner: Cleaner | None = None) -> Summary:
    """Clean ``items``; outcomes come back in the order of ``items``."""
    t0 = time.perf_counter()
    summary = Summary(skipped_other=skipped_other)
    progress = progress or Progress(len(items), enabled=False)
    cache = None
    if opts.use_cache:
        folder = opts.cache_dir or (opts.output_dir / CACHE_DIRNAME if opts.output_dir else default_cache_dir())
        cache = Cache(folder, fingerprint(settings))
    results: dict[int, FileOutcome] = {}
    todo: list[tuple[int, Task, str | None]] = []
    targets: dict[str, str] = {}
    for idx, item in enumerate(items):
        target = _target(item, opts)
        if item.error:
            code = "unsupported_format" if "does not clean" in item.error else "not_found"
            results[idx] = FileOutcome(item.path, item.rel, item.fmt, "failed",
                                       error={"code": code, "message": f"{item.path}: {item.error}"})
            progress.advance(results[idx])
            continue
        if target and targets.setdefault(target, item.path) != item.path:
            message = f"{item.path}: {target} is also the output of {targets[target]}"
            results[idx] = FileOutcome(item.path, item.rel, item.fmt, "failed",
                                       error={"code": "collision", "message": message})
            progress.advance(results[idx])
            continue
        key = None
        if cache is not None:
            try:
                if os.stat(item.path).st_size <= settings.max_bytes:
                    key = cache.key(file_sha(item.path), item.fmt)
            except OSError:
                key = None
            raw = cache.get(key) if key else None
            if raw is not None and _cache_usable(raw, opts, target):
                hit = FileOutcome.from_dict({**raw, "path": item.path, "rel": item.rel, "cached": True})
                if not (opts.keep_edits or opts.want_diff):
                    hit.edits = hit.passes = None
                if target:
                    hit.output = target
                results[idx] = hit
                summary.from_cache += 1
                progress.advance(hit)
                continue
        todo.append((idx, Task(item, settings, target, opts.in_place, opts.backup, opts.want_diff,
                                opts.keep_edits or opts.want_diff), key))

    def done(idx: int, key: str | None, outcome: FileOutcome) -> None:
        summary.cleaned += outcome.ok
        summary.workers_maxrss_kb = max(summary.workers_maxrss_kb, outcome.maxrss_kb)
        if cache is not None and outcome.ok and outcome.content_sha256 and not any(
                st.get("status") == "unavailable" for st in (outcome.passes or {}).values()):
            cache.put(cache.key(outcome.content_sha256, outcome.format), outcome)
        if not (opts.keep_edits or opts.want_diff):
            outcome.edits = outcome.passes = None
        results[idx] = outcome
        progress.advance(outcome)

    jobs = opts.jobs or os.cpu_count() or 1
    if todo and (jobs == 1 or len(todo) == 1):
        if cleaner is not None and not settings.via:
            set_engine(local_engine(cleaner, settings.apply, settings.source))
        else:
            init_worker(settings)
        for idx, task, key in todo:
            done(idx, key, process(task))
    elif todo:
        window = 4 * jobs
        with ProcessPoolExecutor(max_workers=min(jobs, len(todo)), mp_context=get_context("spawn"),
                                 initializer=init_worker, initargs=(settings, os.getpid())) as pool:
            pending: dict[Any, tuple[int, str | None]] = {}
            queue = iter(todo)
            for idx, task, key in queue:
                pending[pool.submit(process, task)] = (idx, key)
                if len(pending) >= window:
                    finished, _ = wait(pending, return_when=FIRST_COMPLETED)
                    for fut in finished:
                        i, k = pending.pop(fut)
                        done(i, k, fut.result())
            for fut in list(pending):
                i, k = pending.pop(fut)
                done(i, k, fut.result())
    summary.outcomes = [results[i] for i in range(len(items))]
    summary.seconds = time.perf_counter() - t0
    return summary


# -- progress and summary ---------------------------------------------------------------------
def describe(o: FileOutcome) -> str:
    """One line about a file's outcome."""
    if o.status == "failed":
        return f"{o.path}: failed: {(o.error or {}).get('message', '')}"
    if o.status == "skipped":
        return f"{o.path}: skipped ({o.reason or ''})"
    s = "" if o.suggestions == 1 else "s"
    tail = " (cached)" if o.cached else ""
    where = f" -> {o.output}" if o.output and o.output != o.path else ""
    return f"{o.path}: {o.applied} applied, {o.suggestions} suggestion{s}{where}{tail}"


class Progress:
    """A rich progress bar on a terminal, plain lines otherwise (or nothing)."""

    def __init__(self, total: int, stream=None, enabled: bool = True, bar: bool | None = None):
        self.total, self.count = total, 0
        self.stream = stream or sys.stderr
        self.enabled = enabled
        self.bar = None
        use_bar = bar if bar is not None else bool(getattr(self.stream, "isatty", lambda: False)())
        if enabled and use_bar:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeRemainingColumn
            from rich.progress import Progress as RichProgress

            self.bar = RichProgress(TextColumn("[bold]mtclean"), BarColumn(), MofNCompleteColumn(),
                                    TimeRemainingColumn(), TextColumn("{task.description}"),
                                    console=Console(file=self.stream), transient=True)
            self.task = self.bar.add_task("", total=total)
            self.bar.start()

    def advance(self, outcome: FileOutcome) -> None:
        self.count += 1
        if not self.enabled:
            return
        if self.bar is not None:
            self.bar.update(self.task, advance=1, description=Path(outcome.path).name[:40])
            if outcome.status == "failed":
                self.bar.console.print(f"mtclean: {describe(outcome)}", markup=False, highlight=False)
        else:
            print(f"mtclean: [{self.count}/{self.total}] {describe(outcome)}", file=self.stream, flush=True)

    def stop(self) -> None:
        if self.bar is not None:
            self.bar.stop()


def _n(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def summary_lines(summary: Summary) -> list[str]:
    """The summary printed at the end of a run."""
    t = summary.totals()
    other = t["skipped_other_types"]
    lines = [f"mtclean: {_n(t['files'], 'file')} in {t['seconds']:.1f} s: {t['changed']} changed, "
             f"{t['unchanged']} unchanged, {t['failed']} failed, {t['skipped']} skipped; {t['cleaned']} cleaned, "
             f"{t['from_cache']} from cache" + (f"; {_n(other, 'other file')} left alone (not a known format)"
                                               if other else "")]
    if t["by_category"]:
        cats = ", ".join(f"{c} {n.get('applied', 0)} applied/{n.get('suggested', 0)} suggested"
                         for c, n in t["by_category"].items())
        lines.append(f"mtclean: edits: {t['applied']} applied, {t['suggestions']} suggestions ({cats})")
    if summary.with_suggestions:
        names = ", ".join(o.path for o in summary.with_suggestions[:10])
        more = f" and {len(summary.with_suggestions) - 10} more" if len(summary.with_suggestions) > 10 else ""
        lines.append(f"mtclean: {_n(len(summary.with_suggestions), 'file')} with suggestions left: {names}{more}")
    for o in summary.failed:
        lines.append(f"mtclean: error: {(o.error or {}).get('message', '')}")
    return lines
