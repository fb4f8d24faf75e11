"""``mtclean rules``: list, search and explain the phrase rules, with their examples.

    mtclean rules list --lang vi            # id, tier, category and first phrase of each rule
    mtclean rules show vi.ball-in-our-yard  # everything about one rule, its examples included
    mtclean rules search yard               # rules whose id, source, phrases, message... contain it

``--rules DIR`` adds rule packs, as for check and clean; ``--format json`` for scripts.  The
codes shown (rule ids, packs, categories) are the ones ``--select`` / ``--ignore`` take.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click


def _rules(rule_dirs: tuple[Path, ...]) -> list[Any]:
    from service.engine.factory import rules_for

    return rules_for(tuple(str(d) for d in rule_dirs))


def rule_dict(r: Any) -> dict[str, Any]:
    """A rule as JSON: what a writer wrote."""
    return {
        "id": r.id, "pack": r.pack, "path": r.path, "langs": sorted(r.langs), "category": r.category,
        "tier": r.tier.value, "src": r.src, "gloss": r.gloss, "match": [p.text for p in r.phrases],
        "replace": list(r.replace), "message": r.message, "source": r.source,
        "context": ({"any": r.cues.any, "none": r.cues.none, "scope": r.cues.scope} if r.cues else None),
        "examples": [{k: v for k, v in (("bad", e.bad), ("fix", e.fix), ("ok", e.ok)) if v is not None}
                     for e in r.examples],
    }


def _haystack(r: Any) -> str:
    d = rule_dict(r)
    parts = [d["id"], d["pack"], d["category"], d["src"], d["gloss"], d["message"], *d["match"], *d["replace"]]
    parts += [v for ex in d["examples"] for v in ex.values()]
    return "\n".join(parts).casefold()


def _line(r: Any) -> str:
    first = r.phrases[0].text if r.phrases else ""
    reps = " | ".join(r.replace[:2]) if r.replace else ""
    return f"{r.id:<42} {r.tier.value:<7} {r.category:<12} {first!r} -> {reps!r}"


def _emit(rules: list[Any], fmt: str) -> None:
    if fmt == "json":
        click.echo(json.dumps([rule_dict(r) for r in rules], ensure_ascii=False, indent=2))
    else:
        for r in rules:
            click.echo(_line(r))
        click.echo(f"{len(rules)} rules", err=True)


_rules_opt = click.option("--rules", "rule_dirs", multiple=True, type=click.Path(path_type=Path),
                          help="Extra rule pack file or directory (repeatable).")
_fmt_opt = click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)


@click.group("rules")
def rules_command() -> None:
    """List, search and explain the phrase rules (the codes --select and --ignore take)."""


@rules_command.command("list")
@click.option("--lang", default=None, help="Only rules for these source languages (vi,zh...; 'any' included).")
@click.option("--category", default=None, help="Only this category (idiom, officialese, polysemy...).")
@click.option("--pack", default=None, help="Only this pack (vi-idioms...).")
@click.option("--tier", type=click.Choice(["auto", "suggest"]), default=None)
@_rules_opt
@_fmt_opt
def list_rules(lang: str | None, category: str | None, pack: str | None, tier: str | None,
               rule_dirs: tuple[Path, ...], fmt: str) -> None:
    """List the rules (id, tier, category, first phrase -> replacement)."""
    rules = _rules(rule_dirs)
    if lang:
        langs = frozenset(s.strip().lower() for s in lang.split(",") if s.strip())
        rules = [r for r in rules if r.langs & langs]
    if category:
        rules = [r for r in rules if r.category == category.replace("-", "_")]
    if pack:
        rules = [r for r in rules if r.pack == pack]
    if tier:
        rules = [r for r in rules if r.tier.value == tier]
    _emit(rules, fmt)


@rules_command.command("show")
@click.argument("rule_ids", nargs=-1, required=True)
@_rules_opt
@_fmt_opt
def show_rule(rule_ids: tuple[str, ...], rule_dirs: tuple[Path, ...], fmt: str) -> None:
    """Explain rules: source expression, phrases, replacement, message and examples."""
    by_id = {r.id: r for r in _rules(rule_dirs)}
    missing = [i for i in rule_ids if i not in by_id]
    if missing:
        near = [k for k in by_id if any(m.casefold() in k.casefold() for m in missing)][:5]
        click.echo(f"mtclean: error: no rule {', '.join(missing)}" + (f"; did you mean {', '.join(near)}?" if near
                                                                      else "; see `mtclean rules search`"), err=True)
        sys.exit(2)
    found = [by_id[i] for i in rule_ids]
    if fmt == "json":
        click.echo(json.dumps([rule_dict(r) for r in found], ensure_ascii=False, indent=2))
        return
    for r in found:
        d = rule_dict(r)
        click.echo(f"{d['id']}  ({d['pack']}, {d['category']}, {d['tier']}; langs {', '.join(d['langs'])})")
        if d["src"]:
            click.echo(f"  source:   {d['src']}" + (f"  ({d['gloss']})" if d["gloss"] else ""))
        click.echo(f"  match:    {' | '.join(d['match'])}")
        click.echo(f"  replace:  {' | '.join(d['replace'])}")
        click.echo(f"  message:  {d['message']}")
        if d["context"]:
            click.echo(f"  context:  {d['context']}")
        click.echo(f"  file:     {d['path']}")
        for ex in d["examples"]:
            if "bad" in ex:
                click.echo(f"  bad:  {ex['bad']}")
                if "fix" in ex:
                    click.echo(f"   ->  {ex['fix']}")
            if "ok" in ex:
                click.echo(f"  ok:   {ex['ok']}")
        click.echo("")


@rules_command.command("search")
@click.argument("words", nargs=-1, required=True)
@click.option("--lang", default=None, help="Only rules for these source languages.")
@_rules_opt
@_fmt_opt
def search_rules(words: tuple[str, ...], lang: str | None, rule_dirs: tuple[Path, ...], fmt: str) -> None:
    """Rules whose id, source expression, phrases, replacement, message or examples contain
    every word given (case-insensitive)."""
    wanted = [w.casefold() for w in words]
    rules = [r for r in _rules(rule_dirs) if all(w in _haystack(r) for w in wanted)]
    if lang:
        langs = frozenset(s.strip().lower() for s in lang.split(","))
        rules = [r for r in rules if r.langs & langs]
    _emit(rules, fmt)
    if not rules:
        sys.exit(1)
