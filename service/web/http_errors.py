"""Errors as JSON: ``{"error": {"code": ..., "message": ...}}`` with the right HTTP status.

The API's own errors extend the project's one hierarchy (:mod:`service.errors`)::

    MtcleanError
    ├── InputError
    │   ├── EmptyInputError ............ 422 empty_input
    │   ├── InputTooLargeError ......... 413 too_large
    │   ├── DecodeError ................ 415 undecodable
    │   ├── MalformedRequest ........... 400 malformed_json
    │   ├── UnsupportedMediaType ....... 415 unsupported_media_type
    │   ├── InvalidOptions ............. 422 invalid_options
    │   └── InvalidDecision ............ 422 invalid_decision (a review decision)
    ├── RuleError ...................... 422 bad_rules (a glossary the client sent)
    ├── JobNotFound .................... 404 job_not_found
    ├── EditNotFound ................... 404 edit_not_found
    ├── JobNotDone ..................... 409 job_not_done (review before the job finished)
    ├── NothingToUndo .................. 409 nothing_to_undo
    ├── Unauthorized ................... 401 unauthorized
    ├── CrossSiteRequest ............... 403 csrf_failed (see service.web.csrf)
    └── ServiceUnavailable ............. 503 unavailable
        └── NoWorker ................... 503 no_worker

Werkzeug's HTTP errors (404 route, 405, 413 from MAX_CONTENT_LENGTH, 429 from flask-limiter)
keep their status and get a JSON body.  Anything else is logged with its traceback and
answered with a bare 500 ``internal`` that names a reference, never the traceback.
"""
from __future__ import annotations

import logging
import secrets

from flask import Flask, Response, jsonify
from werkzeug.exceptions import HTTPException

from service.errors import (DecodeError, EmptyInputError, InputError, InputTooLargeError, MtcleanError,
                     RuleError, ServiceUnavailable)

log = logging.getLogger(__name__)


class MalformedRequest(InputError):
    """The body is not the JSON it claims to be."""

    code = "malformed_json"


class UnsupportedMediaType(InputError):
    """A content type the endpoint does not take."""

    code = "unsupported_media_type"


class InvalidOptions(InputError):
    """Fields or options that are unknown or have invalid values."""

    code = "invalid_options"


class JobNotFound(MtcleanError):
    """No such job (never existed, or expired)."""

    code = "job_not_found"


class InvalidDecision(InputError):
    """A review decision that is not accept, reject, modify or undo, or lacks what it needs."""

    code = "invalid_decision"


class EditNotFound(MtcleanError):
    """No edit with that id in the job."""

    code = "edit_not_found"


class JobNotDone(MtcleanError):
    """The job has not finished (or failed), so there is nothing to review yet."""

    code = "job_not_done"


class NothingToUndo(MtcleanError):
    """An undo of an edit without an earlier decision."""

    code = "nothing_to_undo"


class CrossSiteRequest(MtcleanError):
    """A state-changing request from a browser without the page's token, or from another site."""

    code = "csrf_failed"


class Unauthorized(MtcleanError):
    """A missing or wrong API key."""

    code = "unauthorized"


class NoWorker(ServiceUnavailable):
    """No worker is alive to take the job."""

    code = "no_worker"


STATUS: list[tuple[type[MtcleanError], int]] = [
    (MalformedRequest, 400), (UnsupportedMediaType, 415), (InvalidOptions, 422), (InvalidDecision, 422),
    (EmptyInputError, 422), (InputTooLargeError, 413), (DecodeError, 415), (InputError, 400),
    (RuleError, 422), (JobNotFound, 404), (EditNotFound, 404), (JobNotDone, 409), (NothingToUndo, 409),
    (CrossSiteRequest, 403), (Unauthorized, 401), (ServiceUnavailable, 503),
]

HTTP_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
              413: "too_large", 415: "unsupported_media_type", 422: "invalid_options",
              429: "rate_limited", 503: "unavailable"}


def status_of(exc: MtcleanError) -> int:
    """The HTTP status for one of the project's errors."""
    for cls, status in STATUS:
        if isinstance(exc, cls):
            return status
    return 500


def error_response(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> Response:
    resp = jsonify({"error": {"code": code, "message": message}})
    resp.status_code = status
    for k, v in (headers or {}).items():
        resp.headers[k] = v
    return resp


def _mtclean_error(exc: MtcleanError) -> Response:
    status = status_of(exc)
    if status == 500:
        return _internal(exc)
    headers = {"Retry-After": "5"} if status == 503 else None
    if status == 401:
        headers = {"WWW-Authenticate": 'Bearer realm="mtclean"'}
    return error_response(status, exc.code, str(exc), headers)


def _http_error(exc: HTTPException) -> Response:
    status = exc.code or 500
    if status >= 500:
        return _internal(exc)
    message = exc.description or exc.name
    if status == 413:
        message = "the request body is over the size limit (MTCLEAN_MAX_CONTENT_LENGTH); split the text"
    elif status == 429:
        message = f"rate limit exceeded ({exc.description}); slow down and retry later"
    resp = error_response(status, HTTP_CODES.get(status, exc.name.lower().replace(" ", "_")), message)
    for k, v in exc.get_headers():  # Allow, Retry-After...
        if k.lower() != "content-type":
            resp.headers[k] = v
    if status == 429 and getattr(exc, "retry_after", None):
        resp.headers["Retry-After"] = str(exc.retry_after)
    return resp


def _internal(exc: BaseException) -> Response:
    ref = secrets.token_hex(6)
    log.error("internal error %s", ref, exc_info=exc)
    return error_response(500, "internal", f"internal error (reference {ref}); the server log has the details")


def _any(exc: Exception) -> Response:
    if isinstance(exc, MtcleanError):
        return _mtclean_error(exc)
    if isinstance(exc, HTTPException):
        return _http_error(exc)
    try:  # the broker or Redis failing underneath Celery or flask-limiter
        import kombu.exceptions
        import redis

        if isinstance(exc, (redis.ConnectionError, redis.TimeoutError, kombu.exceptions.OperationalError)):
            return _mtclean_error(ServiceUnavailable(
                f"the broker (Redis) is not reachable: {type(exc).__name__}; retry later"))
    except ImportError:  # pragma: no cover
        pass
    return _internal(exc)


def init_app(app: Flask) -> None:
    """Answer every error of ``app`` in JSON."""
    app.register_error_handler(Exception, _any)
