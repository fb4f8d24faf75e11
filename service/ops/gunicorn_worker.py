"""The gunicorn worker of the HTTP service: gthread, with gunicorn's own errors answered as JSON.

gunicorn answers a request it cannot parse before the app sees it (414 request line too long,
400 bad request line or header, 431 header fields too large, 501 transfer coding) with an HTML
page.  :class:`JsonErrorWorker` answers them in the service's error shape
``{"error": {"code": ..., "message": ...}}`` (see :mod:`service.web.app`) with the same
security headers as every other answer.  gunicorn still decides the status and logs the request
(its ``handle_error`` runs unchanged); only the bytes it would write are replaced, so a status
gunicorn adds later is answered as JSON too.

Run it with ``gunicorn -k service.ops.gunicorn_worker.JsonErrorWorker 'service.web.app:create_app()'``
(``mtclean serve``, docker-compose.yml and docker/app.Dockerfile do).
"""
from __future__ import annotations

import json
import re
import socket
from typing import Any

from gunicorn import util
from gunicorn.workers.gthread import ThreadWorker

#: the service's error codes for the statuses gunicorn answers itself
CODES = {400: "bad_request", 403: "forbidden", 414: "uri_too_long", 417: "expectation_failed",
         431: "headers_too_large", 500: "internal", 501: "not_implemented"}
MESSAGES = {
    414: "the request line (method, path and query) is over the server's limit; send long input in the "
         "request body (POST /v1/check or /v1/jobs with JSON or text)",
    431: "the request headers are over the server's limit (too many, or one too long); send less",
    400: "the request could not be parsed as HTTP",
    500: "internal error; the server log has the details",
}
#: the headers every answer of the service carries (see service.web.app.security_headers)
HEADERS = (("X-Content-Type-Options", "nosniff"),
           ("Content-Security-Policy", "default-src 'none'; sandbox; base-uri 'none'; form-action 'none'; "
                                       "frame-ancestors 'none'"),
           ("Referrer-Policy", "same-origin"), ("X-Frame-Options", "DENY"))
_STATUS_LINE = re.compile(rb"HTTP/1\.[01] (\d{3}) ([^\r\n]*)\r\n")
_BODY_MESSAGE = re.compile(rb"</h1>\s*(.*?)\s*</body>", re.S)


class _Capture:
    """Stands in for the client socket while gunicorn writes its error page."""

    def __init__(self) -> None:
        self.data = b""

    def gettimeout(self) -> float:
        return 0.0

    def setblocking(self, flag: int) -> None:  # pragma: no cover - gettimeout() is 0
        pass

    def sendall(self, data: bytes) -> None:
        self.data += data


def json_error(status: int, reason: str, detail: str = "") -> bytes:
    """The HTTP response for gunicorn's ``status``, in the service's error shape."""
    code = CODES.get(status) or reason.lower().replace(" ", "_") or "error"
    message = MESSAGES.get(status, detail or reason)
    if detail and status not in (500,) and detail not in message:
        message = f"{message} ({detail})"
    body = json.dumps({"error": {"code": code, "message": message}}, ensure_ascii=False).encode("utf-8")
    head = [f"HTTP/1.1 {status} {reason}", "Connection: close", "Content-Type: application/json",
            f"Content-Length: {len(body)}", *(f"{k}: {v}" for k, v in HEADERS)]
    return ("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body


def as_json(page: bytes) -> bytes | None:
    """gunicorn's HTML error response rewritten as JSON (None when it is not one)."""
    m = _STATUS_LINE.match(page)
    if not m:
        return None
    detail = ""
    body = _BODY_MESSAGE.search(page)
    if body:
        import html

        detail = html.unescape(body.group(1).decode("latin-1")).strip()[:300]
    return json_error(int(m.group(1)), m.group(2).decode("latin-1").strip(), detail)


class JsonErrorWorker(ThreadWorker):
    """gunicorn's gthread worker whose own error answers are JSON."""

    def handle_error(self, req: Any, client: socket.socket, addr: Any, exc: BaseException) -> None:
        capture = _Capture()
        super().handle_error(req, capture, addr, exc)  # type: ignore[arg-type]
        if not capture.data:
            return
        try:
            util.write_nonblock(client, as_json(capture.data) or capture.data)
        except Exception:
            self.log.debug("Failed to send error message.")
