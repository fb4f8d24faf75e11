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


def test_a_job_takes_the_names_of_the_document_it_is_a_chunk_of(app):
    """``options.context_names`` (what ``mtclean clean --via`` sends for a chunk of a large
    file): kept as they are, and no glossary's word for a name."""
    client = app.test_client()

    def cleaned(options: dict) -> str:
        r = client.post("/v1/jobs", json={"text": "Sejo became weak and Yejong became the eighth king. Kings "
                                                  "like Sejongg ruled.", "options": options})
        assert r.status_code in (200, 201, 202), r.json
        return client.get(r.json["url"]).json["result"]["cleaned"]

    as_context = cleaned({"context_names": ["Sejong", "Sejongg"]})
    assert "Yejong" in as_context and "Sejongg" in as_context  # protected, and no repair target
    assert "Yejong" not in cleaned({"glossary": ["Sejong"]})  # the glossary's spelling is
    bad = client.post("/v1/jobs", json={"text": "x", "options": {"context_names": [""]}})
    assert bad.status_code == 422


def test_clean_via_a_service_sends_a_chunks_document_names(app):
    from service.batch.remote import RemoteEngine
    from service.engine.options import CleanOptions
    from tests.service_fixtures import serve

    url, stop = serve(app)
    sent: list[dict] = []
    try:
        engine = RemoteEngine(url, CleanOptions(passes=RULE_PASSES))
        real = engine._call

        def spy(method, where, body=None):
            if body is not None:
                sent.append(body["options"])
            return real(method, where, body)

        engine._call = spy  # type: ignore[method-assign]
        text = "Sejo became weak and Yejong became the eighth king."
        assert "Yejong" in engine(text, frozenset(), frozenset({"Sejong"})).cleaned
        assert "Yejong" not in engine(text, frozenset({"Sejong"})).cleaned
    finally:
        stop()
    assert sent[0].get("context_names") == ["Sejong"] and "glossary" not in sent[0]
    assert sent[1].get("glossary") == ["Sejong"] and "context_names" not in sent[1]
