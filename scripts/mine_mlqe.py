"""Mine MLQE-PE (MT vs post-edit) for recurring MT -> post-edit substitutions.

For every sentence of ``../shared/data/mlqe-pe-train/*.jsonl`` the MT and the post-edit are
tokenised and aligned word by word (difflib); every replaced, deleted or inserted stretch of up
to ``--max-len`` tokens is a substitution (``mt phrase -> pe phrase``), also counted with one
unchanged token of context on either side (a deletion or insertion only with its context).
Each MT phrase is then counted in every MT sentence of the pair (as a token n-gram), so that a
substitution's **consistency** is: sentences where the phrase was changed to this post-edit
phrase / sentences whose MT contains the phrase.  Kept: changed in at least ``--min-sentences``
sentences with consistency at least ``--min-consistency``.

For each kept substitution the source words most associated with it (in the ``src`` of the
sentences where it happened, against the whole source side) are listed: where the rule's
``src`` expression comes from.

    python scripts/mine_mlqe.py                      # writes bench/results/mlqe-substitutions.tsv
    python scripts/mine_mlqe.py --pairs ru-en --top 40   # print the 40 best per pair too
"""
from __future__ import annotations

import argparse
import difflib
import glob
import json
import math
import os
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

import regex

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(os.environ.get("MTCLEAN_BENCH_DATA", ROOT.parent / "shared" / "data"))
OUT = ROOT / "bench" / "results" / "mlqe-substitutions.tsv"
_TOKEN = re.compile(r"(?:[^\W\d_]\.){2,}|\w+(?:['’-]\w+)*|[^\w\s]")
_SRC_TOKEN = regex.compile(r"[\w\p{M}]+(?:['’-][\w\p{M}]+)*")  # marks: Devanagari, Sinhala
_ALNUM = re.compile(r"\w")


def tokens(text: str) -> list[str]:
    """Lower-cased word and punctuation tokens (abbreviations such as 'e.n.' kept whole)."""
    return [t.lower().replace("’", "'") for t in _TOKEN.findall(text)]


def load_pairs(data: Path, split: str, pairs: list[str] | None) -> dict[str, list[dict]]:
    out = {}
    for path in sorted(glob.glob(str(data / split / "*.jsonl"))):
        pair = Path(path).stem
        if pairs and pair not in pairs:
            continue
        with open(path, encoding="utf-8") as fh:
            out[pair] = [json.loads(line) for line in fh if line.strip()]
    return out


def substitutions(mt: list[str], pe: list[str], max_len: int) -> set[tuple[tuple[str, ...], tuple[str, ...]]]:
    """The (mt phrase, pe phrase) substitutions of one sentence, bare and with one token of context."""
    out: set[tuple[tuple[str, ...], tuple[str, ...]]] = set()
    sm = difflib.SequenceMatcher(None, mt, pe, autojunk=False)
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        if op == "equal" or (i2 - i1) > max_len or (j2 - j1) > max_len:
            continue
        a, b = tuple(mt[i1:i2]), tuple(pe[j1:j2])
        if a and b:
            out.add((a, b))
        if i1 > 0 and j1 > 0 and mt[i1 - 1] == pe[j1 - 1]:  # left context
            out.add(((mt[i1 - 1],) + a, (pe[j1 - 1],) + b))
        if i2 < len(mt) and j2 < len(pe) and mt[i2] == pe[j2]:  # right context
            out.add((a + (mt[i2],), b + (pe[j2],)))
    return {(a, b) for a, b in out if any(_ALNUM.search(t) for t in a + b)}


def ngrams(toks: list[str], max_n: int) -> set[tuple[str, ...]]:
    return {tuple(toks[i:i + n]) for n in range(1, max_n + 1) for i in range(len(toks) - n + 1)}


def mine_pair(rows: list[dict], max_len: int, min_sentences: int, min_consistency: float) -> list[dict]:
    """The kept substitutions of one language pair, best first."""
    changed: dict[tuple, Counter] = defaultdict(Counter)  # mt phrase -> pe phrase -> sentences
    where: dict[tuple[tuple, tuple], list[int]] = defaultdict(list)
    mt_toks = [tokens(r["mt"]) for r in rows]
    for k, r in enumerate(rows):
        for a, b in substitutions(mt_toks[k], tokens(r["pe"]), max_len):
            changed[a][b] += 1
            where[(a, b)].append(k)
    candidates = {a for a, c in changed.items() if max(c.values()) >= min_sentences}
    occurs: Counter = Counter()
    max_n = max((len(a) for a in candidates), default=0)
    for toks in mt_toks:
        for g in ngrams(toks, max_n):
            if g in candidates:
                occurs[g] += 1
    # source-side association
    src_toks = [set(t.lower() for t in _SRC_TOKEN.findall(r["src"])) for r in rows]
    src_df: Counter = Counter()
    for s in src_toks:
        src_df.update(s)
    n_rows = len(rows)
    kept = []
    for a in candidates:
        for b, n in changed[a].most_common(3):
            if n < min_sentences:
                break
            occ = max(occurs[a], n)
            cons = n / occ
            if cons < min_consistency:
                continue
            ids = where[(a, b)]
            in_mined: Counter = Counter()
            for k in ids:
                in_mined.update(src_toks[k])
            assoc = []
            for w, c in in_mined.items():
                if c / len(ids) >= 0.5:
                    pmi = math.log((c / len(ids)) / (src_df[w] / n_rows))
                    assoc.append((pmi, c, w))
            assoc.sort(reverse=True)
            kept.append({
                "mt": " ".join(a), "pe": " ".join(b), "changed": n, "occurrences": occ,
                "consistency": round(cons, 3), "score": round(n * cons, 2),
                "src": [f"{w}({c}/{len(ids)})" for _, c, w in assoc[:4]],
                "ids": [rows[k]["id"] for k in ids[:3]],
            })
    kept.sort(key=lambda r: (-r["score"], -r["changed"], r["mt"]))
    return kept


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument("--split", default="mlqe-pe-train")
    ap.add_argument("--pairs", type=lambda s: s.split(","), default=None, help="e.g. ru-en,ro-en")
    ap.add_argument("--max-len", type=int, default=4, help="longest substituted stretch, in tokens")
    ap.add_argument("--min-sentences", type=int, default=3)
    ap.add_argument("--min-consistency", type=float, default=0.5)
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--top", type=int, default=0, help="also print the N best per pair")
    args = ap.parse_args(argv)

    pairs = load_pairs(args.data, args.split, args.pairs)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", encoding="utf-8") as fh:
        fh.write("pair\trank\tmt\tpe\tchanged\toccurrences\tconsistency\tscore\tsrc_associated\texample_ids\n")
        for pair, rows in pairs.items():
            kept = mine_pair(rows, args.max_len, args.min_sentences, args.min_consistency)
            print(f"{pair}: {len(rows)} sentences, {len(kept)} substitutions kept "
                  f"(>= {args.min_sentences} sentences, consistency >= {args.min_consistency})")
            for i, r in enumerate(kept, 1):
                fh.write(f"{pair}\t{i}\t{r['mt']}\t{r['pe']}\t{r['changed']}\t{r['occurrences']}\t"
                         f"{r['consistency']}\t{r['score']}\t{' '.join(r['src'])}\t{' '.join(r['ids'])}\n")
                if i <= args.top:
                    print(f"  {i:>3} {r['mt']!r:>32} -> {r['pe']!r:<32} {r['changed']:>3}/{r['occurrences']:<4} "
                          f"{r['consistency']:.2f}  {' '.join(r['src'])}")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
