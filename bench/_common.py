"""What the benchmarks share: the real, non-repeating corpus, timing, targets and JSON output.

The corpus is real text that the benchmark never repeats: the ``mt`` and ``pe`` sides of
MLQE-PE train and dev (one paragraph a sentence) and the clean English of State of the Union
and inaugural addresses (one paragraph a line), shuffled with a fixed seed.  The data itself
holds some repetition (an MT sentence the post-editor left unchanged is on both sides); the
benchmark adds none.  MB means 10**6 bytes of UTF-8.
"""
from __future__ import annotations

import glob
import json
import os
import random
import resource
import sys
import time
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(os.environ.get("MTCLEAN_BENCH_DATA", ROOT.parent / "shared" / "data"))
MB = 1_000_000
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def factory_cleaner(passes: tuple[str, ...], source_langs: frozenset[str] | None, grammar: bool,
                    lt_url: str | None) -> Any:
    """The cleaner the CLI would build (service.engine.factory), or None on a tree without it
    (the measurement scripts also run on older commits, in a worktree)."""
    try:
        from service.engine.factory import get_cleaner, grammar_for
        from service.engine.options import CleanOptions

        options = CleanOptions(passes=passes, source_langs=source_langs, grammar=grammar)
        checker = grammar_for(options, url=lt_url, force=True) if grammar else None
        return get_cleaner(options, grammar=checker)
    except (ImportError, TypeError, ValueError):
        return None


def real_paragraphs(seed: int = 13) -> tuple[list[str], dict[str, int]]:
    """Every paragraph of the corpus, shuffled, and the bytes taken from each source."""
    paras: list[str] = []
    sources: dict[str, int] = {}
    for split in ("mlqe-pe-train", "mlqe-pe-dev"):
        for path in sorted(glob.glob(str(DATA / split / "*.jsonl"))):
            with open(path, encoding="utf-8") as fh:
                for line in fh:
                    row = json.loads(line)
                    for side in ("mt", "pe"):
                        text = " ".join(row[side].split())
                        if text:
                            paras.append(text)
                            sources[f"{split}/{side}"] = sources.get(f"{split}/{side}", 0) + len(text.encode()) + 2
    for path in sorted(glob.glob(str(DATA / "clean-english" / "*" / "*"))):
        text = Path(path).read_text(encoding="utf-8", errors="replace")
        for line in text.splitlines():
            if line.strip():
                paras.append(line.strip())
                sources["clean-english"] = sources.get("clean-english", 0) + len(line.strip().encode()) + 2
    if not paras:
        raise SystemExit(f"no benchmark text under {DATA}: set MTCLEAN_BENCH_DATA to the shared data folder "
                         "(mlqe-pe-train/, mlqe-pe-dev/, clean-english/)")
    random.Random(seed).shuffle(paras)
    return paras, sources


def documents(paras: list[str], doc_bytes: int, limit: int | None = None) -> list[str]:
    """Consecutive paragraphs joined into documents of about ``doc_bytes`` (a blank line between
    paragraphs), up to ``limit`` bytes in all."""
    docs: list[str] = []
    cur: list[str] = []
    size = total = 0
    for p in paras:
        n = len(p.encode()) + 2
        if limit is not None and total + n > limit:
            break
        cur.append(p)
        size += n
        total += n
        if size >= doc_bytes:
            docs.append("\n\n".join(cur) + "\n")
            cur, size = [], 0
    if cur:
        docs.append("\n\n".join(cur) + "\n")
    return docs


def nbytes(texts: list[str]) -> int:
    """UTF-8 bytes of the texts."""
    return sum(len(t.encode()) for t in texts)


def best_of(fn: Callable[[], Any], repeats: int) -> tuple[float, Any]:
    """The best wall time of ``repeats`` runs of ``fn`` and the last result."""
    best, result = float("inf"), None
    for _ in range(max(1, repeats)):
        t0 = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t0)
    return best, result


def peak_rss_mb() -> float:
    """This process's peak resident set size so far, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Targets:
    """PASS/MISS lines, printed and kept for the JSON output (never asserted: machines are noisy)."""

    def __init__(self) -> None:
        self.rows: list[dict[str, Any]] = []

    def check(self, name: str, ok: bool, detail: str) -> None:
        status = "PASS" if ok else "MISS"
        self.rows.append({"name": name, "status": status, "detail": detail})
        print(f"  {status}  {name}: {detail}")


def write_json(path: str | None, data: dict[str, Any]) -> None:
    """Write the benchmark's results as JSON when asked to."""
    if path:
        Path(path).write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
