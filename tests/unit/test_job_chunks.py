"""A job split into chunks counts the document's names once (not once per chunk: that made a
job's time grow with the square of its size) and each chunk reads only its own bytes of the
stored text; the result is the in-process chunked cleaning, non-ASCII text included."""
from __future__ import annotations

import random

import pytest

from service.engine import chunking
from service.worker import tasks
from service.worker.store import text_key

PARAS = [
    "General Qassem Soleimani landed in Baghdad on Friday.",
    "Москва and Kyiv 🙂 traded accusations at the crater of war.",
    "The killing of Generalimimimani shook the region, officials said.",
    "Analysts in Tehran said the ball is in Washington's yard now. ½ of them agreed.",
    "Soleimani was the commander of the Quds Force for two decades — 20 years.",
    "Click here to read more. 日本語 text stays as it is.",
]


@pytest.fixture
def chunked_app(monkeypatch):
    monkeypatch.setenv("MTCLEAN_GRAMMAR", "off")
    from service.web.app import create_app
    from tests.conftest import fast_app_config

    app = create_app(fast_app_config(CHUNK_CHARS=300))
    app.config["TESTING"] = True
    app.extensions["mtclean_store"].heartbeat("eager@test")
    return app


def _text(seed: int, paragraphs: int = 40) -> str:
    rng = random.Random(seed)
    return "\n\n".join(rng.choice(PARAS) for _ in range(paragraphs))


def _expected(app, text: str) -> dict:
    options = {"source_lang": None, "apply": "auto", "passes": None, "glossary": None}
    with app.app_context():
        bounds = tasks.split_chunks(text, int(app.config["CHUNK_CHARS"]))
        parts = [tasks.clean_text(text[s:e], options, "text", context=text) for s, e in bounds]
        return tasks.merge_chunks(text, bounds, parts, "text")


def _submit(app, text: str) -> dict:
    client = app.test_client()
    r = client.post("/v1/jobs", json={"text": text})
    assert r.status_code in (200, 201, 202), r.json
    job = client.get(r.json["url"]).json
    assert job["state"] == "done", job
    return job


@pytest.mark.parametrize("seed", [1, 2])
def test_a_chunked_job_counts_the_names_once_and_gives_the_chunked_cleaning(chunked_app, monkeypatch, seed):
    text = _text(seed)
    expected = _expected(chunked_app, text)
    calls = []
    real = chunking.document_names
    monkeypatch.setattr(chunking, "document_names", lambda *a, **k: calls.append(1) or real(*a, **k))
    job = _submit(chunked_app, text)
    result = job["result"]
    assert result["chunks"] > 5
    assert len(calls) == 1  # before: once per chunk, over the whole text
    assert result["cleaned"] == expected["cleaned"] and result["cleaned"] != text
    assert [(e["start"], e["end"], e["rule_id"]) for e in result["edits"]] == [
        (e["start"], e["end"], e["rule_id"]) for e in expected["edits"]]


def test_byte_bounds_cut_the_utf8_text_where_the_chunks_are():
    for seed in range(20):
        text = "x" * seed + _text(seed)
        bounds = chunking.chunk_bounds(text, 120 + seed)
        raw = text.encode("utf-8")
        got = tasks.byte_bounds(text, bounds)
        assert len(got) == len(bounds) > 1
        assert [raw[a:b].decode("utf-8") for a, b in got] == [text[s:e] for s, e in bounds]


def test_a_chunk_of_an_expired_text_is_skipped_and_an_old_job_still_runs(chunked_app):
    store = chunked_app.extensions["mtclean_store"]
    text = _text(3)
    with chunked_app.app_context():
        store.create_job("old", text, "text", {}, 300)
        bounds = tasks.split_chunks(text, 300)
        # a job split by an earlier worker: no byte bounds, no names counted for it
        store.set_state("old", "running", chunks=bounds, progress_total=len(bounds))
        assert tasks.clean_chunk.run("old", 1) == "done"
        assert store.get_chunk("old", 1)["cleaned"] == tasks.clean_text(
            text[slice(*bounds[1])], {}, "text", context=text)["cleaned"]
        store.create_job("gone", text, "text", {}, 300)
        store.set_state("gone", "running", chunks=bounds, chunk_bytes=tasks.byte_bounds(text, bounds),
                        context_names=[], progress_total=len(bounds))
        store.redis.delete(text_key("gone"))
        assert store.get_text_range("gone", 0, 10) is None
        assert tasks.clean_chunk.run("gone", 0) == "skipped"


def test_joining_chunks_never_compares_the_whole_text(chunked_app, monkeypatch):
    """A chunk whose applied edits do not give its cleaned text (or that lists one change twice)
    is compared alone; the diff of the job is still right."""
    import difflib

    from service.reporting import diffing

    text = _text(5, 150)
    with chunked_app.app_context():
        bounds = tasks.split_chunks(text, 300)
        parts = [tasks.clean_text(text[s:e], {}, "text", context=text) for s, e in bounds]
    assert any(e["applied"] for e in parts[0]["edits"])
    first = next(e for e in parts[0]["edits"] if e["applied"])
    parts[0]["edits"].append(dict(first, rule_id="other.rule"))  # the same change from a second rule
    parts[1]["edits"] = [dict(e, applied=False) for e in parts[1]["edits"]]  # edits that do not explain it
    parts[1]["cleaned"] = parts[1]["cleaned"].replace("Baghdad", "Bagdad")
    sizes = []
    real = difflib.SequenceMatcher

    class Spy(real):
        def __init__(self, isjunk=None, a="", b="", autojunk=True):
            sizes.append(max(len(a), len(b)))
            super().__init__(isjunk, a, b, autojunk)

    monkeypatch.setattr(diffing.difflib, "SequenceMatcher", Spy)
    merged = tasks.merge_chunks(text, bounds, parts, "text")
    # lines of a chunk, or words of a changed line: never the ~300 lines of the whole text
    assert len(text.splitlines()) > 250 and sizes and max(sizes) < 100
    cleaned = merged["cleaned"]
    assert cleaned == "".join(p["cleaned"] for p in parts)
    # the unified diff, applied to the text, gives the joined cleaned text
    from tests.unit.test_diffing import _patch

    assert _patch(text, merged["diff"]["unified"]) == cleaned
