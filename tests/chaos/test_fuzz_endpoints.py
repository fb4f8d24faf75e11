"""Fuzz every endpoint (issue 14): hypothesis draws methods, paths, query strings, headers and
bodies (JSON of any shape, broken JSON, surrogate escapes, deep nesting, odd charsets, multipart)
and asserts no 5xx and a JSON error body for every 4xx (/healthz takes no input and answers 503
by design when no worker answers its ping: left out).  The app runs on fakeredis with eager
tasks; the number of examples is bounded (MTCLEAN_FUZZ_EXAMPLES, default 600)."""
from __future__ import annotations

import io
import json
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import fast_app_config

pytestmark = pytest.mark.chaos

EXAMPLES = int(os.environ.get("MTCLEAN_FUZZ_EXAMPLES", "600"))
SEEN = {"requests": 0, "5xx": 0}

_APP = None


def _client():
    global _APP
    if _APP is None:
        os.environ.setdefault("MTCLEAN_GRAMMAR", "off")
        from service.web.app import create_app

        _APP = create_app(fast_app_config(API_KEYS="", RATELIMIT_ENABLED=False, MAX_CONTENT_LENGTH=64 * 1024))
        _APP.config["TESTING"] = False
        _APP.extensions["mtclean_store"].heartbeat("eager@test")
        c = _APP.test_client()
        r = c.post("/v1/jobs", json={"text": "He met him. in Syria. A convoy ran to the runway.\n", "name": "a.html"})
        _APP.config["FUZZ_JOB"] = r.json["id"]
        _APP.config["FUZZ_EDIT"] = c.get(f"/v1/jobs/{r.json['id']}/edits").json["edits"][0]["id"]
    return _APP.test_client()


texts = st.one_of(st.text(max_size=200), st.sampled_from(["\ud800", "a\udfffb", "\x00", "", " ", "<script>x</script>"]))
json_values = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | texts,
                           lambda children: st.lists(children, max_size=4) | st.dictionaries(texts, children, max_size=4),
                           max_leaves=20)
option_dicts = st.fixed_dictionaries({}, optional={
    "apply": st.one_of(st.sampled_from(["auto", "all", "none"]), texts), "passes": json_values,
    "glossary": st.one_of(st.lists(texts, max_size=5), json_values), "encoding": st.one_of(
        st.sampled_from(["utf-8", "hex", "base64", "rot13", "utf-16", "unicode_escape", "nope"]), texts),
    "format": json_values, "source_lang": json_values, "grammar": json_values, "source": json_values})
submissions = st.fixed_dictionaries({"text": texts}, optional={"name": texts, "options": option_dicts})
raw_bodies = st.one_of(
    submissions.map(lambda d: json.dumps(d).encode()),
    json_values.map(lambda v: json.dumps(v).encode()),
    st.binary(max_size=300),
    st.integers(1, 3000).map(lambda n: ("[" * n + "]" * n).encode()),
    texts.map(lambda t: ('{"text": "%s"}' % t.encode("unicode_escape").decode()).encode()),
    st.just(b'{"text": "x\\ud800"}'),
    st.just(b'{"decision": "modify", "replacement": "\\udc00"}'),
)
ctypes = st.sampled_from(["application/json", "text/plain", "text/plain; charset=hex", "text/plain; charset=base64",
                          "text/plain; charset=utf-16", "text/plain; charset=bogus", "application/xml",
                          "application/x-www-form-urlencoded", "", "multipart/form-data; boundary=x"])


def _paths(job: str, edit: str) -> st.SearchStrategy[str]:
    ids = st.one_of(st.just(job), st.text(alphabet="abcXYZ-_%.0123456789/", max_size=30))
    eids = st.one_of(st.just(edit), st.text(alphabet="abc0123456789%", max_size=20))
    queries = st.one_of(st.just(""), st.builds(lambda k, v: f"?{k}={v}", st.sampled_from(
        ["wait", "format", "download", "include", "offset", "limit", "name"]), st.text(
        alphabet="0123456789-.aenx%ZF", max_size=8)))
    bases = st.one_of(
        st.sampled_from(["/", "/metrics", "/v1/openapi.json", "/v1/check", "/v1/jobs", "/v2/check",
                         "/v2/languages", "/nowhere"]),
        ids.map(lambda i: f"/v1/jobs/{i}"), ids.map(lambda i: f"/v1/jobs/{i}/diff"),
        ids.map(lambda i: f"/v1/jobs/{i}/edits"), ids.map(lambda i: f"/v1/jobs/{i}/history"),
        ids.map(lambda i: f"/v1/jobs/{i}/document"), ids.map(lambda i: f"/review/{i}"),
        st.tuples(ids, eids).map(lambda t: f"/v1/jobs/{t[0]}/edits/{t[1]}"),
        st.tuples(ids, eids).map(lambda t: f"/v1/jobs/{t[0]}/edits/{t[1]}/undo"))
    return st.tuples(bases, queries).map(lambda t: t[0] + t[1])


@st.composite
def requests_(draw):
    client = _client()
    job, edit = _APP.config["FUZZ_JOB"], _APP.config["FUZZ_EDIT"]
    method = draw(st.sampled_from(["GET", "POST", "POST", "POST", "PUT", "DELETE", "HEAD", "OPTIONS"]))
    path = draw(_paths(job, edit))
    headers = draw(st.dictionaries(st.sampled_from(["Authorization", "X-API-Key", "Idempotency-Key", "Origin",
                                                    "Sec-Fetch-Site", "X-CSRF-Token", "Accept"]),
                                   st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=40),
                                   max_size=3))
    if draw(st.booleans()) and method == "POST" and path.startswith("/v1/jobs"):
        form = {"file": (io.BytesIO(draw(st.binary(max_size=200))), draw(st.sampled_from(["a.txt", "b.html", "c.po",
                                                                                          "d.exe", "e.srt"])))}
        if draw(st.booleans()):
            form["options"] = draw(raw_bodies).decode("latin-1")
        return client, method, path, {"data": form, "content_type": "multipart/form-data", "headers": headers}
    return client, method, path, {"data": draw(raw_bodies), "content_type": draw(ctypes), "headers": headers}


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(requests_())
def test_no_endpoint_answers_5xx(req):
    client, method, path, kw = req
    _APP.extensions["mtclean_store"].heartbeat("eager@test")  # the worker stays live (503 only when none is)
    r = client.open(path, method=method, **kw)
    SEEN["requests"] += 1
    if r.status_code >= 500:
        SEEN["5xx"] += 1
    assert r.status_code < 500, (method, path, r.status_code, r.get_data(as_text=True)[:300])
    if r.status_code >= 400 and method != "HEAD":
        assert r.is_json and "error" in r.json, (method, path, r.status_code, r.get_data(as_text=True)[:200])


def test_fuzz_summary():
    """Runs after the fuzz test (file order): the counts for the report."""
    print(f"\nfuzzed requests: {SEEN['requests']}, 5xx: {SEEN['5xx']}")
    assert SEEN["5xx"] == 0
