"""WebVTT subtitles (``.vtt``): each cue's text lines; the header, identifiers, timings and
settings, NOTE, STYLE and REGION blocks untouched."""
from __future__ import annotations

from service.formats import MalformedFileError, SliceFormat
from service.formats._cues import cue_slices

PARAGRAPHS = False
BINARY = False


def _slices(text: str, name: str):
    if not text.startswith("WEBVTT") or text[6:7] not in ("", " ", "\t", "\n", "\r"):
        raise MalformedFileError(f"{name}: not a WebVTT file (the first line must be 'WEBVTT')")
    return cue_slices(text, name, skip_first=True, skip_kinds=("NOTE", "STYLE", "REGION"))


_FORMAT = SliceFormat(_slices)
extract = _FORMAT.extract
rebuild = _FORMAT.rebuild
mappers = _FORMAT.mappers
