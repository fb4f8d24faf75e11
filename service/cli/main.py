"""The ``mtclean`` command line.

Exit status (sysexits-like): 0 nothing found / nothing left to review, 1 edits found /
suggestions remain, 2 an error (bad input, bad rules).
"""
from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from service.core.textio import DEFAULT_MAX_BYTES, decode
from service.engine.config import load_config
from service.errors import (
    EXIT_CLEAN,
    EXIT_ERROR,
    EXIT_FOUND,
    InputTooLargeError,
    InvalidOptions,
    MtcleanError,
    exit_code_of,
)
from service.formats import NAMES as FORMAT_NAMES
from service.passes.registry import PASS_ORDER

if TYPE_CHECKING:  # the engine is imported by the commands that run it (a fast --help, serve)
    from service.engine.factory import Engine
    from service.engine.options import CleanOptions
    from service.formats.cleaning import FileResult

__all__ = ["EXIT_CLEAN", "EXIT_ERROR", "EXIT_FOUND", "cli", "main"]


def common_options(f):
    """Options shared by check, clean and review: together they make one :class:`CleanOptions`."""
    for option in reversed([
        click.option("--rules", "rule_dirs", multiple=True, type=click.Path(path_type=Path),
                     help="Extra rule pack file or directory (repeatable)."),
        click.option("--glossary", type=click.Path(path_type=Path), help="Names to keep and repair to."),
        click.option("--termbase", type=click.Path(dir_okay=False, path_type=Path), default=None,
                     help="A termbase (CSV or TBX): forbidden -> preferred terms, source -> English pairs, names."),
        click.option("--source-lang", default=None,
                     help="Source languages of the MT, comma-separated (vi,zh,ru...): only rules for "
                          "them (and for any language) run. Default: every rule."),
        click.option("--source", type=click.Path(dir_okay=False, path_type=Path), default=None,
                     help="The source-language text, paragraph-aligned with the input (names and numbers "
                          "are checked against it)."),
        click.option("--no-grammar", is_flag=True, help="Skip the LanguageTool grammar pass."),
        click.option("--variant", default=None, metavar="US|GB|AU|CA|auto",
                     help="English variant for the grammar pass (default: detected from the text's own "
                          "spellings; no conversion between variants unless asked)."),
        click.option("--passes", default=",".join(PASS_ORDER), show_default=True,
                     help="Passes to run, comma-separated."),
        click.option("--select", multiple=True, metavar="CODES",
                     help="Only these rules: ids or id prefixes (vi., vi.ball-in-our-yard), packs (vi-idioms), "
                          "categories (idiom) or passes, comma-separated, repeatable (ruff-style)."),
        click.option("--ignore", multiple=True, metavar="CODES", help="Not these rules (as --select)."),
        click.option("--ignore-file", type=click.Path(dir_okay=False, path_type=Path), default=None,
                     help="A project ignore list: one code a line ('CODE' or 'CODE flagged text'), # comments."),
        click.option("--encoding", default=None, help="Input encoding (default UTF-8, BOM honoured)."),
        click.option("--max-bytes", default=DEFAULT_MAX_BYTES, show_default=True, type=click.IntRange(min=1),
                     help="Refuse inputs larger than this."),
        click.option("--stdin-filename", default=None,
                     help="The name of what standard input holds: its suffix gives the format (a.md)."),
        click.option("--input-format", type=click.Choice(list(FORMAT_NAMES)), default=None,
                     help="Clean the input as this format (default: from the file name; plain text for -)."),
    ]):
        f = option(f)
    return f


def clean_options(ctx_params: dict[str, Any], apply: str = "auto") -> CleanOptions:
    """The :class:`CleanOptions` of a command's parameters (``--passes`` errors are usage errors)."""
    from service.engine.options import CleanOptions

    try:
        return CleanOptions.from_cli(
            rule_dirs=ctx_params.get("rule_dirs") or (), glossary=ctx_params.get("glossary"),
            source_lang=ctx_params.get("source_lang"), no_grammar=ctx_params.get("no_grammar", False),
            passes=ctx_params.get("passes"), encoding=ctx_params.get("encoding"),
            max_bytes=ctx_params.get("max_bytes", DEFAULT_MAX_BYTES), apply=apply,
            source=ctx_params.get("source"), fmt=ctx_params.get("input_format"), via=ctx_params.get("via"),
            select=list(ctx_params.get("select") or ()), ignore=list(ctx_params.get("ignore") or ()),
            ignore_file=ctx_params.get("ignore_file"), termbase=ctx_params.get("termbase"),
            variant=ctx_params.get("variant"))
    except InvalidOptions as exc:
        if "--passes" in str(exc):
            raise click.BadParameter(str(exc).split("--passes: ", 1)[-1], param_hint="--passes") from None
        raise


def read_input(path: str, max_bytes: int, stdin_filename: str | None = None) -> tuple[str, bytes]:
    """The display name and the bytes of a file, or of standard input for ``-``."""
    if path == "-":
        data = sys.stdin.buffer.read(max_bytes + 1)
        name = stdin_filename or "<stdin>"
    else:
        p = Path(path)
        if not p.exists():
            raise MtcleanError(f"{path}: no such file")
        if p.is_dir():
            raise MtcleanError(f"{path}: is a directory; give files (folders come with batch cleaning)")
        if not p.is_file():  # a FIFO blocks until a writer comes; a device never ends
            raise MtcleanError(f"{path}: not a regular file (a FIFO, socket or device); not read")
        try:
            with p.open("rb") as fh:
                data = fh.read(max_bytes + 1)
        except OSError as exc:
            raise MtcleanError(f"{path}: cannot read: {exc.strerror}") from exc
        name = path
    if len(data) > max_bytes:
        raise InputTooLargeError(f"{name}: over the limit of {max_bytes:,} bytes; split the file or raise --max-bytes")
    return name, data


def clean_input(path: str, options: CleanOptions, stdin_filename: str | None = None,
                engine: Engine | None = None) -> tuple[str, bytes, FileResult]:
    """Read and clean one input through the one document entry point."""
    from service.formats.document import clean_document

    name, data = read_input(path, options.max_bytes, stdin_filename)
    if not data.strip():
        decode(data, name, options.encoding, options.max_bytes)  # binary and decoding errors first
    res = clean_document(data, filename=name, options=options, engine=engine)
    return name, data, res


def warn_unavailable(res: FileResult) -> None:
    """Say which passes did not run, and the engine's warnings."""
    for w in res.warnings:
        click.echo(f"mtclean: warning: {w}", err=True)


def _fail(exc: Exception) -> None:
    click.echo(f"mtclean: error: {exc}", err=True)
    sys.exit(exit_code_of(exc))


#: commands imported only when run (or listed by --help): the server, LanguageTool, review
LAZY_COMMANDS = {
    "languagetool": "service.cli.languagetool:languagetool_group",
    "doctor": "service.cli.languagetool:doctor_command",
    "serve": "service.cli.service:serve_command",
    "worker": "service.cli.service:worker_command",
    "review": "service.review.terminal:review_command",
    "rules": "service.cli.rules:rules_command",
}


class LazyGroup(click.Group):
    """A group whose heavier commands are imported when used (a fast start for check and --help)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(self.commands) | set(LAZY_COMMANDS))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in LAZY_COMMANDS:
            module, _, attr = LAZY_COMMANDS[cmd_name].partition(":")
            self.add_command(getattr(importlib.import_module(module), attr), cmd_name)
        return self.commands.get(cmd_name)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="mtclean")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """Find and fix machine-translation artefacts in English text.

    Defaults for check, clean and review may be set in [tool.mtclean] of pyproject.toml
    (kebab-case or snake_case keys: source-lang, glossary, rules, apply, no-grammar, passes...).
    """
    defaults, problems = load_config()
    ctx.obj = {"config_problems": problems}
    if defaults:
        review = {k: v for k, v in defaults.items() if k not in ("apply_mode", "fmt")}
        ctx.default_map = {"check": defaults, "clean": defaults, "review": review}


def _config_ok(ctx: click.Context) -> None:
    """Stop a command [tool.mtclean] configures when the table has problems."""
    problems = (ctx.find_root().obj or {}).get("config_problems") or []
    if problems:
        _fail(problems[0])


def _text_lines(name: str, res: FileResult) -> str:
    """One line per edit, like a linter: ``NAME:LINE:COL: [TIER] RULE (CATEGORY) 'old' -> 'new': message``."""
    lines = []
    for fe in res.edits:
        e = fe.edit
        where = f"{fe.line}:{fe.column}" if fe.line else fe.segment
        mark = "fixed" if fe.applied else e.tier.value
        alts = " | ".join(repr(r) for r in e.replacements)
        lines.append(f"{name}:{where}: [{mark}] {e.rule_id} ({e.category}) {e.original!r} -> {alts}: {e.message}")
    for pname, st in res.passes.items():
        if st.get("status") == "unavailable":
            lines.append(f"warning: pass '{pname}' unavailable: {st.get('message', '')}")
    return "\n".join(lines) + ("\n" if lines else "")


def check_json(files: list[tuple[str, FileResult]]) -> dict[str, Any]:
    """``check --format json``: one shape for one file or many; every edit with its file, line and column."""
    from service.reporting import report

    edits, out_files = [], []
    for name, res in files:
        for fe in res.edits:
            edits.append({"file": name, **fe.to_dict()})
        out_files.append({"name": name, "format": res.format, "changed": res.changed, "segments": res.segments,
                          "counts": {"found": res.applied + res.suggestions, "applied": res.applied,
                                     "suggestions": res.suggestions},
                          "passes": res.passes, "warnings": res.warnings})
    return {"schema_version": report.SCHEMA_VERSION, "kind": "mtclean-check", "files": out_files, "edits": edits,
            "counts": {"files": len(files), "found": len(edits), "files_with_edits": sum(1 for _, r in files if r.edits)}}


@cli.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(["text", "json", "sarif", "github", "csv", "xlsx"]),
              default="text", show_default=True,
              help="sarif: SARIF 2.1.0; github: workflow annotations; csv, xlsx: a QA report like Xbench's "
                   "(xlsx needs -o unless standard output is a file or a pipe).")
@click.option("--output", "-o", "output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the report to this file instead of standard output.")
@common_options
@click.pass_context
def check(ctx, paths, fmt, output, **_params):
    """Report the edits mtclean would make (exit 1 when there are any)."""
    from service.engine.factory import engine_for

    _config_ok(ctx)
    if fmt == "xlsx" and output is None and sys.stdout.isatty():
        _fail(MtcleanError("--format xlsx writes a binary workbook: give -o/--output FILE.xlsx "
                           "(or redirect standard output to a file)"))
    try:
        options = clean_options(ctx.params, "auto")
        engine = engine_for(options)
        found = False
        files, texts, segments = [], [], {}
        for path in paths:
            name, data, res = clean_input(path, options, ctx.params.get("stdin_filename"), engine)
            warn_unavailable(res)
            found = found or bool(res.edits)
            if fmt == "xlsx":
                segments[name] = _segments_of(res, data, options.encoding, name)
            if fmt != "text":
                files.append((name, res))
            elif output is None:  # as each file is checked
                click.echo(_text_lines(name, res), nl=False)
            else:
                texts.append(_text_lines(name, res))
        if fmt == "xlsx":
            from service.reporting import xlsx

            if output is None:
                xlsx.write(files, sys.stdout.buffer, segments)
            else:
                xlsx.write(files, str(output), segments)
            sys.exit(EXIT_FOUND if found else EXIT_CLEAN)
        if fmt == "json":
            texts.append(json.dumps(check_json(files), ensure_ascii=False, indent=2) + "\n")
        elif fmt != "text":  # sarif, github, csv: new reporting modules
            from service.reporting import ci, qa_csv

            texts.append({"sarif": lambda: json.dumps(ci.sarif(files), ensure_ascii=False, indent=2) + "\n",
                          "github": lambda: ci.github(files), "csv": lambda: qa_csv.to_csv(files)}[fmt]())
        if output is None:
            click.echo("".join(texts), nl=False)
        else:
            output.write_text("".join(texts), encoding="utf-8", newline="")
    except (MtcleanError, OSError) as exc:
        _fail(exc)
    sys.exit(EXIT_FOUND if found else EXIT_CLEAN)


def _segments_of(res: FileResult, data: bytes, encoding: str | None, name: str) -> list[Any]:
    """The file's segments (source and target texts for a QA report); none when not extractable."""
    from service.formats import get

    try:
        return list(get(res.format).extract(data, encoding=encoding, name=name))
    except (MtcleanError, ValueError, OSError):
        return []


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
@click.pass_context
def clean(ctx, paths, apply_mode, show_diff, fmt, in_place, no_backup, output_dir, report_path, via, jobs, cache_dir,
          no_cache, **_params):
    """Clean files, folders (recursively) and globs: .txt .md .html .srt .vtt .po .pot .xliff .xlf .docx.

    With --output-dir or --in-place the cleaned files are written; with neither, a report is
    printed (but a single file, or - for standard input, is written cleaned to standard output).
    Exit status: 0 nothing left to review, 1 suggestions remain, 2 some files failed.
    """
    from service.engine.factory import get_cleaner

    _config_ok(ctx)
    if "-" in paths and (len(paths) > 1 or in_place or output_dir):
        _fail(MtcleanError("'-' (standard input) must be the only path, without --in-place or --output-dir"))
    if in_place and output_dir:
        _fail(MtcleanError("give --in-place or --output-dir, not both"))
    try:
        options = clean_options(ctx.params, apply_mode)
        single = len(paths) == 1 and not (in_place or output_dir) and (paths[0] == "-" or not Path(paths[0]).is_dir())
        if single and not any(c in paths[0] for c in "*?[") and not via:
            sys.exit(_clean_one(options, paths[0], show_diff, fmt, report_path, ctx.params.get("stdin_filename")))
        from service.batch import run as batch
        from service.reporting import batch_report

        opts = batch.Options(output_dir=output_dir, in_place=in_place, backup=not no_backup, jobs=jobs,
                             cache_dir=cache_dir, use_cache=not no_cache,
                             want_diff=bool(show_diff or report_path or fmt == "json"),
                             keep_edits=bool(report_path or fmt == "json"))
        exclude = [p for p in (output_dir, cache_dir) if p]
        items, skipped = batch.collect(paths, exclude)
        progress = batch.Progress(len(items))
        try:
            summary = batch.run(items, options, opts, progress, skipped, None if via else get_cleaner(options))
        finally:
            progress.stop()
        if show_diff:
            for o in summary.outcomes:
                if o.diff:
                    click.echo(o.diff, nl=False)
        if fmt == "json":
            click.echo(json.dumps(batch_report.report_data(summary, options), ensure_ascii=False, indent=2))
        if report_path:
            batch_report.write_report(report_path, summary, options)
        for line in batch.summary_lines(summary):
            click.echo(line, err=True)
        if report_path:
            click.echo(f"mtclean: report written to {report_path}", err=True)
    except (MtcleanError, OSError) as exc:
        _fail(exc)
    sys.exit(batch.exit_status(summary))


def _clean_one(options: CleanOptions, path: str, show_diff: bool, fmt: str, report_path: Path | None,
               stdin_filename: str | None) -> int:
    """One file (or standard input) cleaned to standard output, through the one document entry point."""
    from service.batch import run as batch
    from service.reporting import batch_report, report

    name, data, res = clean_input(path, options, stdin_filename)
    warn_unavailable(res)
    item = batch.Item(path, name, res.format)  # diff headers name the file as given
    outcome = batch.describe_result(batch.FileOutcome(path, item.rel, res.format), item, data, res, True,
                                    options.encoding)
    summary = batch.Summary(outcomes=[outcome], cleaned=1)
    if fmt == "json":
        if res.format == "txt" and res.result is not None:
            body = report.to_json(res.result, name)
        else:
            body = batch_report.report_data(summary, options)
        click.echo(json.dumps(body, ensure_ascii=False, indent=2))
    elif show_diff:
        click.echo(outcome.diff or "", nl=False)
    elif res.format == "txt" and res.result is not None:  # text to the terminal, in its encoding
        sys.stdout.write(res.result.cleaned)
        sys.stdout.flush()
    else:  # bytes as the format writes them
        sys.stdout.buffer.write(res.output)
        sys.stdout.flush()
    if report_path:
        batch_report.write_report(report_path, summary, options)
    return batch.exit_status(summary)


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="mtclean")
