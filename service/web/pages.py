"""The review page: ``/`` submits a text or a file and waits for the job; ``/review/<job_id>``
shows the document with every edit inline and lets a person accept, reject or rewrite each one.

The pages are shells (templates/, static/: plain JavaScript, no build step, nothing from
another host); the scripts talk to the ``/v1`` API (:mod:`service.web.review_api`).  The text
under review is untrusted: the scripts build the DOM with ``textContent`` only, Jinja escapes
what the templates show, every response of this blueprint carries a strict
Content-Security-Policy (no inline script or style), and state-changing requests carry the
page's CSRF token (:mod:`service.web.csrf`).
"""
from __future__ import annotations

from flask import (
    Blueprint,
    Flask,
    Response,
    current_app,
    make_response,
    render_template,
)

from service.errors import MtcleanError
from service.settings import api_keys
from service.web import csrf

bp = Blueprint("review", __name__, template_folder="templates", static_folder="static",
               static_url_path="/assets")

CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
       "form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
CATEGORIES = ("debris", "punctuation", "spacing", "garbled_name", "idiom", "word_choice", "grammar",
              "spelling", "style")


def _page(template: str, **context: object) -> Response:
    token = csrf.token()
    keys = bool(api_keys(current_app.config.get("API_KEYS")))
    resp = make_response(render_template(template, csrf_token=token, keys_required=keys,
                                         categories=CATEGORIES, **context))
    resp.headers["Cache-Control"] = "no-store"
    return csrf.set_cookie(resp, token)


@bp.get("/")
def index() -> Response:
    """Paste a text or upload a file."""
    return _page("index.html")


@bp.get("/review/<job_id>")
def review_page(job_id: str) -> Response:
    """Review the edits of one job (the page waits while the job runs).  With API keys the
    page shows nothing of the job before its scripts have a key; they fill in the name."""
    name = None
    if api_keys(current_app.config.get("API_KEYS")):
        return _page("review.html", job_id=job_id, name=None)
    try:
        job = current_app.extensions["mtclean_store"].get_job(job_id)
        name = job.get("name") if job else None
    except MtcleanError:  # Redis down: the page says so when its scripts ask the API
        pass
    return _page("review.html", job_id=job_id, name=name)


@bp.after_request
def _security_headers(resp: Response) -> Response:
    resp.headers["Content-Security-Policy"] = CSP
    resp.headers["X-Content-Type-Options"] = "nosniff"
    resp.headers["Referrer-Policy"] = "no-referrer"
    resp.headers["X-Frame-Options"] = "DENY"
    return resp


def init_app(app: Flask) -> None:
    """Register the pages and the CSRF check of every state-changing request."""
    csrf.init_app(app)
    app.register_blueprint(bp)
