"""Cleaning through a running mtclean service (``mtclean clean --via URL``)."""
from __future__ import annotations

import hashlib
import json
import time
import urllib.error
import urllib.request
from typing import TYPE_CHECKING, Any

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

    def _call(self, method: str, url: str, body: dict[str, Any] | None = None) -> tuple[int, dict[str, Any]]:
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(url, data=data, method=method,
                                     headers={"Content-Type": "application/json", "Accept": "application/json"})
        if body is not None:
            req.add_header("Idempotency-Key", hashlib.sha256(data or b"").hexdigest())
        try:
            with urllib.request.urlopen(req, timeout=60) as resp:
                return resp.status, json.loads(resp.read() or b"{}")
        except urllib.error.HTTPError as exc:
            try:
                err = json.loads(exc.read() or b"{}").get("error", {})
            except ValueError:
                err = {}
            msg = err.get("message") or exc.reason
            if exc.code in (502, 503, 504):
                raise ServiceUnavailable(f"the mtclean service at {self.url} answered {exc.code}: {msg}") from None
            raise InputError(f"the mtclean service refused the file ({exc.code}): {msg}") from None
        except (urllib.error.URLError, OSError) as exc:
            raise ServiceUnavailable(f"cannot reach the mtclean service at {self.url} ({exc}); "
                                     "start it with `mtclean serve` or check --via") from None

    def __call__(self, text: str, extra: frozenset[str]) -> CleanResult:
        s = self.settings
        options: dict[str, Any] = {"apply": s.apply, "passes": [p for p in s.passes if s.grammar or p != "grammar"]}
        if s.source_langs:
            options["source_lang"] = sorted(s.source_langs)
        names = sorted(s.glossary | extra)
        if names:
            options["glossary"] = names
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
                           int(result.get("rounds", 1)), list(result.get("warnings", [])))

