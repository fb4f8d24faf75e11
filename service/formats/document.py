"""ONE document entry point: :func:`clean_document` cleans the bytes (or text) of a file in any
format the project knows, for ``check``, ``clean``, ``review``, the HTTP API and standard input.

The format comes from ``format`` when given (``--input-format``, the API's ``format`` field),
else from the file name's suffix (``--stdin-filename``, an upload's name); a name with no
suffix, or none at all, is plain text.  A file type mtclean does not clean (``.json``,
``.csv``...) is refused with :class:`~service.errors.UnsupportedFormat` rather than cleaned
as plain text (its keys would be rewritten).
"""
from __future__ import annotations

from pathlib import Path

from service.engine.factory import Engine, engine_for
from service.engine.options import CleanOptions
from service.errors import UnsupportedFormat
from service.formats import NAMES, SUFFIXES, format_name
from service.formats.cleaning import FileEdit, FileResult, clean_file

__all__ = ["FileEdit", "FileResult", "clean_document", "resolve_format"]
_NO_NAME = ("", "-", "<stdin>", "text")


def resolve_format(filename: str | Path | None = None, format: str | None = None) -> str:
    """The format to clean a file as (see the module docstring)."""
    if format:
        name = format.lower().lstrip(".")
        name = "txt" if name in ("text", "plain") else name
        if name not in NAMES:
            raise UnsupportedFormat(f"unknown format {format!r}; formats are {', '.join(NAMES)}")
        return name
    if filename is None or str(filename) in _NO_NAME:
        return "txt"
    suffix = Path(str(filename)).suffix
    found = format_name(str(filename), None)
    if found is not None:
        return found
    if not suffix or not suffix[1:].isalnum():
        return "txt"
    known = " ".join(sorted(SUFFIXES))
    raise UnsupportedFormat(f"{filename}: mtclean does not clean {suffix} files (it cleans {known}); "
                            "to clean it as plain text, give the format (--input-format txt, or "
                            "\"format\": \"txt\")")


def clean_document(data: bytes | str, *, filename: str | Path | None = None, format: str | None = None,
                   options: CleanOptions, engine: Engine | None = None, detail: bool = True) -> FileResult:
    """Clean a document: only its translatable text, its markup left byte-identical.

    ``engine``: the engine to use (default: the factory's for ``options``); ``detail``: list
    every edit (else only count them)."""
    fmt = resolve_format(filename, format or options.format)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    encoding = None if isinstance(data, str) else options.encoding
    name = str(filename) if filename is not None else "text"
    result = clean_file(raw, fmt, engine or engine_for(options), encoding, name, detail, terms=options.terms)
    result.format = fmt
    if options.select or options.ignore or options.ignore_texts:  # also the file-level flags
        from service.engine.selection import filter_file

        result = filter_file(result, options)
    return result
