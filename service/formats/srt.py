"""SubRip subtitles (``.srt``): each cue's text lines; numbers and timings untouched.

The file is parsed with the ``srt`` package to reject a broken file; the cleaned text is put
back into the original bytes, so nothing else changes.
"""
from __future__ import annotations

from typing import Sequence

import srt as srtlib

from . import Fixed, MalformedFileError, Segment, decode_text, rebuild_slices, slices_to_segments
from ._cues import cue_slices

PARAGRAPHS = False
BINARY = False


def _slices(text: str, name: str):
    try:
        subs = [s for s in srtlib.parse(text) if s.content.strip()]
    except srtlib.SRTParseError as exc:
        raise MalformedFileError(f"{name}: not a valid SubRip file: {exc}") from None
    slices = cue_slices(text, name)
    mine = [text[s.start:s.end].replace("\r\n", "\n").strip() for s in slices]
    if mine != [s.content.replace("\r\n", "\n").strip() for s in subs]:
        raise MalformedFileError(f"{name}: the cues could not be read unambiguously; check the blank lines "
                                 "between cues")
    return slices


def extract(data: bytes, encoding: str | None = None, name: str = "input") -> list[Segment]:
    """The text of each cue."""
    text, _ = decode_text(data, name, encoding, len(data) + 1)
    return slices_to_segments(text, _slices(text, name))


def rebuild(data: bytes, fixes: Sequence[Fixed], encoding: str | None = None, name: str = "input") -> bytes:
    """The file with the cue text changes applied."""
    if not any(f.changes for f in fixes):
        return data
    text, codec = decode_text(data, name, encoding, len(data) + 1)
    return codec.encode(rebuild_slices(text, _slices(text, name), fixes))
