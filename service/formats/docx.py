"""Word documents (``.docx``): each paragraph of the main document (tables included) is a
segment, read from its runs with python-docx.

Runs are kept: a change goes into the run it falls in, and one that spans runs goes into the
first of them (the later runs lose the replaced text).  A paragraph whose whole text a fix
removes (a stray ``post`` line) is removed when it holds nothing else.  Only the main document
part is rewritten; every other entry of the package is copied byte for byte, and a document
with nothing to fix comes back as it was.
"""
from __future__ import annotations

import io
import zipfile
from typing import Sequence

from service.core.model import Edit
from service.formats import MalformedFileError, Segment

PARAGRAPHS = True
BINARY = True

_NON_TEXT = ("drawing", "pict", "object", "fldChar", "instrText", "footnoteReference", "endnoteReference")


def _open(data: bytes, name: str):
    from docx import Document
    from docx.opc.exceptions import PackageNotFoundError

    try:
        return Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, SyntaxError) as exc:
        raise MalformedFileError(f"{name}: not a Word (.docx) document: {exc or type(exc).__name__}") from None


def _paragraphs(doc):
    """Each paragraph element with its own runs (not those of paragraphs nested in it)."""
    from docx.oxml.ns import qn

    p_tag, r_tag = qn("w:p"), qn("w:r")
    for p in doc.element.body.iter(p_tag):
        runs = [r for r in p.iter(r_tag) if next(r.iterancestors(p_tag)) is p]
        yield p, runs


def _run_text(r) -> str:
    return r.text


def extract(data: bytes, encoding: str | None = None, name: str = "input") -> list[Segment]:
    """Each paragraph with text."""
    doc = _open(data, name)
    out = []
    for k, (_p, runs) in enumerate(_paragraphs(doc), 1):
        text = "".join(_run_text(r) for r in runs)
        if text.strip():
            out.append(Segment(text, f"paragraph {k}"))
    return out


def _set_text(r, text: str) -> None:
    """Set a run's text, keeping its properties (a lone ``w:t`` is edited in place)."""
    from docx.oxml.ns import qn

    content = [c for c in r if c.tag != qn("w:rPr")]
    if len(content) == 1 and content[0].tag == qn("w:t") and "\t" not in text and "\n" not in text:
        t = content[0]
        t.text = text
        if text != text.strip():
            t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        return
    r.text = text


def _apply(runs, changes: Sequence[Edit]) -> list[str]:
    """The runs' new texts; a change spanning runs goes into the first one."""
    texts = [_run_text(r) for r in runs]
    bounds, pos = [], 0
    for t in texts:
        bounds.append((pos, pos + len(t)))
        pos += len(t)
    for c in sorted(changes, key=lambda c: (c.start, c.end), reverse=True):
        if c.start == c.end:  # an insertion goes to the run holding the character before it
            first = next((i for i, (a, b) in enumerate(bounds) if a < c.start <= b), 0)
        else:
            first = next(i for i, (a, b) in enumerate(bounds) if a <= c.start < b)
        last = max(first, next((i for i, (a, b) in enumerate(bounds) if a < c.end <= b), first))
        a0 = bounds[first][0]
        head = texts[first][:c.start - a0]
        if last == first:
            texts[first] = head + c.replacement + texts[first][c.end - a0:]
            continue
        texts[first] = head + c.replacement
        for i in range(first + 1, last):
            texts[i] = ""
        texts[last] = texts[last][c.end - bounds[last][0]:]
    return texts


def _removable(p) -> bool:
    from docx.oxml.ns import qn

    parent = p.getparent()
    if parent is None or parent.tag != qn("w:body"):
        return False
    return not any(el.tag in {qn(f"w:{t}") for t in _NON_TEXT} for el in p.iter())


def rebuild(data: bytes, edits: Sequence[Sequence[Edit]], encoding: str | None = None, name: str = "input") -> bytes:
    """The document with the changes made in its runs."""
    if not any(edits):
        return data
    doc = _open(data, name)
    paras = [(p, runs) for p, runs in _paragraphs(doc) if "".join(_run_text(r) for r in runs).strip()]
    if len(paras) != len(edits):
        raise ValueError(f"{len(edits)} edit lists for {len(paras)} segments")
    for (p, runs), mine in zip(paras, edits):
        if not mine:
            continue
        new = _apply(runs, mine)
        if not "".join(new) and _removable(p):
            p.getparent().remove(p)
            continue
        for r, old, text in zip(runs, (_run_text(r) for r in runs), new):
            if text != old:
                _set_text(r, text)
    part = doc.part
    partname = part.partname.lstrip("/")
    blob = part.blob
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w") as zout:
        for info in zin.infolist():
            zout.writestr(info, blob if info.filename == partname else zin.read(info))
    return out.getvalue()
