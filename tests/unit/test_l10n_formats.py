# ruff: noqa: E501
"""TMX and JSON i18n files, and the pofilter/Weblate-style source-target checks (service.passes.l10n).
Written TMX and XLIFF are read back with translate-toolkit."""
from __future__ import annotations

import json

import pytest
from translate.storage import tmx as tttmx
from translate.storage import xliff as ttxliff

from service.engine.options import CleanOptions
from service.formats.document import clean_document
from service.passes import l10n

OPTS = CleanOptions(grammar=False)

TMX = """<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4">
<header creationtool="t" creationtoolversion="1" segtype="sentence" o-tmf="t" adminlang="en" srclang="vi" datatype="plaintext"/>
<body>
<tu tuid="a1"><tuv xml:lang="vi"><seg>Quả bóng đang ở trong sân của chúng ta.</seg></tuv>
<tuv xml:lang="en"><seg>The ball is in our yard .</seg></tuv></tu>
<tu tuid="a2"><tuv xml:lang="vi"><seg>Có %s người <b>bị thương</b>.</seg></tuv>
<tuv xml:lang="en"><seg>There are  injured &lt;b&gt;people&lt;/b&gt;.</seg></tuv></tu>
<tu tuid="a3"><tuv xml:lang="vi"><seg>Xin chào</seg></tuv></tu>
</body>
</tmx>
"""


def test_tmx_english_segments_are_cleaned_and_read_back_by_translate_toolkit():
    res = clean_document(TMX, filename="memory.tmx", options=OPTS)
    store = tttmx.tmxfile.parsestring(res.output)
    targets = [u.target for u in store.units]
    assert targets[0] == "The ball is in our court."
    assert targets[1].startswith("There are injured")
    assert [u.source for u in store.units][0] == "Quả bóng đang ở trong sân của chúng ta."
    assert res.output.decode().count("<tu ") == 3  # the unit without English is kept as it was
    segs = {fe.segment.split(" (")[0] for fe in res.edits}
    assert segs <= {"tu a1", "tu a2"}
    assert any(fe.rule_id == "l10n.placeholder-missing" and fe.segment.startswith("tu a2") for fe in res.edits)


def test_tmx_broken_file_is_refused():
    from service.errors import MalformedFileError

    with pytest.raises(MalformedFileError):
        clean_document("<tmx><body><tu>", filename="x.tmx", options=OPTS)


I18N = {
    "app": {"title": "The functional forces arrived .", "items": "{count} items were  seized",
            "home": "https://example.org/home"},
    "list": ["The ball is in our yard.", "ok_key", 3, True, None],
    "The ball is in our yard .": "key with prose is never touched",
    "@title": {"description": "The ball is in our yard ."},
    "esc": "Say \"the ball is in our yard\" now \u00e9 .",
}


def test_json_values_only_keys_and_other_types_untouched():
    raw = json.dumps(I18N, ensure_ascii=False, indent=2)
    res = clean_document(raw, filename="en.json", format="json", options=OPTS)
    out = json.loads(res.output)
    assert set(out) == set(I18N) and set(out["app"]) == set(I18N["app"])
    assert out["app"]["title"] == "The functional forces arrived."
    assert out["app"]["items"] == "{count} items were seized"
    assert out["list"] == ["The ball is in our court.", "ok_key", 3, True, None]
    assert out["@title"] == I18N["@title"]  # ARB metadata
    assert out["The ball is in our yard ."] == I18N["The ball is in our yard ."]
    assert out["esc"] == "Say \"the ball is in our court\" now \u00e9."
    assert out["app"]["home"] == I18N["app"]["home"]
    assert {fe.segment for fe in res.edits} >= {"/app/title", "/list/0", "/esc"}


def test_json_escapes_and_arb_suffix():
    raw = '{"a": "Line one\\nThe ball is in our yard.\\t\\u00e9", "b": "\\ud83d\\ude00 The ball is in our yard."}'
    res = clean_document(raw, filename="app_en.arb", options=OPTS)
    out = json.loads(res.output)
    assert out == {"a": "Line one\nThe ball is in our court.\t\u00e9", "b": "\U0001F600 The ball is in our court."}
    assert res.output.decode().startswith('{"a": "Line one\\n')  # escapes kept as written


def test_a_plain_json_file_is_still_refused_without_the_format():
    from service.errors import UnsupportedFormat

    with pytest.raises(UnsupportedFormat):
        clean_document('{"a": "b"}', filename="data.json", options=OPTS)


@pytest.mark.parametrize("target, source, rule", [
    ("There are %s people.", "Có %d người.", "l10n.placeholder-missing"),
    ("{count} messages.", "{count} tin nhắn", "l10n.end-punctuation"),
    ("Click <b>here</b>.", "Nhấn vào đây.", "l10n.placeholder-added"),
    ("Save", "Save", "l10n.untranslated"),
    ("Are you sure.", "Bạn có chắc không?", "l10n.end-punctuation"),
])
def test_segment_checks(target, source, rule):
    assert rule in {e.rule_id for e in l10n.check(target, source)}


@pytest.mark.parametrize("target, source", [
    ("There are %d people.", "Có %d người."),
    ("Click <b>here</b>.", "Nhấn vào <b>đây</b>."),
    ("Are you sure?", "Bạn có chắc không？"),
    ("Hello", "Xin chào"),
])
def test_segment_checks_stay_quiet_on_good_pairs(target, source):
    assert l10n.check(target, source) == []


PO = ('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
      'msgid "Lưu tệp"\nmsgstr "Save the file"\n\n'
      'msgctxt "2"\nmsgid "Lưu tệp"\nmsgstr "Store the file"\n\n'
      'msgctxt "3"\nmsgid "Lưu tệp"\nmsgstr "Save the file"\n\n'
      'msgid "Có %s tệp."\nmsgstr "There are files."\n')


def test_po_inconsistent_translations_and_placeholders_are_suggestions():
    res = clean_document(PO, filename="vi.po", options=OPTS)
    inc = [fe for fe in res.edits if fe.rule_id == "l10n.inconsistent"]
    assert len(inc) == 1 and inc[0].edit.replacements == ("Save the file",) and not inc[0].applied
    assert any(fe.rule_id == "l10n.placeholder-missing" for fe in res.edits)
    assert res.output.decode() == PO  # suggestions only


def test_the_pass_runs_on_text_aligned_with_source():
    opts = CleanOptions(grammar=False, source="Có %s người.\n\nXin chào?\n")
    res = clean_document("There are people.\n\nHello\n", filename="a.txt", options=opts)
    assert {"l10n.placeholder-missing", "l10n.end-punctuation"} <= {fe.rule_id for fe in res.edits}


XLIFF2 = """<?xml version="1.0" encoding="UTF-8"?>
<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="vi" trgLang="en">
<file id="f1"><unit id="u1"><segment><source>Quả bóng</source><target>The ball is in our yard .</target></segment></unit></file>
</xliff>
"""
XLIFF1 = """<?xml version="1.0" encoding="UTF-8"?>
<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2"><file source-language="vi" target-language="en" datatype="plaintext" original="x"><body>
<trans-unit id="1"><source>Quả bóng đang ở trong sân của chúng ta.</source><target>The ball is in our yard .</target></trans-unit>
</body></file></xliff>
"""


def test_written_xliff_is_read_back_by_translate_toolkit():
    res = clean_document(XLIFF1, filename="a.xlf", options=OPTS)
    store = ttxliff.xlifffile.parsestring(res.output)
    assert [u.target for u in store.units if not u.isheader()] == ["The ball is in our court."]
    res2 = clean_document(XLIFF2, filename="a.xliff", options=OPTS)
    assert "<target>The ball is in our court.</target>" in res2.output.decode()
