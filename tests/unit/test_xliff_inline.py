"""XLIFF targets with inline tags (service.formats.inline): phrases that cross <pc>, <mrk>, <ph/>, <g>, <x/>
are found; a fix keeps the tags in valid places (read back with translate-toolkit), or is offered as a
suggestion when it cannot place them."""
from __future__ import annotations

import pytest
import regex
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree
from translate.storage import xliff as ttxliff
from translate.storage import xliff2

from service.engine.options import CleanOptions
from service.formats import inline
from service.formats.document import clean_document

AUTO = CleanOptions(grammar=False)
ALL = CleanOptions(grammar=False, apply="all")
NS2 = "urn:oasis:names:tc:xliff:document:2.0"


def xliff2_doc(*targets: str) -> str:
    units = "".join(f'<unit id="u{k}"><segment><source>nguồn</source><target>{t}</target></segment></unit>\n'
                    for k, t in enumerate(targets, start=1))
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<xliff version="2.0" xmlns="{NS2}" srcLang="vi" trgLang="en">'
            f'<file id="f1">\n{units}</file></xliff>\n')


def xliff12_doc(*targets: str) -> str:
    units = "".join(f'<trans-unit id="t{k}"><source>nguồn</source><target>{t}</target></trans-unit>\n'
                    for k, t in enumerate(targets, start=1))
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">'
            f'<file source-language="vi" target-language="en" datatype="plaintext" original="x"><body>\n{units}'
            '</body></file></xliff>\n')


def _targets2(data: bytes) -> list[str]:
    """The written targets' XML (tags and text) as translate-toolkit's XLIFF 2 store holds them."""
    store = xliff2.Xliff2File.parsestring(data)
    out = []
    for unit in store.units:
        target = unit.xmlelement.find(f".//{{{NS2}}}target")
        out.append(etree.tostring(target, encoding="unicode", with_tail=False).split(">", 1)[1].rsplit("</", 1)[0]
                   .replace(f' xmlns="{NS2}"', ""))
    return out


def test_phrase_across_a_pc_is_found_and_fixed_with_the_tag_on_the_new_word():
    res = clean_document(xliff2_doc('The functional <pc id="1">forces</pc> arrived.'), filename="a.xlf", options=ALL)
    store = xliff2.Xliff2File.parsestring(res.output)
    assert store.units[0].target == "The authorities arrived."  # the text is fixed
    assert _targets2(res.output) == ['The <pc id="1">authorities</pc> arrived.']  # the tag survives
    (fe,) = [fe for fe in res.edits if fe.rule_id.startswith("vi.")]
    assert fe.applied and fe.edit.original == "The functional forces"
    assert fe.in_file is not None and fe.in_file.original == 'The functional <pc id="1">forces'


def test_auto_fix_across_an_annotation_is_applied_and_keeps_the_mrk():
    res = clean_document(xliff2_doc('Now the ball is in our <mrk id="m1" type="term">yard</mrk>.'), filename="a.xlf",
                         options=AUTO)
    assert xliff2.Xliff2File.parsestring(res.output).units[0].target == "Now the ball is in our court."
    assert _targets2(res.output) == ['Now the ball is in our <mrk id="m1" type="term">court</mrk>.']
    assert [fe.applied for fe in res.edits if fe.rule_id == "vi.ball-in-our-yard"] == [True]


def test_tags_inside_the_kept_words_stay_where_they_were():
    doc = xliff2_doc('They came to <pc id="1">the</pc> crater of <sc id="2"/>war<ec startRef="2"/> again.')
    res = clean_document(doc, filename="a.xlf", options=AUTO)
    assert _targets2(res.output) == ['They came to <pc id="1">the</pc> brink of <sc id="2"/>war<ec startRef="2"/> again.']


def test_nested_tags_across_a_phrase_stay_nested():
    doc = xliff2_doc('The functional <pc id="1"><pc id="2">forces</pc></pc> arrived.')
    res = clean_document(doc, filename="a.xlf", options=ALL)
    assert _targets2(res.output) == ['The <pc id="1"><pc id="2">authorities</pc></pc> arrived.']


def test_xliff12_g_and_x_are_kept_and_read_back_by_translate_toolkit():
    doc = xliff12_doc('The two countries were on the <g id="1">crater</g> of<x id="2"/> war.')
    res = clean_document(doc, filename="a.xlf", options=AUTO)
    store = ttxliff.xlifffile.parsestring(res.output)
    assert store.units[0].target == "The two countries were on the brink of war."
    assert 'on the <g id="1">brink</g> of<x id="2"/> war.</target>' in res.output.decode()
    assert [fe.applied for fe in res.edits if fe.rule_id == "vi.crater-of-war"] == [True]


def test_a_fix_that_cannot_place_a_tag_is_only_suggested_and_keeps_the_tag():
    doc = xliff2_doc('The two countries were on the cra<pc id="1">ter</pc> of war.')  # a tag inside the changed word
    res = clean_document(doc, filename="a.xlf", options=ALL)
    assert res.output == doc.encode()  # nothing applied
    (fe,) = [fe for fe in res.edits if fe.rule_id == "vi.crater-of-war"]
    assert not fe.applied and fe.edit.replacements == ("brink of war",)
    assert fe.in_file is not None and fe.in_file.replacements == ('brink of war<pc id="1"></pc>',)  # tags kept, in order
    etree.fromstring(doc.replace(fe.in_file.original, fe.in_file.replacements[0]).encode())  # still well-formed


def test_a_placeholder_that_stands_for_a_word_stays_in_the_text():
    doc = xliff2_doc('Hello <ph id="1"/>, welcome back to <ph id="2"/>  today.')
    res = clean_document(doc, filename="a.xlf", options=ALL)
    assert _targets2(res.output) == ['Hello <ph id="1"/>, welcome back to <ph id="2"/> today.']  # no " ," to fix
    assert [fe.edit.original for fe in res.edits if fe.category == "spacing"] == ["  "]


def test_a_phrase_across_a_placeholder_is_fixed_word_for_word():
    res = clean_document(xliff2_doc('The functional <ph id="1"/>forces arrived.'), filename="a.xlf", options=ALL)
    assert _targets2(res.output) == ['The <ph id="1"/>authorities arrived.']


def test_content_marked_not_to_translate_is_never_edited():
    doc = xliff2_doc('Quote: <mrk id="m1" translate="no">the ball is in our yard</mrk>.')
    res = clean_document(doc, filename="a.xlf", options=ALL)
    assert res.output == doc.encode() and not [fe for fe in res.edits if fe.rule_id == "vi.ball-in-our-yard"]


def test_line_and_column_of_a_finding_after_tags_are_the_files():
    doc = xliff2_doc('<pc id="1">Now</pc> the <ph id="2"/>ball is in our yard.')
    res = clean_document(doc, filename="a.xlf", options=AUTO)
    (fe,) = [fe for fe in res.edits if fe.rule_id == "vi.ball-in-our-yard"]
    line = doc.splitlines()[fe.line - 1]
    assert line[fe.column - 1:].startswith("ball is in our yard")
    assert fe.segment.startswith("unit u1")


@pytest.mark.parametrize(("raw", "phrase", "replacement", "expected", "placed"), [
    ('functional <pc id="1">forces</pc>', "functional forces", "the authorities", 'the <pc id="1">authorities', True),
    ('<g id="1">functional</g> forces', "functional forces", "police", 'police</g>', True),  # closes the first word
    ('a functional <pc id="1">forces</pc>', "a functional forces", "the authorities", 'the <pc id="1">authorities',
     True),  # opens the last word
    ('crater <x id="1"/>of war', "crater of war", "brink of war", 'brink <x id="1"/>of war', True),
    ('cra<pc id="1">ter of war', "crater of war", "brink of war", 'brink of war<pc id="1">', False),
    ('one <pc id="1">two</pc> three', "one two three", "four", 'four<pc id="1"></pc>', False),
    ('A &amp; <pc id="1">B</pc>', "A &amp; B", "A &amp; C", 'A &amp;amp; <pc id="1">C', True),
])
def test_fit_places_tags_word_for_word_or_says_it_cannot(raw, phrase, replacement, expected, placed):
    v = inline.view(raw)
    start = v.text.index(phrase)
    out, ok = inline.fit(v, start, start + len(phrase), replacement, lambda s: s.replace("&", "&amp;"))
    assert (out, ok) == (expected, placed)
    a, b = v.span(start, start + len(phrase))
    assert raw[:a] + out + raw[b:]  # what the file gets
    if placed:  # the tags are all kept, in order
        kept = [t.raw for t in v.tags]
        written = raw[:a] + out + raw[b:]
        assert [w for w in kept if w in written] == kept


def test_view_takes_codes_out_and_keeps_entities_and_protected_content():
    v = inline.view('A <pc id="1">b</pc><ph id="2"/>&amp; <x id="3"/> <mrk id="m" translate="no">x</mrk><!-- c -->')
    assert v.text == 'A b&amp; <x id="3"/> <mrk id="m" translate="no">x</mrk>'
    assert [t.kind for t in v.tags] == ["code", "code", "ph", "code"]  # the glued <ph/> is taken out
    assert [v.text[a:b] for a, b in v.protected] == ["&amp;", '<x id="3"/>', '<mrk id="m" translate="no">x</mrk>']


_TAGS = ['<pc id="1">', "</pc>", '<ph id="2"/>', '<sc id="3"/>', '<ec startRef="3"/>', '<mrk id="m" type="term">',
         "</mrk>", '<g id="4">', "</g>", '<x id="5"/>']


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["the", "functional", "forces", "ball", "yard", "a", "&amp;"]),
                          st.lists(st.sampled_from(_TAGS), max_size=2)), min_size=1, max_size=8),
       st.data())
def test_fit_never_loses_or_reorders_a_tag_and_writes_the_replacement_text(words, data):
    raw = " ".join("".join(tags) + w for w, tags in words)
    v = inline.view(raw)
    start = data.draw(st.integers(0, len(v.text)))
    end = data.draw(st.integers(start, len(v.text)))
    if any(a < end and start < b for a, b in v.protected):
        return  # protected text is never edited
    replacement = data.draw(st.sampled_from(["", "the authorities", "court", v.text[start:end], "x y z"]))
    out, _placed = inline.fit(v, start, end, replacement, lambda s: s)
    a, b = v.span(start, end)
    written = raw[:a] + out + raw[b:]
    tag = regex.compile(r"<[^<>]+>")
    assert tag.findall(written) == tag.findall(raw)  # every tag, in order
    if _placed:  # the text is the replacement's, tags aside
        assert tag.sub("", written) == tag.sub("", v.text[:start] + replacement + v.text[end:])
