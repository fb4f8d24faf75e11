"""Cleaning through a running mtclean service (``mtclean clean --via URL``)."""
from __future__ import annotations

import hashlib
import json
import time
from typing import TYPE_CHECKING, Any

import httpx

from service.core.model import Edit
from service.engine.pipeline import CleanResult, PassStatus
from service.errors import InputError, ServiceUnavailable

if TYPE_CHECKING:
    from service.engine.options import CleanOptions


class RemoteEngine:
    """Cleans through a running mtclean service: ``POST /v1/jobs``, then polls the job."""

    def __init__(self, url: str, settings: CleanOptions):
        self.url = url.rstrip("/")
        self.settings = settings
        self.client = httpx.Client(timeout=60.0)

    def _call(self, method: str, url: str, body: dict[str, Any] | None = None) -> tuple[int, dict[str, Any]]:
        headers = {"Accept": "application/json"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
            headers["Idempotency-Key"] = hashlib.sha256(data).hexdigest()
        try:
            resp = self.client.request(method, url, content=data, headers=headers)
        except httpx.HTTPError as exc:  # connection refused, timeouts, bad URLs
            raise ServiceUnavailable(f"cannot reach the mtclean service at {self.url} ({exc}); "
                                     "start it with `mtclean serve` or check --via") from None
        if resp.status_code >= 400:
            try:
                err = resp.json().get("error", {})
            except ValueError:
                err = {}
            msg = err.get("message") or resp.reason_phrase
            if resp.status_code in (502, 503, 504):
                raise ServiceUnavailable(f"the mtclean service at {self.url} answered {resp.status_code}: {msg}")
            raise InputError(f"the mtclean service refused the file ({resp.status_code}): {msg}")
        return resp.status_code, (resp.json() if resp.content else {})

    def __call__(self, text: str, extra: frozenset[str], context: frozenset[str] = frozenset()) -> CleanResult:
        s = self.settings
        options: dict[str, Any] = {"apply": s.apply, "passes": [p for p in s.passes if s.grammar or p != "grammar"]}
        if s.source_langs:
            options["source_lang"] = sorted(s.source_langs)
        names = sorted(s.glossary | extra)
        if names:
            options["glossary"] = names
        if context - s.glossary - extra:  # the names of the whole file this text is a chunk of
            options["context_names"] = sorted(context - s.glossary - extra)
        _, job = self._call("POST", f"{self.url}/v1/jobs", {"text": text, "options": options})
        job_url = job.get("url") or f"{self.url}/v1/jobs/{job['id']}"
        deadline = time.monotonic() + s.via_timeout
        while True:
            state = job.get("state") or job.get("status")
            if state == "done":
                break
            if state == "failed":
                err = job.get("error") or {}
                raise InputError(f"the service could not clean it: {err.get('message', 'the job failed')}")
            if time.monotonic() > deadline:
                raise ServiceUnavailable(f"job {job.get('id')} was not done after {s.via_timeout:.0f} s")
            _, job = self._call("GET", f"{job_url}{'&' if '?' in job_url else '?'}wait=10")
        result = job.get("result") or job
        edits = [Edit.from_dict(d) for d in result.get("edits", [])]
        applied = [e for e, d in zip(edits, result.get("edits", [])) if d.get("applied")]
        fields_ = set(PassStatus.__dataclass_fields__)
        passes = {k: PassStatus(**{f: v for f, v in st.items() if f in fields_})
                  for k, st in (result.get("passes") or {}).items()}
        return CleanResult(text, result["cleaned"], edits, applied, [], passes, s.apply,
                           int(result.get("rounds", 1)), list(result.get("warnings", [])),
                           str(result.get("harm_check", "skipped")))

