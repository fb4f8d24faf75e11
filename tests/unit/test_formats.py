"""File formats: only the translatable text changes; markup and structure come back
byte-identical; a file with nothing to fix comes back byte-identical; bilingual files use their
source.  The engine runs without the grammar pass (no LanguageTool needed)."""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
import pytest

from service import formats
from service.core.model import Edit, Tier
from service.engine.factory import get_cleaner as build_cleaner
from service.engine.factory import local_engine
from service.engine.options import CleanOptions as Settings
from service.engine.pipeline import RULE_PASSES
from service.formats import MalformedFileError, Segment, bilingual
from service.formats.cleaning import clean_file

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "formats"
ARTEFACT_FILES = ["article.txt", "article.md", "article.html", "episode.srt", "episode.vtt", "messages.po",
                  "units.xliff"]
# text each cleaned file must contain, and markup/protected text it must keep as it was
FIXED = {
    "article.txt": ["General Soleimani who met him in Syria spoke with al-Baghdadi about the plan."],
    "article.md": ["# General Soleimani in Baghdad", "General Soleimani who met him in Syria spoke with al-Baghdadi",
                   "before you publish", "- a list item with two spaces"],
    "article.html": ["<title>General Soleimani in Baghdad</title>", "spoke with <b>al-Baghdadi</b> about",
                     "Tom &amp; Jerry went home."],
    "episode.srt": ["General Soleimani who met him in Syria\r\n", "<i>He spoke with al-Baghdadi today.</i>"],
    "episode.vtt": ["<v Narrator>General Soleimani who met him in Syria",
                    "<c.yellow>He spoke with al-Baghdadi today.</c>"],
    "messages.po": ['"General Soleimani who met him in Syria spoke with al-Baghdadi about "\n"the plan."',
                    '"Soleimani said so."', 'msgstr[1] "%d files"'],
    "units.xliff": ['General Soleimani who met him in Syria spoke with <g id="b1">al-Baghdadi</g> about the plan.'
                    '<x id="br1"/>',
                    'Soleimani said <ph id="p1">{name}</ph> so &amp; left.'],
}
KEPT = {
    "article.txt": [],
    "article.md": ['[plan](https://example.com/plan_a  "the  plan")', "`mtclean  clean`",
                   "mtclean clean  docs/   # two  spaces stay\npost\n```", "    indented  code stays",
                   '[ref]: https://example.com/x  "a  title"'],
    "article.html": ["<style>p  { margin: 0 }</style>", 'href="https://example.com/a  b" title="two  spaces"',
                     "<code>keep  this</code>", "<pre>keep  this  too</pre>", 'var s = "who met him. in Syria";'],
    "episode.srt": ["00:00:09,500 --> 00:00:11,000\r\n", "5\r\n00:00:11,500 --> 00:00:12,000\r\npost\r\n"],
    "episode.vtt": ["WEBVTT - a test  file", "NOTE who met him. in Syria  stays", "align:start  position:10%"],
    "messages.po": ['#~ msgstr "who met him. in Syria  old"', "#, fuzzy", '"Language: en\\n"'],
    "units.xliff": ["<alt-trans><target>who met him. in Syria  (a TM match, left alone)</target></alt-trans>",
                    '<source>Tướng <g id="b1">Soleimani</g> đã gặp ông ấy ở Syria.</source>'],
}


@pytest.fixture(scope="module")
def engine():
    return local_engine(build_cleaner(Settings(passes=RULE_PASSES)), "auto")


def _clean(path: Path, engine):
    return clean_file(path.read_bytes(), formats.format_name(path), engine, name=path.name)


@pytest.mark.parametrize("name", ARTEFACT_FILES)
def test_fixture_is_cleaned_and_otherwise_byte_identical(name, engine):
    path = FIXTURES / name
    result = _clean(path, engine)
    expected = (FIXTURES / f"{path.stem}.expected{path.suffix}").read_bytes()
    assert result.output == expected
    out = result.output.decode("utf-8")
    for snippet in FIXED[name]:
        assert snippet in out, snippet
    original = path.read_bytes().decode("utf-8")
    for snippet in KEPT[name]:
        assert snippet in original and snippet in out, snippet
    assert result.applied >= 4


@pytest.mark.parametrize("name", [n for n in ARTEFACT_FILES if not n.endswith(".po")])  # po: escaped text
def test_expected_fixture_differs_from_its_input_only_inside_segments(name):
    """Every byte outside the translatable segments is the same before and after."""
    path = FIXTURES / name
    module = formats.get(formats.format_name(path))
    before, after = path.read_bytes(), (FIXTURES / f"{path.stem}.expected{path.suffix}").read_bytes()
    a = before.decode()
    b = after.decode()
    skeleton_a, skeleton_b = a, b
    for seg in module.extract(before):  # an XLIFF target's text is its view without inline tags: use its raw XML
        skeleton_a = skeleton_a.replace(getattr(seg, "view", None) and seg.view.raw or seg.text, "\x00", 1)
    for seg in module.extract(after):
        skeleton_b = skeleton_b.replace(getattr(seg, "view", None) and seg.view.raw or seg.text, "\x00", 1)
    if name != "article.txt":  # a text file is all segment
        assert skeleton_a.count("\x00") >= 1
    if name not in ("article.md",):  # the md 'post' paragraph is removed with its segment break
        assert skeleton_a == skeleton_b


@pytest.mark.parametrize("name", sorted(p.name for p in FIXTURES.glob("clean.*")))
def test_file_with_nothing_to_fix_comes_back_byte_identical(name, engine):
    path = FIXTURES / name
    result = _clean(path, engine)
    assert result.output == path.read_bytes()
    assert not result.changed and result.applied == 0 and result.suggestions == 0


def test_docx_runs_are_kept_and_a_fix_spanning_runs_goes_into_the_first(engine):
    path = FIXTURES / "report.docx"
    result = _clean(path, engine)
    doc = docx.Document(io.BytesIO(result.output))
    paras = [[(r.text, r.bold, r.italic) for r in p.runs] for p in doc.paragraphs]
    assert paras[2] == [("General Soleimani", None, None), ("", True, None),
                        (" who met him in Syria spoke with ", None, None), ("al-Baghdadi", None, True),
                        (" about the plan.", None, None)]
    assert ["post"] not in [[t for t, *_ in p] for p in paras]  # the stray line is gone
    assert doc.tables[0].cell(0, 0).text == "Casualties: 5"
    assert doc.tables[0].cell(0, 1).text == "No change here."
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(io.BytesIO(result.output)) as zout:
        assert [i.filename for i in zin.infolist()] == [i.filename for i in zout.infolist()]
        changed = [i.filename for i in zin.infolist() if zin.read(i) != zout.read(i.filename)]
    assert changed == ["word/document.xml"]


def test_docx_styles_of_untouched_paragraphs_survive(engine):
    result = _clean(FIXTURES / "report.docx", engine)
    before = docx.Document(str(FIXTURES / "report.docx"))
    after = docx.Document(io.BytesIO(result.output))
    assert after.paragraphs[0].style.name == before.paragraphs[0].style.name == "Heading 1"


def test_source_names_repair_a_target_name_only_when_a_source_has_it(engine, tmp_path: Path):
    po = ('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
          'msgid "Nasrallah nói."\nmsgstr "Nasrallahlah said so."\n')
    result = clean_file(po.encode(), "po", engine)
    assert b'msgstr "Nasrallah said so."' in result.output
    plain = clean_file(b"Nasrallahlah said so.\n", "txt", engine)
    assert plain.output == b"Nasrallahlah said so.\n"  # no source: nothing to repair it to


def test_bilingual_flags_are_suggestions_never_applied(tmp_path: Path):
    eng = local_engine(build_cleaner(Settings(passes=RULE_PASSES)), "all")
    result = clean_file((FIXTURES / "messages.po").read_bytes(), "po", eng)
    flags = [e.to_dict() for e in result.edits if e.rule_id.startswith("bilingual.")]
    assert {e["rule_id"] for e in flags} == {"bilingual.number-mismatch", "bilingual.url-mismatch",
                                             "bilingual.untranslated"}
    assert all(e["category"] == "consistency" and e["tier"] == "suggest" and not e["applied"] for e in flags)
    out = result.output.decode()
    assert 'msgstr "There were 4 people killed in Baghdad."' in out
    assert 'msgstr "See https://example.com/news for more."' in out
    number = next(e for e in flags if e["original"] == "4")
    assert number["replacements"] == ["5"]


def test_nothing_is_flagged_from_the_source_side_without_a_source():
    assert bilingual.flags(Segment("There were 4 people at https://a.example", "cue 1")) == []
    assert bilingual.flags(Segment("Click the button to continue", "x", "Click the button to continue"))


def test_markup_inside_a_target_is_not_read_as_numbers():
    seg = Segment('There were <x id="7"/>5 people', "u", "Có 5 người", ((11, 22),))
    assert bilingual.flags(seg) == []


@pytest.mark.parametrize("fmt,data,words", [
    ("po", b'msgid "a"\nmsgstr "b\n', ["PO", "line 2"]),
    ("po", b'msgstr "orphan"\n', ["PO", "line 1"]),
    ("xliff", b'<xliff version="1.2"><file><body><trans-unit id="1"><source>a</source>', ["XLIFF"]),
    ("srt", b"1\n00:00:01,000 --> later\nhello\n", ["SubRip"]),
    ("vtt", b"00:01.000 --> 00:02.000\nhello\n", ["WEBVTT"]),
    ("docx", b"PK\x03\x04 not really a zip", ["Word"]),
])
def test_malformed_files_raise_a_clear_error(fmt, data, words):
    with pytest.raises(MalformedFileError) as err:
        formats.get(fmt).extract(data, name="bad")
    for w in words:
        assert w.lower() in str(err.value).lower()


def test_byte_order_mark_and_utf16_come_back(engine):
    text = "who met him. in Syria.\r\n"
    for data in (b"\xef\xbb\xbf" + text.encode(), "\ufeff".encode("utf-16-be") + text.encode("utf-16-be")):
        out = clean_file(data, "txt", engine).output
        assert out[:2] == data[:2]
        assert out.decode("utf-16" if data[0] == 0xFE else "utf-8-sig") == "who met him in Syria.\r\n"


@pytest.mark.parametrize(
    "fmt,data,text,change,want",
    [
        ("html", b"<p>Tom and Jerry</p>", "Tom and Jerry", (4, 7, "&"), b"<p>Tom &amp; Jerry</p>"),
        ("po", b'msgid "a"\nmsgstr ""\n"one "\n"two"\n', "one two", (0, 3, 'say "1"'),
         b'msgid "a"\nmsgstr ""\n"say \\"1\\" "\n"two"\n'),  # escaped, and the wrapping kept
    ],
)
def test_replacements_are_escaped_for_the_format(fmt, data, text, change, want):
    (seg,) = formats.get(fmt).extract(data)
    assert seg.text == text
    start, end, rep = change
    edit = Edit(start, end, text[start:end], (rep,), "test.rule", "word_choice", Tier.AUTO, "m", "test", "phrases")
    assert formats.get(fmt).rebuild(data, [(edit,)]) == want


def test_an_edit_never_empties_a_subtitle(engine):
    data = b"1\n00:00:01,000 --> 00:00:02,000\npost\n"
    result = clean_file(data, "srt", engine)
    assert result.output == data
    assert result.suggestions == 1 and result.applied == 0


def test_a_large_document_is_cleaned_in_chunks_with_the_same_result(engine, monkeypatch):
    from service.formats import cleaning

    body = (FIXTURES / "article.txt").read_bytes().replace(b"General Soleimani was met", b"He was met")
    data = body * 40
    whole = clean_file(data, "txt", engine)
    monkeypatch.setattr(cleaning, "LARGE_CHARS", 2000)
    monkeypatch.setattr(cleaning, "CHUNK_CHARS", 600)
    assert len(cleaning.chunk_bounds(data.decode(), 600)) > 5
    chunked = clean_file(data, "txt", engine)
    assert chunked.output == whole.output
    assert chunked.applied == whole.applied == 5 * 40
    assert chunked.suggestions == whole.suggestions and chunked.by_category == whole.by_category
    assert [(e.start, e.rule_id, e.applied) for e in chunked.edits] == \
        [(e.start, e.rule_id, e.applied) for e in whole.edits]
    bom = clean_file(b"\xef\xbb\xbf" + data, "txt", engine)  # a byte-order mark stays, once
    assert bom.output == b"\xef\xbb\xbf" + whole.output
