"""``check`` output for CI: SARIF 2.1.0 (code-scanning uploads, IDE viewers) and GitHub Actions
workflow annotations.

SARIF: one run, the tool's rules (each rule found, with its message and category), one result per
edit with its file, line and column (``columnKind: unicodeCodePoints``: columns count code points,
as mtclean does), the flagged text, and a fix for every candidate replacement.  ``level`` is
``warning`` for an edit mtclean applies by itself (``auto``) and ``note`` for a suggestion.
GitHub: ``::warning file=F,line=L,col=C,endColumn=E,title=RULE::message`` (``notice`` for
suggestions), escaped as the runner expects.
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any
from urllib.parse import quote

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
INFO_URI = "https://github.com/mtclean/mtclean"


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("mtclean")
    except PackageNotFoundError:  # pragma: no cover
        return "0"


def _end(line: int, column: int, original: str) -> tuple[int, int]:
    """The line and column just after ``original`` starting at ``line``/``column``."""
    if "\n" not in original:
        return line, column + len(original)
    return line + original.count("\n"), len(original) - original.rfind("\n")


def artifact_uri(name: str) -> str:
    """The file name as a SARIF ``artifactLocation.uri`` (a URI reference): ``/`` separators,
    everything outside RFC 3986's characters percent-encoded ("my file.md" -> "my%20file.md")."""
    return quote(name.replace("\\", "/"), safe="/:@!$&'()*+,;=-._~")


def _where(fe: Any) -> tuple[int, int]:
    return (fe.line or 1, fe.column or 1)


def sarif(files: Iterable[tuple[str, Any]]) -> dict[str, Any]:
    """The SARIF 2.1.0 log of ``(name, FileResult)`` pairs."""
    rules: dict[str, dict[str, Any]] = {}
    results = []
    for name, res in files:
        uri = artifact_uri(name)
        for fe in res.edits:
            e = fe.in_file or fe.edit
            if e.rule_id not in rules:
                rules[e.rule_id] = {
                    "id": e.rule_id, "name": e.rule_id,
                    "shortDescription": {"text": e.message.split(";")[0][:200] or e.rule_id},
                    "fullDescription": {"text": e.message or e.rule_id},
                    "helpUri": f"{INFO_URI}#rules",
                    "help": {"text": f"mtclean rules show {e.rule_id}"},
                    "properties": {"category": e.category, "pass": e.pass_name, "tags": [e.category]},
                }
            line, col = _where(fe)
            end_line, end_col = _end(line, col, e.original)  # the file's text (escapes, inline tags)
            region = {"startLine": line, "startColumn": col, "endLine": end_line, "endColumn": end_col,
                      "snippet": {"text": e.original}}
            location: dict[str, Any] = {"physicalLocation": {"artifactLocation": {"uri": uri}, "region": region}}
            if fe.segment:
                location["logicalLocations"] = [{"name": fe.segment, "kind": "segment"}]
            fixes = [{"description": {"text": f"replace with {r!r}"},  # what the file gets
                      "artifactChanges": [{"artifactLocation": {"uri": uri}, "replacements": [
                          {"deletedRegion": {k: region[k] for k in ("startLine", "startColumn", "endLine",
                                                                    "endColumn")},
                           "insertedContent": {"text": r}}]}]} for r in e.replacements]
            tier = e.tier.value
            fp = hashlib.sha256(f"{name}\0{e.rule_id}\0{fe.segment}\0{fe.edit.original}".encode()).hexdigest()[:32]
            results.append({
                "ruleId": e.rule_id, "ruleIndex": list(rules).index(e.rule_id),
                "level": "warning" if tier == "auto" else "note",
                "message": {"text": f"{e.message} ({fe.edit.original!r} -> "
                                    f"{' | '.join(repr(r) for r in fe.edit.replacements)})"},
                "locations": [location], "fixes": fixes,
                "partialFingerprints": {"mtcleanFinding/v1": fp},
                "properties": {"tier": tier, "applied": fe.applied, "category": e.category},
            })
    return {
        "$schema": SARIF_SCHEMA, "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "mtclean", "version": _version(), "informationUri": INFO_URI,
                                "rules": list(rules.values())}},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    }


def _escape_data(s: str) -> str:
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(s: str) -> str:
    return _escape_data(s).replace(":", "%3A").replace(",", "%2C")


def github(files: Iterable[tuple[str, Any]]) -> str:
    """GitHub Actions workflow commands, one line per edit."""
    lines = []
    for name, res in files:
        for fe in res.edits:
            e = fe.edit
            line, col = _where(fe)
            end_line, end_col = _end(line, col, (fe.in_file or e).original)  # the file's text
            kind = "warning" if e.tier.value == "auto" else "notice"
            props = [f"file={_escape_property(name)}", f"line={line}", f"col={col}"]
            props += [f"endLine={end_line}", f"endColumn={end_col}"] if end_line != line else [f"endColumn={end_col}"]
            props.append(f"title={_escape_property(f'mtclean {e.rule_id}')}")
            alts = " | ".join(repr(r) for r in e.replacements)
            lines.append(f"::{kind} {','.join(props)}::{_escape_data(f'{e.original!r} -> {alts}: {e.message}')}")
    return "\n".join(lines) + ("\n" if lines else "")
