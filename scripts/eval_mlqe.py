#!/usr/bin/env python3
"""Measure mtclean's edits on real MT output with human post-edits (MLQE-PE dev).

For each language pair: how many edits ``mtclean clean`` applies, how many of them move the
sentence toward the post-edit (word-level edit distance to ``pe`` falls when that edit alone is
applied), how many move it away, and how many sentences the post-editor left unchanged
(mt == pe) it changes (false positives; target under 2% of those).

    python scripts/eval_mlqe.py [--data DIR] [--apply auto|all] [--grammar | --languagetool-alone]
                                [--json FILE] [--show N]
"""
from __future__ import annotations

import argparse
import json
import sys
import urllib.parse
import urllib.request
from collections import Counter
from pathlib import Path
from types import SimpleNamespace
from typing import Callable

import regex
from rapidfuzz.distance import Levenshtein

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from service.engine.apply import apply_edits  # noqa: E402
from service.core.model import Edit, Tier  # noqa: E402
from service.core.offsets import Utf16Index  # noqa: E402
from service.engine.pipeline import Cleaner  # noqa: E402

DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "mlqe-pe-dev"
_TOKENS = regex.compile(r"\w+|[^\w\s]")


def words(text: str) -> list[str]:
    """Word and punctuation tokens."""
    return _TOKENS.findall(text)


def evaluate(path: Path, cleaner: Cleaner, apply: str, show: int) -> dict:
    """Score one language pair."""
    stats: Counter[str] = Counter()
    by_rule: Counter[str] = Counter()
    bad_rules: Counter[str] = Counter()
    examples: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        mt, pe = row["mt"], row["pe"]
        stats["sentences"] += 1
        unchanged = mt == pe
        stats["unchanged_by_editor"] += unchanged
        result = cleaner.clean(mt, apply)
        stats["suggestions"] += len(result.suggestions)
        if not result.applied:
            continue
        stats["sentences_changed"] += 1
        stats["unchanged_but_changed"] += unchanged
        base = Levenshtein.distance(words(mt), words(pe))
        for edit in result.applied:
            alone = apply_edits(mt, [edit]).text
            d = Levenshtein.distance(words(alone), words(pe))
            stats["edits"] += 1
            by_rule[edit.rule_id] += 1
            if d < base:
                stats["toward"] += 1
            elif d > base:
                stats["away"] += 1
                bad_rules[edit.rule_id] += 1
                if len(examples) < show:
                    examples.append(f"  [{edit.rule_id}] {edit.original!r} -> {edit.replacement!r}\n"
                                    f"    mt: {mt}\n    pe: {pe}")
            else:
                stats["neutral"] += 1
    stats_d = dict(stats)
    stats_d["fp_rate_unchanged"] = stats["unchanged_but_changed"] / max(1, stats["unchanged_by_editor"])
    stats_d["precision_toward"] = stats["toward"] / max(1, stats["edits"])
    return {"stats": stats_d, "rules": dict(by_rule.most_common()), "away_rules": dict(bad_rules.most_common()),
            "examples": examples}


def languagetool_alone(url: str) -> Callable[[str], list[Edit]]:
    """LanguageTool by itself: every match's first suggestion, as edits (raw /v2/check)."""
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

    def clean(self, text: str, apply: str = "auto"):
        edits = self._find(text)
        out = apply_edits(text, edits)
        return SimpleNamespace(applied=out.applied, suggestions=[], cleaned=out.text)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument("--apply", default="auto", choices=["auto", "all"])
    ap.add_argument("--grammar", action="store_true", help="run the LanguageTool pass too")
    ap.add_argument("--languagetool-alone", action="store_true",
                    help="instead of mtclean: LanguageTool alone, every first suggestion applied")
    ap.add_argument("--json", type=Path)
    ap.add_argument("--show", type=int, default=10, help="examples of edits moving away from the post-edit")
    args = ap.parse_args()
    grammar = None
    if args.grammar:
        from service.ops.languagetool import server_url
        from service.passes.grammar.languagetool import GrammarPass, GrammarSettings
        grammar = GrammarPass(GrammarSettings(url=server_url()))
    cleaner = Cleaner(grammar=grammar)
    if args.languagetool_alone:
        from service.ops.languagetool import server_url
        cleaner = _Alone(languagetool_alone(server_url()))
    report = {}
    print(f"{'pair':8} {'sents':>6} {'edits':>6} {'toward':>7} {'away':>5} {'neutral':>8} "
          f"{'unchanged':>10} {'FP sents':>9} {'FP rate':>8}")
    for path in sorted(args.data.glob("*.jsonl")):
        r = evaluate(path, cleaner, args.apply, args.show)
        s = r["stats"]
        report[path.stem] = r
        print(f"{path.stem:8} {s['sentences']:6} {s.get('edits', 0):6} {s.get('toward', 0):7} {s.get('away', 0):5} "
              f"{s.get('neutral', 0):8} {s['unchanged_by_editor']:10} {s.get('unchanged_but_changed', 0):9} "
              f"{s['fp_rate_unchanged']:8.2%}")
    for pair, r in report.items():
        if r["examples"]:
            print(f"\n{pair}: edits moving away from the post-edit (rules: {r['away_rules']})")
            print("\n".join(r["examples"]))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
