"""One engine, one document path: the CLI and the API agree, formats are respected by every
command, and the web layer answers without a real Redis (fakeredis, eager Celery)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from service.cli.main import cli
from service.engine.options import CleanOptions, load_config
from service.passes import registry

MD = ("# Report\n\nWe met him. in Hanoi and `call him. in` says so (see <http://example.com/a. in>).\n\n"
      "```\ncode. in here\n```\n\nThe minister spoke. in the end.\n")
PASSES = "debris,punctuation,names,phrases"


def _cli_json(runner, args, data=None):
    res = runner.invoke(cli, args, input=data)
    assert res.exit_code in (0, 1), res.output
    return json.loads(res.stdout)


def _key(e):
    return (e["rule_id"], e["start"], e["end"], e["segment"], e["replacements"][0], e["line"], e["column"])


def test_the_same_markdown_file_gets_the_same_edits_through_the_cli_and_the_api(runner, client, tmp_path):
    path = tmp_path / "report.md"
    path.write_text(MD)
    via_cli = _cli_json(runner, ["check", "--no-grammar", "--passes", PASSES, "--format", "json", str(path)])
    resp = client.post("/v1/check", json={"text": MD, "name": "report.md", "options": {"passes": PASSES.split(",")}})
    assert resp.status_code == 200, resp.json
    via_api = resp.json
    assert via_cli["edits"] and sorted(map(_key, via_cli["edits"])) == sorted(map(_key, via_api["edits"]))
    upload = client.post("/v1/check", data={"file": (__import__("io").BytesIO(MD.encode()), "report.md", "text/markdown"),
                                            "options": json.dumps({"passes": PASSES.split(",")})},
                         content_type="multipart/form-data")
    assert sorted(map(_key, upload.json["edits"])) == sorted(map(_key, via_api["edits"]))
    stdin = _cli_json(runner, ["check", "--no-grammar", "--passes", PASSES, "--format", "json", "--stdin-filename",
                               "report.md", "-"], MD)
    assert sorted(map(_key, stdin["edits"])) == sorted(map(_key, via_cli["edits"]))


def test_check_and_review_respect_markdown_markup(runner, tmp_path):
    path = tmp_path / "report.md"
    path.write_text(MD)
    data = _cli_json(runner, ["check", "--no-grammar", "--passes", PASSES, "--format", "json", str(path)])
    touched = {MD.splitlines()[e["line"] - 1][e["column"] - 1] for e in data["edits"]}
    lines = {e["line"] for e in data["edits"]}
    assert lines == {3, 9}  # the changed lines, not "line 1"
    assert touched <= {"."}
    res = runner.invoke(cli, ["review", "--no-grammar", "--passes", PASSES, str(path)], input="y\n" * 10)
    assert res.exit_code == 0, res.output
    assert "`call him. in`" in res.stdout and "code. in here" in res.stdout and "We met him in Hanoi" in res.stdout


def test_review_never_rewrites_a_po_msgid(runner, tmp_path):
    po = tmp_path / "m.po"
    po.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
                  'msgid "He met him. in Hanoi."\nmsgstr "He met him. in Hanoi."\n')
    res = runner.invoke(cli, ["review", "--no-grammar", "--passes", PASSES, "--all", str(po)], input="y\n" * 10)
    assert res.exit_code == 0, res.output
    assert 'msgid "He met him. in Hanoi."' in res.stdout and 'msgstr "He met him in Hanoi."' in res.stdout


def test_check_json_has_one_shape_with_line_and_column(runner, tmp_path):
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("Fine.\n\nwho met him. in Syria.\n")
    b.write_text("He left.\n")
    one = _cli_json(runner, ["check", "--no-grammar", "--format", "json", str(a)])
    two = _cli_json(runner, ["check", "--no-grammar", "--format", "json", str(a), str(b)])
    assert set(one) == set(two) and [f["name"] for f in two["files"]] == [str(a), str(b)]
    edit = one["edits"][0]
    assert (edit["file"], edit["line"], edit["column"]) == (str(a), 3, 12)


@pytest.mark.parametrize("command", ["check", "clean"])
def test_an_unknown_file_type_is_refused_alone_and_left_alone_in_a_folder(runner, tmp_path, command):
    data = tmp_path / "data.json"
    data.write_text('{"who met him. in": "Syria"}\n')
    res = runner.invoke(cli, [command, "--no-grammar", str(data)])
    assert res.exit_code == 2 and "does not clean .json files" in res.output
    assert data.read_text() == '{"who met him. in": "Syria"}\n'
    if command == "clean":
        out = tmp_path / "out"
        res = runner.invoke(cli, ["clean", "--no-grammar", "--output-dir", str(out), str(tmp_path)])
        assert not (out / "data.json").exists() and "left alone" in res.output


def test_the_api_refuses_an_unknown_file_type_and_accepts_a_format_field(client):
    resp = client.post("/v1/check", json={"text": '{"a. in": 1}', "name": "x.json"})
    assert resp.status_code == 415 and resp.json["error"]["code"] == "unsupported_format"
    srt = "1\n00:00:01,000 --> 00:00:02,000\nHe met him. in Hanoi.\n"
    resp = client.post("/v1/check", json={"text": srt, "options": {"format": "srt", "passes": ["punctuation"]}})
    assert resp.status_code == 200
    assert "00:00:01,000 --> 00:00:02,000" in resp.json["cleaned"] and "him in Hanoi" in resp.json["cleaned"]
    assert resp.json["edits"][0]["line"] == 3


def test_malformed_json_is_400_without_a_redis_server(client):
    resp = client.post("/v1/jobs", data=b"{not json", content_type="application/json")
    assert resp.status_code == 400 and resp.json["error"]["code"] == "malformed_json"


def test_retry_after_only_on_202(client):
    resp = client.post("/v1/jobs", json={"text": "who met him. in Syria.", "options": {"passes": ["punctuation"]}})
    assert resp.status_code == 202 and resp.headers["Retry-After"] == "1"
    job = client.get(resp.headers["Location"])
    assert job.status_code == 200 and "Retry-After" not in job.headers
    assert job.json["result"]["cleaned"] == "who met him in Syria."
    bad = client.post("/v1/jobs", data=b"<x/>", content_type="application/xml")
    assert bad.status_code == 415 and "Retry-After" not in bad.headers


def test_the_openapi_options_are_the_request_model(client):
    from service.web.api import Options

    doc = client.get("/v1/openapi.json").json
    schema = doc["components"]["schemas"]["Options"]
    assert set(schema["properties"]) == set(Options.model_fields)
    assert schema["properties"]["passes"]["items"]["enum"] == list(registry.names())
    from service.formats import NAMES

    assert schema["properties"]["format"]["enum"] == list(NAMES)


def test_pass_names_come_from_the_registry():
    assert {"debris", "punctuation", "names", "phrases", "grammar"} <= set(registry.names())
    assert registry.names()[0] == "debris"
    assert registry.names()[-1] == "grammar" and "grammar" not in registry.local_names()
    with pytest.raises(ValueError, match="spelling"):
        registry.validate(["debris", "spelling"])
    assert CleanOptions(passes="names,debris").passes == ("debris", "names")


def test_options_fingerprint_and_json_round_trip():
    a = CleanOptions.from_json({"source_lang": "vi,zh", "glossary": ["B", "A"], "passes": ["debris"]})
    b = CleanOptions.from_json({"source_lang": ["zh", "vi"], "glossary": ["A", "B"], "passes": ["debris"]})
    assert a == b and a.fingerprint() == b.fingerprint()
    assert CleanOptions.from_json(a.to_json()) == a
    assert a.fingerprint() != CleanOptions.from_json({"passes": ["debris"], "apply": "all"}).fingerprint()


def test_pyproject_kebab_case_keys_and_unknown_keys(runner, tmp_path: Path, monkeypatch):
    (tmp_path / "pyproject.toml").write_text('[tool.mtclean]\nno-grammar = true\nsource-lang = "vi"\ncolour = 1\n')
    defaults, problems = load_config(tmp_path)
    assert defaults == {"no_grammar": True, "source_lang": "vi"}
    assert len(problems) == 1 and "colour" in str(problems[0])
    monkeypatch.chdir(tmp_path)
    assert runner.invoke(cli, ["serve", "--help"]).exit_code == 0
    assert runner.invoke(cli, ["check", "-"], input="x").exit_code == 2


def test_html_diff_and_report_come_from_templates_and_escape(client, runner, tmp_path):
    resp = client.post("/v1/jobs", json={"text": "<b>who</b> met him. in Syria.", "name": "<x>",
                                         "options": {"passes": ["punctuation"]}})
    page = client.get(f"/v1/jobs/{resp.json['id']}/diff?format=html")
    assert page.status_code == 200 and page.mimetype == "text/html"
    body = page.get_data(as_text=True)
    assert "<title>mtclean diff: &lt;x&gt;</title>" in body and "&lt;b&gt;who" in body and "<del>" in body
    src = tmp_path / "a.txt"
    src.write_text("<script>x</script> met him. in Syria.\n")
    report = tmp_path / "r.html"
    res = runner.invoke(cli, ["clean", "--no-grammar", "--passes", "punctuation", "--report", str(report), str(src)])
    html = report.read_text()
    assert res.exit_code in (0, 1) and "<script>x" not in html and "&lt;script&gt;x" in html
    assert "punctuation.split-sentence" in html and "line 1, column" in html


def test_the_source_text_reaches_the_document_from_the_cli_and_the_api(runner, client, tmp_path):
    src, tgt = tmp_path / "src.txt", tmp_path / "tgt.txt"
    src.write_text("Có 5 người chết ở Baghdad.\n")
    tgt.write_text("There were 4 people killed in Baghdad.\n")
    data = _cli_json(runner, ["check", "--no-grammar", "--source", str(src), "--format", "json", str(tgt)])
    assert any(e["rule_id"] == "source.number-mismatch" for e in data["edits"])
    resp = client.post("/v1/check", json={"text": tgt.read_text(), "options": {"source": src.read_text()}})
    assert any(e["rule_id"] == "source.number-mismatch" for e in resp.json["edits"])


def test_po_and_srt_rows_point_at_the_changed_line(runner, tmp_path):
    po = tmp_path / "m.po"
    po.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\nmsgid "long"\nmsgstr ""\n'
                  '"First part fine.\\n"\n"He met him. in Hanoi."\n')
    srt = tmp_path / "s.srt"
    srt.write_text("1\n00:00:01,000 --> 00:00:02,000\nFine line.\nHe met him. in Hanoi.\n")
    data = _cli_json(runner, ["check", "--no-grammar", "--passes", "punctuation", "--format", "json", str(po), str(srt)])
    lines = {(Path(e["file"]).suffix, e["line"]) for e in data["edits"]}
    assert lines == {(".po", 8), (".srt", 4)}


def test_a_failed_languagetool_probe_is_retried_within_seconds(app, monkeypatch):
    """The first job after `serve` starts LanguageTool gets the grammar pass once the server
    answers: a failed probe is not remembered for 30 s."""
    import time as time_module

    from service.ops import languagetool
    from service.worker import tasks

    up = {"now": False}
    monkeypatch.setattr(languagetool, "healthy", lambda url, timeout=0.5: up["now"])
    clock = {"t": 1000.0}
    monkeypatch.setattr(time_module, "monotonic", lambda: clock["t"])
    tasks._lt_probe.clear()
    cfg = {"GRAMMAR": "auto", "LT_URL": None}
    with app.app_context():
        grammar, why = tasks.grammar_setup(cfg)
        assert grammar is None and "no LanguageTool server answers" in why
        up["now"] = True
        clock["t"] += 3
        grammar, why = tasks.grammar_setup(cfg)
        assert grammar is not None and why == ""
    tasks._lt_probe.clear()


def test_the_review_api_works_on_a_markdown_job_in_the_file_s_coordinates(client):
    resp = client.post("/v1/jobs", json={"text": MD, "name": "report.md", "options": {"passes": PASSES.split(",")}})
    job_id = resp.json["id"]
    listing = client.get(f"/v1/jobs/{job_id}/edits").json
    assert listing["edits"]
    for e in listing["edits"]:
        assert MD[e["start"]:e["end"]] == e["original"]  # offsets into the text as submitted
    doc = client.get(f"/v1/jobs/{job_id}/document?format=text").get_data(as_text=True)
    assert doc == client.get(f"/v1/jobs/{job_id}").json["result"]["cleaned"]
    assert "`call him. in`" in doc and "code. in here" in doc and "We met him in Hanoi" in doc
