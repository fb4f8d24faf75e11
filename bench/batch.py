#!/usr/bin/env python3
"""Batch cleaning throughput and memory (``mtclean clean FOLDER``), measured in one run.

1. Many small files: 1,000 files of about 2 KB (txt, md, po, srt in turn), cleaned on the local
   cores (one worker process per core), report only and then with ``--output-dir``: files/s,
   MB/s, the workers' peak RSS (``resource.getrusage`` in each worker) and the parent's peak
   Python allocations (tracemalloc).  The same with 250 files shows whether memory grows with
   the number of files.
2. One 50 MB text file, cleaned in a fresh process (read, clean as one document, write the
   copy): MB/s, and the peak RSS above the process's baseline divided by the file size, i.e.
   how many copies of the file are held at the peak.
3. The same small files with the grammar pass on, when a LanguageTool server answers
   (``MTCLEAN_LT_URL`` or the local one); otherwise a note says it was skipped.

The text is real MT output (``samples/*.txt`` and the ``mt`` field of the MLQE-PE dev files,
with their ``src`` as PO sources) with artefacts the engine fixes put into every fifth
paragraph.  MB means 10**6 bytes.  Nothing is asserted: this prints numbers.

    python bench/batch.py [--small 1000] [--big-mb 50] [--jobs N] [--json FILE]
"""
from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from service.batch import run as batch  # noqa: E402
from service.engine.options import CleanOptions  # noqa: E402
from service.engine.pipeline import PASS_ORDER, RULE_PASSES  # noqa: E402

MB = 1_000_000
DATA_DIR = Path(os.environ.get("MTCLEAN_BENCH_DATA", ROOT.parent / "shared" / "data" / "mlqe-pe-dev"))
ARTEFACTS = ["General Soleimani met Generalimimimani who met him. in Syria.", "He spoke with al- Baghdadi  today.",
             "post", "The talks  ended late. in the evening they left."]


def corpus(seed: int = 7) -> tuple[list[str], list[tuple[str, str]]]:
    """Paragraphs of MT English, and (source, MT) pairs."""
    paras: list[str] = []
    for p in sorted((ROOT / "samples").glob("*.txt")):
        paras += [x.strip() for x in p.read_text(encoding="utf-8").split("\n\n") if x.strip()]
    pairs: list[tuple[str, str]] = []
    for p in sorted(DATA_DIR.glob("*.jsonl")) if DATA_DIR.is_dir() else []:
        for line in p.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            pairs.append((row["src"], row["mt"]))
    paras += [mt for _, mt in pairs]
    rng = random.Random(seed)
    rng.shuffle(paras)
    out = [p if i % 5 else f"{p} {ARTEFACTS[(i // 5) % len(ARTEFACTS)]}" for i, p in enumerate(paras)]
    if not pairs:
        pairs = [(p, p) for p in out[:500]]
    return out, pairs


def _esc(s: str) -> str:
    return s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def write_small(folder: Path, n: int, paras: list[str], pairs: list[tuple[str, str]]) -> int:
    """``n`` files of about 2 KB in four formats; their total size."""
    folder.mkdir(parents=True, exist_ok=True)
    total, k = 0, 0
    for i in range(n):
        kind = ("txt", "md", "po", "srt")[i % 4]
        chunk = []
        while sum(len(c) for c in chunk) < 1800:
            chunk.append(paras[k % len(paras)])
            k += 1
        if kind == "txt":
            body = "\n\n".join(chunk) + "\n"
        elif kind == "md":
            body = f"# Part {i}\n\n" + "\n\n".join(chunk) + "\n\n```\ncode  stays\n```\n"
        elif kind == "po":
            entries = [f'msgid "{_esc(s)}"\nmsgstr "{_esc(t)}"\n' for s, t in
                       (pairs[(k + j) % len(pairs)] for j in range(12))]
            body = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n' + "\n".join(entries)
        else:
            body = "".join(f"{j + 1}\n00:00:{j:02d},000 --> 00:00:{j:02d},900\n{c}\n\n" for j, c in enumerate(chunk))
        data = body.encode("utf-8")
        (folder / f"f{i:04d}.{kind}").write_bytes(data)
        total += len(data)
    return total


def write_big(path: Path, size: int, paras: list[str]) -> int:
    """A text file of about ``size`` bytes, written in blocks."""
    block = ("\n\n".join(paras) + "\n\n").encode("utf-8")
    written = 0
    with open(path, "wb") as fh:
        while written < size:
            piece = block[: size - written] if size - written < len(block) else block
            fh.write(piece)
            written += len(piece)
    # end on a whole character
    data = path.read_bytes().decode("utf-8", "ignore").encode("utf-8")
    path.write_bytes(data)
    return len(data)


def run_small(folder: Path, jobs: int, grammar: bool, out: Path | None = None) -> dict:
    passes = PASS_ORDER if grammar else RULE_PASSES
    settings = CleanOptions(passes=passes, grammar=grammar)
    items, _ = batch.collect([str(folder)])
    size = sum(Path(i.path).stat().st_size for i in items)
    opts = batch.Options(output_dir=out, use_cache=False, jobs=jobs)
    tracemalloc.start()
    t0 = time.perf_counter()
    summary = batch.run(items, settings, opts)
    seconds = time.perf_counter() - t0
    _, parent_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    t = summary.totals()
    return {"files": len(items), "mb": size / MB, "seconds": seconds, "files_per_s": len(items) / seconds,
            "mb_per_s": size / MB / seconds, "worker_peak_rss_mb": summary.workers_maxrss_kb / 1024,
            "parent_peak_alloc_mb": parent_peak / MB, "applied": t["applied"], "failed": t["failed"]}


def one_file(path: str, out: str, grammar: bool) -> None:
    """In a fresh process: clean one file, print JSON with the RSS before and at the peak."""
    import resource

    settings = CleanOptions(passes=PASS_ORDER if grammar else RULE_PASSES, grammar=grammar,
                            max_bytes=10**10)
    batch.init_worker(settings)
    warm = Path(out).with_name("warm.txt")
    warm.write_text("General Soleimani met him. in Syria.\n")
    batch.process(batch.Task(batch.Item(str(warm), "warm.txt", "txt"), settings))  # warm up: imports, caches
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0 = time.perf_counter()
    # as `mtclean clean --output-dir` without --report: edits counted, not listed
    outcome = batch.process(batch.Task(batch.Item(path, Path(path).name, "txt"), settings, target=out, detail=False))
    seconds = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"seconds": seconds, "base_kb": base, "peak_kb": peak, "status": outcome.status,
                      "applied": outcome.applied, "error": outcome.error}))


def run_big(path: Path, size: int, grammar: bool) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        proc = subprocess.run([sys.executable, __file__, "--one", str(path), str(Path(tmp) / "out.txt")]
                              + (["--grammar"] if grammar else []),
                              capture_output=True, text=True, timeout=3600)
    if proc.returncode != 0:
        raise SystemExit(proc.stderr[-3000:])
    r = json.loads(proc.stdout.strip().splitlines()[-1])
    extra_mb = (r["peak_kb"] - r["base_kb"]) * 1024 / MB
    return {"mb": size / MB, "seconds": r["seconds"], "mb_per_s": size / MB / r["seconds"],
            "base_rss_mb": r["base_kb"] / 1024, "peak_rss_mb": r["peak_kb"] / 1024, "extra_rss_mb": extra_mb,
            "copies_at_peak": extra_mb / (size / MB), "status": r["status"], "applied": r["applied"]}


def lt_reachable() -> str | None:
    try:
        from service.ops.languagetool import healthy, server_url
    except ImportError:
        return None
    url = server_url()
    return url if healthy(url, timeout=2.0) else None


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--small", type=int, default=1000)
    ap.add_argument("--big-mb", type=float, default=50)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--json", type=Path)
    ap.add_argument("--one", nargs=2, help=argparse.SUPPRESS)
    ap.add_argument("--grammar", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        one_file(args.one[0], args.one[1], args.grammar)
        return
    paras, pairs = corpus()
    results: dict = {"jobs": args.jobs, "cpus": os.cpu_count()}
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        quarter = max(1, args.small // 4)
        write_small(root / "few", quarter, paras, pairs)
        write_small(root / "many", args.small, paras, pairs)
        print(f"== 1. Small files (grammar off, {args.jobs} workers) ==")
        few = run_small(root / "few", args.jobs, False)
        many = run_small(root / "many", args.jobs, False)
        written = run_small(root / "many", args.jobs, False, root / "out")
        for label, r in ((f"{quarter} files, report only", few), (f"{args.small} files, report only", many),
                         (f"{args.small} files, --output-dir", written)):
            print(f"{label:32s} {r['files_per_s']:8.1f} files/s {r['mb_per_s']:6.2f} MB/s  "
                  f"({r['mb']:.2f} MB in {r['seconds']:.1f} s incl. worker start-up; {r['applied']} edits applied, "
                  f"{r['failed']} failed)  worker peak RSS {r['worker_peak_rss_mb']:.0f} MB, "
                  f"parent peak alloc {r['parent_peak_alloc_mb']:.1f} MB")
        growth = many["worker_peak_rss_mb"] / few["worker_peak_rss_mb"] if few["worker_peak_rss_mb"] else 0
        pgrowth = many["parent_peak_alloc_mb"] / few["parent_peak_alloc_mb"] if few["parent_peak_alloc_mb"] else 0
        per_file_kb = (many["parent_peak_alloc_mb"] - few["parent_peak_alloc_mb"]) * 1000 / (args.small - quarter)
        print(f"memory vs file count (x{args.small / quarter:.0f} files): worker peak RSS x{growth:.2f} -> "
              + ("does not grow with file count" if growth < 1.15 else "GROWS with file count")
              + f"; the parent keeps a {per_file_kb:.1f} KB record per file for the summary "
              f"(peak alloc x{pgrowth:.2f})")
        results["small"] = {"few": few, "many": many, "output_dir": written, "worker_rss_growth": growth,
                            "parent_alloc_growth": pgrowth}

        print(f"== 2. One {args.big_mb:.0f} MB file (grammar off) ==")
        big = root / "big.txt"
        size = write_big(big, int(args.big_mb * MB), paras)
        r = run_big(big, size, False)
        print(f"{r['mb']:.1f} MB in {r['seconds']:.1f} s = {r['mb_per_s']:.2f} MB/s ({r['applied']} edits applied); "
              f"RSS {r['base_rss_mb']:.0f} MB before, {r['peak_rss_mb']:.0f} MB at peak: "
              f"{r['extra_rss_mb']:.0f} MB = {r['copies_at_peak']:.1f} copies of the file at the peak")
        results["big"] = r
        big.unlink()

        print("== 3. Grammar pass on ==")
        url = lt_reachable()
        if url is None:
            print("skipped: no LanguageTool server answers (start one with `mtclean languagetool start` "
                  "or set MTCLEAN_LT_URL)")
            results["grammar"] = None
        else:
            g = run_small(root / "few", args.jobs, True)
            print(f"{quarter} files via {url}: {g['files_per_s']:.1f} files/s {g['mb_per_s']:.2f} MB/s, "
                  f"worker peak RSS {g['worker_peak_rss_mb']:.0f} MB")
            results["grammar"] = g
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
