"""The ``mtclean`` command line.

Exit status (sysexits-like): 0 nothing found / nothing left to review, 1 edits found /
suggestions remain, 2 an error (bad input, bad rules).
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from service.reporting import diffing
from service.reporting import report
from service.errors import EXIT_CLEAN, EXIT_ERROR, EXIT_FOUND, MtcleanError, exit_code_of
from service.settings import get_settings
from service.core.glossary import load_glossary
from service.engine.pipeline import Cleaner
from service.passes.registry import PASS_ORDER
from service.cli.project_config import load_defaults
from service.core.textio import DEFAULT_MAX_BYTES, decode

__all__ = ["EXIT_CLEAN", "EXIT_ERROR", "EXIT_FOUND", "cli", "main"]


def _grammar_checker(enabled: bool):
    if not enabled:
        return None
    try:
        from service.passes.grammar.languagetool import GrammarPass, GrammarSettings
        from service.ops.languagetool import server_url
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
    grammar_wanted = not no_grammar and "grammar" in wanted and not get_settings().grammar_off
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
    sys.exit(exit_code_of(exc))


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
@click.option("--in-place", is_flag=True, help="Rewrite the files (atomically, keeping a backup).")
@click.option("--no-backup", is_flag=True, help="With --in-place: keep no FILE.mtclean.bak backup.")
@click.option("--output-dir", type=click.Path(file_okay=False, path_type=Path),
              help="Write cleaned copies here, mirroring the folders given.")
@click.option("--report", "report_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Write a report of every file's edits and diff (FILE.json or FILE.html).")
@click.option("--via", metavar="URL", help="Clean through a running mtclean service instead of locally.")
@click.option("--jobs", "-j", type=int, default=0, help="Worker processes (default: one per core).")
@click.option("--cache-dir", type=click.Path(file_okay=False, path_type=Path),
              help="Where to keep results for resuming (default: OUTPUT_DIR/.mtclean-cache or the user cache).")
@click.option("--no-cache", is_flag=True, help="Clean every file again, even an unchanged one.")
@common_options
def clean(paths, apply_mode, show_diff, fmt, in_place, no_backup, output_dir, report_path, via, jobs, cache_dir,
          no_cache, rule_dirs, glossary, source_lang, no_grammar, passes, encoding, max_bytes):
    """Clean files, folders (recursively) and globs: .txt .md .html .srt .vtt .po .pot .xliff .xlf .docx.

    With --output-dir or --in-place the cleaned files are written; with neither, a report is
    printed (but a single file, or - for standard input, is written cleaned to standard output).
    Exit status: 0 nothing left to review, 1 suggestions remain, 2 some files failed.
    """
    if "-" in paths and (len(paths) > 1 or in_place or output_dir):
        _fail(MtcleanError("'-' (standard input) must be the only path, without --in-place or --output-dir"))
    if in_place and output_dir:
        _fail(MtcleanError("give --in-place or --output-dir, not both"))
    try:
        cleaner = _cleaner(rule_dirs, glossary, source_lang, no_grammar, passes)
        single = len(paths) == 1 and not (in_place or output_dir) and (paths[0] == "-" or not Path(paths[0]).is_dir())
        if single and not any(c in paths[0] for c in "*?[") and not via:
            sys.exit(_clean_one(cleaner, paths[0], apply_mode, show_diff, fmt, encoding, max_bytes, report_path))
        from service.batch import run as batch
        from service.reporting import batch_report

        settings = batch.Settings(
            rule_dirs=tuple(str(d) for d in rule_dirs), glossary=cleaner.glossary,
            source_langs=frozenset(s.strip() for s in source_lang.split(",") if s.strip()) if source_lang else None,
            passes=cleaner.passes, grammar=cleaner.grammar is not None, apply=apply_mode, encoding=encoding,
            max_bytes=max_bytes, via=via)
        opts = batch.Options(output_dir=output_dir, in_place=in_place, backup=not no_backup, jobs=jobs,
                             cache_dir=cache_dir, use_cache=not no_cache,
                             want_diff=bool(show_diff or report_path or fmt == "json"),
                             keep_edits=bool(report_path or fmt == "json"))
        exclude = [p for p in (output_dir, cache_dir) if p]
        items, skipped = batch.collect(paths, exclude)
        progress = batch.Progress(len(items))
        try:
            summary = batch.run(items, settings, opts, progress, skipped, cleaner)
        finally:
            progress.stop()
        if show_diff:
            for o in summary.outcomes:
                if o.get("diff"):
                    click.echo(o["diff"], nl=False)
        if fmt == "json":
            click.echo(json.dumps(batch_report.report_data(summary, settings), ensure_ascii=False, indent=2))
        if report_path:
            batch_report.write_report(report_path, summary, settings)
        for line in batch.summary_lines(summary):
            click.echo(line, err=True)
        if report_path:
            click.echo(f"mtclean: report written to {report_path}", err=True)
    except (MtcleanError, OSError) as exc:
        _fail(exc)
    sys.exit(batch.exit_status(summary))


def _clean_one(cleaner, path, apply_mode, show_diff, fmt, encoding, max_bytes, report_path) -> int:
    """One file (or standard input) cleaned to standard output, as before batch cleaning."""
    from service.formats import format_name

    kind = "txt" if path == "-" else format_name(path)
    if kind != "txt":
        return _clean_one_format(cleaner, path, kind, apply_mode, show_diff, fmt, encoding, max_bytes, report_path)
    name, text = _read(path, encoding, max_bytes)
    result = cleaner.clean(text, apply_mode)
    _warn_unavailable(result)
    if fmt == "json":
        click.echo(json.dumps(report.to_json(result, name), ensure_ascii=False, indent=2))
    elif show_diff:
        click.echo(diffing.unified(text, result.cleaned, name), nl=False)
    else:
        sys.stdout.write(result.cleaned)
        sys.stdout.flush()
    if report_path:
        from service.batch import run as batch

        body = json.dumps(report.to_json(result, name), ensure_ascii=False, indent=2)
        if report_path.suffix.lower() in (".html", ".htm"):
            body = ("<!doctype html><meta charset=utf-8><title>mtclean report</title><pre>"
                    + diffing.html_inline(text, result.cleaned) + "</pre>\n")
        batch.atomic_write(report_path, body.encode("utf-8"))
    return EXIT_FOUND if result.suggestions else EXIT_CLEAN


def _clean_one_format(cleaner, path, kind, apply_mode, show_diff, fmt, encoding, max_bytes, report_path) -> int:
    """One file of another format cleaned to standard output (bytes as the format writes them)."""
    from service.batch import run as batch
    from service.reporting import batch_report
    from service.formats.cleaning import clean_file

    p = Path(path)
    if not p.is_file():
        raise MtcleanError(f"{path}: no such file")
    if p.stat().st_size > max_bytes:
        raise MtcleanError(f"{path}: {p.stat().st_size:,} bytes is over the limit of {max_bytes:,}; "
                           "split the file or raise --max-bytes")
    data = p.read_bytes()
    res = clean_file(data, kind, batch.local_engine(cleaner, apply_mode), encoding, path)
    for w in res.warnings:
        click.echo(f"mtclean: warning: {w}", err=True)
    item = batch.Item(path, p.name, kind)
    outcome = {"path": path, "rel": p.name, "format": kind, "cached": False,
               **batch.describe_result(item, data, res, True, encoding)}
    settings = batch.Settings(glossary=cleaner.glossary, passes=cleaner.passes, apply=apply_mode,
                              encoding=encoding, max_bytes=max_bytes)
    summary = batch.Summary(outcomes=[outcome], cleaned=1)
    if fmt == "json":
        click.echo(json.dumps(batch_report.report_data(summary, settings), ensure_ascii=False, indent=2))
    elif show_diff:
        click.echo(outcome["diff"], nl=False)
    else:
        sys.stdout.buffer.write(res.output)
        sys.stdout.flush()
    if report_path:
        batch_report.write_report(report_path, summary, settings)
    return batch.exit_status(summary)


def _register_optional() -> None:
    try:
        from service.cli.languagetool import doctor_command, languagetool_group
    except ImportError:  # pragma: no cover - added by the grammar work
        return
    cli.add_command(languagetool_group, "languagetool")
    cli.add_command(doctor_command, "doctor")
    from service.cli.service import serve_command, worker_command

    cli.add_command(serve_command, "serve")
    cli.add_command(worker_command, "worker")
    from service.review.terminal import review_command

    cli.add_command(review_command, "review")


_register_optional()


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="mtclean")
