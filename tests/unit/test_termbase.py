"""Termbases in CSV and TBX (service.core.termbase), used by --termbase for names and preferred terms."""
from __future__ import annotations

import json

from click.testing import CliRunner

from service.cli.main import cli
from service.core.termbase import load_termbase
from service.engine.options import CleanOptions
from service.formats.document import clean_document

CSV = """forbidden,preferred,source,note
functional forces|competent forces,the authorities,lực lượng chức năng,police and other agencies
,Kataib Hezbollah,Kataib Hezbollah,a militia
"""
TBX = """<?xml version="1.0" encoding="UTF-8"?>
<martif type="TBX-Basic" xml:lang="en">
<text><body>
<termEntry id="c1">
  <descrip type="definition">the competent authorities</descrip>
  <langSet xml:lang="vi"><tig><term>lực lượng chức năng</term></tig></langSet>
  <langSet xml:lang="en">
    <tig><term>the authorities</term><termNote type="administrativeStatus">preferredTerm-admn-sts</termNote></tig>
    <tig><term>functional forces</term><termNote type="administrativeStatus">deprecatedTerm-admn-sts</termNote></tig>
  </langSet>
</termEntry>
<termEntry id="c2"><langSet xml:lang="en"><tig><term>Kataib Hezbollah</term></tig></langSet></termEntry>
</body></text></martif>
"""
TBX3 = """<?xml version="1.0" encoding="UTF-8"?>
<tbx type="TBX-Core" style="dca" xml:lang="en" xmlns="urn:iso:std:iso:30042:ed-2">
<text><body>
<conceptEntry id="c1">
  <langSec xml:lang="vi"><termSec><term>lực lượng chức năng</term></termSec></langSec>
  <langSec xml:lang="en">
    <termSec><term>the authorities</term></termSec>
    <termSec><term>functional forces</term><termNote type="administrativeStatus">deprecatedTerm-admn-sts</termNote></termSec>
  </langSec>
</conceptEntry>
</body></text></tbx>
"""


def _kinds(tb):
    return {(t.kind, t.text, t.preferred) for t in tb.terms}


def test_csv_with_header(tmp_path):
    p = tmp_path / "terms.csv"
    p.write_text(CSV, encoding="utf-8")
    tb = load_termbase(p)
    assert {("forbidden", "functional forces", "the authorities"), ("forbidden", "competent forces", "the authorities"),
            ("pair", "lực lượng chức năng", "the authorities")} <= _kinds(tb)
    assert "Kataib Hezbollah" in tb.names and "the authorities" not in tb.names


def test_csv_without_header(tmp_path):
    p = tmp_path / "terms.csv"
    p.write_text("lực lượng chức năng,the authorities\nfunctional forces -> the authorities\nKataib Hezbollah\n",
                 encoding="utf-8")
    assert {("pair", "lực lượng chức năng", "the authorities"), ("forbidden", "functional forces", "the authorities"),
            ("pair", "", "Kataib Hezbollah")} == _kinds(load_termbase(p))


def test_tbx_basic_and_tbx_v3(tmp_path):
    for name, text in (("basic.tbx", TBX), ("v3.tbx", TBX3)):
        p = tmp_path / name
        p.write_text(text, encoding="utf-8")
        kinds = _kinds(load_termbase(p))
        assert ("forbidden", "functional forces", "the authorities") in kinds, name
        assert ("pair", "lực lượng chức năng", "the authorities") in kinds, name
    p = tmp_path / "basic.tbx"
    assert "Kataib Hezbollah" in load_termbase(p).names


def test_termbase_flags_forbidden_terms_and_missing_terms(tmp_path):
    p = tmp_path / "terms.tbx"
    p.write_text(TBX, encoding="utf-8")
    src = tmp_path / "source.txt"
    src.write_text("Lực lượng chức năng đến.\n\nHọ đã đi.\n", encoding="utf-8")
    opts = CleanOptions.from_cli(no_grammar=True, termbase=p, source=src, passes="debris,punctuation,source,names")
    assert "Kataib Hezbollah" in opts.glossary
    res = clean_document("Functional forces arrived.\n\nThe police left.\n", filename="a.txt", options=opts)
    forb = [fe for fe in res.edits if fe.rule_id == "terms.forbidden"]
    assert forb and forb[0].edit.replacements == ("The authorities",) and not forb[0].applied
    assert not any(fe.rule_id == "terms.missing" for fe in res.edits if fe.line == 3)
    res2 = clean_document("The police arrived.\n\nThey left.\n", filename="a.txt", options=opts)
    assert [fe.line for fe in res2.edits if fe.rule_id == "terms.missing"] == [1]


def test_cli_termbase_csv(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "terms.csv").write_text(CSV, encoding="utf-8")
    (tmp_path / "a.txt").write_text("Officials said competent forces were there.\n")
    r = CliRunner().invoke(cli, ["check", "--no-grammar", "--termbase", "terms.csv", "--format", "json", "a.txt"])
    edits = json.loads(r.output)["edits"]
    hit = next(e for e in edits if e["rule_id"] == "terms.forbidden")
    assert hit["original"] == "competent forces" and hit["replacements"] == ["the authorities"]


def test_unreadable_termbase_is_an_error(tmp_path):
    r = CliRunner().invoke(cli, ["check", "--no-grammar", "--termbase", str(tmp_path / "none.csv"), "-"], input="x\n")
    assert r.exit_code != 0 and "termbase" in r.output


def test_termbase_pairs_checked_against_po_sources(tmp_path):
    p = tmp_path / "terms.csv"
    p.write_text(CSV, encoding="utf-8")
    po = ('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
          'msgid "Lực lượng chức năng đã đến."\nmsgstr "The police arrived."\n\n'
          'msgid "Lực lượng chức năng đã đi."\nmsgstr "The authorities left."\n')
    opts = CleanOptions.from_cli(no_grammar=True, termbase=p)
    res = clean_document(po, filename="vi.po", options=opts)
    missing = [fe for fe in res.edits if fe.rule_id == "terms.missing"]
    assert len(missing) == 1 and "đến" in missing[0].segment and not missing[0].applied
