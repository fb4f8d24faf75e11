#!/usr/bin/env python3
"""Behaviour check for speed work: the rule passes' edits on real text, saved and compared.

An optimisation must not change what the engine finds.  Save the edit list (pass, rule id,
span, replacements, tier, applied or not) of the rule passes on ~2 MB of the benchmark's real
text (:mod:`bench._common`, 100 KB documents and one whole document) before the change, and
compare after it::

    python bench/edits_equivalence.py --save /tmp/before.json [--rules-copy DIR]
    python bench/edits_equivalence.py --compare /tmp/before.json [--rules-copy DIR]

``--rules-copy DIR``: load the phrase packs from a copy (so that others' rule edits made
between the two runs do not show up as differences); the compare prints the differences and
exits 1 when there are any.
"""
from __future__ import annotations

import argparse
import json
import sys
import zlib
from collections import Counter
from pathlib import Path

from _common import MB, documents, real_paragraphs

from service.engine.pipeline import RULE_PASSES, Cleaner


def snapshot(rules_copy: str | None, limit: int) -> list[list]:
    if rules_copy:
        from service.rulesets.loader import load_rules

        cleaner = Cleaner(passes=RULE_PASSES, rules=load_rules([Path(rules_copy)], builtin=False))
    else:
        cleaner = Cleaner(passes=RULE_PASSES)
    paras, _ = real_paragraphs()
    docs = documents(paras, 100_000, limit)
    whole = documents(paras, 10**12, limit)
    out: list[list] = []
    for kind, group in (("100k", docs), ("whole", whole)):
        for i, doc in enumerate(group):
            res = cleaner.clean(doc, "auto")
            applied = {e.key() for e in res.applied}
            for e in res.edits:
                out.append([kind, i, e.pass_name, e.rule_id, e.start, e.end, list(e.replacements),
                            str(e.tier.value if hasattr(e.tier, "value") else e.tier), e.key() in applied])
            out.append([kind, i, "#cleaned-len", len(res.cleaned), zlib.crc32(res.cleaned.encode())])
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    g = ap.add_mutually_exclusive_group(required=True)
    g.add_argument("--save")
    g.add_argument("--compare")
    ap.add_argument("--rules-copy")
    ap.add_argument("--mb", type=float, default=2.0)
    a = ap.parse_args()
    rows = snapshot(a.rules_copy, int(a.mb * MB))
    if a.save:
        Path(a.save).write_text(json.dumps(rows), encoding="utf-8")
        print(f"saved {len(rows)} rows: {Counter(r[2] for r in rows)}")
        return 0
    before = [tuple(map(str, r)) for r in json.loads(Path(a.compare).read_text(encoding="utf-8"))]
    after = [tuple(map(str, r)) for r in json.loads(json.dumps(rows))]
    lost = Counter(before) - Counter(after)
    new = Counter(after) - Counter(before)
    print(f"before {len(before)} rows, after {len(after)}: {sum(lost.values())} lost, {sum(new.values())} new")
    for r in list(lost)[:20]:
        print("  -", r)
    for r in list(new)[:20]:
        print("  +", r)
    return 1 if lost or new else 0


if __name__ == "__main__":
    sys.exit(main())
