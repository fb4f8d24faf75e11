"""``python -m service.rulesets lint FILE...``: validate rule packs and run their examples.

For each file: the schema (every error, naming file, rule and key), the phrases and regexes
compile, ids unique (in the file and against every other pack under ``rules/phrases/``), and
every example holds: ``{bad, fix}`` fires and gives exactly ``fix`` with no re-fire on the
fix, ``{bad}`` fires, ``{ok}`` does not fire.  Exit status 1 on any error.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from service.rulesets.loader import PHRASES_DIR, Rule, _yaml_load, check_pack, pack_files


def example_errors(rule: Rule) -> list[str]:
    """What is wrong with the rule's examples (empty: they all hold)."""
    from service.core.document import Document
    from service.engine.apply import apply_edits
    from service.passes.phrases import PhraseMatcher

    matcher = PhraseMatcher([rule], timed=True)  # a pack being written: a runaway regex is reported
    where = f"{rule.path}: rule '{rule.id}': key 'examples'"
    out = []
    for n, ex in enumerate(rule.examples, 1):
        if ex.ok is not None:
            found = matcher.find(Document(ex.ok))
            if found:
                out.append(f"{where} #{n} (ok): fires on correct text: "
                           f"{[e.original for e in found]} in {ex.ok!r}")
            continue
        assert ex.bad is not None
        found = matcher.find(Document(ex.bad))
        if not found:
            out.append(f"{where} #{n} (bad): does not fire on {ex.bad!r}")
            continue
        if ex.fix is None:
            continue
        fixed = apply_edits(ex.bad, found).text
        if fixed != ex.fix:
            out.append(f"{where} #{n} (fix): gives {fixed!r}\n{' ' * 8}expected {ex.fix!r}")
            continue
        again = matcher.find(Document(fixed))
        if again:
            out.append(f"{where} #{n} (fix): fires again on its own fix: {[e.original for e in again]}")
    return out


def anchor_warnings(rule: Rule, threshold: float = 6.0) -> list[str]:
    """Phrases whose every anchor is a common English word (the scan wakes them up often)."""
    from service.rulesets.phrase import _zipf

    out = []
    for p in rule.phrases:
        if p.literal:
            continue
        if all(_zipf(a) >= threshold for a in p.anchors):
            out.append(f"{rule.path}: rule '{rule.id}': key '{'anchor' if p.expand else 'match'}': "
                       f"{p.text!r} is found through common words only ({', '.join(p.anchors[:4])}): "
                       f"it is tried very often; add a rarer word")
    return out


def _other_ids(files: set[Path]) -> dict[str, str]:
    ids: dict[str, str] = {}
    if not PHRASES_DIR.is_dir():
        return ids
    for path in pack_files([PHRASES_DIR]):
        if path.resolve() in files:
            continue
        try:
            raw = _yaml_load(path.read_text(encoding="utf-8"))
        except Exception:  # noqa: BLE001 - a broken other pack is its own lint's business
            continue
        for item in (raw or {}).get("rules") or [] if isinstance(raw, dict) else []:
            if isinstance(item, dict) and isinstance(item.get("id"), str):
                ids.setdefault(item["id"], str(path))
    return ids


def lint(paths: list[Path], strict: bool | None = None, out=None) -> int:
    """Lint the given pack files (directories: every pack under them); the number of errors.
    ``strict`` (default: built-in packs only) requires ``src`` and a bad and an ok example."""
    out = out or sys.stdout
    files = pack_files(paths)
    others = _other_ids({p.resolve() for p in files})
    seen: dict[str, str] = {}
    total_errors = total_rules = 0
    for path in files:
        rules, errors = check_pack(path, strict=strict)
        for rule in rules:
            if rule.id in others:
                errors.append(f"{path}: rule '{rule.id}': key 'id': already used in {others[rule.id]}")
            elif rule.id in seen and seen[rule.id] != str(path):
                errors.append(f"{path}: rule '{rule.id}': key 'id': already used in {seen[rule.id]}")
            seen.setdefault(rule.id, str(path))
            errors.extend(example_errors(rule))
            for w in anchor_warnings(rule):
                print(f"WARNING {w}", file=out)
        for e in errors:
            print(f"ERROR {e}", file=out)
        status = "ok" if not errors else f"{len(errors)} error(s)"
        print(f"{path}: {len(rules)} rule(s) compiled, {status}", file=out)
        total_errors += len(errors)
        total_rules += len(rules)
    print(f"{len(files)} file(s), {total_rules} rule(s), {total_errors} error(s)", file=out)
    return total_errors


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m service.rulesets")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("lint", help="validate rule packs and run their examples")
    p.add_argument("files", nargs="+", type=Path, help="pack files or directories")
    p.add_argument("--strict", action="store_true",
                   help="require 'src' and a bad and an ok example (default: only for rules/phrases/)")
    args = parser.parse_args(argv)
    from service.errors import RuleError

    try:
        n = lint(args.files, strict=True if args.strict else None)
    except RuleError as exc:
        print(f"ERROR {exc}", file=sys.stderr)
        return 2
    return 1 if n else 0
