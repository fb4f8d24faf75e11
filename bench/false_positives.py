"""False positives per rule on text an editor would leave alone.

Runs the engine over the clean, edited English of ``../shared/data/clean-english/`` (every file)
and the post-edit (``pe``) side of ``../shared/data/mlqe-pe-train/*.jsonl`` and counts every edit
it proposes (auto and suggest tiers) per rule id, as hits per million words.  On this text every
hit is a false positive, or at best a matter of taste.

    python bench/false_positives.py                        # the rule passes, built-in packs
    python bench/false_positives.py --grammar              # plus LanguageTool (a running server)
    python bench/false_positives.py --rules rules/phrases/vi/officialese.yaml --show 5
    python bench/false_positives.py --budget-auto 0 --budget-suggest 50   # exit 1 over budget
    python bench/false_positives.py --json out.json        # (or --json - for stdout)

``--rules PATH`` (repeatable; files or folders) checks only those packs with the phrases pass
(no built-in packs, no other pass): a rule writer's quick check of one pack.

Budgets are per rule, in hits per million words over both corpora together: ``--budget-auto 0``
fails on any auto hit; ``--budget-suggest N`` fails when one rule's suggestions exceed N per
million words.  Documents: one per clean-English file (cut at line ends into ~100 KB pieces);
the post-edits are joined into ~100 KB documents, one sentence a paragraph.
"""
from __future__ import annotations

import argparse
import glob
import json
import os
import re
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any, Iterable

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
DATA = Path(os.environ.get("MTCLEAN_BENCH_DATA", ROOT.parent / "shared" / "data"))
DOC_BYTES = 100_000
_WORD = re.compile(r"\w+(?:['’-]\w+)*")


def count_words(text: str) -> int:
    """Words as the budgets count them (runs of letters/digits, with inner apostrophes/hyphens)."""
    return len(_WORD.findall(text))


def _pieces(lines: Iterable[str], sep: str, limit: int = DOC_BYTES) -> list[str]:
    docs, cur, size = [], [], 0
    for line in lines:
        cur.append(line)
        size += len(line.encode()) + len(sep)
        if size >= limit:
            docs.append(sep.join(cur) + "\n")
            cur, size = [], 0
    if cur and any(s.strip() for s in cur):
        docs.append(sep.join(cur) + "\n")
    return docs


def _spread(docs: list[str], max_words: int) -> list[str]:
    """Documents spread evenly over the list, up to about ``max_words`` words."""
    total = sum(count_words(d) for d in docs)
    if total <= max_words:
        return docs
    step = total / max_words
    out, acc, next_take = [], 0.0, 0.0
    for d in docs:
        if acc >= next_take:
            out.append(d)
            next_take += step * count_words(d)
        acc += count_words(d)
    return out


def corpora(data: Path = DATA, limit_docs: int | None = None, max_words: int | None = None,
            doc_bytes: int = DOC_BYTES) -> dict[str, list[str]]:
    """``{"clean-english": [doc, ...], "mlqe-pe-train/pe": [doc, ...]}``."""
    clean: list[str] = []
    for path in sorted(glob.glob(str(data / "clean-english" / "**" / "*"), recursive=True)):
        if os.path.isfile(path):
            text = Path(path).read_text(encoding="utf-8", errors="replace")
            clean.extend(_pieces(text.splitlines(), "\n", doc_bytes))
    pe: list[str] = []
    for path in sorted(glob.glob(str(data / "mlqe-pe-train" / "*.jsonl"))):
        with open(path, encoding="utf-8") as fh:
            sents = [" ".join(json.loads(line)["pe"].split()) for line in fh if line.strip()]
        pe.extend(_pieces([s for s in sents if s], "\n\n", doc_bytes))
    out = {"clean-english": clean, "mlqe-pe-train/pe": pe}
    if limit_docs:
        out = {k: v[:limit_docs] for k, v in out.items()}
    if max_words:
        out = {k: _spread(v, max_words) for k, v in out.items()}
    return out


# --- the engine (through its public API; the factory when there is one) -------------------

def _load_rules(paths: list[Path]) -> list[Any]:
    from service.rulesets import loader

    try:
        return loader.load_rules(paths, builtin=False)
    except TypeError:  # pragma: no cover - older/newer signature
        return [r for p in loader.pack_files(paths) for r in loader.load_pack(p)]


def _grammar_checker(url: str | None) -> Any:
    from service.passes.grammar.languagetool import GrammarPass, GrammarSettings

    if url is None:
        from service.ops.languagetool import server_url

        url = server_url()
    return GrammarPass(GrammarSettings(url=url))


def _factory_cleaner(*args: Any) -> Any:
    """The cleaner the CLI would build: ``factory_cleaner`` of bench/_common.py."""
    sys.path.insert(1, str(Path(__file__).resolve().parents[1] / "bench"))
    return __import__("_common").factory_cleaner(*args)


def build_cleaner(rule_paths: list[Path] | None, grammar: bool, lt_url: str | None = None) -> Any:
    """A Cleaner: every rule pass (and LanguageTool with ``grammar``), or only the phrases pass
    with the packs in ``rule_paths``."""
    from service.engine import pipeline
    from service.engine.pipeline import Cleaner

    PASS_ORDER = pipeline.PASS_ORDER  # the registry's order (older trees define it in pipeline)

    if rule_paths:
        rules = _load_rules(rule_paths)
        passes = ("phrases", "grammar") if grammar else ("phrases",)
        return Cleaner(rules=rules, passes=passes, grammar=_grammar_checker(lt_url) if grammar else None)
    passes = tuple(PASS_ORDER) if grammar else tuple(p for p in PASS_ORDER if p != "grammar")
    cleaner = _factory_cleaner(passes, None, grammar, lt_url)
    if cleaner is not None:
        return cleaner
    return Cleaner(passes=passes, grammar=_grammar_checker(lt_url) if grammar else None)


# --- counting ----------------------------------------------------------------------------

def _tier(edit: Any) -> str:
    tier = getattr(edit, "tier", "suggest")
    tier = getattr(tier, "value", tier)
    if tier == "auto" and len(getattr(edit, "replacements", ("",))) > 1:
        return "suggest"
    return str(tier)


def _context(text: str, start: int, end: int, width: int = 50) -> str:
    a, b = max(0, start - width), min(len(text), end + width)
    def squash(s: str) -> str:
        return re.sub(r"\s+", " ", s)

    return f"...{squash(text[a:start])}[{squash(text[start:end])}]{squash(text[end:b])}..."


def measure(cleaner: Any, docs: dict[str, list[str]], show: int = 0, progress: bool = False) -> dict[str, Any]:
    """Count the edits the cleaner proposes on every document."""
    words: Counter[str] = Counter()
    hits: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)  # (rule, tier) -> corpus -> n
    passes: dict[str, Counter[str]] = defaultdict(Counter)  # pass -> tier -> n
    rule_pass: dict[str, str] = {}
    examples: dict[str, list[str]] = defaultdict(list)
    seconds: dict[str, float] = {}
    unavailable: list[str] = []
    for corpus, texts in docs.items():
        t0 = time.perf_counter()
        for i, text in enumerate(texts, 1):
            if progress:
                print(f"\r  {corpus}: document {i}/{len(texts)} ({time.perf_counter() - t0:.0f}s)", end="",
                      file=sys.stderr, flush=True)
            words[corpus] += count_words(text)
            result = cleaner.clean(text, apply="auto")
            for name, st in getattr(result, "passes", {}).items():
                if getattr(st, "status", "") == "unavailable" and name not in unavailable:
                    unavailable.append(name)
            for e in result.edits:
                tier = _tier(e)
                hits[(e.rule_id, tier)][corpus] += 1
                pname = getattr(e, "pass_name", "") or e.rule_id.split(".")[0]
                passes[pname][tier] += 1
                rule_pass[e.rule_id] = pname
                if show and len(examples[e.rule_id]) < show:
                    rep = e.replacements[0] if e.replacements else ""
                    examples[e.rule_id].append(f"{corpus}: {_context(text, e.start, e.end)} -> {rep!r}")
        seconds[corpus] = round(time.perf_counter() - t0, 2)
        if progress:
            print(file=sys.stderr)
    total_words = sum(words.values())
    per_m = 1_000_000 / max(1, total_words)
    rows = []
    for (rule, tier), by in hits.items():
        n = sum(by.values())
        rows.append({
            "rule": rule, "tier": tier, "pass": rule_pass.get(rule, ""), "hits": n,
            "per_million_words": round(n * per_m, 2),
            "by_corpus": {c: {"hits": by[c], "per_million_words": round(by[c] * 1_000_000 / max(1, words[c]), 2)}
                          for c in docs if by[c]},
        })
    rows.sort(key=lambda r: (-r["hits"], r["rule"], r["tier"]))
    pass_rows = {p: {t: {"hits": n, "per_million_words": round(n * per_m, 2)} for t, n in sorted(c.items())}
                 for p, c in sorted(passes.items())}
    return {
        "words": dict(words), "total_words": total_words,
        "documents": {c: len(v) for c, v in docs.items()},
        "seconds": seconds, "rules": rows, "passes": pass_rows,
        "totals": {t: sum(r["hits"] for r in rows if r["tier"] == t) for t in ("auto", "suggest")},
        "examples": dict(examples), "unavailable": unavailable,
    }


def over_budget(report: dict[str, Any], budget_auto: float | None, budget_suggest: float | None) -> list[str]:
    """The rules over their budget (per rule, hits per million words), as messages."""
    out = []
    for r in report["rules"]:
        budget = budget_auto if r["tier"] == "auto" else budget_suggest
        if budget is not None and r["per_million_words"] > budget:
            out.append(f"{r['rule']} ({r['tier']}): {r['per_million_words']} per million words "
                       f"({r['hits']} hits) > budget {budget:g}")
    return out


def print_report(report: dict[str, Any], top: int | None, show: int) -> None:
    words = report["words"]
    print("words counted: " + ", ".join(f"{c} {n:,}" for c, n in words.items())
          + f"; total {report['total_words']:,}  ("
          + ", ".join(f"{c} {s}s" for c, s in report["seconds"].items()) + ")")
    if report["unavailable"]:
        print(f"UNAVAILABLE passes (nothing measured for them): {', '.join(report['unavailable'])}")
    print("\nper pass (hits, per million words):")
    for p, tiers in report["passes"].items():
        cells = ", ".join(f"{t} {v['hits']} ({v['per_million_words']}/M)" for t, v in tiers.items())
        print(f"  {p:<14} {cells}")
    t = report["totals"]
    per_m = 1_000_000 / max(1, report["total_words"])
    print(f"  {'ALL':<14} auto {t['auto']} ({t['auto'] * per_m:.2f}/M), suggest {t['suggest']} "
          f"({t['suggest'] * per_m:.2f}/M)")
    rows = report["rules"][:top] if top else report["rules"]
    corpora_names = list(words)
    shown = "" if not top or top >= len(report["rules"]) else f", top {top}"
    print(f"\nper rule ({len(report['rules'])} rule/tier rows{shown}):")
    head = f"  {'rule':<44} {'tier':<8} {'hits':>6} {'/M words':>9}  " + "  ".join(f"{c:>18}" for c in corpora_names)
    print(head)
    for r in rows:
        cells = "  ".join(f"{r['by_corpus'].get(c, {}).get('per_million_words', 0):>16}/M" for c in corpora_names)
        print(f"  {r['rule'][:44]:<44} {r['tier']:<8} {r['hits']:>6} {r['per_million_words']:>9}  {cells}")
        if show:
            for ex in report["examples"].get(r["rule"], [])[:show]:
                print(f"      {ex}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rules", action="append", type=Path, default=[],
                    help="only these pack files/folders (phrases pass only, no built-in packs); repeatable")
    ap.add_argument("--grammar", action="store_true", help="add the LanguageTool pass (needs a running server)")
    ap.add_argument("--lt-url", default=None, help="LanguageTool server (default: MTCLEAN_LT_URL or the local one)")
    ap.add_argument("--json", dest="json_out", default=None, help="write the report as JSON to this file ('-': stdout)")
    ap.add_argument("--budget-auto", type=float, default=None, help="max auto hits per million words, per rule")
    ap.add_argument("--budget-suggest", type=float, default=None, help="max suggest hits per million words, per rule")
    ap.add_argument("--show", type=int, default=0, help="print up to N example hits per rule")
    ap.add_argument("--top", type=int, default=None, help="print only the N rules with most hits")
    ap.add_argument("--limit-docs", type=int, default=None, help="only the first N documents of each corpus (smoke runs)")
    ap.add_argument("--max-words", type=int, default=None,
                    help="about this many words of each corpus, documents spread evenly (default: all; "
                         "with --grammar 100000, since LanguageTool takes minutes per MB; 0 = all)")
    ap.add_argument("--progress", action="store_true", help="show progress on stderr (default with --grammar)")
    ap.add_argument("--data", type=Path, default=DATA, help="the shared data folder")
    args = ap.parse_args(argv)

    cleaner = build_cleaner(args.rules or None, args.grammar, args.lt_url)
    if args.rules:
        n = len(getattr(cleaner, "rules", []) or [])
        print(f"rules: {n} from {', '.join(str(p) for p in args.rules)} (phrases pass only)")
    max_words = args.max_words if args.max_words is not None else (100_000 if args.grammar else None)
    # LanguageTool: smaller documents, so the spread sample covers more of each corpus
    docs = corpora(args.data, args.limit_docs, max_words or None, 20_000 if args.grammar else DOC_BYTES)
    report = measure(cleaner, docs, args.show, args.progress or args.grammar)
    report["command"] = " ".join(["bench/false_positives.py"] + (argv if argv is not None else sys.argv[1:]))
    failures = over_budget(report, args.budget_auto, args.budget_suggest)
    report["over_budget"] = failures
    if args.json_out == "-":
        print(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        print_report(report, args.top, args.show)
        if args.json_out:
            Path(args.json_out).write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")
    if args.grammar and "grammar" in report["unavailable"]:
        print("error: LanguageTool was unavailable; start it (mtclean languagetool start) or pass --lt-url",
              file=sys.stderr)
        return 2
    if failures:
        print(f"\nOVER BUDGET ({len(failures)}):", file=sys.stderr)
        for f in failures:
            print(f"  {f}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
