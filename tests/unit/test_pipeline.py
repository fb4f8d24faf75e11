"""The pipeline end to end on the sample article and on hard text (no grammar pass)."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from service.core.offsets import Utf16Index
from service.engine.apply import apply_edits
from service.engine.pipeline import Cleaner
from service.reporting.report import to_json


@pytest.fixture(scope="module")
def cleaner():
    return Cleaner()


@pytest.fixture(scope="module")
def sample_result(cleaner, sample_text):
    return cleaner.clean(sample_text)


@pytest.mark.parametrize(
    "bad,good",
    [
        ("The campaign to kill Generalimimimani pushed", "The campaign to kill General Soleimani pushed"),
        ("as Generalimimimani's death rocked", "as General Soleimani's death rocked"),
        ("who met him. in Syria.", "who met him in Syria."),
        ("risk of conflict. with Iran.", "risk of conflict with Iran."),
        ("Abu Bakr al- Baghdadi", "Abu Bakr al-Baghdadi"),
        ("closer to the crater of war than", "closer to the brink of war than"),
        ("The ball is in our yard.", "The ball is in our court."),
        ("regional delegation forces", "regional proxy forces"),
        ("without causing human damage", "without causing casualties"),
        ("ambassador Swiss in Iran Markus Leitner", "Swiss ambassador to Iran Markus Leitner"),
    ],
)
def test_sample_artefacts_are_fixed(sample_text, sample_result, bad, good):
    assert bad in sample_text
    assert bad not in sample_result.cleaned
    assert good in sample_result.cleaned


@pytest.mark.parametrize("debris", ["\npost\n", "Photo: Fox", "Click on the image to see the beginning."])
def test_sample_debris_is_removed(sample_result, debris):
    assert debris not in sample_result.cleaned


@pytest.mark.parametrize(
    "name",
    ["Kataib Hezbollah", "Abu Mahdi al-Muhandis", "Abdul Reza Shahlai", "Markus Leitner", "Ali Alfoneh",
     "Nasrallah", "Mar-a-Lago", "Cham Wings Airlines", "MQ-9 Reaper", "6Q501", "Gina Haspel",
     "Robert C. O'Brien", "Brian H. Hook", "Javad Zarif", "Hassan Rouhani", "Benjamin Netanyahu"],
)
def test_sample_names_are_untouched(sample_text, sample_result, name):
    assert sample_text.count(name) == sample_result.cleaned.count(name)
    touched = [e for e in sample_result.edits if e.category == "garbled_name" and name in e.original]
    assert not touched


def test_sample_paragraph_structure_is_kept(sample_text, sample_result):
    removed = 2  # the "post" label line and the photo caption
    assert sample_result.cleaned.count("\n\n") == sample_text.count("\n\n") - removed
    assert sample_result.cleaned.endswith(sample_text[-20:])


def test_cleaning_twice_applies_nothing(cleaner, sample_result):
    again = cleaner.clean(sample_result.cleaned)
    assert again.applied == []
    assert again.cleaned == sample_result.cleaned


def test_reported_edits_reproduce_the_cleaned_text(sample_text, sample_result):
    assert apply_edits(sample_text, sample_result.applied).text == sample_result.cleaned


def test_apply_none_and_all(cleaner, sample_text, sample_result):
    assert cleaner.clean(sample_text, "none").cleaned == sample_text
    everything = cleaner.clean(sample_text, "all")
    assert len(everything.applied) >= len(sample_result.applied)


def test_source_lang_narrows_the_rules():
    everything = Cleaner()
    only_ru = Cleaner(source_langs=frozenset({"ru"}))
    assert 0 < len(only_ru.rules) < len(everything.rules)
    assert all("ru" in r.langs or "any" in r.langs for r in only_ru.rules)
    text = "It pushed them closer to the crater of war."
    assert "brink" not in only_ru.clean(text).cleaned
    assert "brink" in everything.clean(text).cleaned


def test_crlf_text_keeps_its_line_endings(cleaner):
    text = "He met him. in Syria.\r\n\r\npost\r\n\r\nThe ball is in our yard.\r\n"
    out = cleaner.clean(text).cleaned
    assert out == "He met him in Syria.\r\n\r\nThe ball is in our court.\r\n"


def test_json_offsets_in_both_units_with_emoji_and_cjk(cleaner):
    text = "😀 中文 😀😀 who met him. in Syria 🇻🇳 the ball is in our yard."
    data = to_json(cleaner.clean(text))
    encoded = text.encode("utf-16-le")
    assert data["schema_version"] and data["edits"]
    for e in data["edits"]:
        assert text[e["start"]:e["end"]] == e["original"]
        assert encoded[2 * e["start_utf16"]:2 * e["end_utf16"]].decode("utf-16-le") == e["original"]


# -- properties ----------------------------------------------------------------------------

FRAGMENTS = [
    "who met him. in Syria", "the crater of war", "The ball is in our yard.", "al- Baghdadi",
    "two  spaces", "word ,", "post", "Photo: Fox", "Generalimimimani", "General Soleimani",
    "Click on the image to see more.", "😀", "🇻🇳", "中文字", "עברית", "مرحبا", "https://x.org/a.b",
    "6Q501", "{name}", "\r\n", "\n\n", "\r\n\r\n", " ", ". ", ", ", "regional delegation forces",
]
texts = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=12)), max_size=25).map("".join)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=texts)
def test_property_edits_reproduce_cleaned_text_and_offsets_agree(cleaner, text):
    result = cleaner.clean(text)
    assert apply_edits(text, result.applied).text == result.cleaned
    index = Utf16Index(text)
    encoded = text.encode("utf-16-le", "surrogatepass")
    for e in result.edits:
        assert text[e.start:e.end] == e.original
        u0, u1 = index.to_utf16(e.start), index.to_utf16(e.end)
        assert encoded[2 * u0:2 * u1].decode("utf-16-le", "surrogatepass") == e.original


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=texts)
def test_property_cleaning_twice_changes_nothing(cleaner, text):
    once = cleaner.clean(text).cleaned
    assert cleaner.clean(once).cleaned == once


def test_a_chunk_cleaned_with_its_document_as_context_repairs_a_fused_title(cleaner):
    document = ("General Soleimani arrived. General Soleimani left.\n\n" * 3
                + "The campaign to kill Generalimimimani went on.\n")
    chunk = document[document.rindex("The campaign"):]
    alone = cleaner.clean(chunk)
    assert "Generalimimimani" in alone.cleaned  # nothing in the chunk itself names him
    with_context = cleaner.clean(chunk, context=document)
    assert "kill General Soleimani went on" in with_context.cleaned
