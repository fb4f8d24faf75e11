"""Celery tasks: a job is cleaned whole, or split into paragraph chunks cleaned in parallel
(a chord) and joined again in order.

Tasks take ids and strings and read everything else from :mod:`service.worker.store`; each is
idempotent (a rerun after a lost worker finds the chunk or the result already written and
skips), acknowledged late and requeued when its worker dies.

Chunking keeps the document's context: every chunk is cleaned with the *whole* document as
the context of its names inventory (``Cleaner.clean(..., context=text)``), so a name is never
"repaired" in one chunk that another chunk shows to be right, and a fused title in one chunk
is repaired from the "General Soleimani" pairs of the others.
"""
from __future__ import annotations

import logging
import time
from typing import Any

from celery import chord, group, shared_task
from celery.signals import worker_init
from flask import current_app

from service.core.offsets import Utf16Index
from service.engine import chunking, factory
from service.engine.options import CleanOptions
from service.engine.pipeline import Cleaner
from service.errors import MtcleanError, ServiceUnavailable
from service.formats.document import clean_document, resolve_format
from service.passes.registry import RULE_PASSES
from service.reporting import diffing, report

log = logging.getLogger(__name__)
_STATUS_RANK = {"unavailable": 3, "ran": 2, "skipped": 1}
_lt_probe: dict[str, tuple[float, bool]] = {}


# -- building cleaners ------------------------------------------------------------------------
def _rule_dirs(cfg: dict[str, Any]) -> tuple[str, ...]:
    return tuple(d.strip() for d in str(cfg.get("RULE_DIRS") or "").split(",") if d.strip())


def grammar_setup(cfg: dict[str, Any], options: CleanOptions | None = None) -> tuple[Any | None, str]:
    """This process's grammar pass (or None) and, when None, why it is skipped.

    With ``GRAMMAR=auto`` and no ``LT_URL`` the local server is probed; a failed probe is
    retried after 2 s (not 30: a server `serve` has just started answers within seconds), and a
    healthy one is remembered for 30 s."""
    mode = str(cfg.get("GRAMMAR", "auto")).lower()
    if mode in ("off", "false", "0", "no"):
        return None, "grammar pass turned off (MTCLEAN_GRAMMAR=off)"
    try:
        from service.ops.languagetool import healthy, server_url
        from service.passes.grammar.languagetool import RedisCache
    except ImportError as exc:
        return None, f"grammar pass not installed ({exc})"
    url = (cfg.get("LT_URL") or server_url()).rstrip("/")
    if mode == "auto" and not cfg.get("LT_URL"):
        checked, ok = _lt_probe.get(url, (0.0, False))
        if time.monotonic() - checked > (30 if ok else 2):
            ok = healthy(url, timeout=0.5)
            _lt_probe[url] = (time.monotonic(), ok)
        if not ok:
            return None, (f"no LanguageTool server answers at {url}; start one (`mtclean languagetool "
                          "start`) or set MTCLEAN_LT_URL")
    store = current_app.extensions.get("mtclean_store")
    cache = RedisCache(store.redis, ttl=store.ttl) if store is not None else None
    return factory.grammar_for(options or CleanOptions(), url=url, cache=cache, force=True), ""


def job_options(options: dict[str, Any]) -> CleanOptions:
    """A job's options (as the API stored them) with this worker's rule folders."""
    return CleanOptions.from_json(options, rule_dirs=_rule_dirs(current_app.config))


def cleaner_for(options: dict[str, Any]) -> tuple[Cleaner, str]:
    """The Cleaner for a job's options (from the one factory) and why grammar is skipped, if it is."""
    opts = job_options(options)
    grammar, why = grammar_setup(current_app.config, opts)
    if not opts.uses_grammar:
        grammar, why = None, "not requested"
    return factory.get_cleaner(opts, grammar=grammar), why


def clean_text(text: str, options: dict[str, Any], name: str = "text",
               context: str | None = None, context_names: frozenset[str] | None = None) -> dict[str, Any]:
    """Clean ``text`` in this process: :func:`service.reporting.report.to_json` of the result.
    ``context``: the whole document when ``text`` is one chunk of it: the names it uses
    consistently join the glossary (:mod:`service.engine.chunking`, as for a large file);
    ``context_names``: those names, when the job counted them already."""
    cleaner, why = cleaner_for(options)
    opts = job_options(options)
    if context_names is None and options.get("context_names"):  # the request's (a chunk of a file)
        context_names = frozenset(options["context_names"])
    fmt = resolve_format(name, opts.format)
    if fmt != "txt":  # a document in a format: only its translatable text (one entry point)
        res = clean_document(text, filename=name, format=fmt, options=opts,
                             engine=factory.local_engine(cleaner, opts.apply, opts.source))
        data = document_json(res, text, name, opts.apply)
    else:
        if context_names is None and context is not None:
            context_names = chunking.document_names(context)
        if context_names is not None:
            cleaner = factory.with_names(cleaner, frozenset(), context_names)
        result = cleaner.clean(text, opts.apply, source=opts.source) if opts.source else cleaner.clean(text, opts.apply)
        data = report.to_json(result, name)
    if why and data["passes"].get("grammar", {}).get("status") == "skipped":
        data["passes"]["grammar"]["message"] = why
    return data


def document_json(res: Any, text: str, name: str, apply: str) -> dict[str, Any]:
    """The JSON of a document cleaned through its format: its edits in the coordinates of the
    file's text (markup never inside one), with their segment, line and column; ``cleaned`` is
    the whole file, so a review applies the edits to the text as submitted."""
    cleaned = res.output.decode("utf-8")
    return {
        "schema_version": report.SCHEMA_VERSION, "name": name, "format": res.format, "apply": apply,
        "changed": res.changed, "edits": [fe.to_dict() for fe in res.edits], "conflicts": [],
        "passes": res.passes, "counts": {"found": res.applied + res.suggestions, "applied": res.applied,
                                         "suggestions": res.suggestions},
        "rounds": res.result.rounds if res.result is not None else 1, "warnings": res.warnings,
        "diff": diffing.both(text, cleaned, name, [fe.in_file for fe in res.edits if fe.applied and fe.in_file]
                             if all(fe.in_file for fe in res.edits if fe.applied) else None),
        "cleaned": cleaned,
    }


@worker_init.connect
def _warm_up(sender: Any = None, **_: Any) -> None:
    """Load the rules and word lists in the worker's main process, before the pool forks, so
    no child pays for it on its first job (and the memory is shared)."""
    app = getattr(getattr(sender, "app", None), "flask_app", None)
    if app is None:
        return
    with app.app_context():
        clean_text("General Soleimani met him. in Syria. General Soleimani left.", {"passes": list(RULE_PASSES)})


# -- chunks -----------------------------------------------------------------------------------
def split_chunks(text: str, chunk_chars: int) -> list[tuple[int, int]]:
    """The job's chunks: :func:`service.engine.chunking.chunk_bounds` (one range when short)."""
    return chunking.chunk_bounds(text, chunk_chars)


def byte_bounds(text: str, bounds: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """``bounds`` (code points of ``text``, contiguous) as offsets into its UTF-8 bytes."""
    out, pos = [], len(text[:bounds[0][0]].encode("utf-8")) if bounds else 0
    for start, end in bounds:
        size = len(text[start:end].encode("utf-8"))
        out.append((pos, pos + size))
        pos += size
    return out


def merge_chunks(text: str, bounds: list[tuple[int, int]], parts: list[dict[str, Any]],
                 name: str) -> dict[str, Any]:
    """One result from the chunks' results, in the coordinates of the whole text."""
    index = Utf16Index(text)
    edits, conflicts, warnings, cleaned = [], [], [], []
    changes: list[diffing.Applied] = []  # what the diff is built from, chunk by chunk
    passes: dict[str, dict[str, Any]] = {}
    for i, ((start, end), part) in enumerate(zip(bounds, parts)):
        shift16 = index.to_utf16(start)
        for e in part["edits"]:
            edits.append({**e, "start": e["start"] + start, "end": e["end"] + start,
                          "start_utf16": e["start_utf16"] + shift16, "end_utf16": e["end_utf16"] + shift16})
        for c in part["conflicts"]:
            ce = c["edit"]
            conflicts.append({**c, "edit": {**ce, "start": ce["start"] + start, "end": ce["end"] + start}})
        for pname, st in part["passes"].items():
            acc = passes.setdefault(pname, {"status": st["status"], "found": 0, "applied": 0,
                                            "seconds": 0.0, "message": st.get("message", "")})
            for k in ("found", "applied", "seconds"):
                acc[k] += st[k]
            if _STATUS_RANK.get(st["status"], 0) > _STATUS_RANK.get(acc["status"], 0):
                acc["status"], acc["message"] = st["status"], st.get("message", "")
        warnings += [f"chunk {i + 1}: {w}" for w in part["warnings"]]
        cleaned.append(part["cleaned"])
        # the chunk's applied edits, or (when they do not give its cleaned text exactly) its
        # changed lines: never a comparison of the whole text with its cleaned copy
        piece = text[start:end]
        done = [diffing.Applied.from_dict(e) for e in part["edits"] if e.get("applied")]
        exact = diffing.exact_edits(piece, part["cleaned"], done)
        changes += [diffing.Applied(c.start + start, c.end + start, c.replacement)
                    for c in (exact if exact is not None else diffing.edits_between(piece, part["cleaned"]))]
    new = "".join(cleaned)
    first = parts[0]
    return {
        "schema_version": first["schema_version"], "name": name, "apply": first["apply"],
        "changed": new != text, "edits": edits, "conflicts": conflicts, "passes": passes,
        "counts": {k: sum(p["counts"][k] for p in parts) for k in first["counts"]},
        "rounds": max(p["rounds"] for p in parts), "warnings": warnings,
        "harm_check": chunking.merge_harm_check(p.get("harm_check", "skipped") for p in parts),
        "diff": diffing.both(text, new, name, changes),
        "cleaned": new,
    }


# -- tasks ------------------------------------------------------------------------------------
def _store():
    return current_app.extensions["mtclean_store"]


def _delay() -> None:
    seconds = float(current_app.config.get("TEST_DELAY_SECONDS") or 0)
    if seconds > 0:
        time.sleep(seconds)


def _fail(job_id: str, exc: Exception) -> None:
    if isinstance(exc, MtcleanError):
        error = {"code": exc.code, "message": str(exc)}
    else:
        log.exception("job %s failed", job_id)
        error = {"code": "internal", "message": f"cleaning failed ({type(exc).__name__}); the worker log "
                                                f"has the details under job {job_id}"}
    _store().finish(job_id, "failed", error=error)


def _finish(job_id: str, result: dict[str, Any], chunks: int) -> None:
    store = _store()
    result["chunks"] = chunks
    if store.finish(job_id, "done", result=result):
        store.record_pass_timings(result["passes"])


RETRY = dict(bind=True, acks_late=True, reject_on_worker_lost=True, autoretry_for=(ServiceUnavailable,),
             retry_backoff=1, retry_backoff_max=30, max_retries=8)


@shared_task(name="mtclean.clean_job", ignore_result=True, **RETRY)
def clean_job(self, job_id: str) -> str:
    """Clean job ``job_id``: whole, or by a chord of :func:`clean_chunk` and :func:`join_chunks`."""
    store = _store()
    job = store.get_job(job_id)
    if job is None or job["state"] in ("done", "failed"):
        return "skipped"
    text = store.get_text(job_id)
    if text is None:
        store.finish(job_id, "failed", error={"code": "expired", "message": "the job's text expired"})
        return "failed"
    try:
        fmt = resolve_format(job["name"], (job["options"] or {}).get("format"))
        bounds = split_chunks(text, int(job["chunk_chars"])) if fmt == "txt" else [(0, len(text))]
        if len(bounds) == 1:
            store.set_state(job_id, "running", progress_total=1)
            _delay()
            _finish(job_id, clean_text(text, job["options"], job["name"]), 1)
            return "done"
        # the names the whole document uses consistently, counted once for every chunk (a chunk
        # counting them itself made a job's time grow with the square of its size), and where
        # each chunk is in the stored text's bytes (a chunk reads only its own part)
        store.set_state(job_id, "running", chunks=bounds, chunk_bytes=byte_bounds(text, bounds),
                        context_names=sorted(chunking.document_names(text, bounds)
                                             | set((job["options"] or {}).get("context_names") or ())),
                        progress_total=len(bounds))
    except ServiceUnavailable:
        raise
    except Exception as exc:  # noqa: BLE001 - the job fails, the worker goes on
        _fail(job_id, exc)
        return "failed"
    app = self.app
    header = group(app.signature("mtclean.clean_chunk", args=(job_id, i), immutable=True) for i in range(len(bounds)))
    chord(header, app=app)(app.signature("mtclean.join_chunks", args=(job_id,), immutable=True))
    return "split"


@shared_task(name="mtclean.clean_chunk", **RETRY)
def clean_chunk(self, job_id: str, index: int) -> str:
    """Clean chunk ``index`` of job ``job_id`` (skipped when already done)."""
    store = _store()
    if store.get_chunk(job_id, index) is not None:
        return "cached"
    job = store.get_job(job_id)
    if job is None or job["state"] in ("done", "failed"):
        return "skipped"
    names = job.get("context_names")
    if names is not None and job.get("chunk_bytes"):  # (a job split before these were kept: below)
        chunk = store.get_text_range(job_id, *job["chunk_bytes"][index])
        whole = None
    else:
        whole = store.get_text(job_id)
        chunk = None if whole is None else whole[slice(*job["chunks"][index])]
    if chunk is None:
        return "skipped"
    try:
        _delay()
        data = clean_text(chunk, job["options"], job["name"], context=whole,
                          context_names=None if names is None else frozenset(names))
    except ServiceUnavailable:
        raise
    except Exception as exc:  # noqa: BLE001
        _fail(job_id, exc)
        return "failed"
    store.put_chunk(job_id, index, data)
    return "done"


@shared_task(name="mtclean.join_chunks", ignore_result=True, **RETRY)
def join_chunks(self, job_id: str) -> str:
    """Join the chunks of ``job_id`` in order (retried while a chunk is still missing)."""
    store = _store()
    job = store.get_job(job_id)
    if job is None or job["state"] in ("done", "failed"):
        return "skipped"
    bounds = [tuple(b) for b in job["chunks"]]
    parts = [store.get_chunk(job_id, i) for i in range(len(bounds))]
    if any(p is None for p in parts):  # a chunk is being rerun after a lost worker
        raise self.retry(countdown=1, max_retries=600)
    text = store.get_text(job_id) or ""
    try:
        result = merge_chunks(text, bounds, parts, job["name"])  # type: ignore[arg-type]
    except Exception as exc:  # noqa: BLE001
        _fail(job_id, exc)
        return "failed"
    _finish(job_id, result, len(bounds))
    store.drop_chunks(job_id, len(bounds))
    return "done"
