"""File formats translators use: only the translatable text is cleaned, markup and structure
come back byte-identical.

Each format module has ``extract(data, encoding=None) -> list[Segment]`` and
``rebuild(data, edits, encoding=None) -> bytes``, where ``edits[i]`` holds the engine's
:class:`~service.core.model.Edit` s for ``extract(data)[i]`` in that segment's coordinates.  A
text format also has ``mappers(text, data, name)``: where each segment's spans are in the
decoded file and how replacements are escaped; with it the edits are put in the file's
coordinates (:func:`file_edits`: what the API's review works on) and written by the one applier
(:func:`service.engine.apply.apply_edits`, :func:`rebuild_text`).  A module also says whether a whole segment may be removed
(``PARAGRAPHS``: a stray ``post`` paragraph in a text or a Word file may go; an empty subtitle
or translation may not) and whether it is a binary container (``BINARY``).

=========  ============================================================================
txt        the whole file, one segment
md         prose between code blocks; inline code, link targets, HTML, line prefixes protected
html       text between block-level tags; inline tags, entities, code/script/style protected
srt, vtt   each cue's text lines; numbers, timings and settings untouched
po, pot    each msgstr (msgid is the source), via polib
xliff/xlf  each unit's target (source kept), inline tags out of the text (formats.inline), via translate-toolkit
docx       each paragraph (runs kept; a fix spanning runs goes into the first run)
=========  ============================================================================
"""
from __future__ import annotations

import bisect
import codecs
import importlib
from dataclasses import dataclass, replace
from pathlib import Path
from types import ModuleType
from typing import Callable, Sequence

from service.core.model import Edit
from service.core.textio import DEFAULT_MAX_BYTES, decode
from service.engine.apply import apply_edits
from service.errors import MalformedFileError

__all__ = ["MalformedFileError"]  # the format modules raise it (defined in service.errors)


@dataclass(frozen=True)
class Segment:
    """One piece of translatable text: its text, the source it translates (bilingual formats)
    and where it is.  ``protected`` spans (relative to ``text``) are markup no edit may touch."""

    text: str
    locator: str
    source: str | None = None
    protected: tuple[tuple[int, int], ...] = ()
    #: where the text is in the file: ``(segment offset, line, column)`` anchors, sorted; from an
    #: anchor on, each newline of ``text`` is a new line of the file (empty: not known)
    places: tuple[tuple[int, int, int], ...] = ()

    def position(self, offset: int) -> tuple[int, int] | None:
        """1-based (line, column) in the file of ``text[offset]``, or None when not known."""
        if not self.places:
            return None
        k = max(0, bisect.bisect_right(self.places, (offset, 1 << 62, 0)) - 1)
        at, line, col = self.places[k]
        piece = self.text[at:offset]
        nl = piece.rfind("\n")
        if nl < 0:
            return line, col + len(piece)
        return line + piece.count("\n"), len(piece) - nl


# suffix -> module name
SUFFIXES: dict[str, str] = {
    ".txt": "txt", ".text": "txt",
    ".md": "md", ".markdown": "md",
    ".html": "html", ".htm": "html", ".xhtml": "html",
    ".srt": "srt", ".vtt": "vtt",
    ".po": "po", ".pot": "po",
    ".xliff": "xliff", ".xlf": "xliff",
    ".docx": "docx",
    ".tmx": "tmx", ".arb": "json",  # .json only when the format is given (--input-format json): not every JSON is i18n
}
NAMES = tuple(sorted(set(SUFFIXES.values())))


def format_name(path: str | Path, default: str | None = "txt") -> str | None:
    """The format of a file by its suffix (``default`` for an unknown one)."""
    return SUFFIXES.get(Path(path).suffix.lower(), default)


def get(name: str) -> ModuleType:
    """The module of a format."""
    if name not in NAMES:
        raise ValueError(f"unknown format {name!r}; formats are {', '.join(NAMES)}")
    return importlib.import_module(f"{__name__}.{name}")


# -- text codecs: decode, and encode back with the same byte-order mark ---------------------
_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))


@dataclass(frozen=True)
class TextCodec:
    """How a text file was encoded, so it can be written back the same way."""

    encoding: str
    bom: bytes = b""

    def encode(self, text: str) -> bytes:
        """The text in the file's encoding, with its byte-order mark."""
        return self.bom + text.encode(self.encoding)


def decode_text(data: bytes, name: str = "input", encoding: str | None = None,
                max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[str, TextCodec]:
    """Decode like :func:`service.core.textio.decode` and remember the encoding and BOM."""
    text = decode(data, name, encoding, max_bytes)
    return text, detect_codec(data, encoding)


def detect_codec(data: bytes, encoding: str | None = None) -> TextCodec:
    """The codec :func:`decode_text` would use for ``data`` (without decoding it)."""
    if encoding is None or encoding.replace("-", "").replace("_", "").lower() in ("utf8", "utf8sig"):
        for bom, enc in _BOMS:
            if data.startswith(bom):
                return TextCodec(enc, bom)
        return TextCodec("utf-8")
    return TextCodec(encoding)


#: maps a span of a segment to the span of the decoded file that holds it
Mapper = Callable[[int, int], tuple[int, int]]
Escape = Callable[[str], str] | None


def in_file(text: str, mappers: Sequence[Mapper], edits: Sequence[Sequence[Edit]], escape: Escape = None
            ) -> list[Edit]:
    """The segments' edits in the coordinates of the decoded file ``text``: each edit's span
    mapped to where the file holds it, its ``original`` the file's text there and its
    replacements escaped as the format writes them."""
    if len(mappers) != len(edits):
        raise ValueError(f"{len(edits)} edit lists for {len(mappers)} segments")
    out = []
    for mapper, es in zip(mappers, edits):
        fit = getattr(mapper, "fit", None)  # a mapper that writes replacements itself (XLIFF's inline tags)
        for e in es:
            start, end = mapper(e.start, e.end)
            if fit is not None:
                reps = fit(e.start, e.end, e.replacements)
            else:
                reps = tuple(escape(r) for r in e.replacements) if escape else e.replacements
            out.append(replace(e, start=start, end=end, original=text[start:end], replacements=reps))
    return out


def file_edits(fmt: str, data: bytes, edits: Sequence[Sequence[Edit]], encoding: str | None = None,
               name: str = "input") -> tuple[str, list[Edit]] | None:
    """The decoded file and the segments' edits in its coordinates (:func:`in_file`); None for a
    binary format (docx), whose text is not one string."""
    module = get(fmt)
    if module.BINARY:
        return None
    text, _codec = decode_text(data, name, encoding, len(data) + 1)
    mappers, escape = module.mappers(text, data, name)
    return text, in_file(text, mappers, edits, escape)


def rebuild_text(module: ModuleType, data: bytes, edits: Sequence[Sequence[Edit]], encoding: str | None = None,
                 name: str = "input") -> bytes:
    """A text format's ``rebuild``: the edits mapped into the file and written by the engine's
    one applier (:func:`service.engine.apply.apply_edits`); the bytes as they were when none."""
    if not any(edits):
        return data
    text, codec = decode_text(data, name, encoding, len(data) + 1)
    mappers, escape = module.mappers(text, data, name)
    return codec.encode(apply_edits(text, in_file(text, mappers, edits, escape)).text)


@dataclass(frozen=True)
class Slice:
    """A segment that is a slice ``[start, end)`` of the decoded file."""

    start: int
    end: int
    locator: str
    protected: tuple[tuple[int, int], ...] = ()
    source: str | None = None


def slices_to_segments(text: str, slices: list[Slice]) -> list[Segment]:
    """Segments of the slices' text (with where each starts in the file)."""
    starts = line_starts(text)
    return [Segment(text[s.start:s.end], s.locator, s.source, s.protected, (place(starts, s.start),))
            for s in slices]


def place(starts: list[int], offset: int, at: int = 0) -> tuple[int, int, int]:
    """The anchor ``(at, line, column)`` of a file offset, given where the file's lines start."""
    line = line_of(starts, offset)
    return at, line, offset - starts[line - 1] + 1


class SliceFormat:
    """A text format whose translatable parts are slices of the decoded file (md, html, srt,
    vtt): ``extract`` and ``rebuild`` both come from one ``slicer(text, name)``."""

    def __init__(self, slicer: Callable[[str, str], list[Slice]], escape: Callable[[str], str] | None = None):
        self.slicer = slicer
        self.escape = escape

    def extract(self, data: bytes, encoding: str | None = None, name: str = "input") -> list[Segment]:
        """The text of each slice."""
        text, _ = decode_text(data, name, encoding, len(data) + 1)
        return slices_to_segments(text, self.slicer(text, name))

    def mappers(self, text: str, data: bytes, name: str = "input") -> tuple[list[Mapper], Escape]:
        """Where each slice's spans are in the file, and the escaping of replacements."""
        return [_shift(s.start) for s in self.slicer(text, name)], self.escape

    def rebuild(self, data: bytes, edits: Sequence[Sequence[Edit]], encoding: str | None = None,
                name: str = "input") -> bytes:
        """The file with each slice's edits applied (the bytes as they were when none)."""
        return rebuild_text(self, data, edits, encoding, name)  # type: ignore[arg-type]


def _shift(offset: int) -> Mapper:
    return lambda start, end: (offset + start, offset + end)


def line_of(starts: list[int], offset: int) -> int:
    """1-based line number of ``offset`` given the sorted offsets where lines start."""
    return bisect.bisect_right(starts, offset)


def line_starts(text: str) -> list[int]:
    """Offsets where lines start."""
    starts = [0]
    pos = text.find("\n")
    while pos >= 0:
        starts.append(pos + 1)
        pos = text.find("\n", pos + 1)
    return starts
