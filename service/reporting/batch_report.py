"""Batch reports: JSON and a self-contained HTML page of every file's edits and diff."""
from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

from service.batch.run import Summary, atomic_write, exit_status
from service.engine.options import CleanOptions as Settings
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
            "summary": summary.totals(), "exit_status": exit_status(summary), "files": summary.outcomes}


_CSS = """body{font:15px/1.5 system-ui,sans-serif;margin:2rem;max-width:75rem}
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2rem .5rem;vertical-align:top;text-align:left}
.failed{color:#a00}pre{background:#f7f7f7;padding:.5rem;overflow:auto;font-size:13px}
.add{background:#dfd;display:block}.del{background:#fdd;display:block}.hunk{color:#06c;display:block}
details{margin:.5rem 0;border:1px solid #ddd;padding:.3rem .6rem}summary{cursor:pointer}
code{background:#f0f0f0}"""


def _diff_html(diff: str) -> str:
    out = []
    for line in diff.splitlines():
        cls = "add" if line.startswith("+") and not line.startswith("+++") else \
            "del" if line.startswith("-") and not line.startswith("---") else "hunk" if line.startswith("@@") else ""
        esc = html.escape(line)
        out.append(f'<span class="{cls}">{esc}</span>' if cls else esc + "\n")
    return "<pre>" + "".join(out) + "</pre>"


def report_html(summary: Summary, settings: Settings) -> str:
    """The HTML report: the summary, then each file's edits and diff (everything escaped)."""
    e = html.escape
    t = summary.totals()
    rows = "".join(f"<tr><th>{e(k)}</th><td>{e(str(v))}</td></tr>" for k, v in t.items() if k != "by_category")
    cats = "".join(f"<tr><td>{e(c)}</td><td>{n.get('applied', 0)}</td><td>{n.get('suggested', 0)}</td></tr>"
                   for c, n in t["by_category"].items())
    parts = [f"<!doctype html><html lang=en><meta charset=utf-8><title>mtclean report</title><style>{_CSS}</style>",
             f"<h1>mtclean report</h1><table>{rows}</table>",
             "<h2>Edits by category</h2><table><tr><th>category</th><th>applied</th><th>suggested</th></tr>"
             f"{cats}</table>",
             "<h2>Files</h2>"]
    for o in summary.outcomes:
        if o["status"] == "failed":
            parts.append(f'<details open><summary class=failed>{e(o["path"])}: failed</summary>'
                         f'<p class=failed>{e(o["error"]["message"])}</p></details>')
            continue
        if o["status"] == "skipped":
            parts.append(f"<details><summary>{e(o['path'])}: skipped</summary>"
                         f"<p>{e(o.get('reason', ''))}</p></details>")
            continue
        edits = "".join(
            f"<tr><td>{e(d.get('segment', ''))}</td><td>{'applied' if d['applied'] else e(d['tier'])}</td>"
            f"<td><code>{e(d['rule_id'])}</code></td><td>{e(d['category'])}</td><td><code>{e(d['original'])}</code></td>"
            f"<td><code>{' | '.join(e(r) for r in d['replacements'])}</code></td><td>{e(d['message'])}</td></tr>"
            for d in o.get("edits", []))
        table = (f"<table><tr><th>where</th><th>status</th><th>rule</th><th>category</th><th>text</th>"
                 f"<th>replacement</th><th>why</th></tr>{edits}</table>") if edits else ""
        diff = o.get("diff")
        diff_html = _diff_html(diff) if diff else ("<p>(diff left out: the file is large)</p>"
                                                   if diff is None and o.get("changed") else "")
        flag = " open" if o.get("changed") or o.get("suggestions") else ""
        parts.append(f"<details{flag}><summary>{e(o['path'])}: {o.get('applied', 0)} applied, "
                     f"{o.get('suggestions', 0)} suggestions{' (cached)' if o.get('cached') else ''}</summary>"
                     f"{table}{diff_html}</details>")
    parts.append("</html>\n")
    return "\n".join(parts)


def write_report(path: Path, summary: Summary, settings: Settings) -> None:
    """Write the report as JSON or HTML, by the file's suffix."""
    if path.suffix.lower() in (".html", ".htm"):
        body = report_html(summary, settings)
    else:
        body = json.dumps(report_data(summary, settings), ensure_ascii=False, indent=2)
    atomic_write(path, body.encode("utf-8"))

