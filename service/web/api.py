"""The HTTP surfaces: the ``/v1`` API blueprint and the operations blueprint (``/healthz``,
``/metrics``).  The OpenAPI document (``service/openapi.yaml``) describes both.

Submitting: ``POST /v1/jobs`` takes ``application/json`` (``{"text", "name", "options"}``),
``multipart/form-data`` (a part ``file``, optional parts ``options`` (JSON) and ``name``) or
``text/plain`` (the body is the text; default options).  It answers 202 with the job's id and
URL, or 503 when no worker has sent a heartbeat within ``WORKER_STALE_SECONDS`` (so a client
never waits on a queue nobody reads).
"""
from __future__ import annotations

import hashlib
import json
import threading
import time
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import yaml
from flask import Blueprint, Flask, Response, current_app, jsonify, request, url_for
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from markupsafe import Markup
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, SummaryMetricFamily
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from service import settings
from service.core.textio import decode
from service.engine.pipeline import APPLY_MODES
from service.errors import (
    DecodeError,
    EmptyInputError,
    InputTooLargeError,
    InvalidOptions,
    JobNotFound,
    MalformedRequest,
    MtcleanError,
    NoWorker,
    Unauthorized,
    UnsupportedMediaType,
)
from service.formats import NAMES as FORMAT_NAMES
from service.formats.document import resolve_format
from service.passes.registry import PASS_ORDER
from service.reporting.diffing import Applied, exact_edits, html_inline
from service.reporting.html import render
from service.web import jsonbody
from service.worker.store import FINAL, Store, new_job_id

bp = Blueprint("api", __name__, url_prefix="/v1")
ops = Blueprint("ops", __name__)
OPENAPI = Path(__file__).with_name("openapi.yaml")
PassName = Literal[PASS_ORDER]  # type: ignore[valid-type]  # the registry's names
FormatName = Literal[FORMAT_NAMES]  # type: ignore[valid-type]
assert set(APPLY_MODES) == {"auto", "all", "none"}


# -- request bodies ---------------------------------------------------------------------------
class Options(BaseModel):
    """How to clean (see the OpenAPI document)."""

    model_config = ConfigDict(extra="forbid")
    source_lang: list[str] | None = None
    apply: Literal["auto", "all", "none"] = "auto"
    passes: list[PassName] | None = Field(default=None, min_length=1)
    glossary: list[str] | None = Field(default=None, max_length=10_000)
    # the names a whole document uses, when the text is a chunk of it (mtclean clean --via)
    context_names: list[str] | None = Field(default=None, max_length=100_000)
    encoding: str | None = None
    format: FormatName | None = None
    grammar: bool = True
    source: str | None = Field(default=None, max_length=16 * 1024 * 1024)
    select: list[str] | None = Field(default=None, max_length=1000)  # service.engine.selection codes
    ignore: list[str] | None = Field(default=None, max_length=1000)

    @field_validator("source_lang", mode="before")
    @classmethod
    def _langs(cls, v: Any) -> Any:
        if isinstance(v, str):
            v = [s for s in v.split(",")]
        if isinstance(v, list):
            v = [s.strip().lower() if isinstance(s, str) else s for s in v]
            for s in v:
                if not isinstance(s, str) or not (2 <= len(s) <= 3 and s.isalpha() and s.isascii()):
                    raise ValueError(f"{s!r} is not a language code (two or three letters: vi, zh, ru)")
        return v

    @field_validator("glossary", "context_names")
    @classmethod
    def _names(cls, v: list[str] | None) -> list[str] | None:
        if v is not None and not all(n.strip() and len(n) <= 200 for n in v):
            raise ValueError("names must be non-empty strings of at most 200 characters")
        return None if v is None else sorted({n.strip() for n in v})


class Submission(BaseModel):
    """A JSON submission."""

    model_config = ConfigDict(extra="forbid")
    text: str
    name: str = Field(default="text", max_length=200)
    options: Options = Options()


def _invalid(exc: ValidationError) -> InvalidOptions:
    parts = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err["loc"]) or "body"
        parts.append(f"{where}: {err['msg']}")
    return InvalidOptions("invalid request: " + "; ".join(parts) + ". See GET /v1/openapi.json")


def _options(raw: Any) -> Options:
    try:
        return Options.model_validate(raw or {})
    except ValidationError as exc:
        raise _invalid(exc) from None


def _check_text(text: str) -> str:
    if not text.strip():
        raise EmptyInputError("the text is empty; there is nothing to clean")
    nul = text.find("\x00")
    if nul >= 0:
        raise DecodeError(f"binary data (a NUL character at {nul}); mtclean cleans text")
    return text


def read_submission() -> tuple[str, str, dict[str, Any]]:
    """The text, name and options of a POST, from JSON, multipart or plain text."""
    limit = int(current_app.config["MAX_CONTENT_LENGTH"])
    mimetype = request.mimetype
    if mimetype == "multipart/form-data":
        return _read_multipart(limit)
    body = request.get_data(cache=True)  # 413 beyond MAX_CONTENT_LENGTH
    if not body.strip():
        raise MalformedRequest('the request body is empty; send JSON {"text": "..."} (see /v1/openapi.json)')
    if mimetype == "application/json":
        data = jsonbody.loads(decode(body, "the JSON body", "utf-8", limit), "the body")
        if not isinstance(data, dict):
            raise MalformedRequest('the body must be a JSON object {"text": "...", "options": {...}}')
        try:
            sub = Submission.model_validate(data)
        except ValidationError as exc:
            raise _invalid(exc) from None
        return _check_text(sub.text), sub.name, _dump(sub.options, sub.name)
    if mimetype == "text/plain":
        opts = _options({})
        charset = request.mimetype_params.get("charset")
        text = decode(body, "the body", charset, limit)
        name = request.args.get("name", "text")[:200]
        return _check_text(text), name, _dump(opts, name)
    raise UnsupportedMediaType(
        f"content type {mimetype or '(none)'} is not accepted; send application/json, "
        "multipart/form-data (a part named 'file') or text/plain")


TEXT_UPLOADS = ("application/octet-stream", "application/x-subrip", "application/x-gettext", "application/x-po",
                "application/xml", "application/xhtml+xml", "application/x-xliff+xml", "application/xliff+xml")


def _dump(opts: Options, name: str) -> dict[str, Any]:
    """The options as a job keeps them (the new optional keys only when given); the format is
    checked here, so an unknown file type is refused at once (415)."""
    resolve_format(name, opts.format)
    out = opts.model_dump()
    for key in ("format", "source", "select", "ignore", "context_names"):
        if not out[key]:
            del out[key]
    if out["grammar"]:
        del out["grammar"]
    return out


def _read_multipart(limit: int) -> tuple[str, str, dict[str, Any]]:
    unknown = (set(request.form) - {"options", "name"}) | (set(request.files) - {"file"})
    if unknown:
        raise InvalidOptions(f"unknown form fields {', '.join(sorted(unknown))}; send 'file', "
                             "and optionally 'options' (JSON) and 'name'")
    upload = request.files.get("file")
    if upload is None:
        raise InvalidOptions("no file: send the text in a part named 'file'")
    raw_opts = jsonbody.loads(request.form.get("options") or "{}", "the 'options' part")
    if not isinstance(raw_opts, dict):
        raise InvalidOptions("the 'options' part must be a JSON object")
    opts = _options(raw_opts)
    name = (request.form.get("name") or upload.filename or "text")[:200]
    ctype = (upload.mimetype or "").lower()
    if ctype and not (ctype.startswith("text/") or ctype in TEXT_UPLOADS):
        raise UnsupportedMediaType(f"{name}: files of type {ctype} are not accepted; upload plain text")
    text = decode(upload.read(limit + 1), name, opts.encoding, limit)
    return _check_text(text), name, _dump(opts, name)


# -- access, limits ---------------------------------------------------------------------------
def _api_key() -> str | None:
    auth = request.headers.get("Authorization", "")
    if auth.lower().startswith("bearer "):
        return auth[7:].strip()
    return request.headers.get("X-API-Key")


def _fingerprint(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()[:16]


def _valid_key() -> str | None:
    """The request's API key when the service has keys and it is one of them."""
    keys = settings.api_keys(current_app.config.get("API_KEYS"))
    key = _api_key()
    return key if keys and key in keys else None


def _rate_key() -> str:
    """Rate limits count per authenticated key, else per client address (a made-up key per
    request does not open a new bucket)."""
    key = _valid_key()
    return f"key:{_fingerprint(key)}" if key else f"addr:{get_remote_address()}"


def _owner() -> str | None:
    """Who owns the jobs this request creates or reads: the key's fingerprint (None without keys)."""
    key = _valid_key()
    return f"key:{_fingerprint(key)}" if key else None


AUTH_FAILURES_PER_MINUTE = 20


def _auth_failed() -> None:
    """Count a failed authentication per client address; over the limit: 429 (no guessing)."""
    from werkzeug.exceptions import TooManyRequests

    limit = int(current_app.config.get("AUTH_FAILURES_PER_MINUTE", AUTH_FAILURES_PER_MINUTE))
    r = _store().redis
    k = f"mtclean:authfail:{get_remote_address()}:{int(time.time() // 60)}"
    try:
        pipe = r.pipeline()
        pipe.incr(k)
        pipe.expire(k, 120)
        n = int(pipe.execute()[0])
    except Exception:  # noqa: BLE001 - Redis down: the 401 still stands
        return
    if n > limit:
        exc = TooManyRequests(f"{limit} failed authentications per minute")
        exc.retry_after = 60  # type: ignore[attr-defined]
        raise exc


def authenticate() -> None:
    """401 without a valid key (when the service has keys); failed attempts are rate limited."""
    keys = settings.api_keys(current_app.config.get("API_KEYS"))
    if not keys or request.endpoint == "api.openapi":
        return
    if _api_key() not in keys:
        _auth_failed()
        raise Unauthorized("a valid API key is needed: send 'Authorization: Bearer KEY' or 'X-API-Key: KEY'")


@bp.before_request
def _authenticate() -> None:
    authenticate()


def _store() -> Store:
    return current_app.extensions["mtclean_store"]


def _require_worker() -> None:
    cache = current_app.extensions.setdefault("mtclean_worker_seen", {"at": 0.0})
    if time.monotonic() - cache["at"] < 1.0:
        return
    if not _store().live_workers(float(current_app.config["WORKER_STALE_SECONDS"])):
        raise NoWorker("no worker is running to clean the text; start one with `mtclean worker` "
                       "(or use POST /v1/check for small texts)")
    cache["at"] = time.monotonic()


# -- jobs -------------------------------------------------------------------------------------
def _job_view(job_id: str, job: dict[str, Any], with_result: bool = True) -> dict[str, Any]:
    total = int(job.get("progress_total", 1))
    done = total if job["state"] == "done" else (_store().chunks_done(job_id) if total > 1 else 0)
    view: dict[str, Any] = {
        "id": job_id, "state": job["state"], "name": job.get("name", "text"),
        "progress": {"done": done, "total": total, "fraction": round(done / total, 3) if total else 0.0},
        "created_at": job["created"], "updated_at": job["updated"], "options": job.get("options", {}),
        "url": url_for("api.get_job", job_id=job_id, _external=True),
        "diff_url": url_for("api.get_diff", job_id=job_id, _external=True),
    }
    if job["state"] == "failed":
        view["error"] = job.get("error") or {"code": "failed", "message": "the job failed"}
    if job["state"] == "done" and with_result:
        view["result"] = _store().get_result(job_id)
    return view


@bp.post("/jobs")
def submit_job() -> tuple[Response, int]:
    """Queue a text for cleaning."""
    text, name, options = read_submission()
    options.pop("encoding", None)
    store = _store()
    idem = request.headers.get("Idempotency-Key")
    if idem is not None and not (0 < len(idem) <= 255 and idem.isprintable()):
        raise InvalidOptions("Idempotency-Key must be 1 to 255 printable characters")
    _require_worker()
    job_id = new_job_id()
    job = store.create_job(job_id, text, name, options, int(current_app.config["CHUNK_CHARS"]), owner=_owner())
    if idem is not None:
        digest = hashlib.sha256(json.dumps([text, name, options], sort_keys=True).encode()).hexdigest()
        held = store.claim_idempotency(_rate_key(), idem, job_id, digest)
        if held is not None:
            store.discard_job(job_id)
            held_id, held_digest = held
            if held_digest != digest:
                raise InvalidOptions("this Idempotency-Key was used for a different request; use a new key")
            existing = store.get_job(held_id)
            if existing is None:
                raise JobNotFound(f"the job {held_id} for this Idempotency-Key has expired; use a new key")
            resp = jsonify(_job_view(held_id, existing, with_result=False))
            resp.headers["Location"] = url_for("api.get_job", job_id=held_id, _external=True)
            resp.headers["Idempotent-Replayed"] = "true"
            return resp, 202 if existing["state"] not in FINAL else 200
    from service.worker import tasks  # noqa: F401 - registers the tasks with this app's Celery

    celery = current_app.extensions["celery"]  # this app's, not Celery's default (tests make several)
    try:
        celery.tasks["mtclean.clean_job"].apply_async(args=[job_id], task_id=job_id,
                                                      queue=current_app.config["QUEUE"])
    except Exception as exc:
        store.finish(job_id, "failed", error={"code": "unavailable", "message": "the broker refused the job"})
        if idem is not None:
            store.release_idempotency(_rate_key(), idem)
        raise NoWorker(f"the job could not be queued ({type(exc).__name__}); retry later") from exc
    resp = jsonify(_job_view(job_id, job, with_result=False))
    resp.headers["Location"] = url_for("api.get_job", job_id=job_id, _external=True)
    return resp, 202


def _load(job_id: str) -> dict[str, Any]:
    job = _store().get_job(job_id)
    if job is None or job.get("owner", _owner()) != _owner():  # another key's job: as unknown
        raise JobNotFound(f"no job {job_id!r} (unknown, or older than the time to live)")
    return job


@bp.get("/jobs/<job_id>")
def get_job(job_id: str) -> Response:
    """A job's state and progress, and its result once done.  ``?wait=S`` holds the request
    until the job finishes or S seconds pass (at most JOB_WAIT_MAX_SECONDS)."""
    try:
        wait = min(float(request.args.get("wait", 0)), float(current_app.config["JOB_WAIT_MAX_SECONDS"]))
    except ValueError:
        raise InvalidOptions("wait must be a number of seconds") from None
    job = _load(job_id)
    if job["state"] in FINAL or wait <= 0:
        return jsonify(_job_view(job_id, job))
    # long polls share a few slots per process, so they can never hold every thread: without a
    # free slot the answer comes at once (the client polls again)
    slots = current_app.extensions.setdefault(
        "mtclean_wait_slots", threading.BoundedSemaphore(int(current_app.config.get("LONG_POLLS", 4))))
    if not slots.acquire(blocking=False):
        return jsonify(_job_view(job_id, job))
    try:
        deadline = time.monotonic() + max(0.0, wait)
        while job["state"] not in FINAL and time.monotonic() < deadline:
            _store().wait_finished(job_id, deadline - time.monotonic())
            job = _load(job_id)
    finally:
        slots.release()
    return jsonify(_job_view(job_id, job))


@bp.get("/jobs/<job_id>/diff")
def get_diff(job_id: str) -> Response:
    """The diff of a finished job: ``format=unified`` (default) or ``html``."""
    fmt = request.args.get("format", "unified")
    if fmt not in ("unified", "html"):
        raise InvalidOptions(f"format {fmt!r} is not known; use unified or html")
    job = _load(job_id)
    if job["state"] != "done":
        return _not_done(job_id, job)
    result = _store().get_result(job_id) or {}
    if fmt == "unified":
        return Response(result.get("diff", {}).get("unified", ""), mimetype="text/x-diff")
    original = _store().get_text(job_id) or ""
    cleaned = result.get("cleaned", original)
    applied = [Applied.from_dict(e) for e in result.get("edits", []) if e.get("applied")]
    body = Markup(html_inline(original, cleaned, exact_edits(original, cleaned, applied)))  # escaped by html_inline
    return Response(render("diff.html", body=body, name=job.get("name", "")), mimetype="text/html")


def _not_done(job_id: str, job: dict[str, Any]) -> Response:
    resp = jsonify({"error": {"code": "job_not_done", "message": f"job {job_id} is {job['state']}; "
                              "the diff exists once it is done (poll GET /v1/jobs/<id>?wait=10)"}})
    resp.status_code = 409
    return resp


@bp.post("/check")
def check() -> Response:
    """Clean a small text at once (at most CHECK_MAX_BYTES of UTF-8)."""
    text, name, options = read_submission()
    options.pop("encoding", None)
    limit = int(current_app.config["CHECK_MAX_BYTES"])
    size = len(text.encode("utf-8"))
    if size > limit:
        raise InputTooLargeError(f"{size:,} bytes is over the limit of {limit:,} for POST /v1/check; "
                                 "submit it with POST /v1/jobs")
    from service.worker.tasks import clean_text

    return jsonify(clean_text(text, options, name))


@lru_cache(maxsize=1)
def openapi_document() -> dict[str, Any]:
    """The OpenAPI 3.1 document (service/web/openapi.yaml), its Options enums (pass names,
    formats) filled in from the request model, so the document cannot drift from it (a test
    checks the properties are the model's fields)."""
    doc = yaml.safe_load(OPENAPI.read_text(encoding="utf-8"))
    props = doc["components"]["schemas"]["Options"]["properties"]
    props["passes"]["items"]["enum"] = list(PASS_ORDER)
    props["format"]["enum"] = list(FORMAT_NAMES)
    return doc


@bp.get("/openapi.json")
def openapi() -> Response:
    """This API's OpenAPI document."""
    return jsonify(openapi_document())


# -- operations -------------------------------------------------------------------------------
@ops.get("/healthz")
def healthz() -> tuple[Response, int]:
    """Redis, workers and LanguageTool, each reported; 503 when jobs cannot run."""
    cfg = current_app.config
    out: dict[str, Any] = {}
    try:
        out["redis"] = {"ok": True, "latency_ms": round(_store().ping() * 1000, 2)}
    except MtcleanError as exc:
        out["redis"] = {"ok": False, "error": str(exc)}
    workers: list[str] = []
    if out["redis"]["ok"]:
        try:
            inspect = current_app.extensions["celery"].control.inspect(timeout=float(cfg["HEALTH_PING_TIMEOUT"]))
            workers = sorted((inspect.ping() or {}).keys())
            out["workers"] = {"ok": bool(workers), "count": len(workers), "names": workers}
        except Exception as exc:  # noqa: BLE001 - the broker failing mid-ping
            out["workers"] = {"ok": False, "count": 0, "error": type(exc).__name__}
    else:
        out["workers"] = {"ok": False, "count": 0, "error": "Redis is down"}
    from service.worker.tasks import grammar_setup

    grammar, why = grammar_setup(cfg)
    if grammar is None:
        out["languagetool"] = {"ok": False, "used": False, "message": why}
    else:
        from service.ops.languagetool import healthy

        url = grammar.url
        ok = healthy(url, timeout=1.0)
        out["languagetool"] = {"ok": ok, "used": True, "url": url,
                               **({} if ok else {"message": "not reachable: the grammar pass reports 'unavailable'"})}
    ready = out["redis"]["ok"] and out["workers"]["ok"]
    out["status"] = ("ok" if out["languagetool"]["ok"] or not out["languagetool"]["used"] else "degraded") \
        if ready else "down"
    return jsonify(out), 200 if ready else 503


class _StoreCollector:
    def __init__(self, store: Store, queues: list[str]):
        self.store, self.queues = store, queues

    def collect(self):  # noqa: ANN201 - prometheus_client's collector protocol
        s = self.store.stats(self.queues)
        g = GaugeMetricFamily("mtclean_jobs", "Jobs not yet finished, by state", labels=["state"])
        for state, n in s["jobs"].items():
            g.add_metric([state], n)
        yield g
        c = CounterMetricFamily("mtclean_jobs", "Jobs by outcome since the Redis data began",
                                labels=["state"])
        for state in ("submitted", "done", "failed"):
            c.add_metric([state], s["totals"].get(state, 0))
        yield c
        p = SummaryMetricFamily("mtclean_pass_seconds", "Time spent in each pass per job", labels=["pass"])
        for name in PASS_ORDER:
            if name in s["pass_runs"]:
                p.add_metric([name], s["pass_runs"][name], s["pass_seconds"].get(name, 0.0))
        yield p
        j = SummaryMetricFamily("mtclean_job_seconds", "Submission to done")
        j.add_metric([], int(s["job_seconds"].get("count", 0)), s["job_seconds"].get("sum", 0.0))
        yield j
        q = GaugeMetricFamily("mtclean_queue_depth", "Messages waiting in the Celery queue", labels=["queue"])
        for name, n in s["queues"].items():
            q.add_metric([name], n)
        yield q
        yield GaugeMetricFamily("mtclean_workers", "Workers with a heartbeat in the last minute",
                                value=s["workers_recent"])


@ops.get("/metrics")
def metrics() -> Response:
    """Prometheus text format (a valid API key needed when the service has keys)."""
    authenticate()
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_StoreCollector(_store(), [current_app.config["QUEUE"]]))  # type: ignore[arg-type]
    return Response(generate_latest(registry), mimetype="text/plain; version=0.0.4")


def _retry_after(resp: Response) -> Response:
    """Retry-After only where it means something: 202 (poll the job in a second), 429 and 503
    (flask-limiter would add its window's reset to every response)."""
    if resp.status_code == 202:
        resp.headers["Retry-After"] = "1"
    elif resp.status_code not in (429, 503):
        resp.headers.pop("Retry-After", None)
    return resp


def init_app(app: Flask) -> None:
    """Register both blueprints and a rate limiter (per app: its storage is the app's Redis)."""
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config["REDIS_URL"])
    app.config.setdefault("RATELIMIT_SWALLOW_ERRORS", True)
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", True)
    app.config.setdefault("RATELIMIT_KEY_PREFIX", "mtclean:rl")
    app.config.setdefault("RATELIMIT_STORAGE_OPTIONS", {"socket_connect_timeout": 2, "socket_timeout": 2})
    app.after_request(_retry_after)  # registered before the limiter's, so it runs after it
    limiter = Limiter(_rate_key, app=app, default_limits=[lambda: app.config["RATE_LIMIT"]],
                      default_limits_exempt_when=lambda: request.method != "POST",
                      enabled=bool(app.config.get("RATELIMIT_ENABLED", True)))
    app.extensions["mtclean_limiter"] = limiter
    app.register_blueprint(bp)
    app.register_blueprint(ops)
