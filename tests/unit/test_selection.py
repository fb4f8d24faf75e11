"""Suppression and selection: --select / --ignore (ruff-style), [tool.mtclean], a project ignore
file, inline ignores in Markdown, HTML, PO and XLIFF, and `mtclean rules`."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from service.cli.main import cli
from service.core.model import Edit, Tier
from service.engine.options import CleanOptions
from service.engine.selection import Selection, codes
from service.formats.document import clean_document

TEXT = "The functional forces arrived .\n"


def _edit(rule, category="idiom", pass_name="phrases", text="xx"):
    return Edit(0, len(text), text, ("y",), rule, category, Tier.SUGGEST, "m", pass_name=pass_name)


def test_codes_accept_kebab_and_snake_case_and_commas():
    assert codes(["Word_Choice, vi.", "idiom"]) == ("word-choice", "vi.", "idiom")


def test_prefix_category_pack_and_pass_match():
    e = _edit("vi.ball-in-our-yard")
    assert not Selection.of(ignore="vi.").keeps(e)
    assert not Selection.of(ignore="vi.ball").keeps(e)
    assert not Selection.of(ignore="idiom").keeps(e)
    assert not Selection.of(ignore="phrases").keeps(e)
    assert not Selection.of(ignore="vi-idioms").keeps(e, "vi-idioms")
    assert Selection.of(ignore="zh.").keeps(e)
    assert Selection.of(select="vi.").keeps(e) and not Selection.of(select="zh.").keeps(e)


def test_the_more_specific_code_wins():
    e = _edit("vi.ball-in-our-yard")
    assert Selection.of(select="vi.ball-in-our-yard", ignore="idiom").keeps(e)
    assert not Selection.of(select="idiom", ignore="vi.ball").keeps(e)


def test_languagetool_ids_match_without_their_prefix():
    e = _edit("LT:EN_A_VS_AN", "grammar", "grammar")
    assert not Selection.of(ignore="en-a-vs-an").keeps(e)


def _rules_found(opts: CleanOptions, text: str = TEXT, name: str = "a.txt") -> set[str]:
    return {fe.rule_id for fe in clean_document(text, filename=name, options=opts).edits}


def test_options_select_and_ignore_reach_the_cleaner():
    base = _rules_found(CleanOptions(grammar=False))
    assert any(r.startswith("vi.") for r in base) and any(r.startswith("punctuation.") for r in base)
    assert not any(r.startswith("vi.") for r in _rules_found(CleanOptions(grammar=False, ignore=["vi."])))
    only = _rules_found(CleanOptions(grammar=False, select="spacing"))
    assert only and all(r.startswith("punctuation.") for r in only)


def test_an_ignored_auto_edit_is_not_applied():
    res = clean_document(TEXT, filename="a.txt", options=CleanOptions(grammar=False, ignore=["vi."]))
    assert b"functional forces" in res.output and b"arrived." in res.output


def test_cli_select_ignore_and_ignore_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.txt").write_text(TEXT)
    r = CliRunner().invoke(cli, ["check", "--no-grammar", "--ignore", "vi.", "--format", "json", "a.txt"])
    ids = {e["rule_id"] for e in json.loads(r.output)["edits"]}
    assert ids and not any(i.startswith("vi.") for i in ids)
    (tmp_path / "ignore.txt").write_text("# project false positives\nspacing\nvi. The functional forces\n")
    r = CliRunner().invoke(cli, ["check", "--no-grammar", "--ignore-file", "ignore.txt", "a.txt"])
    assert r.exit_code == 0, r.output
    (tmp_path / "b.txt").write_text("Other functional forces came .\n")
    r = CliRunner().invoke(cli, ["check", "--no-grammar", "--ignore-file", "ignore.txt", "--format", "json", "b.txt"])
    assert any(e["rule_id"].startswith("vi.") for e in json.loads(r.output)["edits"])  # other text: still found


def test_tool_mtclean_select_in_kebab_case(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.txt").write_text(TEXT)
    (tmp_path / ".ignore-list").write_text("vi.\n")
    (tmp_path / "pyproject.toml").write_text('[tool.mtclean]\nselect = ["vi.", "spacing"]\nignore-file = ".ignore-list"\n')
    r = CliRunner().invoke(cli, ["check", "--no-grammar", "--format", "json", "a.txt"])
    ids = {e["rule_id"] for e in json.loads(r.output)["edits"]}
    assert ids and all(i.startswith("punctuation.") for i in ids)


MD = """# Title

<!-- mtclean: ignore vi. -->
The functional forces arrived .

The functional forces left .

<!-- mtclean-disable -->
The functional forces came back .
<!-- mtclean-enable -->

The functional forces stayed .
"""


def test_markdown_inline_ignore_and_disable_enable():
    res = clean_document(MD, filename="a.md", options=CleanOptions(grammar=False))
    by_line = {(fe.line, fe.rule_id.split(".")[0]) for fe in res.edits}
    assert (4, "punctuation") in by_line and (4, "vi") not in by_line
    assert (6, "vi") in by_line
    assert not any(line == 9 for line, _ in by_line)
    assert (12, "vi") in by_line
    out = res.output.decode()
    assert "The functional forces arrived." in out and "The functional forces came back ." in out


def test_html_disable_enable():
    html = ("<html><body><!-- mtclean-disable spacing --><p>The functional forces arrived .</p>"
            "<!-- mtclean-enable -->\n<p>The functional forces left .</p></body></html>")
    res = clean_document(html, filename="a.html", options=CleanOptions(grammar=False))
    assert {(fe.line, fe.category) for fe in res.edits if fe.category == "spacing"} == {(2, "spacing")}


def test_po_translator_comment():
    po = ('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
          '# mtclean: ignore vi.the-functional-forces\nmsgid "a"\nmsgstr "The functional forces arrived ."\n\n'
          'msgid "b"\nmsgstr "The functional forces left ."\n')
    res = clean_document(po, filename="a.po", options=CleanOptions(grammar=False))
    vi = [fe for fe in res.edits if fe.rule_id.startswith("vi.")]
    assert len(vi) == 1 and "'b'" in vi[0].segment


def test_xliff_note():
    x = ('<?xml version="1.0" encoding="UTF-8"?>\n<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">'
         '<file source-language="vi" target-language="en" datatype="plaintext" original="x"><body>\n'
         '<trans-unit id="1">\n<source>x</source>\n<target>The functional forces arrived .</target>\n'
         '<note>mtclean: ignore vi.</note>\n</trans-unit>\n<trans-unit id="2">\n<source>y</source>\n'
         '<target>The functional forces left .</target>\n</trans-unit>\n</body></file></xliff>\n')
    res = clean_document(x, filename="a.xlf", options=CleanOptions(grammar=False))
    vi = [fe for fe in res.edits if fe.rule_id.startswith("vi.")]
    assert len(vi) == 1 and "unit 2" in vi[0].segment


@pytest.mark.parametrize("args, expect", [
    (["rules", "list", "--lang", "vi"], "vi.ball-in-our-yard"),
    (["rules", "search", "yard"], "vi.ball-in-our-yard"),
    (["rules", "show", "vi.ball-in-our-yard"], "The ball is in our court"),
])
def test_rules_command(args, expect):
    r = CliRunner().invoke(cli, args)
    assert r.exit_code == 0, r.output
    assert expect in r.output


def test_rules_list_lang_filters_and_show_unknown_fails():
    r = CliRunner().invoke(cli, ["rules", "list", "--lang", "vi", "--format", "json"])
    rules = json.loads(r.output)
    assert rules and all("vi" in x["langs"] for x in rules)
    assert all({"bad", "ok"} & set(ex) for x in rules for ex in x["examples"])
    r = CliRunner().invoke(cli, ["rules", "show", "vi.no-such-rule"])
    assert r.exit_code == 2 and "no rule" in r.output


def test_api_options_select_and_ignore(client):
    text = "The functional forces arrived ."
    ignored = client.post("/v1/check", json={"text": text, "options": {"ignore": ["vi."]}}).get_json()
    assert ignored["edits"] and not any(e["rule_id"].startswith("vi.") for e in ignored["edits"])
    selected = client.post("/v1/check", json={"text": text, "options": {"select": ["vi."]}}).get_json()
    assert selected["edits"] and all(e["rule_id"].startswith("vi.") for e in selected["edits"])


PO_FLAGS = ('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
            '# mtclean: ignore l10n.placeholder-missing\nmsgid "Có %s tệp."\nmsgstr "There are files."\n\n'
            'msgid "Có %d người."\nmsgstr "There are people."\n')


def test_file_level_checks_follow_ignores_too():
    res = clean_document(PO_FLAGS, filename="a.po", options=CleanOptions(grammar=False))
    flagged = [fe for fe in res.edits if fe.rule_id == "l10n.placeholder-missing"]
    assert len(flagged) == 1 and "người" in flagged[0].segment  # the first entry's comment silences it there
    res = clean_document(PO_FLAGS, filename="a.po", options=CleanOptions(grammar=False, ignore=["l10n."]))
    assert not any(fe.rule_id.startswith("l10n.") for fe in res.edits)
    assert res.suggestions == sum(1 for fe in res.edits if not fe.applied)
