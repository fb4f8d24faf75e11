"""A chunk of a large text takes the names the whole text uses as protected, and as the
document's own names, not as a glossary's: a name is "repaired" toward one only with the evidence
a clean of the whole text would need (a chunked clean of 5 MB of MLQE-PE text auto-changed 335
names, "Yejong" -> "Sejong", "Garha" -> "Gatha", when they were glossary names)."""
from __future__ import annotations

import pytest

from service.engine import chunking, factory
from service.engine.pipeline import RULE_PASSES, Cleaner
from service.formats import cleaning

FIRST = ("King Sejong ruled for thirty years. Sejong founded the academy. The court of Sejong grew.\n\n"
         "Later the Gatha texts were read in Nepal, and the Gatha hymns spread.\n\n")
SECOND = ("Sejo became weak and Yejong became the eighth king.\n\n"
          "The storage of seedlings is made in Garha.\n\n")


@pytest.fixture
def small_chunks(monkeypatch):
    monkeypatch.setattr(cleaning, "LARGE_CHARS", 100)
    monkeypatch.setattr(cleaning, "chunk_bounds", lambda text: chunking.chunk_bounds(text, 100))


def _names(result) -> list[tuple[str, str, bool]]:
    taken = {e.key() for e in result.applied}
    return [(e.original, e.replacements[0], e.key() in taken) for e in result.edits if e.pass_name == "names"]


def test_a_chunk_repairs_names_as_a_whole_text_clean_does(small_chunks):
    cleaner = Cleaner(passes=RULE_PASSES)
    text = FIRST + SECOND
    assert [b[0] for b in cleaning.chunk_bounds(text)] == [0, len(FIRST)]  # the evidence in another chunk
    whole = cleaner.clean(text, "auto")
    chunked = cleaning.clean_text(text, factory.local_engine(cleaner, "auto"))
    assert chunked.cleaned == whole.cleaned
    assert "Yejong" in chunked.cleaned and "Garha" in chunked.cleaned
    assert [n for n in _names(chunked) if n[2]] == [n for n in _names(whole) if n[2]] == []


def test_the_names_of_other_chunks_stay_protected(small_chunks):
    """A name the whole text uses consistently is never changed in a chunk (it is in the
    chunk's glossary), though the chunk alone would not know it."""
    cleaner = Cleaner(passes=RULE_PASSES)
    text = ("Hassan Nasrallahh spoke first. Nasrallahh agreed. Hassan Nasrallahh left.\n\n"
            "Aides said Hassan Nasrallahh would return.\n\n")
    names = chunking.document_names(text)
    assert "Nasrallahh" in names
    c = factory.with_names(cleaner, frozenset(), names)
    assert c.context_names == names - cleaner.glossary and names <= c.glossary
    result = c.clean("Aides said Hassan Nasrallahh would return. Nasrallah did not.", "auto")
    assert "Nasrallahh" in result.cleaned


def test_a_glossary_or_source_name_stays_strong_evidence():
    cleaner = Cleaner(passes=RULE_PASSES)
    c = factory.with_names(cleaner, frozenset({"Sejong"}), frozenset({"Sejong", "Gatha"}))
    assert c.context_names == frozenset({"Gatha"})  # the glossary's word wins
    result = c.clean("Sejo became weak and Yejong became the eighth king.", "auto")
    assert "Sejong" in result.cleaned  # the glossary spells it: a one-letter slip is repaired
