"""The project's exceptions: ONE tree, each class with its HTTP status and CLI exit code.

::

    MtcleanError ........................ 500 exit 2  internal   base: every error raised on purpose
    ├── InputError ...................... 400 exit 2  bad_input  the text or file given cannot be cleaned
    │   ├── EmptyInputError ............. 422 exit 2  empty_input
    │   ├── InputTooLargeError .......... 413 exit 2  too_large
    │   ├── DecodeError ................. 415 exit 2  undecodable (binary, or not valid in its encoding)
    │   ├── MalformedFileError .......... 400 exit 2  malformed (a broken PO entry, XML that does not parse)
    │   ├── UnsupportedFormat ........... 415 exit 2  unsupported_format (a file type mtclean does not clean)
    │   ├── MalformedRequest ............ 400 exit 2  malformed_json
    │   ├── UnsupportedMediaType ........ 415 exit 2  unsupported_media_type
    │   ├── InvalidOptions .............. 422 exit 2  invalid_options (also a bad CLI option or config key)
    │   └── InvalidDecision ............. 422 exit 2  invalid_decision (a review decision)
    ├── RuleError ....................... 422 exit 2  bad_rules (a rule pack, glossary or [tool.mtclean])
    ├── ApplyError ...................... 500 exit 2  apply_failed (a span does not hold the expected text)
    ├── JobNotFound ..................... 404 exit 2  job_not_found
    ├── EditNotFound .................... 404 exit 2  edit_not_found
    ├── JobNotDone ...................... 409 exit 2  job_not_done (review before the job finished)
    ├── NothingToUndo ................... 409 exit 2  nothing_to_undo
    ├── Unauthorized .................... 401 exit 2  unauthorized
    ├── CrossSiteRequest ................ 403 exit 2  csrf_failed (see service.web.csrf)
    └── ServiceUnavailable .............. 503 exit 2  unavailable (LanguageTool, Redis, a worker)
        └── NoWorker .................... 503 exit 2  no_worker

Exit codes: 0 nothing found, 1 edits found / suggestions remain (not errors), 2 an error (the
CLI's documented contract; a class may set another ``exit_code``).

Exceptions of the libraries underneath (redis, httpx, polib, translate-toolkit, yaml) are
re-raised as one of these where the project calls them (:func:`reraise` helps), so the CLI and
the HTTP layer only ever handle this tree.  Messages say what to do about it.
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

EXIT_CLEAN, EXIT_FOUND, EXIT_ERROR = 0, 1, 2


class MtcleanError(Exception):
    """Base class of every error mtclean raises on purpose."""

    code = "error"
    http_status = 500
    exit_code = EXIT_ERROR


class InputError(MtcleanError):
    """The input cannot be cleaned."""

    code = "bad_input"
    http_status = 400


class EmptyInputError(InputError):
    """The input holds no text."""

    code = "empty_input"
    http_status = 422


class InputTooLargeError(InputError):
    """The input is over the size limit."""

    code = "too_large"
    http_status = 413


class DecodeError(InputError):
    """The input is binary or not valid in its encoding."""

    code = "undecodable"
    http_status = 415


class MalformedFileError(InputError):
    """The file is not valid in its format (a broken PO entry, XML that does not parse)."""

    code = "malformed"


class UnsupportedFormat(InputError):
    """A file type mtclean does not clean (refused rather than cleaned as plain text)."""

    code = "unsupported_format"
    http_status = 415


class MalformedRequest(InputError):
    """The body is not the JSON it claims to be."""

    code = "malformed_json"
    http_status = 400


class UnsupportedMediaType(InputError):
    """A content type the endpoint does not take."""

    code = "unsupported_media_type"
    http_status = 415


class InvalidOptions(InputError):
    """Fields or options that are unknown or have invalid values."""

    code = "invalid_options"
    http_status = 422


class InvalidDecision(InputError):
    """A review decision that is not accept, reject, modify or undo, or lacks what it needs."""

    code = "invalid_decision"
    http_status = 422


class RuleError(MtcleanError):
    """A rule pack, glossary or configuration file is invalid."""

    code = "bad_rules"
    http_status = 422


class ApplyError(MtcleanError):
    """Edits do not fit the text they are applied to."""

    code = "apply_failed"


class JobNotFound(MtcleanError):
    """No such job (never existed, or expired)."""

    code = "job_not_found"
    http_status = 404


class EditNotFound(MtcleanError):
    """No edit with that id in the job."""

    code = "edit_not_found"
    http_status = 404


class JobNotDone(MtcleanError):
    """The job has not finished (or failed), so there is nothing to review yet."""

    code = "job_not_done"
    http_status = 409


class NothingToUndo(MtcleanError):
    """An undo of an edit without an earlier decision."""

    code = "nothing_to_undo"
    http_status = 409


class Unauthorized(MtcleanError):
    """A missing or wrong API key."""

    code = "unauthorized"
    http_status = 401


class CrossSiteRequest(MtcleanError):
    """A state-changing request from a browser without the page's token, or from another site."""

    code = "csrf_failed"
    http_status = 403


class ServiceUnavailable(MtcleanError):
    """A backing service cannot be reached."""

    code = "unavailable"
    http_status = 503


class NoWorker(ServiceUnavailable):
    """No worker is alive to take the job."""

    code = "no_worker"


def status_of(exc: BaseException) -> int:
    """The HTTP status of an exception (500 for anything not ours)."""
    return exc.http_status if isinstance(exc, MtcleanError) else 500


def exit_code_of(exc: BaseException) -> int:
    """The CLI exit status of an exception."""
    return exc.exit_code if isinstance(exc, MtcleanError) else EXIT_ERROR


@contextmanager
def reraise(what: type[MtcleanError], *kinds: type[BaseException], prefix: str = "") -> Iterator[None]:
    """Turn exceptions of ``kinds`` (a library's) raised inside the block into ``what``::

        with reraise(ServiceUnavailable, redis.ConnectionError, prefix="Redis: "):
            client.ping()
    """
    try:
        yield
    except MtcleanError:
        raise
    except kinds as exc:
        raise what(f"{prefix}{exc or type(exc).__name__}") from exc
