"""check --format sarif | github | csv (service.reporting.ci, service.reporting.qa_csv)."""
from __future__ import annotations

import csv
import io
import json

from click.testing import CliRunner

from service.cli.main import cli

MD = "The functional forces arrived .\n\n=SUM(1) the ball is in our yard.\n"
PO = ('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
      'msgid "a"\nmsgstr "The functional forces arrived ."\n')


def _check(tmp_path, fmt, name="a.md", text=MD):
    (tmp_path / name).write_text(text, encoding="utf-8")
    r = CliRunner().invoke(cli, ["check", "--no-grammar", "--format", fmt, str(tmp_path / name)])
    assert r.exit_code == 1, r.output  # findings
    return r.output


def test_sarif_has_rules_results_locations_and_fixes(tmp_path):
    log = json.loads(_check(tmp_path, "sarif"))
    assert log["version"] == "2.1.0" and "sarif" in log["$schema"]
    run = log["runs"][0]
    assert run["tool"]["driver"]["name"] == "mtclean"
    assert run["columnKind"] == "unicodeCodePoints"
    rule_ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    assert len(rule_ids) == len(set(rule_ids))
    res = next(r for r in run["results"] if r["ruleId"] == "vi.ball-in-our-yard")
    assert rule_ids[res["ruleIndex"]] == res["ruleId"]
    region = res["locations"][0]["physicalLocation"]["region"]
    line = MD.splitlines()[region["startLine"] - 1]
    assert line[region["startColumn"] - 1:region["endColumn"] - 1] == "ball is in our yard"
    assert region["snippet"]["text"] == "ball is in our yard"
    assert res["fixes"][0]["artifactChanges"][0]["replacements"][0]["insertedContent"]["text"] == "ball is in our court"
    assert res["level"] in ("warning", "note") and res["partialFingerprints"]


def test_github_annotations_are_escaped_workflow_commands(tmp_path):
    out = _check(tmp_path, "github")
    lines = out.splitlines()
    assert lines and all(li.startswith(("::warning ", "::notice ")) for li in lines)
    yard = next(li for li in lines if "vi.ball-in-our-yard" in li)
    assert ",line=3,col=" in yard and "title=mtclean vi.ball-in-our-yard::" in yard
    assert "\n" not in yard


def test_github_escapes_percent_and_newline():
    from service.reporting.ci import _escape_data, _escape_property

    assert _escape_data("50%\nx") == "50%25%0Ax"
    assert _escape_property("a:b,c") == "a%3Ab%2Cc"


def test_csv_qa_report_has_segment_ids_and_is_spreadsheet_safe(tmp_path):
    out = _check(tmp_path, "csv", "a.po", PO)
    assert out.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(out.lstrip("\ufeff"))))
    assert rows[0][:4] == ["File", "Segment ID", "Line", "Column"]
    vi = next(r for r in rows[1:] if r[5].startswith("vi."))
    assert "msgid 'a'" in vi[1] and vi[2] == "6"
    assert vi[7] == "The functional forces" and vi[8] == "The authorities"
    assert "arrived" in vi[11]


def test_csv_cells_never_start_a_formula(tmp_path):
    out = _check(tmp_path, "csv")
    rows = list(csv.reader(io.StringIO(out.lstrip("\ufeff"))))
    assert not any(cell.startswith(("=", "+", "@")) for row in rows for cell in row)
    assert any(cell.startswith("'=SUM") for row in rows for cell in row)
