"""``mtclean review PATH``: walk through the suggestions in a terminal, like ``git add -p``.

The engine runs in this process (:class:`service.engine.pipeline.Cleaner`).  For each suggestion (each
edit with ``--all``) the context and the change are shown on standard error and one answer is
read from standard input, a line at a time, so a review can be scripted::

    y  accept        n  reject        e  edit (your wording on the next line)
    s  skip          q  quit          1-9  accept candidate N          ?  help

Auto edits are applied unless rejected; a skipped suggestion stays out.  The reviewed text
(the original with the accepted edits applied by :mod:`service.engine.apply`, see
:mod:`service.review.decisions`) goes to ``--output FILE``, back into PATH with ``--in-place``, or
to standard output (``--diff``: the unified diff instead).
"""
from __future__ import annotations

import dataclasses
import os
import sys
import tempfile
from pathlib import Path
from typing import Any, TextIO

import click

from service.cli.main import common_options
from service.core.model import Edit
from service.engine.pipeline import CleanResult
from service.errors import MtcleanError, exit_code_of
from service.reporting.report import edit_dicts
from service.review import decisions as reviewing

HELP = """\
y - accept this edit
n - reject this edit
e - edit: type your own wording on the next line (an empty line goes back)
s - skip: decide later (a suggestion stays out of the text, an auto edit stays in)
q - quit: ask nothing more and write the result with the answers given so far
    (with --in-place the file is rewritten and FILE.mtclean.bak keeps the original;
    if the answers end without q, the file is left unchanged)
1-9 - accept candidate N (when an edit has several)
? - print this help"""


def _one_line(s: str) -> str:
    return s.replace("\r", "").replace("\n", "\u21b5")


def _show(e: reviewing.ReviewEdit, n: int, total: int, text: str, chars: int, out: TextIO) -> None:
    ed = e.edit
    ctx = reviewing.context(text, ed.start, ed.end, chars)
    kind = "auto" if e.is_auto else "suggestion"
    echo = lambda s="": click.echo(s, file=out)
    echo()
    echo(click.style(f"({n}/{total}) {ed.rule_id}", bold=True)
         + f"  {ed.category} \u00b7 {kind} \u00b7 line {ctx['line']}, column {ctx['column']}")
    change = click.style(f"[-{_one_line(ed.original)}-]", fg="red") + \
        click.style(f"{{+{_one_line(ed.replacement)}+}}", fg="green")
    echo(f"  \u2026{_one_line(ctx['before'])}{change}{_one_line(ctx['after'])}\u2026")
    echo(click.style(f"- {_one_line(ed.original)}", fg="red"))
    for i, r in enumerate(ed.replacements, 1):
        label = f"+ {_one_line(r)}" if len(ed.replacements) == 1 else f"+ {_one_line(r)}   ({i})"
        echo(click.style(label, fg="green"))
    if ed.message:
        echo(f"  {ed.message}")
    for item in ed.evidence:
        echo(f"  evidence: {item}")


def _ask(e: reviewing.ReviewEdit, answers: TextIO, out: TextIO) -> tuple[str, str | None]:
    """One answer: (``accept|reject|modify|skip|quit|eof``, replacement)."""
    cands = e.edit.replacements
    keys = "y,n,e,s,q" + (f",1-{min(len(cands), 9)}" if len(cands) > 1 else "") + ",?"
    while True:
        click.echo(click.style(f"Accept this edit [{keys}]? ", fg="blue", bold=True), nl=False, file=out)
        out.flush()
        line = answers.readline()
        if not line:  # end of the answers (standard input closed): the review did not finish
            click.echo("", file=out)
            return "eof", None
        answer = line.strip().lower()
        if answer in ("y", "yes"):
            return "accept", None
        if answer in ("n", "no"):
            return "reject", None
        if answer == "s":
            return "skip", None
        if answer == "q":
            return "quit", None
        if answer.isdigit() and 1 <= int(answer) <= len(cands):
            return "accept", cands[int(answer) - 1]
        if answer == "e":
            click.echo("Your wording (one line): ", nl=False, file=out)
            out.flush()
            wording = answers.readline()
            if not wording:
                return "eof", None
            wording = wording.rstrip("\r\n")
            if wording:
                return "modify", wording
            continue
        click.echo(HELP, file=out)


def _write_atomic(path: Path, text: str) -> None:
    mode = path.stat().st_mode & 0o7777 if path.exists() else None
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent or Path("."))
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def walk(text: str, edits: list[reviewing.ReviewEdit], answers: TextIO, out: TextIO, ask_all: bool,
         chars: int = 60) -> tuple[dict[str, dict[str, Any]], dict[str, int]]:
    """Ask about each edit; returns the decisions (as the store keeps them) and a tally."""
    asked = [e for e in edits if ask_all or not e.is_auto]
    decisions: dict[str, dict[str, Any]] = {}
    tally = {"accept": 0, "reject": 0, "modify": 0, "skip": 0}
    for n, e in enumerate(asked, 1):
        _show(e, n, len(asked), text, chars, out)
        answer, replacement = _ask(e, answers, out)
        if answer in ("quit", "eof"):
            tally["skip"] += len(asked) - n + 1
            tally[answer] = 1
            break
        tally[answer] += 1
        if answer != "skip":
            decisions[e.id] = {"decision": answer, "replacement": replacement}
    return decisions, tally


@click.command("review")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), help="Write the reviewed text here.")
@click.option("--in-place", is_flag=True, help="Write the reviewed text back into PATH (atomically).")
@click.option("--diff", "show_diff", is_flag=True, help="Print the unified diff instead of the text.")
@click.option("--all", "ask_all", is_flag=True, help="Ask about the auto edits too (else they are applied).")
@click.option("--context", "context_chars", default=60, show_default=True, help="Characters of context each side.")
@common_options
@click.pass_context
def review_command(ctx, path, output, in_place, show_diff, ask_all, context_chars, **_params) -> None:
    """Review the suggestions for PATH one by one (answers are read from standard input).

    Any format clean takes: only the translatable text is reviewed (never a PO msgid, markup
    or a subtitle timing), and the file is written back in its format."""
    from service.cli.main import _config_ok, clean_input, clean_options, warn_unavailable

    _config_ok(ctx)
    err = sys.stderr
    try:
        if str(path) == "-":
            raise MtcleanError("review reads its answers from standard input: give a file, not -")
        if in_place and output:
            raise MtcleanError("give --in-place or --output, not both")
        if in_place and show_diff:
            raise MtcleanError("--diff prints the diff; it does not go with --in-place")
        options = clean_options(ctx.params, "auto")
        name, data, res = clean_input(str(path), options)
        warn_unavailable(res)
        assert res.result is not None
        text = res.result.original  # the translatable text (the segments joined)
        found = [fe.origin for fe in res.edits if fe.origin is not None]
        edits = reviewing.review_edits(name, edit_dicts(replace_edits(res.result, found)))
        auto = sum(e.is_auto for e in edits)
        click.echo(f"mtclean: {name}: {len(edits)} edits, {len(edits) - auto} suggestions "
                   f"({auto} auto edits are applied unless you reject them{'' if ask_all else '; --all asks about them'})",
                   file=err)
        decisions, tally = walk(text, edits, sys.stdin, err, ask_all, context_chars)
        doc = reviewing.reviewed_document(text, edits, decisions)
        for c in doc.conflicts:
            click.echo(f"mtclean: warning: {c['rule_id']} not applied: {c['reason']}"
                       + (f" ({c['winner_rule_id']})" if c.get("winner_rule_id") else ""), file=err)
        click.echo(f"mtclean: accepted {tally['accept']}, rejected {tally['reject']}, modified {tally['modify']}, "
                   f"skipped {tally['skip']}; {len(doc.applied)} edits in the text", file=err)
        written = None
        if res.format == "txt":
            original, reviewed = text, doc.text
            out_bytes, written = None, doc.written
        else:  # written back through the format: markup, msgids and timings stay as they were
            out_bytes = _rebuild(data, name, options, res.result, edits, doc, decisions)
            original = data.decode("utf-8", "replace")
            reviewed = out_bytes.decode("utf-8", "replace")
        body = reviewing.diff(original, reviewed, name, written) if show_diff else reviewed
        if in_place and tally.get("eof"):
            # standard input closed before the review finished (a script, a pipe, ^D): nothing is
            # written, whatever was answered before; q is how to keep the answers given so far
            click.echo(f"mtclean: the answers ended before the review finished; {path} left unchanged "
                       f"(answer q to keep the answers given so far)", file=err)
        elif in_place and tally.get("quit") and not decisions:
            click.echo(f"mtclean: quit before any decision; {path} left unchanged", file=err)
        elif in_place:
            backup = path.with_name(path.name + ".mtclean.bak")
            _write_out(backup, data)  # the file as it was, before the rewrite
            _write_out(path, doc.text if out_bytes is None else out_bytes)
            kept = f"quit: kept the {len(decisions)} answers given so far; " if tally.get("quit") else ""
            click.echo(f"mtclean: {kept}{path} rewritten (the original kept in {backup})", file=err)
        elif output:
            _write_out(output, body if (show_diff or out_bytes is None) else out_bytes)
            click.echo(f"mtclean: written to {output}", file=err)
        elif out_bytes is not None and not show_diff:
            sys.stdout.buffer.write(out_bytes)
            sys.stdout.flush()
        else:
            sys.stdout.write(body)
            sys.stdout.flush()
    except (MtcleanError, OSError) as exc:
        click.echo(f"mtclean: error: {exc}", err=True)
        sys.exit(exit_code_of(exc))


def replace_edits(result: CleanResult, edits: list[Edit]) -> CleanResult:
    """``result`` with only ``edits`` (those the file's format lets through)."""
    keep = {e.key() for e in edits}
    return dataclasses.replace(result, edits=[e for e in result.edits if e.key() in keep],
                               applied=[e for e in result.applied if e.key() in keep])


def _rebuild(data: bytes, name: str, options: Any, result: CleanResult, edits: list[reviewing.ReviewEdit],
             doc: reviewing.Reviewed, decisions: dict[str, dict[str, Any]]) -> bytes:
    """The file with the accepted edits written through its format."""
    from service.formats.document import clean_document

    accepted = []
    for e in edits:
        if e.id in doc.applied:
            _take, replacement = reviewing.chosen(e.edit, decisions.get(e.id))
            accepted.append(dataclasses.replace(e.edit, replacements=(replacement,)))

    def engine(text: str, _extra: frozenset[str]) -> CleanResult:
        return CleanResult(text, doc.text, accepted, accepted, [], {}, "all")

    return clean_document(data, filename=name, options=options, engine=engine).output


def _write_out(path: Path, body: str | bytes) -> None:
    if isinstance(body, bytes):
        from service.batch.run import atomic_write

        mode = path.stat().st_mode & 0o7777 if path.exists() else None
        atomic_write(path, body, mode)
    else:
        _write_atomic(path, body)
