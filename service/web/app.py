"""The Flask application factory of the HTTP service, and its JSON error handlers.

``create_app()`` reads the defaults of :mod:`service.settings`, then ``test_config`` (tests) or
the ``MTCLEAN_*`` environment, and wires the store, Celery, the blueprints (the API, the
review API, the review page) and the JSON error handlers.

Errors are answered as ``{"error": {"code": ..., "message": ...}}`` with the status each class
of :mod:`service.errors` declares.  Werkzeug's HTTP errors (404 route, 405, 413 from
MAX_CONTENT_LENGTH, 429 from flask-limiter) keep their status and get a JSON body.  Anything
else is logged with its traceback and answered with a bare 500 ``internal`` that names a
reference, never the traceback.  Run it with
``gunicorn 'service.web.app:create_app()'`` or ``mtclean serve``.
"""
from __future__ import annotations

import logging
import secrets
from typing import Any

from flask import Flask, Response, jsonify
from werkzeug.exceptions import HTTPException

from service.errors import MtcleanError, ServiceUnavailable, status_of
from service.settings import celery_settings, defaults, get_settings
from service.web import api, ltcompat, review_api
from service.web import pages as review
from service.worker.celery_app import celery_init_app
from service.worker.store import Store

log = logging.getLogger(__name__)


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """A configured app; ``app.extensions`` holds ``celery`` and ``mtclean_store``."""
    app = Flask("mtclean")
    app.config.from_mapping(defaults())
    if test_config is None:
        app.config.from_mapping(get_settings().service_config())
    else:
        app.config.from_mapping(test_config)
    app.config["MAX_CONTENT_LENGTH"] = int(app.config["MAX_CONTENT_LENGTH"])
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.config["CELERY"] = {**celery_settings(app.config), **app.config.get("CELERY", {})}
    # REDIS_CLIENT (tests): a client to use instead of connecting to REDIS_URL (fakeredis)
    app.extensions["mtclean_store"] = Store(app.config["REDIS_URL"], int(app.config["JOB_TTL_SECONDS"]),
                                            client=app.config.get("REDIS_CLIENT"))
    celery_init_app(app)
    app.register_error_handler(Exception, _any)
    api.init_app(app)
    review_api.init_app(app)
    review.init_app(app)
    ltcompat.init_app(app)
    app.after_request(security_headers)
    app.before_request(check_host)
    app.before_request(buffer_chunked_body)
    if not app.debug and not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    return app


# -- headers on every response ------------------------------------------------------------------
# the review pages: their own scripts and styles only; everything else (API answers, documents,
# diffs, errors) is never a page that may run anything: a sandboxed, script-less origin
PAGE_CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
            "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
DOCUMENT_CSP = "default-src 'none'; style-src 'unsafe-inline'; sandbox; base-uri 'none'; form-action 'none'; " \
               "frame-ancestors 'none'"


LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "::1")


def allowed_hosts(config: Any) -> tuple[str, ...]:
    """ALLOWED_HOSTS (config) or MTCLEAN_ALLOWED_HOSTS (comma-separated; ``*`` any host,
    ``.example.org`` the domain and its subdomains); loopback names by default."""
    raw = config.get("ALLOWED_HOSTS") or get_settings().allowed_hosts or ""
    hosts = [h.strip().lower() for h in (raw.split(",") if isinstance(raw, str) else raw) if h.strip()]
    return tuple(hosts) or LOOPBACK_HOSTS


def check_host() -> Response | None:
    """A Host header not in the allow-list is a 400 (DNS rebinding: another name resolving here)."""
    from flask import current_app, request

    allowed = current_app.extensions.get("mtclean_hosts")
    if allowed is None:
        allowed = current_app.extensions["mtclean_hosts"] = allowed_hosts(current_app.config)
    if "*" in allowed:
        return None
    host = (request.host or "").lower()
    name = host[1:].split("]", 1)[0] if host.startswith("[") else host.rsplit(":", 1)[0] if host.count(":") == 1 \
        else host
    if name in allowed or any(a.startswith(".") and (name.endswith(a) or name == a[1:]) for a in allowed):
        return None
    return error_response(400, "bad_host", f"the Host {host!r} is not served here; add it to MTCLEAN_ALLOWED_HOSTS")


def buffer_chunked_body() -> Response | None:
    """A chunked body (no Content-Length) is read here up to MAX_CONTENT_LENGTH: over it, 413
    (it was cut at the limit and half a document cleaned); within it, the request goes on as if
    it had a Content-Length, so chunked JSON, text and multipart parse as usual (issue 14 item 4)."""
    import io

    from flask import current_app, request
    from werkzeug.exceptions import RequestEntityTooLarge

    env = request.environ
    chunked = "chunked" in env.get("HTTP_TRANSFER_ENCODING", "").lower()
    if request.method not in ("POST", "PUT", "PATCH") or not (
            chunked or (not env.get("CONTENT_LENGTH") and env.get("wsgi.input_terminated"))):
        return None
    limit = int(current_app.config["MAX_CONTENT_LENGTH"])
    stream, parts, size = env["wsgi.input"], [], 0
    while True:
        block = stream.read(min(1 << 16, limit + 1 - size))
        if not block:
            break
        parts.append(block)
        size += len(block)
        if size > limit:
            raise RequestEntityTooLarge()
    data = b"".join(parts)
    env["wsgi.input"] = io.BytesIO(data)
    env["CONTENT_LENGTH"] = str(len(data))
    env.pop("HTTP_TRANSFER_ENCODING", None)
    for attr in ("stream", "content_length"):  # cached before this point, if read
        request.__dict__.pop(attr, None)
    return None


def security_headers(resp: Response) -> Response:
    """nosniff and a Content-Security-Policy on every response (issue 14 item 1)."""
    from flask import request

    resp.headers["X-Content-Type-Options"] = "nosniff"
    resp.headers.setdefault("Content-Security-Policy", PAGE_CSP if request.blueprint == "review" else DOCUMENT_CSP)
    resp.headers.setdefault("Referrer-Policy", "same-origin")
    resp.headers.setdefault("X-Frame-Options", "DENY")
    return resp


# -- errors as JSON ---------------------------------------------------------------------------
HTTP_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
              413: "too_large", 415: "unsupported_media_type", 422: "invalid_options",
              429: "rate_limited", 503: "unavailable"}


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
    retry_after = getattr(exc, "retry_after", None)
    if status == 429 and retry_after:
        resp.headers["Retry-After"] = str(retry_after)
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


