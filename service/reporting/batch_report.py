"""Batch reports: JSON and a self-contained HTML page of every file's edits and diff."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from service.batch.run import Summary, atomic_write, exit_status
from service.engine.options import CleanOptions as Settings
from service.reporting.html import render
from service.reporting.report import SCHEMA_VERSION

REPORTED = ("rule_dirs", "glossary", "source_langs", "passes", "grammar", "apply", "encoding", "max_bytes", "via",
            "via_timeout", "variant", "format")


# -- reports ----------------------------------------------------------------------------------
def report_data(summary: Summary, settings: Settings) -> dict[str, Any]:
    """The JSON report."""
    s = settings.model_dump(mode="json", include=set(REPORTED))
    s = {k: s[k] for k in REPORTED}
    s["glossary"] = sorted(settings.glossary)
    s["source_langs"] = sorted(settings.source_langs) if settings.source_langs else None
    return {"schema_version": SCHEMA_VERSION, "kind": "mtclean-batch", "settings": s,
            "summary": summary.totals(), "exit_status": exit_status(summary),
            "files": [o.to_dict() for o in summary.outcomes]}


_CSS = """body{font:15px/1.5 system-ui,sans-serif;margin:2rem;max-width:75rem}
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2rem .5rem;vertical-align:top;text-align:left}
.failed{color:#a00}pre{background:#f7f7f7;padding:.5rem;overflow:auto;font-size:13px}
.add{background:#dfd;display:block}.del{background:#fdd;display:block}.hunk{color:#06c;display:block}
details{margin:.5rem 0;border:1px solid #ddd;padding:.3rem .6rem}summary{cursor:pointer}
code{background:#f0f0f0}"""


def _diff_lines(diff: str) -> list[tuple[str, str]]:
    """(css class, line) of each line of a unified diff."""
    out = []
    for line in diff.splitlines():
        cls = "add" if line.startswith("+") and not line.startswith("+++") else \
            "del" if line.startswith("-") and not line.startswith("---") else "hunk" if line.startswith("@@") else ""
        out.append((cls, line))
    return out


def report_html(summary: Summary, settings: Settings) -> str:
    """The HTML report: the summary, then each file's edits and diff (a Jinja2 template that
    escapes everything)."""
    return render("batch_report.html", css=_CSS, totals=summary.totals(), outcomes=summary.outcomes,
                  diff_lines=_diff_lines)


def write_report(path: Path, summary: Summary, settings: Settings) -> None:
    """Write the report as JSON or HTML, by the file's suffix."""
    if path.suffix.lower() in (".html", ".htm"):
        body = report_html(summary, settings)
    else:
        body = json.dumps(report_data(summary, settings), ensure_ascii=False, indent=2)
    atomic_write(path, body.encode("utf-8"))

