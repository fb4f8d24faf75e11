"""False positives per rule on text an editor would leave alone.

Runs the engine over the clean, edited English of ``../shared/data/clean-english/`` (every file)
and the post-edit (``pe``) side of ``../shared/data/mlqe-pe-train/*.jsonl`` and counts every edit
it proposes (auto and suggest tiers) per rule id, as hits per million words.  On this text every
hit is a false positive, or at best a matter of taste.

    python bench/false_positives.py                        # the rule passes, built-in packs
    python bench/false_positives.py --grammar              # plus LanguageTool (a running server)
    python bench/false_positives.py --rules rules/phrases/vi/officialese.yaml --show 5
    python bench/false_positives.py --budget-auto 2 --budget-suggest 50   # exit 1 over budget
    python bench/false_positives.py --budget-false-auto 2                 # known corpus errors apart
    python bench/false_positives.py --json out.json        # (or --json - for stdout)

``--rules PATH`` (repeatable; files or folders) checks only those packs with the phrases pass
(no built-in packs, no other pass): a rule writer's quick check of one pack.

The report gives the TOTAL auto edits per million words, per corpus and over both, for the rule
passes, the grammar pass (with ``--grammar``) and all passes together, and the per-rule table
for each tier.  Budgets, in hits per million words over both corpora together:
``--budget-auto N`` fails when all auto edits together exceed N per million words (issue 10:
2); ``--budget-suggest N`` fails when one rule's suggestions exceed N per million words.

Some auto hits correct real errors that the corpora hold (a post-editor's "the the", a
transcript's "Cong ress"). ``bench/false_positives_known.yaml`` lists them, each read by a
person; the report counts them apart ("real errors") from the false auto edits, and
``--budget-false-auto N`` fails when the false ones exceed N per million words.  The
``--budget-auto`` total still counts both.

Documents: one per clean-English file (cut at line ends into ~100 KB pieces); the post-edits
are joined into ~100 KB documents, one sentence a paragraph.
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
KNOWN_FILE = Path(__file__).resolve().parent / "false_positives_known.yaml"
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


def load_known(path: Path = KNOWN_FILE) -> list[dict[str, str]]:
    """The auto hits a person judged to correct a real error of the corpus: ``rule`` and ``at``
    (the hit as ``_context`` prints it, a few words each side: "fellow man[.] but man's")."""
    if not path.exists():
        return []
    import yaml

    items = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("real_errors") or []
    for i, item in enumerate(items):
        if not isinstance(item, dict) or not item.get("rule") or "[" not in str(item.get("at", "")):
            raise ValueError(f"{path}: item #{i + 1} needs 'rule' and 'at' (the hit in brackets)")
    return [{"rule": str(x["rule"]), "at": str(x["at"])} for x in items]


def _is_known(known: list[dict[str, str]], rule: str, context: str) -> bool:
    return any(k["rule"] == rule and k["at"] in context for k in known)


def _context(text: str, start: int, end: int, width: int = 50) -> str:
    a, b = max(0, start - width), min(len(text), end + width)
    def squash(s: str) -> str:
        return re.sub(r"\s+", " ", s)

    return f"...{squash(text[a:start])}[{squash(text[start:end])}]{squash(text[end:b])}..."


def measure(cleaner: Any, docs: dict[str, list[str]], show: int = 0, progress: bool = False,
            known: list[dict[str, str]] | None = None) -> dict[str, Any]:
    """Count the edits the cleaner proposes on every document; auto hits listed in ``known``
    (see :func:`load_known`) are counted apart as corrections of real errors."""
    known = known or []
    words: Counter[str] = Counter()
    by_corpus: dict[str, Counter[str]] = defaultdict(Counter)  # corpus -> "auto"/"suggest"/"auto:grammar"/...
    auto_hits: list[dict[str, Any]] = []
    examples_tier: dict[str, list[str]] = defaultdict(list)
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
                family = "grammar" if pname == "grammar" else "rules"
                by_corpus[corpus][tier] += 1
                by_corpus[corpus][f"{tier}:{family}"] += 1
                rep = e.replacements[0] if e.replacements else ""
                shown = f"{corpus}: {_context(text, e.start, e.end)} -> {rep!r}"
                if tier == "auto":
                    real = _is_known(known, e.rule_id, _context(text, e.start, e.end))
                    by_corpus[corpus]["auto:real-error" if real else "auto:false"] += 1
                    auto_hits.append({"corpus": corpus, "rule": e.rule_id, "pass": pname, "real_error": real,
                                      "at": _context(text, e.start, e.end, 30), "replacement": rep})
                    if real:
                        shown += "   (real error of the corpus)"
                if show and len(examples[e.rule_id]) < show:
                    examples[e.rule_id].append(shown)
                if show and len(examples_tier[f"{e.rule_id} ({tier})"]) < show:
                    examples_tier[f"{e.rule_id} ({tier})"].append(shown)
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
    keys = ("auto", "auto:rules", "auto:grammar", "auto:real-error", "auto:false", "suggest")
    everything = Counter[str]()
    for c in by_corpus.values():
        everything.update(c)
    total = {c: {k: {"hits": by_corpus[c][k], "per_million_words": round(by_corpus[c][k] * 1_000_000
                                                                         / max(1, words[c]), 2)} for k in keys}
             for c in docs}
    total["ALL"] = {k: {"hits": everything[k], "per_million_words": round(everything[k] * per_m, 2)} for k in keys}
    return {
        "words": dict(words), "total_words": total_words,
        "documents": {c: len(v) for c, v in docs.items()},
        "seconds": seconds, "rules": rows, "passes": pass_rows,
        "totals": {t: sum(r["hits"] for r in rows if r["tier"] == t) for t in ("auto", "suggest")},
        "totals_per_corpus": total, "auto_hits": auto_hits,
        "examples": dict(examples), "examples_by_tier": dict(examples_tier), "unavailable": unavailable,
    }


def over_budget(report: dict[str, Any], budget_auto: float | None, budget_suggest: float | None,
                budget_false_auto: float | None = None) -> list[str]:
    """What is over budget, as messages: all auto edits together over ``budget_auto`` (then each
    rule with auto hits is listed, then the total), the auto edits that correct no known error
    of the corpus over ``budget_false_auto``, one rule's suggestions over ``budget_suggest``
    (all in hits per million words over both corpora)."""
    out = []
    per_m = 1_000_000 / max(1, report["total_words"])
    auto_total = report["totals"]["auto"] * per_m
    if budget_auto is not None and auto_total > budget_auto:
        for r in report["rules"]:
            if r["tier"] == "auto":
                out.append(f"{r['rule']} (auto): {r['per_million_words']} per million words ({r['hits']} hits)")
        out.append(f"TOTAL auto: {auto_total:.2f} per million words ({report['totals']['auto']} hits) "
                   f"> budget {budget_auto:g}")
    false = sum(1 for h in report.get("auto_hits", []) if not h["real_error"])
    if budget_false_auto is not None and false * per_m > budget_false_auto:
        out.append(f"FALSE auto (not a known error of the corpus): {false * per_m:.2f} per million words "
                   f"({false} hits) > budget {budget_false_auto:g}")
    for r in report["rules"]:
        if r["tier"] != "auto" and budget_suggest is not None and r["per_million_words"] > budget_suggest:
            out.append(f"{r['rule']} ({r['tier']}): {r['per_million_words']} per million words "
                       f"({r['hits']} hits) > budget {budget_suggest:g}")
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

    corpora_names = list(words)
    tot = report["totals_per_corpus"]
    grammar = "grammar" in report["passes"] or "grammar" in report["unavailable"]
    cols = corpora_names + ["ALL"]
    print("\nTOTAL auto edits per million words (hits in brackets):")
    print(f"  {'':<34}" + "".join(f"{c:>22}" for c in cols))
    lines = [("auto, rule passes (no grammar)", "auto:rules")]
    if grammar:
        lines += [("auto, grammar pass", "auto:grammar"), ("auto, all passes (with grammar)", "auto")]
    lines += [("  of which real errors of the corpus", "auto:real-error"),
              ("  of which false (no known error)", "auto:false"), ("suggest, all passes", "suggest")]
    for label, key in lines:
        print(f"  {label:<34}" + "".join(f"{tot[c][key]['per_million_words']:>15.2f} ({tot[c][key]['hits']:>4})"
                                         for c in cols))

    for tier in ("auto", "suggest"):
        tier_rows = [r for r in report["rules"] if r["tier"] == tier]
        rows = tier_rows[:top] if top else tier_rows
        shown = "" if not top or top >= len(tier_rows) else f", top {top}"
        print(f"\nper rule, tier {tier} ({len(tier_rows)} rules{shown}):")
        print(f"  {'rule':<44} {'hits':>6} {'/M words':>9}  " + "  ".join(f"{c:>18}" for c in corpora_names))
        for r in rows:
            cells = "  ".join(f"{r['by_corpus'].get(c, {}).get('per_million_words', 0):>16}/M"
                              for c in corpora_names)
            print(f"  {r['rule'][:44]:<44} {r['hits']:>6} {r['per_million_words']:>9}  {cells}")
            if show:
                for ex in report["examples_by_tier"].get(f"{r['rule']} ({tier})", [])[:show]:
                    print(f"      {ex}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rules", action="append", type=Path, default=[],
                    help="only these pack files/folders (phrases pass only, no built-in packs); repeatable")
    ap.add_argument("--grammar", action="store_true", help="add the LanguageTool pass (needs a running server)")
    ap.add_argument("--lt-url", default=None, help="LanguageTool server (default: MTCLEAN_LT_URL or the local one)")
    ap.add_argument("--json", dest="json_out", default=None, help="write the report as JSON to this file ('-': stdout)")
    ap.add_argument("--budget-auto", type=float, default=None,
                    help="max auto hits per million words, all passes together (issue 10: 2)")
    ap.add_argument("--budget-false-auto", type=float, default=None,
                    help="max auto hits per million words that correct no error listed in "
                         "bench/false_positives_known.yaml")
    ap.add_argument("--known", type=Path, default=KNOWN_FILE,
                    help="the auto hits a person judged real errors of the corpus (default: %(default)s)")
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
    report = measure(cleaner, docs, args.show, args.progress or args.grammar, load_known(args.known))
    report["command"] = " ".join(["bench/false_positives.py"] + (argv if argv is not None else sys.argv[1:]))
    failures = over_budget(report, args.budget_auto, args.budget_suggest, args.budget_false_auto)
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
