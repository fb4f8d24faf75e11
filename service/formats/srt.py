"""SubRip subtitles (``.srt``): each cue's text lines; numbers and timings untouched.

The file is parsed with the ``srt`` package to reject a broken file; the cleaned text is put
back into the original bytes, so nothing else changes.
"""
from __future__ import annotations

import srt as srtlib

from service.formats import MalformedFileError, SliceFormat
from service.formats._cues import cue_slices

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


_FORMAT = SliceFormat(_slices)
extract = _FORMAT.extract
rebuild = _FORMAT.rebuild
mappers = _FORMAT.mappers
