"""The mtclean command line, run as a real process (console script) and through click."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from service.cli.main import cli

BAD = "who met him. in Syria.\n\npost\n\nThe end.\n"
GOOD = "He left early.\n"


@pytest.fixture
def runner():
    return CliRunner()


def _run(runner, args, data=None):
    return runner.invoke(cli, ["--help"] if not args else args, input=data)


def test_check_exit_status_and_text_report(runner, tmp_path: Path):
    bad, good = tmp_path / "bad.txt", tmp_path / "good.txt"
    bad.write_text(BAD)
    good.write_text(GOOD)
    res = _run(runner, ["check", "--no-grammar", str(bad)])
    assert res.exit_code == 1
    assert "bad.txt:1:12:" in res.output and "punctuation.split-sentence" in res.output
    assert _run(runner, ["check", "--no-grammar", str(good)]).exit_code == 0


def test_check_json_has_schema_and_both_offsets(runner):
    res = _run(runner, ["check", "--no-grammar", "--format", "json", "-"], "😀 who met him. in Syria.")
    data = json.loads(res.output)
    assert data["schema_version"] == "1.0"
    edit = data["edits"][0]
    assert (edit["start"], edit["start_utf16"]) == (13, 14)


def test_clean_stdin_to_stdout_keeps_paragraphs(runner):
    res = _run(runner, ["clean", "--no-grammar", "-"], BAD)
    assert res.exit_code in (0, 1)
    assert res.stdout == "who met him in Syria.\n\nThe end.\n"


def test_clean_apply_none_and_diff(runner):
    assert _run(runner, ["clean", "--no-grammar", "--apply", "none", "-"], BAD).stdout == BAD
    diff = _run(runner, ["clean", "--no-grammar", "--diff", "-"], BAD).stdout
    assert diff.startswith("--- a/<stdin>") and "-post" in diff and "+who met him in Syria." in diff


def test_clean_in_place_and_output_dir(runner, tmp_path: Path):
    src = tmp_path / "a.txt"
    src.write_text(BAD)
    out = tmp_path / "out"
    res = _run(runner, ["clean", "--no-grammar", "--output-dir", str(out), str(src)])
    assert res.exit_code in (0, 1)
    assert (out / "a.txt").read_text() == "who met him in Syria.\n\nThe end.\n"
    assert src.read_text() == BAD
    _run(runner, ["clean", "--no-grammar", "--in-place", str(src)])
    assert src.read_text() == "who met him in Syria.\n\nThe end.\n"


def test_crlf_file_is_written_back_with_crlf(runner, tmp_path: Path):
    src = tmp_path / "w.txt"
    src.write_bytes(BAD.replace("\n", "\r\n").encode())
    _run(runner, ["clean", "--no-grammar", "--in-place", str(src)])
    assert src.read_bytes() == b"who met him in Syria.\r\n\r\nThe end.\r\n"


@pytest.mark.parametrize(
    "content,words",
    [
        (None, ["no such file"]),
        (b"", ["empty"]),
        (b"PK\x03\x04\x00\x00binary", ["binary", "NUL"]),
        (b"caf\xe9 au lait\nsecond line \xff", ["not valid utf-8", "byte 3", "line 1", "--encoding"]),
    ],
)
def test_bad_input_is_a_clear_error_with_exit_2(runner, tmp_path: Path, content, words):
    path = tmp_path / "in.txt"
    if content is not None:
        path.write_bytes(content)
    res = _run(runner, ["clean", "--no-grammar", str(path)])
    assert res.exit_code == 2
    for word in words:
        assert word.lower() in res.stderr.lower()


def test_encoding_option_reads_latin1(runner, tmp_path: Path):
    path = tmp_path / "l1.txt"
    path.write_bytes("café  au lait".encode("latin-1"))
    res = _run(runner, ["clean", "--no-grammar", "--encoding", "latin-1", str(path)])
    assert res.stdout == "café au lait"


def test_invalid_user_rule_file_names_file_rule_and_key(runner, tmp_path: Path):
    rules = tmp_path / "mine"
    rules.mkdir()
    (rules / "house.yaml").write_text(
        "rules:\n  - id: house.one\n    match: foo bar\n    replace: baz\n    message: m\n    tier: sometimes\n"
        "    examples: [{bad: foo bar, fix: baz}, {ok: foo}]\n")
    res = _run(runner, ["check", "--no-grammar", "--rules", str(rules), "-"], "foo bar")
    assert res.exit_code == 2
    assert "house.yaml" in res.stderr and "house.one" in res.stderr and "tier" in res.stderr


def test_user_rules_and_glossary_are_used(runner, tmp_path: Path):
    (tmp_path / "house.yaml").write_text(
        "category: word_choice\nrules:\n  - id: house.widget\n    match: foo bar\n    replace: widget\n"
        "    tier: auto\n    message: house style\n    examples: [{bad: a foo bar, fix: a widget}, {ok: foo}]\n")
    gloss = tmp_path / "names.txt"
    gloss.write_text("# names\nMarkus Leitner\n")
    res = _run(runner, ["clean", "--no-grammar", "--rules", str(tmp_path / "house.yaml"), "--glossary",
                        str(gloss), "-"], "A foo bar for Leitnner.")
    assert res.stdout.startswith("A widget for Leitnner") or res.stdout.startswith("A widget for Leitner")
    check = _run(runner, ["check", "--no-grammar", "--glossary", str(gloss), "-"], "Envoy Leitnner came.")
    assert "'Leitner'" in check.output


def test_unknown_pass_is_a_usage_error(runner):
    res = _run(runner, ["check", "--passes", "debris,spelling", "-"], "x")
    assert res.exit_code == 2 and "spelling" in res.output


def test_console_script_runs_as_a_process(tmp_path: Path):
    exe = Path(sys.executable).parent / "mtclean"
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "service"]
    proc = subprocess.run(cmd + ["clean", "--no-grammar", "-"], input=BAD.encode(), capture_output=True, timeout=120)
    assert proc.stdout.decode() == "who met him in Syria.\n\nThe end.\n"
    assert proc.returncode in (0, 1)


def test_pyproject_tool_table_sets_defaults(runner, tmp_path: Path, monkeypatch):
    (tmp_path / "names.txt").write_text("Markus Leitner\n")
    (tmp_path / "pyproject.toml").write_text('[tool.mtclean]\nglossary = "names.txt"\napply = "none"\n')
    monkeypatch.chdir(tmp_path)
    res = _run(runner, ["check", "--no-grammar", "-"], "Envoy Leitnner came.")
    assert "'Leitner'" in res.output
    assert _run(runner, ["clean", "--no-grammar", "-"], BAD).stdout == BAD  # apply = none
    (tmp_path / "pyproject.toml").write_text('[tool.mtclean]\ncolour = "red"\n')
    res = _run(runner, ["check", "-"], "x")
    assert res.exit_code == 2 and "colour" in res.stderr
