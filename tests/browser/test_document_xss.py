"""Stored XSS (issue 14 item 1): a script in an uploaded HTML document never runs on the service's
origin.  Debian's Chromium (Playwright) against a running service (real Redis, a real Celery
worker, HTTP over loopback); every response carries nosniff and a Content-Security-Policy."""
from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

pytest.register_assert_rewrite("tests.service_fixtures")
import requests

from tests.browser.test_review_browser import browser, new_page  # noqa: F401 - the fixture
from tests.service_fixtures import serve

pytest_plugins = ["tests.service_fixtures"]
pytestmark = pytest.mark.integration

EVIL = ("<html><head><title>ok</title></head><body><p>The convoy ran to the airport.</p>"
        "<script>document.title = 'XSS'; window.__xss = 1;"
        "fetch('/').then(r => r.text()).then(t => { window.__xss = 2; document.title = 'XSS2'; });</script>"
        "<img src=x onerror=\"document.title='XSS3'; window.__xss = 3\"></body></html>\n")


@pytest.fixture(scope="module")
def site(service_stack) -> Iterator[str]:
    from service.web.app import create_app

    url, stop = serve(create_app(service_stack.app_config(RATELIMIT_ENABLED=False)))
    yield url
    stop()


def _finished(site: str, text: str, name: str) -> str:
    r = requests.post(f"{site}/v1/jobs", json={"text": text, "name": name}, timeout=10)
    assert r.status_code == 202, r.text
    job_id = r.json()["id"]
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        state = requests.get(f"{site}/v1/jobs/{job_id}?wait=2", timeout=10).json()["state"]
        if state in ("done", "failed"):
            assert state == "done"
            return job_id
    raise AssertionError("the job did not finish")


def test_a_script_in_an_uploaded_html_document_does_not_run(browser, site):  # noqa: F811
    job_id = _finished(site, EVIL, "r.html")
    context, page, _watch = new_page(browser)
    try:
        for path in (f"/v1/jobs/{job_id}/document?format=original", f"/v1/jobs/{job_id}/document",
                     f"/v1/jobs/{job_id}/diff?format=html", f"/v1/jobs/{job_id}/diff?format=unified"):
            resp = page.goto(site + path)
            assert resp is not None and resp.status == 200, path
            headers = resp.headers
            assert headers.get("x-content-type-options") == "nosniff", path
            assert "content-security-policy" in headers, path
            page.wait_for_timeout(300)
            assert page.evaluate("() => window.__xss === undefined"), path
            assert not page.title().startswith("XSS"), (path, page.title())
        # as a download the document keeps its type, and is an attachment (never rendered)
        r = requests.get(f"{site}/v1/jobs/{job_id}/document?format=original&download=1", timeout=10)
        assert r.headers["Content-Disposition"].startswith("attachment")
        assert r.headers["X-Content-Type-Options"] == "nosniff"
    finally:
        context.close()


def test_every_response_has_nosniff_and_a_csp(site):
    for method, path in (("GET", "/"), ("GET", "/healthz"), ("GET", "/v1/openapi.json"), ("GET", "/v1/jobs/nope"),
                         ("GET", "/nowhere"), ("POST", "/v1/jobs")):
        r = requests.request(method, site + path, timeout=10)
        assert r.headers.get("X-Content-Type-Options") == "nosniff", path
        csp = r.headers.get("Content-Security-Policy", "")
        assert "default-src" in csp and "'unsafe-eval'" not in csp, path
