"""The review endpoints of the ``/v1`` API: a person accepts, rejects or rewrites each edit of a
finished job and downloads the reviewed text.

::

    GET  /v1/jobs/<id>/edits                    every edit: id, tier, category, message, evidence,
                                                context, decision (?include=text adds the original)
    POST /v1/jobs/<id>/edits                    bulk: {"decision", "rule_id"|"category"|"tier"|"ids"}
    GET  /v1/jobs/<id>/edits/<edit_id>          one edit and its history
    POST /v1/jobs/<id>/edits/<edit_id>          {"decision": "accept|reject|modify|undo", "replacement"}
    POST /v1/jobs/<id>/edits/<edit_id>/undo     back to the previous decision
    GET  /v1/jobs/<id>/history                  every decision and undo, oldest first
    GET  /v1/jobs/<id>/document?format=text|original|diff|json   the reviewed text

Decisions live in Redis with the job (:mod:`service.worker.store`); the rules are in
:mod:`service.review.decisions`.  Errors: 404 unknown job or edit, 409 job not done or nothing to
undo, 422 a bad decision.
"""
from __future__ import annotations

import hashlib
import mimetypes
from pathlib import PurePosixPath
from typing import Any, Literal
from urllib.parse import quote

from flask import Blueprint, Flask, Response, current_app, jsonify, request, url_for
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from service import settings
from service.core.offsets import Utf16Index
from service.errors import (
    EditNotFound,
    InvalidDecision,
    InvalidOptions,
    JobNotDone,
    MalformedRequest,
    NothingToUndo,
)
from service.review import decisions as reviewing
from service.web import jsonbody
from service.web.api import _api_key, _authenticate, _load, _store

bp = Blueprint("review_api", __name__, url_prefix="/v1")
bp.before_request(_authenticate)
FORMATS = ("text", "original", "diff", "json")
MAX_BULK_IDS = 10_000  # ids in one bulk decision (issue 14 item 8)
HISTORY_PAGE = 1_000  # history entries per page (?offset=&limit=)


class Decision(BaseModel):
    """``POST /v1/jobs/<id>/edits/<edit_id>``."""

    model_config = ConfigDict(extra="forbid")
    decision: Literal["accept", "reject", "modify", "undo"]
    replacement: str | None = None


class Bulk(BaseModel):
    """``POST /v1/jobs/<id>/edits``: one decision for every edit one selector picks."""

    model_config = ConfigDict(extra="forbid")
    decision: Literal["accept", "reject", "undo"]
    rule_id: str | None = None
    category: str | None = None
    tier: Literal["auto", "suggest"] | None = None
    ids: list[str] | None = Field(default=None, max_length=MAX_BULK_IDS)

    @field_validator("ids")
    @classmethod
    def _distinct(cls, v: list[str] | None) -> list[str] | None:
        return None if v is None else list(dict.fromkeys(v))  # each edit once

    @model_validator(mode="after")
    def _one_selector(self) -> Bulk:
        given = [k for k in ("rule_id", "category", "tier", "ids") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of rule_id, category, tier or ids")
        return self


def _body(model: type[BaseModel]) -> Any:
    data = jsonbody.loads(request.get_data(as_text=True)) if request.is_json else None
    if not isinstance(data, dict):
        raise MalformedRequest('send a JSON object, e.g. {"decision": "accept"} (Content-Type: application/json)')
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        parts = [f"{'.'.join(str(p) for p in e['loc']) or 'body'}: {e['msg']}" for e in exc.errors()]
        raise InvalidDecision("invalid decision: " + "; ".join(parts)
                              + ". Decisions are accept, reject, modify (with a replacement) or undo") from None


def _by() -> str | None:
    """Who decides: the fingerprint of the API key (never the key); None when the service has
    no keys (a key sent anyway proves nothing)."""
    key = _api_key()
    if not key or not settings.api_keys(current_app.config.get("API_KEYS")):
        return None
    return f"key:{hashlib.sha256(key.encode()).hexdigest()[:12]}"


class Review:
    """A finished job, its edits and their decisions, loaded once per request."""

    def __init__(self, job_id: str):
        job = _load(job_id)
        if job["state"] != "done":
            raise JobNotDone(f"job {job_id} is {job['state']}; edits can be reviewed once it is done "
                             "(poll GET /v1/jobs/<id>?wait=10)")
        store = _store()
        self.job_id, self.job = job_id, job
        self.name = job.get("name", "text")
        self.text = store.get_text(job_id) or ""
        self.result = store.get_result(job_id) or {"edits": []}
        self.edits = reviewing.review_edits(job_id, self.result["edits"])
        self.by_id = {e.id: e for e in self.edits}
        self.decisions = store.decisions(job_id)

    def edit(self, edit_id: str) -> reviewing.ReviewEdit:
        found = self.by_id.get(edit_id)
        if found is None:
            raise EditNotFound(f"job {self.job_id} has no edit {edit_id!r}; GET /v1/jobs/{self.job_id}/edits lists them")
        return found

    def document(self) -> reviewing.Reviewed:
        return reviewing.reviewed_document(self.text, self.edits, self.decisions)

    def view(self, e: reviewing.ReviewEdit, doc: reviewing.Reviewed, index: Utf16Index) -> dict[str, Any]:
        state = self.decisions.get(e.id) or {}
        selected, replacement = reviewing.chosen(e.edit, state or None)
        d = e.data
        return {
            "id": e.id, "index": e.index, "start": e.edit.start, "end": e.edit.end,
            "start_utf16": index.to_utf16(e.edit.start), "end_utf16": index.to_utf16(e.edit.end),
            "original": e.edit.original, "replacements": list(e.edit.replacements),
            "rule_id": e.edit.rule_id, "category": e.edit.category, "tier": e.edit.tier.value,
            "auto": e.is_auto, "message": e.edit.message, "source": e.edit.source,
            "pass_name": e.edit.pass_name, "evidence": list(e.edit.evidence),
            "applied_by_job": bool(d.get("applied")),
            "context": reviewing.context(self.text, e.edit.start, e.edit.end),
            "decision": state.get("decision"), "replacement": replacement,
            "decided_at": state.get("at"), "decided_by": state.get("by"),
            "selected": selected, "applied": e.id in doc.applied, "conflict": doc.conflict_of(e.id),
            "url": url_for("review_api.edit_detail", job_id=self.job_id, edit_id=e.id, _external=True),
        }

    def listing(self, include_text: bool = False) -> dict[str, Any]:
        doc = self.document()
        index = Utf16Index(self.text)
        views = [self.view(e, doc, index) for e in self.edits]
        out: dict[str, Any] = {"job_id": self.job_id, "name": self.name, "counts": counts(views),
                               "edits": views, "conflicts": doc.conflicts,
                               "document_url": url_for("review_api.document", job_id=self.job_id, _external=True)}
        if include_text:
            out["text"] = self.text
        return out


def counts(views: list[dict[str, Any]]) -> dict[str, int]:
    """How many edits there are, are decided (and how), remain, go into the text, lost an overlap."""
    decided = [v for v in views if v["decision"]]
    return {"total": len(views), "decided": len(decided), "remaining": len(views) - len(decided),
            "accept": sum(v["decision"] == "accept" for v in views),
            "reject": sum(v["decision"] == "reject" for v in views),
            "modify": sum(v["decision"] == "modify" for v in views),
            "auto": sum(v["auto"] for v in views), "selected": sum(v["selected"] for v in views),
            "applied": sum(v["applied"] for v in views), "conflicts": sum(v["conflict"] is not None for v in views)}


def _record(review: Review, changes: list[tuple[str, str, str | None]], bulk: dict[str, Any] | None = None
            ) -> tuple[dict[str, Any], list[str]]:
    new, nothing = _store().decide(review.job_id, changes, _by(), bulk)
    for eid, state in new.items():
        if state is None:
            review.decisions.pop(eid, None)
        else:
            review.decisions[eid] = state
    return review.listing(), nothing


@bp.get("/jobs/<job_id>/edits")
def list_edits(job_id: str) -> Response:
    """Every edit with its id, decision and context; ``?include=text`` adds the original text."""
    include = request.args.get("include", "")
    if include not in ("", "text"):
        raise InvalidOptions(f"include={include!r} is not known; use include=text")
    return jsonify(Review(job_id).listing(include_text=include == "text"))


@bp.get("/jobs/<job_id>/edits/<edit_id>")
def edit_detail(job_id: str, edit_id: str) -> Response:
    """One edit, its current decision and its history."""
    review = Review(job_id)
    e = review.edit(edit_id)
    view = review.view(e, review.document(), Utf16Index(review.text))
    return jsonify({**view, "history": _store().history(job_id, edit_id)})


def _decide_one(job_id: str, edit_id: str, decision: str, replacement: str | None) -> Response:
    review = Review(job_id)
    e = review.edit(edit_id)
    if decision == "undo":
        if replacement is not None:
            raise InvalidDecision("undo takes no replacement")
        stored = None
    else:
        try:
            stored = reviewing.check_decision(e.edit, decision, replacement)
        except ValueError as exc:
            raise InvalidDecision(str(exc)) from None
    listing, nothing = _record(review, [(edit_id, decision, stored)])
    if nothing:
        raise NothingToUndo(f"edit {edit_id} has no earlier decision to go back to")
    view = next(v for v in listing["edits"] if v["id"] == edit_id)
    return jsonify({"edit": view, "counts": listing["counts"], "conflicts": listing["conflicts"]})


@bp.post("/jobs/<job_id>/edits/<edit_id>")
def decide(job_id: str, edit_id: str) -> Response:
    """Accept, reject or modify one edit, or undo its last decision."""
    body: Decision = _body(Decision)
    return _decide_one(job_id, edit_id, body.decision, body.replacement)


@bp.post("/jobs/<job_id>/edits/<edit_id>/undo")
def undo(job_id: str, edit_id: str) -> Response:
    """Back to the edit's previous decision (or to none)."""
    return _decide_one(job_id, edit_id, "undo", None)


@bp.post("/jobs/<job_id>/edits")
def decide_bulk(job_id: str) -> Response:
    """One decision for every edit of a rule, a category, a tier, or a list of ids."""
    body: Bulk = _body(Bulk)
    review = Review(job_id)
    if body.ids is not None:
        picked = [review.edit(i) for i in body.ids]
        selector: dict[str, Any] = {"ids": len(body.ids)}
    else:
        key, value = next((k, getattr(body, k)) for k in ("rule_id", "category", "tier") if getattr(body, k) is not None)
        picked = [e for e in review.edits if (e.edit.tier.value if key == "tier" else getattr(e.edit, key)) == value]
        selector = {key: value}
    changes: list[tuple[str, str, str | None]] = [(e.id, body.decision, None) for e in picked]
    listing, nothing = _record(review, changes, {"decision": body.decision, **selector}) if changes \
        else (review.listing(), [])
    changed = [e.id for e in picked if e.id not in set(nothing)]
    return jsonify({"changed": changed, "unchanged": nothing, "counts": listing["counts"],
                    "conflicts": listing["conflicts"]})


@bp.get("/jobs/<job_id>/history")
def history(job_id: str) -> Response:
    """Every decision and undo of the job, oldest first (``at``: Unix time; ``by``: key fingerprint)."""
    Review(job_id)
    try:
        offset = int(request.args.get("offset", 0))
        limit = int(request.args.get("limit", HISTORY_PAGE))
    except ValueError:
        raise InvalidOptions("offset and limit are whole numbers") from None
    if offset < 0 or not 1 <= limit <= HISTORY_PAGE:
        raise InvalidOptions(f"offset >= 0 and 1 <= limit <= {HISTORY_PAGE}")
    page, total = _store().history_page(job_id, offset, limit)
    nxt = offset + len(page) if offset + len(page) < total else None
    return jsonify({"job_id": job_id, "history": page, "total": total, "offset": offset, "next_offset": nxt})


def _filenames(name: str) -> dict[str, str]:
    """Download names: ``article.md`` -> article.reviewed.md, article.reviewed.txt, article.diff."""
    base = PurePosixPath(name.replace("\\", "/")).name or "text"
    stem, dot, ext = base.rpartition(".")
    if not dot or not stem:
        stem, ext = base, ""
    return {"original": f"{stem}.reviewed" + (f".{ext}" if ext else ""), "text": f"{stem}.reviewed.txt",
            "diff": f"{stem}.diff", "json": f"{stem}.review.json"}


def _attachment(resp: Response, filename: str) -> Response:
    ascii_name = "".join(c if c.isascii() and (c.isalnum() or c in "._-") else "_" for c in filename)
    resp.headers["Content-Disposition"] = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    return resp


@bp.get("/jobs/<job_id>/document")
def document(job_id: str) -> Response:
    """The reviewed text: ``format=text`` (default), ``original`` (the job's file type and name),
    ``diff`` (unified, against the original) or ``json`` (text, diff and the edits that lost an
    overlap).  ``download=1`` asks the browser to save it."""
    fmt = request.args.get("format", "text")
    if fmt not in FORMATS:
        raise InvalidOptions(f"format {fmt!r} is not known; use {', '.join(FORMATS)}")
    review = Review(job_id)
    doc = review.document()
    name = review.name
    if fmt == "json":
        listing = review.listing()
        resp = jsonify({"job_id": job_id, "name": name, "text": doc.text,
                        "diff": reviewing.diff(review.text, doc.text, name, doc.written),
                        "counts": listing["counts"], "conflicts": doc.conflicts})
    elif fmt == "diff":
        resp = Response(reviewing.diff(review.text, doc.text, name, doc.written), mimetype="text/x-diff")
    elif fmt == "original":
        # the job's own type (text/html for r.html) only as a download: shown inline it is
        # text/plain, so a script in a submitted document never runs on the service's origin
        download = request.args.get("download") in ("1", "true", "yes")
        mime = mimetypes.guess_type(name)[0] or "text/plain"
        resp = Response(doc.text, mimetype=mime if download and mime.startswith("text/") else "text/plain")
    else:
        resp = Response(doc.text, mimetype="text/plain")
    resp.headers["X-Mtclean-Conflicts"] = str(len(doc.conflicts))
    if request.args.get("download") in ("1", "true", "yes"):
        _attachment(resp, _filenames(name)[fmt])
    return resp


def init_app(app: Flask) -> None:
    """Register the review endpoints."""
    app.register_blueprint(bp)
