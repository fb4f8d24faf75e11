#!/usr/bin/env python3
"""Measure mtclean's edits on real MT output with human post-edits (MLQE-PE dev and train).

For each split and language pair, and for ``--apply auto`` and ``--apply all``: how many edits
``mtclean clean`` applies; how many of them move the sentence toward the post-edit (word-level
edit distance to ``pe`` falls when that edit alone is applied), away from it, or neither;
precision (toward / (toward + away): an edit that leaves the distance unchanged is neither
right nor wrong by this measure); sentences made better (closer to the post-edit) and worse
(further from it) by all their applied edits together, as counts and as a share of the
pair's sentences; and how many sentences the post-editor left unchanged (mt == pe) mtclean
changes (false positives).

By default the engine runs as a user who gives no source language does (every rule pack);
``--source-lang-from-pair`` measures each pair a second time with the pair's source language
(``ro-en`` -> ``source_langs={"ro"}``, as ``--source-lang ro``) and reports both (rows
``auto``/``all`` and ``auto+src``/``all+src``).  The targets of issue 10 (for ``--apply all``:
precision at least 0.5, at most 1% of sentences worse) are checked per pair and printed as
PASS/MISS lines.

    python scripts/eval_mlqe.py                         # dev and train, auto and all, rule passes
    python scripts/eval_mlqe.py --split dev --apply auto
    python scripts/eval_mlqe.py --source-lang-from-pair  # also with the pair's source language
    python scripts/eval_mlqe.py --grammar               # plus LanguageTool (a running server)
    python scripts/eval_mlqe.py --languagetool-alone    # baseline: LanguageTool's first suggestions
    python scripts/eval_mlqe.py --json out.json --show 5
    python scripts/eval_mlqe.py --before f952fc7        # the same, with the engine and rules of a git ref

The data folder is ``--data`` (the folder holding ``mlqe-pe-dev/`` and ``mlqe-pe-train/``),
else ``MTCLEAN_BENCH_DATA``, else ``../shared/data`` next to the checkout; a folder of
``*.jsonl`` files is taken as one split.  No data is an error (exit 2), never an empty table.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import urllib.parse
import urllib.request
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Callable

import regex
from rapidfuzz.distance import Levenshtein

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from service.core.model import Edit, Tier  # noqa: E402
from service.engine.apply import apply_edits  # noqa: E402

SPLITS = {"dev": "mlqe-pe-dev", "train": "mlqe-pe-train"}
_TOKENS = regex.compile(r"\w+|[^\w\s]")


def words(text: str) -> list[str]:
    """Word and punctuation tokens."""
    return _TOKENS.findall(text)


def data_root(given: Path | None) -> Path:
    """The folder holding the splits (see the module docstring)."""
    if given is not None:
        return given
    env = os.environ.get("MTCLEAN_BENCH_DATA")
    if env:
        return Path(env)
    return ROOT.parent / "shared" / "data"


def split_files(root: Path, splits: list[str], pairs: list[str] | None) -> dict[str, list[Path]]:
    """``{split: [jsonl files]}``; a folder of jsonl files given directly is one split."""
    out: dict[str, list[Path]] = {}
    direct = sorted(root.glob("*.jsonl"))
    if direct:
        out[root.name] = direct
    else:
        for split in splits:
            out[split] = sorted((root / SPLITS.get(split, split)).glob("*.jsonl"))
    if pairs:
        out = {s: [p for p in files if p.stem in pairs] for s, files in out.items()}
    return {s: files for s, files in out.items() if files}


# --- the engine ------------------------------------------------------------------------

def _factory_cleaner(*args: Any) -> Any:
    """The cleaner the CLI would build: ``factory_cleaner`` of bench/_common.py."""
    sys.path.insert(1, str(Path(__file__).resolve().parents[1] / "bench"))
    return __import__("_common").factory_cleaner(*args)


def build_cleaner(grammar: bool, lt_alone: bool, source_langs: frozenset[str] | None = None) -> Any:
    """The engine as the CLI builds it; ``source_langs`` as ``--source-lang`` gives them."""
    from service.engine import pipeline

    if lt_alone:
        from service.ops.languagetool import server_url

        return _Alone(languagetool_alone(server_url()))
    passes = tuple(pipeline.PASS_ORDER) if grammar else tuple(p for p in pipeline.PASS_ORDER if p != "grammar")
    cleaner = _factory_cleaner(passes, source_langs, grammar, None)
    if cleaner is not None:
        return cleaner
    checker = None
    if grammar:
        from service.ops.languagetool import server_url
        from service.passes.grammar.languagetool import GrammarPass, GrammarSettings

        checker = GrammarPass(GrammarSettings(url=server_url()))
    return pipeline.Cleaner(passes=passes, grammar=checker, source_langs=source_langs)


def languagetool_alone(url: str) -> Callable[[str], list[Edit]]:
    """LanguageTool by itself: every match's first suggestion, as edits (raw /v2/check)."""
    from service.core.offsets import Utf16Index

    def find(text: str) -> list[Edit]:
        body = urllib.parse.urlencode({"text": text, "language": "en-US"}).encode()
        with urllib.request.urlopen(f"{url}/v2/check", body, timeout=60) as resp:
            matches = json.load(resp)["matches"]
        index = Utf16Index(text)
        edits = []
        for m in matches:
            if not m.get("replacements"):
                continue
            start = index.to_codepoint(m["offset"])
            end = index.to_codepoint(m["offset"] + m["length"])
            edits.append(Edit(start, end, text[start:end], (m["replacements"][0]["value"],),
                              f"LT:{m['rule']['id']}", "grammar", Tier.AUTO, m["message"], "LanguageTool", "grammar"))
        return edits
    return find


class _Alone:
    """Adapts a find function to the Cleaner interface the evaluation uses."""

    def __init__(self, find: Callable[[str], list[Edit]]):
        self._find = find

    def clean(self, text: str, apply: str = "auto") -> Any:
        edits = self._find(text)
        out = apply_edits(text, edits)
        return SimpleNamespace(applied=out.applied, suggestions=[], cleaned=out.text)


# --- scoring ---------------------------------------------------------------------------

def evaluate(rows: list[dict], cleaner: Any, apply: str, show: int) -> dict[str, Any]:
    """Score one language pair in one apply mode."""
    stats: Counter[str] = Counter()
    by_rule: dict[str, Counter[str]] = {}
    examples: list[dict[str, str]] = []
    for row in rows:
        mt, pe = row["mt"], row["pe"]
        stats["sentences"] += 1
        unchanged = mt == pe
        stats["unchanged_by_editor"] += unchanged
        result = cleaner.clean(mt, apply)
        stats["suggestions_left"] += len(getattr(result, "suggestions", []))
        if not result.applied:
            continue
        stats["sentences_changed"] += 1
        stats["unchanged_but_changed"] += unchanged
        pe_words = words(pe)
        base = Levenshtein.distance(words(mt), pe_words)
        whole = Levenshtein.distance(words(result.cleaned), pe_words)
        stats["sentences_closer"] += whole < base
        stats["sentences_further"] += whole > base
        for edit in result.applied:
            alone = apply_edits(mt, [edit]).text
            d = Levenshtein.distance(words(alone), pe_words)
            verdict = "toward" if d < base else "away" if d > base else "neutral"
            stats["edits"] += 1
            stats[verdict] += 1
            tier = getattr(edit.tier, "value", str(edit.tier))
            stats[f"edits_{tier}"] += 1
            by_rule.setdefault(edit.rule_id, Counter())[verdict] += 1
            if verdict == "away" and len(examples) < show:
                examples.append({"rule": edit.rule_id, "original": edit.original, "replacement": edit.replacement,
                                 "mt": mt, "pe": pe})
    s: dict[str, Any] = {k: stats.get(k, 0) for k in (
        "sentences", "unchanged_by_editor", "sentences_changed", "unchanged_but_changed", "edits", "edits_auto",
        "edits_suggest", "toward", "away", "neutral", "sentences_closer", "sentences_further", "suggestions_left")}
    s["fp_rate_unchanged"] = round(s["unchanged_but_changed"] / max(1, s["unchanged_by_editor"]), 4)
    judged = s["toward"] + s["away"]
    s["precision"] = round(s["toward"] / judged, 4) if judged else None
    s["toward_share"] = round(s["toward"] / s["edits"], 4) if s["edits"] else None
    s["further_rate"] = round(s["sentences_further"] / max(1, s["sentences"]), 4)
    s["closer_rate"] = round(s["sentences_closer"] / max(1, s["sentences"]), 4)
    rules = {r: dict(c) for r, c in sorted(by_rule.items(), key=lambda kv: -sum(kv[1].values()))}
    return {"stats": s, "rules": rules, "examples": examples}


SRC = "+src"  # the suffix of a mode measured with the pair's source language


def pair_source_lang(pair: str) -> str:
    """The source language of a pair named like ``ro-en`` (its first code)."""
    return pair.split("-")[0].split("_")[0].lower()


def variants(modes: list[str], with_source: bool) -> list[str]:
    """The labels measured: each apply mode, and with ``with_source`` each again with the
    pair's source language (``all+src``)."""
    return list(modes) + ([m + SRC for m in modes] if with_source else [])


def _job(args: tuple) -> tuple[str, str, str, dict[str, Any]]:
    split, path, labels, grammar, lt_alone, show, limit = args
    pair = Path(path).stem
    with open(path, encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh if line.strip()]
    if limit:
        rows = rows[:limit]
    out: dict[str, Any] = {}
    cleaners: dict[bool, Any] = {}
    for label in labels:
        with_src = label.endswith(SRC)
        if with_src not in cleaners:
            langs = frozenset({pair_source_lang(pair)}) if with_src else None
            cleaners[with_src] = build_cleaner(grammar, lt_alone, langs)
        out[label] = evaluate(rows, cleaners[with_src], label.removesuffix(SRC), show)
    return split, pair, ",".join(labels), out


def run(files: dict[str, list[Path]], modes: list[str], grammar: bool = False, lt_alone: bool = False,
        show: int = 0, limit: int | None = None, jobs: int = 1) -> dict[str, dict[str, dict[str, Any]]]:
    """``{split: {pair: {label: {stats, rules, examples}}}}``; ``modes``: labels of
    :func:`variants` (``auto``, ``all``, ``all+src``, ...)."""
    tasks = [(split, str(p), tuple(modes), grammar, lt_alone, show, limit) for split, ps in files.items() for p in ps]
    report: dict[str, dict[str, dict[str, Any]]] = {s: {} for s in files}
    if jobs > 1 and len(tasks) > 1:
        with ProcessPoolExecutor(max_workers=min(jobs, len(tasks))) as pool:
            results = list(pool.map(_job, tasks))
    else:
        results = [_job(t) for t in tasks]
    for split, pair, _, out in results:
        report[split][pair] = out
    return report


def family(rule_id: str) -> str:
    """A rule's family: its id up to the first dot ('punctuation', 'names', 'LT:...' -> 'LT'), with
    the mined packs apart ('ro.mlqe.x' -> 'ro.mlqe')."""
    if rule_id.startswith("LT:"):
        return "LT"
    parts = rule_id.split(".")
    return ".".join(parts[:2]) if len(parts) > 2 and parts[1] == "mlqe" else parts[0]


def families(report: dict[str, dict[str, dict[str, Any]]], mode: str) -> dict[str, dict[str, Counter]]:
    """``{split: {family: Counter(toward, away, neutral)}}`` over every pair."""
    out: dict[str, dict[str, Counter]] = {}
    for split, pairs in report.items():
        fam: dict[str, Counter] = {}
        for by_mode in pairs.values():
            for rule, c in by_mode[mode]["rules"].items():
                fam.setdefault(family(rule), Counter()).update(c)
        out[split] = dict(sorted(fam.items(), key=lambda kv: -sum(kv[1].values())))
    return out


def _fmt_p(p: float | None) -> str:
    return "-" if p is None else f"{p:.2f}"


#: issue 10's targets for ``--apply all`` on each pair: precision of the applied edits
#: (toward / (toward + away)) at least this, and at most this share of sentences made worse
TARGET_PRECISION = 0.5
TARGET_WORSE = 0.01


def _row(split: str, pair: str, mode: str, s: dict[str, Any]) -> str:
    judged = s["toward"] + s["away"]
    prec = _fmt_p(s["toward"] / judged if judged else None)
    n = max(1, s["sentences"])
    fp = 100 * s["unchanged_but_changed"] / max(1, s["unchanged_by_editor"])
    return (f"{split:6} {pair:6} {mode:8} {s['sentences']:6} {s['edits']:6} {s['toward']:6} {s['away']:5} "
            f"{s['neutral']:5} {prec:>5} {s['sentences_closer']:6} {100 * s['sentences_closer'] / n:6.2f}% "
            f"{s['sentences_further']:6} {100 * s['sentences_further'] / n:6.2f}% {s['unchanged_by_editor']:5} "
            f"{s['unchanged_but_changed']:8} {fp:5.2f}%")


def print_table(report: dict[str, dict[str, dict[str, Any]]], modes: list[str]) -> None:
    head = (f"{'split':6} {'pair':6} {'apply':8} {'sents':>6} {'edits':>6} {'toward':>6} {'away':>5} "
            f"{'neutr':>5} {'prec':>5} {'better':>6} {'better%':>7} {'worse':>6} {'worse%':>7} {'unch':>5} "
            f"{'unch-chg':>8} {'FP%':>6}")
    print(head)
    print("-" * len(head))
    for split, pairs in report.items():
        for mode in modes:
            tot: Counter[str] = Counter()
            for pair, by_mode in pairs.items():
                s = by_mode[mode]["stats"]
                tot.update({k: v for k, v in s.items() if isinstance(v, int)})
                print(_row(split, pair, mode, s))
            if len(pairs) > 1:
                print(_row(split, "ALL", mode, tot))
    print("\nprec: toward / (toward + away), an edit judged by applying it alone; better/worse: sentences whose "
          "applied edits together bring them closer to / further from the post-edit (% of the pair's sentences); "
          "unch: sentences the editor left unchanged; unch-chg: of those, changed by mtclean; +src: with the "
          "pair's source language (--source-lang)")


def targets(report: dict[str, dict[str, dict[str, Any]]], modes: list[str]) -> list[tuple[str, bool, str]]:
    """Issue 10's targets per split, pair and ``all`` mode: (name, met, detail)."""
    out = []
    for split, pairs in report.items():
        for pair, by_mode in pairs.items():
            for mode in modes:
                if mode.removesuffix(SRC) != "all":
                    continue
                s = by_mode[mode]["stats"]
                judged = s["toward"] + s["away"]
                prec = s["toward"] / judged if judged else None
                worse = s["sentences_further"] / max(1, s["sentences"])
                better = s["sentences_closer"] / max(1, s["sentences"])
                ok = (prec is None or prec >= TARGET_PRECISION) and worse <= TARGET_WORSE
                out.append((f"{split} {pair} --apply {mode}", ok,
                            f"precision {_fmt_p(prec)} (>= {TARGET_PRECISION}), worse {100 * worse:.2f}% "
                            f"(<= {100 * TARGET_WORSE:g}%), better {100 * better:.2f}%"))
    return out


def run_at_ref(ref: str, argv: list[str]) -> dict[str, Any]:
    """This script, with the engine and rules of git ref ``ref`` (a temporary worktree)."""
    tmp = Path(tempfile.mkdtemp(prefix=f"mtclean-{re.sub(r'[^A-Za-z0-9]+', '-', ref)}-"))
    wt = tmp / "tree"
    subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(wt), ref], check=True,
                   stdout=subprocess.DEVNULL)
    try:
        shutil.copy(Path(__file__).resolve(), wt / "scripts" / "eval_mlqe.py")
        out = tmp / "report.json"
        env = dict(os.environ, MTCLEAN_BENCH_DATA=str(data_root(None)))
        subprocess.run([sys.executable, str(wt / "scripts" / "eval_mlqe.py"), *argv, "--json", str(out)],
                       check=True, env=env, stdout=subprocess.DEVNULL)
        report = json.loads(out.read_text(encoding="utf-8"))
        report["ref"] = subprocess.run(["git", "-C", str(wt), "rev-parse", "HEAD"], check=True,
                                       capture_output=True, text=True).stdout.strip()
        return report
    finally:
        subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(wt)], check=False)


def _strip(argv: list[str], flag: str, has_value: bool) -> list[str]:
    out, skip = [], False
    for a in argv:
        if skip:
            skip = False
            continue
        if a == flag:
            skip = has_value
            continue
        if a.startswith(flag + "="):
            continue
        out.append(a)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=None,
                    help="folder with mlqe-pe-dev/ and mlqe-pe-train/ (or one folder of *.jsonl)")
    ap.add_argument("--split", default="dev,train", help="dev, train or dev,train (default)")
    ap.add_argument("--pairs", default=None, help="only these pairs, e.g. ro-en,et-en")
    ap.add_argument("--apply", default="auto,all", help="auto, all or auto,all (default)")
    ap.add_argument("--grammar", action="store_true", help="run the LanguageTool pass too")
    ap.add_argument("--source-lang-from-pair", action="store_true",
                    help="measure each pair also with its source language (ro-en: --source-lang ro); rows +src")
    ap.add_argument("--languagetool-alone", action="store_true",
                    help="instead of mtclean: LanguageTool alone, every first suggestion applied")
    ap.add_argument("--limit", type=int, default=None, help="only the first N sentences of each pair")
    ap.add_argument("--jobs", type=int, default=None,
                    help="processes, one per file (default: 1 with --grammar, else up to 4)")
    ap.add_argument("--json", type=Path, help="write the report as JSON")
    ap.add_argument("--show", type=int, default=0, help="examples of edits moving away from the post-edit, per pair")
    ap.add_argument("--rules-detail", action="store_true", help="print toward/away/neutral per rule")
    ap.add_argument("--families", action="store_true", help="print toward/away/neutral per rule family")
    ap.add_argument("--before", metavar="REF", default=None,
                    help="measure with the engine and rules of this git ref (a temporary worktree)")
    args = ap.parse_args(argv)
    raw_argv = list(sys.argv[1:] if argv is None else argv)

    modes = [m for m in args.apply.split(",") if m]
    bad = [m for m in modes if m not in ("auto", "all")]
    if bad or not modes:
        ap.error(f"--apply takes auto, all or auto,all (got {args.apply!r})")
    labels = variants(modes, args.source_lang_from_pair)
    root = data_root(args.data)
    files = split_files(root, [s for s in args.split.split(",") if s],
                        [p for p in args.pairs.split(",")] if args.pairs else None)
    if not files:
        print(f"error: no MLQE-PE *.jsonl files for split(s) {args.split} under {root} "
              f"(pass --data DIR or set MTCLEAN_BENCH_DATA)", file=sys.stderr)
        return 2
    if args.before:
        sub = _strip(_strip(_strip(raw_argv, "--before", True), "--json", True), "--data", True)
        whole = run_at_ref(args.before, sub + ["--data", str(root)])
        report = whole["splits"]
        print(f"at {args.before} ({whole['ref'][:10]}):")
    else:
        jobs = args.jobs or (1 if (args.grammar or args.languagetool_alone) else min(4, os.cpu_count() or 1))
        report = run(files, labels, args.grammar, args.languagetool_alone, args.show, args.limit, jobs)
    print_table(report, labels)
    print("\ntargets (issue 10, --apply all per pair):")
    for name, ok, detail in targets(report, labels):
        print(f"  {'PASS' if ok else 'MISS'}  {name}: {detail}")
    if args.families:
        for mode in labels:
            for split, fam in families(report, mode).items():
                print(f"\n{split} --apply {mode}: per rule family (edits, toward, away, neutral, precision)")
                for name, c in fam.items():
                    n = sum(c.values())
                    judged = c.get("toward", 0) + c.get("away", 0)
                    prec = _fmt_p(c.get("toward", 0) / judged if judged else None)
                    print(f"  {name:<16} {n:5} {c.get('toward', 0):6} {c.get('away', 0):5} {c.get('neutral', 0):6} "
                          f"{prec:>6}")
    if args.rules_detail or args.show:
        for split, pairs in report.items():
            for pair, by_mode in pairs.items():
                for mode in labels:
                    r = by_mode[mode]
                    if args.rules_detail and r["rules"]:
                        print(f"\n{split} {pair} --apply {mode}: per rule (toward/away/neutral)")
                        for rule, c in r["rules"].items():
                            print(f"  {rule:<40} {c.get('toward', 0):4} {c.get('away', 0):4} {c.get('neutral', 0):4}")
                    for ex in r["examples"]:
                        print(f"\n  [{split} {pair} {mode}] {ex['rule']}: {ex['original']!r} -> {ex['replacement']!r}"
                              f"\n    mt: {ex['mt']}\n    pe: {ex['pe']}")
    if args.json:
        out = {"data": str(root), "apply": labels, "grammar": args.grammar,
               "languagetool_alone": args.languagetool_alone, "limit": args.limit, "splits": report,
               "ref": args.before or subprocess.run(["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True,
                                                    text=True).stdout.strip() + " (+ working tree)"}
        args.json.write_text(json.dumps(out, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
