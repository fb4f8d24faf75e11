"""Document's paragraphs: built from the paragraph bounds, and answered without building them all."""
from __future__ import annotations

import random

import pytest

from service.core.document import PARAGRAPH_BREAK, Document, Paragraph
from tests.random_texts import random_texts

PIECES = ["word", "Post", " ", "\n", "\r", "\t", "\n\n", "\r\n", "  ", "\x0b", "\u3000", "\x1c", "é", "a b",
          "\n \n", "\n\t\n", "\r\n\r\n", "x", "\n\n\n", " \n"]


def _reference(text: str) -> list[tuple[int, int, str]]:
    """The paragraphs as the plain definition gives them: the pieces between breaks, line breaks
    at either end stripped, blank pieces dropped."""
    cuts = [0] + [x for m in PARAGRAPH_BREAK.finditer(text) for x in m.span()] + [len(text)]
    out = []
    for start, end in zip(cuts[::2], cuts[1::2]):
        piece = text[start:end]
        stripped = piece.strip("\r\n")
        if stripped.strip():
            start += len(piece) - len(piece.lstrip("\r\n"))
            out.append((start, start + len(stripped), stripped))
    return out


@pytest.mark.parametrize("seed", range(3))
def test_paragraphs_are_the_pieces_between_breaks(seed: int) -> None:
    seen = 0
    for text in random_texts(PIECES, seed, 400, 16):
        expected = _reference(text)
        doc = Document(text)
        assert [tuple(p) for p in doc.all_paragraphs] == expected
        seen += len(expected)
    assert seen > 100


@pytest.mark.parametrize("seed", range(3))
def test_paragraph_at_and_neighbours_before_and_after_all_paragraphs_are_built(seed: int) -> None:
    for text in random_texts(PIECES, 10 + seed, 200, 16):
        expected = [Paragraph(*p) for p in _reference(text)]
        lazy, built = Document(text), Document(text)
        assert built.all_paragraphs == expected
        for offset in range(-1, len(text) + 2):
            want = next((p for p in expected if p.start <= offset <= p.end), None)
            assert lazy.paragraph_at(offset) == want == built.paragraph_at(offset)
        for i, para in enumerate(expected):
            want = (expected[i - 1] if i else None, expected[i + 1] if i + 1 < len(expected) else None)
            assert lazy.neighbours(para) == want == built.neighbours(para)
        assert "all_paragraphs" not in lazy.__dict__  # answered from the bounds alone


def test_focus_keeps_the_paragraphs_touching_it() -> None:
    text = "One.\n\nTwo two.\n\n  Three.\r\n\r\nFour\n"
    doc = Document(text, focus=[(7, 8), (text.index("Four"), len(text))])
    assert [p.text for p in doc.paragraphs] == ["Two two.", "Four"]
    assert doc.ranges() == [(p.start, p.end) for p in doc.paragraphs]


def test_source_paragraphs_align_with_the_text() -> None:
    doc = Document("A.\n\nB.\n\n\nC.", source="a.\r\n\r\nb.\n \nc.\n")
    assert doc.source_aligned
    assert [doc.source_of(p).text for p in doc.all_paragraphs] == ["a.", "b.", "c."]  # type: ignore[union-attr]
    assert not Document("A.\n\nB.", source="a. b.").source_aligned


def test_a_paragraph_reads_as_before() -> None:
    para = Document("  Title\n\nBody text.").paragraph_at(3)
    assert para is not None and (para.start, para.end, para.text) == (0, 7, "  Title")
    with pytest.raises(AttributeError):
        para.start = 1  # type: ignore[misc]


@pytest.mark.parametrize("width", [1, 3, 10, 2000])
def test_a_re_check_finds_the_same_paragraphs_from_windows(width: int, monkeypatch: pytest.MonkeyPatch) -> None:
    from service.core import document

    monkeypatch.setattr(document, "_WINDOW", width)
    rnd = random.Random(width)
    windows = 0
    for text in random_texts(PIECES, 20 + width, 300, 16):
        expected = [Paragraph(*p) for p in _reference(text)]
        focus = [tuple(sorted((rnd.randint(-3, len(text) + 3), rnd.randint(-3, len(text) + 3))))
                 for _ in range(rnd.randint(1, 3))]
        doc = Document(text, focus=focus)  # type: ignore[arg-type]
        want = [p for p in expected if any(p.end >= lo and p.start <= hi for lo, hi in focus)]
        assert doc.paragraphs == want
        for para in want:
            i = expected.index(para)
            assert doc.neighbours(para) == (expected[i - 1] if i else None,
                                            expected[i + 1] if i + 1 < len(expected) else None)
        for offset in range(-1, len(text) + 2):
            assert doc.paragraph_at(offset) == next((p for p in expected if p.start <= offset <= p.end), None)
        windows += len(doc._windows)
    assert windows > 100  # answered from windows, not from the whole text


def test_paragraph_spans_are_those_of_the_paragraphs() -> None:
    for text in random_texts(PIECES, 7, 200, 16):
        spans = [(p[0], p[1]) for p in _reference(text)]
        assert Document(text).paragraph_spans() == spans
        built = Document(text)
        assert [(p.start, p.end) for p in built.all_paragraphs] == built.paragraph_spans() == spans
        if spans:
            focus = [(spans[-1][0], spans[-1][0])]
            assert Document(text, focus=focus).paragraph_spans() == [spans[-1]]  # type: ignore[arg-type]
