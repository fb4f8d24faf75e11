"""The ``mtclean`` command line.

Exit status (sysexits-like): 0 nothing found / nothing left to review, 1 edits found /
suggestions remain, 2 an error (bad input, bad rules).
"""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

from . import diffing, report
from .errors import MtcleanError
from .glossary import load_glossary
from .pipeline import PASS_ORDER, Cleaner
from .project_config import load_defaults
from .textio import DEFAULT_MAX_BYTES, decode

EXIT_CLEAN, EXIT_FOUND, EXIT_ERROR = 0, 1, 2


def _grammar_checker(enabled: bool):
    if not enabled:
        return None
    try:
        from .passes.grammar import GrammarPass, GrammarSettings
        from .lt_server import server_url
    except ImportError:  # pragma: no cover - the grammar pass is optional at import time
        return None
    return GrammarPass(GrammarSettings(url=server_url()))


def common_options(f):
    """Options shared by check and clean."""
    for option in reversed([
        click.option("--rules", "rule_dirs", multiple=True, type=click.Path(path_type=Path),
                     help="Extra rule pack file or directory (repeatable)."),
        click.option("--glossary", type=click.Path(path_type=Path), help="Names to keep and repair to."),
        click.option("--source-lang", default=None,
                     help="Source languages of the MT, comma-separated (vi,zh,ru...): only rules for "
                          "them (and for any language) run. Default: every rule."),
        click.option("--no-grammar", is_flag=True, help="Skip the LanguageTool grammar pass."),
        click.option("--passes", default=",".join(PASS_ORDER), show_default=True,
                     help="Passes to run, comma-separated."),
        click.option("--encoding", default=None, help="Input encoding (default UTF-8, BOM honoured)."),
        click.option("--max-bytes", default=DEFAULT_MAX_BYTES, show_default=True, type=int,
                     help="Refuse inputs larger than this."),
    ]):
        f = option(f)
    return f


def _cleaner(rule_dirs, glossary, source_lang, no_grammar, passes) -> Cleaner:
    langs = frozenset(s.strip() for s in source_lang.split(",") if s.strip()) if source_lang else None
    wanted = tuple(p.strip() for p in passes.split(",") if p.strip())
    unknown = [p for p in wanted if p not in PASS_ORDER]
    if unknown:
        raise click.BadParameter(f"unknown pass {', '.join(unknown)}; passes are {', '.join(PASS_ORDER)}",
                                 param_hint="--passes")
    names = load_glossary(glossary) if glossary else frozenset()
    grammar_wanted = not no_grammar and "grammar" in wanted and not os.environ.get("MTCLEAN_NO_GRAMMAR")
    return Cleaner(list(rule_dirs), names, langs, wanted, _grammar_checker(grammar_wanted))


def _read(path: str, encoding: str | None, max_bytes: int) -> tuple[str, str]:
    if path == "-":
        data = sys.stdin.buffer.read(max_bytes + 1)
        return "<stdin>", decode(data, "<stdin>", encoding, max_bytes)
    p = Path(path)
    if not p.exists():
        raise MtcleanError(f"{path}: no such file")
    if p.is_dir():
        raise MtcleanError(f"{path}: is a directory; give files (folders come with batch cleaning)")
    try:
        with p.open("rb") as fh:
            data = fh.read(max_bytes + 1)
    except OSError as exc:
        raise MtcleanError(f"{path}: cannot read: {exc.strerror}") from exc
    return path, decode(data, path, encoding, max_bytes)


def _warn_unavailable(result) -> None:
    for name, st in result.passes.items():
        if st.status == "unavailable":
            click.echo(f"mtclean: warning: the {name} pass did not run: {st.message}", err=True)
    for w in result.warnings:
        click.echo(f"mtclean: warning: {w}", err=True)


def _fail(exc: Exception) -> None:
    click.echo(f"mtclean: error: {exc}", err=True)
    sys.exit(EXIT_ERROR)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="mtclean")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """Find and fix machine-translation artefacts in English text.

    Defaults for check and clean may be set in [tool.mtclean] of pyproject.toml.
    """
    try:
        defaults = load_defaults()
    except MtcleanError as exc:
        _fail(exc)
    if defaults:
        ctx.default_map = {"check": defaults, "clean": defaults}


@cli.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@common_options
def check(paths, fmt, rule_dirs, glossary, source_lang, no_grammar, passes, encoding, max_bytes):
    """Report the edits mtclean would make (exit 1 when there are any)."""
    try:
        cleaner = _cleaner(rule_dirs, glossary, source_lang, no_grammar, passes)
        found = False
        outputs = []
        for path in paths:
            name, text = _read(path, encoding, max_bytes)
            result = cleaner.clean(text, "auto")
            _warn_unavailable(result)
            found = found or bool(result.edits)
            if fmt == "json":
                outputs.append(report.to_json(result, name, include_text=False))
            else:
                click.echo(report.to_text(result, name), nl=False)
        if fmt == "json":
            click.echo(json.dumps(outputs[0] if len(outputs) == 1 else outputs, ensure_ascii=False, indent=2))
    except (MtcleanError, OSError) as exc:
        _fail(exc)
    sys.exit(EXIT_FOUND if found else EXIT_CLEAN)


@cli.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--apply", "apply_mode", type=click.Choice(["auto", "all", "none"]), default="auto",
              show_default=True, help="Which edits to apply: the safe ones, all, or none.")
@click.option("--diff", "show_diff", is_flag=True, help="Print the unified diff instead of the text.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--in-place", is_flag=True, help="Rewrite the files.")
@click.option("--output-dir", type=click.Path(file_okay=False, path_type=Path),
              help="Write cleaned copies here.")
@common_options
def clean(paths, apply_mode, show_diff, fmt, in_place, output_dir, rule_dirs, glossary, source_lang,
          no_grammar, passes, encoding, max_bytes):
    """Apply the safe edits and write the cleaned text (exit 1 when suggestions remain)."""
    if in_place and "-" in paths:
        _fail(MtcleanError("--in-place needs files, not standard input"))
    try:
        cleaner = _cleaner(rule_dirs, glossary, source_lang, no_grammar, passes)
        pending = False
        for path in paths:
            name, text = _read(path, encoding, max_bytes)
            result = cleaner.clean(text, apply_mode)
            _warn_unavailable(result)
            pending = pending or bool(result.suggestions)
            if fmt == "json":
                click.echo(json.dumps(report.to_json(result, name), ensure_ascii=False, indent=2))
            elif show_diff:
                click.echo(diffing.unified(text, result.cleaned, name), nl=False)
            if in_place or output_dir:
                target = Path(path) if in_place else output_dir / Path(path).name
                _write(target, result.cleaned, encoding)
                click.echo(f"{target}: {len(result.applied)} applied, {len(result.suggestions)} suggestions",
                           err=True)
            elif fmt == "text" and not show_diff:
                sys.stdout.write(result.cleaned)
                sys.stdout.flush()
    except (MtcleanError, OSError) as exc:
        _fail(exc)
    sys.exit(EXIT_FOUND if pending else EXIT_CLEAN)


def _write(target: Path, text: str, encoding: str | None) -> None:
    """Write atomically: a temporary file in the same folder, then rename."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.mtclean-tmp")
    with tmp.open("w", encoding=encoding or "utf-8", newline="") as fh:
        fh.write(text)
    os.replace(tmp, target)


def _register_optional() -> None:
    try:
        from .cli_languagetool import doctor_command, languagetool_group
    except ImportError:  # pragma: no cover - added by the grammar work
        return
    cli.add_command(languagetool_group, "languagetool")
    cli.add_command(doctor_command, "doctor")


_register_optional()


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="mtclean")
