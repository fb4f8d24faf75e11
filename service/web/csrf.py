"""Protection of state-changing requests against cross-site request forgery.

The review page gets a random token in a cookie (``HttpOnly``, ``SameSite=Strict``) and in a
``<meta>`` tag; its scripts send the token back in the ``X-CSRF-Token`` header, which another
site can neither read nor set.  For every POST, PUT, PATCH and DELETE:

* a request carrying an API key (``Authorization`` or ``X-API-Key``) passes: it is an API
  client, authenticated by its key, and a custom header cannot be sent cross-site without a
  CORS pre-flight that this service never grants;
* a request from a browser (it sends ``Origin`` or ``Sec-Fetch-Site``, or it has the token
  cookie) must come from this origin and carry the token: anything else is refused with
  403 ``csrf_failed``;
* other requests (curl, scripts: no cookie, nothing ambient to abuse) pass.

Why not Flask-WTF's ``CSRFProtect``: it keeps the token in Flask's signed session cookie, so it
needs a ``SECRET_KEY`` shared by every web process (``mtclean serve`` runs several gunicorn
workers, compose scales them) which this keyless service does not have; and it would still
need the rules above to let API clients through (``csrf.exempt`` is per view, not per
client).  This double-submit cookie needs no server secret and is the whole of the logic.
"""
from __future__ import annotations

import hmac
import secrets
from urllib.parse import urlsplit

from flask import Flask, Response, request

from service.errors import CrossSiteRequest

COOKIE = "mtclean_csrf"
HEADER = "X-CSRF-Token"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS", "TRACE")


def token() -> str:
    """This browser's token (a new one when it has none yet; :func:`set_cookie` stores it)."""
    current = request.cookies.get(COOKIE, "")
    return current if _well_formed(current) else secrets.token_urlsafe(32)


def set_cookie(resp: Response, value: str) -> Response:
    """Give the browser its token cookie (unchanged when it already has it)."""
    if request.cookies.get(COOKIE) != value:
        resp.set_cookie(COOKIE, value, httponly=True, samesite="Strict", secure=request.is_secure, path="/")
    return resp


def _well_formed(value: str) -> bool:
    return 32 <= len(value) <= 128 and value.replace("-", "").replace("_", "").isalnum()


def _has_api_key() -> bool:
    return bool(request.headers.get("Authorization") or request.headers.get("X-API-Key"))


def check() -> None:
    """Raise :class:`CrossSiteRequest` for a browser's state-changing request without the token."""
    # an API key skips the token only for clients without the page's cookie: a browser session
    # (the cookie) is checked whatever Authorization header comes with it
    api_client = _has_api_key() and request.cookies.get(COOKIE) is None
    if request.method in SAFE_METHODS or api_client or request.blueprint == "ltcompat":
        return  # /v2 (LanguageTool's API) changes nothing: editors' add-ons call it from their own origin
    origin = request.headers.get("Origin")
    site = request.headers.get("Sec-Fetch-Site")
    cookie = request.cookies.get(COOKIE)
    if origin is None and site is None and cookie is None:
        return  # not a browser
    if site is not None and site not in ("same-origin", "none"):
        raise CrossSiteRequest(f"a {site} request may not change anything here; use the review page "
                               "of this server, or an API client with an API key")
    if origin is not None and urlsplit(origin).netloc != request.host:
        raise CrossSiteRequest("the request comes from another origin; use the review page of this "
                               "server, or an API client with an API key")
    sent = request.headers.get(HEADER, "")
    if not cookie or not sent or not hmac.compare_digest(cookie.encode(), sent.encode()):
        raise CrossSiteRequest(f"the {HEADER} header is missing or does not match this browser's "
                               "token; reload the page")


def init_app(app: Flask) -> None:
    """Check every request of ``app`` before its view runs."""
    app.before_request(check)
