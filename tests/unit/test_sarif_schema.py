"""``check --format sarif`` validated against the official SARIF 2.1.0 JSON schema (OASIS, vendored in
tests/fixtures/sarif), for one file and several, with findings (applied and suggested) and without."""
from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from service.cli.main import cli

SCHEMA = json.loads((Path(__file__).parents[1] / "fixtures" / "sarif" / "sarif-schema-2.1.0.json").read_text("utf-8"))

# RFC 3986 characters (jsonschema checks "uri" only with an extra package): a URI reference has no
# space, no < > " \ { } | ^ `, and a "uri" starts with a scheme
_URI_CHARS = re.compile(r"[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]*")
FORMATS = jsonschema.FormatChecker()
FORMATS.checks("uri-reference")(lambda s: not isinstance(s, str) or bool(_URI_CHARS.fullmatch(s)))
FORMATS.checks("uri")(lambda s: not isinstance(s, str) or bool(
    _URI_CHARS.fullmatch(s) and re.match(r"[A-Za-z][A-Za-z0-9+.-]*:", s)))
VALIDATOR = jsonschema.Draft4Validator(SCHEMA, format_checker=FORMATS)

MD = "The functional forces arrived .\n\nthe ball is in our yard.\n"
PO = ('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
      'msgid "a"\nmsgstr "The functional forces arrived ."\n')
XLIFF = ('<?xml version="1.0" encoding="UTF-8"?>\n<xliff version="2.0" xmlns="urn:oasis:names:tc:xliff:document:2.0" '
         'srcLang="vi" trgLang="en"><file id="f1"><unit id="u1"><segment>'
         '<source>Lực lượng chức năng đã đến.</source><target>The functional forces arrived .</target>'
         '</segment></unit></file></xliff>\n')
CLEAN = "The authorities arrived.\n"


def _sarif(tmp_path: Path, files: dict[str, str], expect: int) -> dict:
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    r = CliRunner().invoke(cli, ["check", "--no-grammar", "--format", "sarif", *(str(tmp_path / n) for n in files)])
    assert r.exit_code == expect, r.output
    log = json.loads(r.output)
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in VALIDATOR.iter_errors(log)]
    assert errors == []
    return log


def test_sarif_of_one_file_with_findings_is_valid_sarif_2_1_0(tmp_path):
    log = _sarif(tmp_path, {"a.md": MD}, 1)
    results = log["runs"][0]["results"]
    assert {r["properties"]["applied"] for r in results} == {True, False}  # edits applied and suggestions
    assert {r["level"] for r in results} == {"warning", "note"}


def test_sarif_of_several_files_in_several_formats_is_valid(tmp_path):
    log = _sarif(tmp_path, {"a.md": MD, "b.po": PO, "c.xliff": XLIFF, "d.txt": CLEAN}, 1)
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in log["runs"][0]["results"]}
    assert {u.rsplit("/", 1)[-1] for u in uris} == {"a.md", "b.po", "c.xliff"}
    kinds = {loc["kind"] for r in log["runs"][0]["results"] for loc in r["locations"][0].get("logicalLocations", [])}
    assert kinds == {"segment"}


def test_sarif_without_findings_is_valid_with_no_results(tmp_path):
    log = _sarif(tmp_path, {"clean.txt": CLEAN, "also.md": CLEAN}, 0)
    assert log["runs"][0]["results"] == [] and log["runs"][0]["tool"]["driver"]["rules"] == []


def test_sarif_uri_of_a_name_with_spaces_is_a_valid_uri_reference(tmp_path):
    log = _sarif(tmp_path, {"my file #1.md": MD}, 1)
    uri = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri.endswith("/my%20file%20%231.md")


@pytest.mark.parametrize("breakage", ["no-version", "column-0", "bad-level", "uri-with-space"])
def test_the_schema_check_rejects_a_broken_log(tmp_path, breakage):
    log = _sarif(tmp_path, {"a.md": MD}, 1)
    result = log["runs"][0]["results"][0]
    if breakage == "no-version":
        del log["version"]
    elif breakage == "column-0":
        result["locations"][0]["physicalLocation"]["region"]["startColumn"] = 0
    elif breakage == "bad-level":
        result["level"] = "suggestion"
    else:
        result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] = "my file.md"
    assert not VALIDATOR.is_valid(log)


def test_sarif_region_and_fix_are_the_files_text_across_inline_tags(tmp_path):
    doc = XLIFF.replace("The functional forces arrived .", 'The functional <pc id="1">forces</pc> arrived.')
    log = _sarif(tmp_path, {"tags.xliff": doc}, 1)
    (res,) = [r for r in log["runs"][0]["results"] if r["ruleId"] == "vi.the-functional-forces"]
    region = res["locations"][0]["physicalLocation"]["region"]
    line = doc.splitlines()[region["startLine"] - 1]
    assert line[region["startColumn"] - 1:region["endColumn"] - 1] == 'The functional <pc id="1">forces'
    assert region["snippet"]["text"] == 'The functional <pc id="1">forces'
    inserted = res["fixes"][0]["artifactChanges"][0]["replacements"][0]["insertedContent"]["text"]
    assert inserted == 'The <pc id="1">authorities'  # applying the fix keeps the tag
