"""``CleanResult.harm_check`` (the do-no-harm check) in the report JSON, and merged when a
document is cleaned in chunks (a large file, a job split across workers)."""
from __future__ import annotations

import pytest

from service.engine import chunking
from service.engine.pipeline import Cleaner, CleanResult
from service.formats import cleaning
from service.reporting import report


@pytest.mark.parametrize("values, merged", [
    (["done", "done"], "done"),
    (["skipped", "skipped"], "skipped"),
    ([], "skipped"),
    (["done", "incomplete", "done"], "incomplete"),
    (["done", "skipped"], "incomplete"),  # a part was not checked
])
def test_harm_checks_of_the_parts_merge(values: list[str], merged: str) -> None:
    assert chunking.merge_harm_check(values) == merged


def test_the_report_json_says_whether_the_applied_edits_were_checked() -> None:
    result = Cleaner(passes=("punctuation",)).clean("Hello ,world.")
    assert report.to_json(result)["harm_check"] == "skipped"
    result.harm_check = "incomplete"
    assert report.to_json(result)["harm_check"] == "incomplete"


def test_a_large_text_cleaned_in_chunks_is_incomplete_when_one_chunk_is(monkeypatch) -> None:
    monkeypatch.setattr(cleaning, "LARGE_CHARS", 10)
    monkeypatch.setattr(cleaning, "chunk_bounds", lambda text: chunking.chunk_bounds(text, 10))
    text = "First paragraph here.\n\nSecond paragraph here.\n\nThird paragraph here.\n"
    calls: list[str] = []

    def engine(part: str, names: frozenset[str], context: frozenset[str] = frozenset()) -> CleanResult:
        calls.append(part)
        check = "incomplete" if len(calls) == 2 else "done"
        return CleanResult(part, part, [], [], [], {}, "auto", harm_check=check)

    result = cleaning.clean_text(text, engine)
    assert len(calls) == 3
    assert result.harm_check == "incomplete"
    assert report.to_json(result)["harm_check"] == "incomplete"


def test_a_job_joined_from_chunks_merges_their_harm_checks() -> None:
    from service.worker import tasks

    text = "One.\n\nTwo.\n"
    bounds = [(0, 6), (6, len(text))]
    parts = [report.to_json(CleanResult(text[a:b], text[a:b], [], [], [], {}, "auto", harm_check=c))
             for (a, b), c in zip(bounds, ("done", "done"))]
    assert tasks.merge_chunks(text, bounds, parts, "t")["harm_check"] == "done"
    parts[1]["harm_check"] = "incomplete"
    assert tasks.merge_chunks(text, bounds, parts, "t")["harm_check"] == "incomplete"
