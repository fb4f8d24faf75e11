"""Score the engine on the blind test files ``tests/blind/<lang>.yaml``.

The blind files are written by people who have not seen the rules: realistic MT-style sentences
with their artefacts marked (``span`` in ``text``, ``fix`` alternatives, ``kind``) and clean
controls (``artefacts: []``).  This script never prints their sentences: only numbers, kinds,
case ids and rule ids.

For each language (the engine runs with that language as the source language, as
``--source-lang`` does; ``--all-rules`` runs every pack instead):

- recall: an artefact is *flagged* when some edit overlaps its span (an insertion at either edge
  counts), *fixed* when an edit's replacement (any candidate of one overlapping edit, or the
  overlapping edits that ``--apply auto`` / ``--apply all`` apply, together) turns the text into
  the text with the span replaced by one of the fixes (compared with whitespace collapsed, no
  space before punctuation, case-insensitively); by tier: ``auto`` = the edit is auto-tier /
  the auto-applied output has the fix;
- false hits: edits on clean controls (and the share of controls with at least one edit), and
  edits in artefact cases that overlap no artefact.

    python scripts/eval_blind.py                          # table, rule passes
    python scripts/eval_blind.py --grammar                # plus LanguageTool (running server)
    python scripts/eval_blind.py --json out.json          # ('-' for stdout)
    python scripts/eval_blind.py --before f952fc7 --json bench/results/blind-before.json

``--before REF`` measures the engine and rules at a git ref (a temporary ``git worktree`` in
/tmp) on today's blind files, with this script.
"""
from __future__ import annotations

import argparse
import itertools
import json
import os
import re
import subprocess
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BLIND_DIR = ROOT / "tests" / "blind"
KINDS = ("officialese", "idiom", "polysemy", "word_choice", "name", "debris", "punctuation", "grammar", "number")


# --- the blind files -------------------------------------------------------------------

@dataclass
class Artefact:
    start: int
    end: int
    fixes: list[str]
    kind: str


@dataclass
class Case:
    id: str
    text: str
    artefacts: list[Artefact] = field(default_factory=list)


@dataclass
class BlindFile:
    path: Path
    lang: str
    language: str
    cases: list[Case]


class BlindError(ValueError):
    """A blind file that does not follow the schema (the message never quotes sentences)."""


def load_blind(path: Path) -> BlindFile:
    """Parse and check one blind file: schema, every span an exact substring of its text."""
    import yaml

    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(raw, dict) or not isinstance(raw.get("cases"), list):
        raise BlindError(f"{path.name}: a mapping with a 'cases' list")
    lang = str(raw.get("lang") or path.stem)
    cases, ids = [], set()
    for i, c in enumerate(raw["cases"]):
        where = f"{path.name}: case #{i + 1}"
        if not isinstance(c, dict) or not isinstance(c.get("text"), str) or not c["text"].strip():
            raise BlindError(f"{where}: needs 'text' (a non-empty string)")
        cid = str(c.get("id", i + 1))
        if cid in ids:
            raise BlindError(f"{where}: duplicate id {cid}")
        ids.add(cid)
        arts = c.get("artefacts")
        if not isinstance(arts, list):
            raise BlindError(f"{where} (id {cid}): needs 'artefacts' (a list; [] for a clean control)")
        case = Case(cid, c["text"])
        for j, a in enumerate(arts):
            aw = f"{where} (id {cid}) artefact #{j + 1}"
            if not isinstance(a, dict) or not isinstance(a.get("span"), str) or not a["span"]:
                raise BlindError(f"{aw}: needs 'span' (a non-empty string)")
            fixes = a.get("fix")
            fixes = [fixes] if isinstance(fixes, str) else fixes
            if not isinstance(fixes, list) or not fixes or not all(isinstance(f, str) for f in fixes):
                raise BlindError(f"{aw}: 'fix' is a non-empty list of strings")
            kind = a.get("kind")
            if kind not in KINDS:
                raise BlindError(f"{aw}: kind {kind!r} is not one of {', '.join(KINDS)}")
            start = c["text"].find(a["span"])
            if start < 0:
                raise BlindError(f"{aw}: 'span' is not a substring of 'text'")
            case.artefacts.append(Artefact(start, start + len(a["span"]), list(fixes), kind))
        cases.append(case)
    return BlindFile(path, lang, str(raw.get("language") or lang), cases)


def blind_files(blind_dir: Path = BLIND_DIR, langs: list[str] | None = None) -> list[Path]:
    files = sorted(p for p in blind_dir.glob("*.yaml"))
    if langs:
        files = [p for p in files if p.stem in langs]
    return files


# --- the engine ------------------------------------------------------------------------

def _factory_cleaner(*args: Any) -> Any:
    """The cleaner the CLI would build: ``factory_cleaner`` of bench/_common.py."""
    sys.path.insert(1, str(Path(__file__).resolve().parents[1] / "bench"))
    return __import__("_common").factory_cleaner(*args)


def build_cleaner(lang: str | None, grammar: bool, lt_url: str | None = None) -> Any:
    """A Cleaner through the engine's public API, rule passes (plus LanguageTool with ``grammar``),
    rules for source language ``lang`` (None: every rule)."""
    from service.engine import pipeline
    from service.engine.pipeline import Cleaner

    PASS_ORDER = pipeline.PASS_ORDER  # the registry's order (older trees define it in pipeline)

    passes = tuple(PASS_ORDER) if grammar else tuple(p for p in PASS_ORDER if p != "grammar")
    langs = frozenset({lang}) if lang else None
    cleaner = _factory_cleaner(passes, langs, grammar, lt_url)
    if cleaner is not None:
        return cleaner
    checker = None
    if grammar:
        from service.passes.grammar.languagetool import GrammarPass, GrammarSettings

        if lt_url is None:
            from service.ops.languagetool import server_url

            lt_url = server_url()
        checker = GrammarPass(GrammarSettings(url=lt_url))
    return Cleaner(source_langs=langs, passes=passes, grammar=checker)


# --- scoring ---------------------------------------------------------------------------

_SPACE_BEFORE_PUNCT = re.compile(r"\s+([,.;:!?)\]»”])")


def norm(text: str) -> str:
    """What two texts are compared by: whitespace collapsed, no space before punctuation, casefolded."""
    text = " ".join(text.split())
    return _SPACE_BEFORE_PUNCT.sub(r"\1", text).casefold()


def _tier(edit: Any) -> str:
    tier = getattr(edit.tier, "value", edit.tier)
    return "auto" if tier == "auto" and len(edit.replacements) == 1 else "suggest"


def _overlaps(e: Any, start: int, end: int) -> bool:
    if e.start == e.end:  # an insertion: inside the span or at either edge
        return start <= e.start <= end
    return e.start < end and start < e.end


def _apply(text: str, edits: list[tuple[int, int, str]]) -> str | None:
    out, pos = [], 0
    for s, e, r in sorted(edits):
        if s < pos:
            return None
        out.append(text[pos:s])
        out.append(r)
        pos = e
    out.append(text[pos:])
    return "".join(out)


def _gives_fix(text: str, art: Artefact, edits: list[tuple[int, int, str]]) -> bool:
    got = _apply(text, edits)
    if got is None:
        return False
    got_n = norm(got)
    return any(got_n == norm(text[:art.start] + f + text[art.end:]) for f in art.fixes)


def score_case(case: Case, found: list[Any], applied_auto: list[Any], applied_all: list[Any]) -> dict[str, Any]:
    """Per artefact: flagged / fixed (any tier, auto); the edits overlapping no artefact."""
    text = case.text
    arts = []
    for a in case.artefacts:
        over = [e for e in found if _overlaps(e, a.start, a.end)]
        over_auto = [e for e in over if _tier(e) == "auto"]
        fixed_any = any(_gives_fix(text, a, [(e.start, e.end, r)]) for e in over for r in e.replacements)
        # two or more overlapping edits together (first candidates; small products only)
        if not fixed_any and 1 < len(over) <= 4:
            for k in range(2, len(over) + 1):
                for combo in itertools.combinations(over, k):
                    if _gives_fix(text, a, [(e.start, e.end, e.replacements[0]) for e in combo]):
                        fixed_any = True
                        break
                if fixed_any:
                    break
        auto_set = [(e.start, e.end, e.replacement) for e in applied_auto if _overlaps(e, a.start, a.end)]
        all_set = [(e.start, e.end, e.replacement) for e in applied_all if _overlaps(e, a.start, a.end)]
        fixed_auto = bool(auto_set) and _gives_fix(text, a, auto_set)
        fixed_all = bool(all_set) and _gives_fix(text, a, all_set)
        arts.append({
            "kind": a.kind, "flagged": bool(over), "flagged_auto": bool(over_auto),
            "fixed": fixed_any or fixed_auto or fixed_all, "fixed_auto": fixed_auto, "fixed_apply_all": fixed_all,
            "rules": sorted({e.rule_id for e in over}),
        })
    stray = [e for e in found if not any(_overlaps(e, a.start, a.end) for a in case.artefacts)]
    return {
        "id": case.id, "control": not case.artefacts, "artefacts": arts,
        "stray": [{"rule": e.rule_id, "tier": _tier(e), "category": getattr(e, "category", "")} for e in stray],
    }


def _pct(n: int, d: int) -> float:
    return round(100.0 * n / d, 1) if d else 0.0


def summarise(lang: str, language: str, cases: list[dict[str, Any]]) -> dict[str, Any]:
    arts = [a for c in cases for a in c["artefacts"]]
    controls = [c for c in cases if c["control"]]
    art_cases = [c for c in cases if not c["control"]]
    ctrl_edits = [s for c in controls for s in c["stray"]]
    stray_in_art = [s for c in art_cases for s in c["stray"]]
    n = len(arts)
    counts = {k: sum(1 for a in arts if a[k]) for k in ("flagged", "flagged_auto", "fixed", "fixed_auto",
                                                         "fixed_apply_all")}
    kinds = {}
    for kind in KINDS:
        ka = [a for a in arts if a["kind"] == kind]
        if ka:
            kinds[kind] = {"artefacts": len(ka), **{k: sum(1 for a in ka if a[k]) for k in counts}}
    return {
        "lang": lang, "language": language, "cases": len(cases), "controls": len(controls),
        "artefacts": n, **counts,
        "recall_flagged": _pct(counts["flagged"], n), "recall_fixed": _pct(counts["fixed"], n),
        "recall_flagged_auto": _pct(counts["flagged_auto"], n), "recall_fixed_auto": _pct(counts["fixed_auto"], n),
        "control_edits": len(ctrl_edits),
        "control_edits_auto": sum(1 for s in ctrl_edits if s["tier"] == "auto"),
        "controls_hit": sum(1 for c in controls if c["stray"]),
        "control_false_hit_rate": _pct(sum(1 for c in controls if c["stray"]), len(controls)),
        "stray_edits": len(stray_in_art),
        "stray_edits_auto": sum(1 for s in stray_in_art if s["tier"] == "auto"),
        "false_hit_rules": dict(Counter(s["rule"] for s in ctrl_edits + stray_in_art).most_common()),
        "fixed_by_rules": dict(Counter(r for a in arts if a["flagged"] for r in a["rules"]).most_common()),
        "kinds": kinds,
        "case_results": cases,
    }


def measure(files: list[Path], grammar: bool = False, all_rules: bool = False,
            lt_url: str | None = None) -> dict[str, Any]:
    """Run the engine on every case of every file and score it."""
    langs = {}
    cleaners: dict[str | None, Any] = {}
    for path in files:
        bf = load_blind(path)
        key = None if all_rules else bf.lang
        if key not in cleaners:
            cleaners[key] = build_cleaner(key, grammar, lt_url)
        cleaner = cleaners[key]
        scored = []
        for case in bf.cases:
            auto = cleaner.clean(case.text, apply="auto")
            every = cleaner.clean(case.text, apply="all")
            found = {e.key(): e for e in list(auto.edits) + list(every.edits)}
            scored.append(score_case(case, list(found.values()), list(auto.applied), list(every.applied)))
        langs[bf.lang] = summarise(bf.lang, bf.language, scored)
    total = summarise("ALL", "all languages", [c for s in langs.values() for c in s["case_results"]])
    return {"languages": langs, "total": total, "grammar": grammar, "all_rules": all_rules}


# --- output ----------------------------------------------------------------------------

def table(report: dict[str, Any]) -> str:
    """The report as a plain-text table (numbers only)."""
    head = (f"{'lang':<5} {'cases':>5} {'ctrl':>4} {'arts':>4} | {'flag%':>6} {'fix%':>6} {'flagA%':>6} "
            f"{'fixA%':>6} | {'ctrl edits':>10} {'(auto)':>6} {'ctrl hit%':>9} | {'stray':>5} {'(auto)':>6}")
    lines = [head, "-" * len(head)]
    rows = list(report["languages"].values()) + [report["total"]]
    for s in rows:
        lines.append(
            f"{s['lang']:<5} {s['cases']:>5} {s['controls']:>4} {s['artefacts']:>4} | {s['recall_flagged']:>6} "
            f"{s['recall_fixed']:>6} {s['recall_flagged_auto']:>6} {s['recall_fixed_auto']:>6} | "
            f"{s['control_edits']:>10} {s['control_edits_auto']:>6} {s['control_false_hit_rate']:>9} | "
            f"{s['stray_edits']:>5} {s['stray_edits_auto']:>6}")
    lines.append("")
    lines.append("per kind (all languages): artefacts, flagged, fixed, flagged auto, fixed auto")
    for kind, k in report["total"]["kinds"].items():
        lines.append(f"  {kind:<12} {k['artefacts']:>4} {k['flagged']:>5} {k['fixed']:>5} {k['flagged_auto']:>5} "
                     f"{k['fixed_auto']:>5}")
    fr = report["total"]["false_hit_rules"]
    if fr:
        lines.append("")
        lines.append("false hits by rule (controls + stray): " + ", ".join(f"{r} {n}" for r, n in list(fr.items())[:15]))
    lines.append("")
    lines.append("flag% / fix%: artefacts flagged / fixed by any tier; flagA% / fixA%: by auto edits; "
                 "ctrl: clean controls; stray: edits overlapping no artefact in artefact cases")
    return "\n".join(lines)


def strip_cases(report: dict[str, Any]) -> dict[str, Any]:
    """The report without the per-case results (numbers only)."""
    out = json.loads(json.dumps(report))
    for s in list(out["languages"].values()) + [out["total"]]:
        s.pop("case_results", None)
    return out


def run_at_ref(ref: str, args: argparse.Namespace) -> dict[str, Any]:
    """This script, on today's blind files, with the engine and rules of git ref ``ref``."""
    tmp = Path(tempfile.mkdtemp(prefix=f"mtclean-{re.sub(r'[^A-Za-z0-9]+', '-', ref)}-"))
    wt = tmp / "tree"
    subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(wt), ref], check=True,
                   stdout=subprocess.DEVNULL)
    try:
        out = tmp / "report.json"
        cmd = [sys.executable, str(Path(__file__).resolve()), "--engine-root", str(wt), "--json", str(out),
               "--blind-dir", str(args.blind_dir)]
        cmd += ["--grammar"] if args.grammar else []
        cmd += ["--all-rules"] if args.all_rules else []
        cmd += ["--lang", ",".join(args.lang)] if args.lang else []
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        report = json.loads(out.read_text(encoding="utf-8"))
        report["ref"] = subprocess.run(["git", "-C", str(wt), "rev-parse", "HEAD"], check=True,
                                       capture_output=True, text=True).stdout.strip()
        return report
    finally:
        subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(wt)], check=False)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--json", dest="json_out", default=None, help="write the numbers as JSON ('-': stdout)")
    ap.add_argument("--cases", action="store_true", help="keep per-case results (ids, kinds, rule ids) in the JSON")
    ap.add_argument("--grammar", action="store_true", help="add the LanguageTool pass (running server)")
    ap.add_argument("--lt-url", default=None)
    ap.add_argument("--all-rules", action="store_true", help="every rule pack, not only the file's source language")
    ap.add_argument("--lang", type=lambda s: [x for x in s.split(",") if x], default=None,
                    help="only these blind files (comma-separated language codes)")
    ap.add_argument("--blind-dir", type=Path, default=BLIND_DIR)
    ap.add_argument("--before", metavar="REF", default=None,
                    help="measure at this git ref (temporary worktree) instead of the checkout")
    ap.add_argument("--engine-root", type=Path, default=None, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)

    if args.engine_root:
        sys.path.insert(0, str(args.engine_root.resolve()))
        os.chdir(args.engine_root)
    elif str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))

    if args.before:
        report = run_at_ref(args.before, args)
    else:
        report = measure(blind_files(args.blind_dir, args.lang), args.grammar, args.all_rules, args.lt_url)
        import service

        report["engine"] = str(Path(service.__file__).resolve().parent.parent)
        if args.engine_root is None:
            report["ref"] = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True,
                                           text=True).stdout.strip() + " (+ working tree)"
    out = report if (args.cases or args.engine_root) else strip_cases(report)
    if args.json_out == "-":
        print(json.dumps(out, indent=2, ensure_ascii=False))
    else:
        if args.json_out:  # written first: a closed pipe on the table must not lose it
            Path(args.json_out).write_text(json.dumps(out, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        if not args.engine_root:
            print(table(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
