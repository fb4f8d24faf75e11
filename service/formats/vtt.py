"""WebVTT subtitles (``.vtt``): each cue's text lines; the header, identifiers, timings and
settings, NOTE, STYLE and REGION blocks untouched."""
from __future__ import annotations

from typing import Sequence

from . import Fixed, MalformedFileError, Segment, decode_text, rebuild_slices, slices_to_segments
from ._cues import cue_slices

PARAGRAPHS = False
BINARY = False


def _slices(text: str, name: str):
    if not text.startswith("WEBVTT") or text[6:7] not in ("", " ", "\t", "\n", "\r"):
        raise MalformedFileError(f"{name}: not a WebVTT file (the first line must be 'WEBVTT')")
    return cue_slices(text, name, skip_first=True, skip_kinds=("NOTE", "STYLE", "REGION"))


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
