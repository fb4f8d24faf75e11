# ruff: noqa: F811  (the fixtures are imported from test_review_browser)
"""The review page's counter (what is left to decide) and the submit page's upload errors, in Chromium
against the running service (real Redis and Celery worker; a small body limit on a second app)."""
from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.test_review_browser import (  # noqa: F401 - fixtures
    api_edits,
    artifacts,
    browser,
    counter_text,
    left_to_decide,
    new_page,
    selected_id,
    site,
    submit_text,
    wait_counter,
    wait_decisions,
)
from tests.service_fixtures import serve

pytest_plugins = ["tests.service_fixtures"]
pytestmark = pytest.mark.integration

TEXT = ("He met him. in Syria. A convoy ran to the runway. The functional forces arrived .\n\n"
        "Later a convoy ran to the airport. The functional forces left.\n\n"
        "A convoy ran to the port. One civil contractor was killed.\n")
LIMIT = 4096


@pytest.fixture(scope="module")
def small_site(service_stack) -> Iterator[str]:
    """The service with a body limit of LIMIT bytes."""
    from service.web.app import create_app

    url, stop = serve(create_app(service_stack.app_config(RATELIMIT_ENABLED=False, MAX_CONTENT_LENGTH=LIMIT)))
    yield url
    stop()


def _counter(page: Any) -> str:
    return page.locator("#counter").text_content()


def _go_to(page: Any, edits: list[dict[str, Any]], edit_id: str) -> None:
    ids = [e["id"] for e in edits]
    while (cur := ids.index(selected_id(page))) != ids.index(edit_id):
        page.keyboard.press("j" if cur < ids.index(edit_id) else "k")


def test_counter_counts_the_suggestions_left_through_every_kind_of_decision(browser, site, artifacts):
    context, page, watch = new_page(browser)
    job_id = submit_text(page, site, TEXT)
    edits = api_edits(site, job_id)
    suggestions = [e for e in edits if not e["auto"]]
    autos = [e for e in edits if e["auto"]]
    convoys = [e["id"] for e in edits if e["rule_id"] == "wc.convoy-ran"]
    assert len(suggestions) >= 5 and autos and len(convoys) == 3
    left = left_to_decide(edits)
    assert left == len(suggestions)  # the undecided auto edits are not counted
    wait_counter(page, left)

    others = [e for e in suggestions if e["id"] not in convoys]
    decisions: dict[str, tuple[str, str | None]] = {}
    _go_to(page, edits, others[0]["id"])
    page.keyboard.press("a")  # accept
    decisions[others[0]["id"]] = ("accept", None)
    wait_counter(page, left - 1)
    _go_to(page, edits, others[1]["id"])
    page.keyboard.press("r")  # reject
    decisions[others[1]["id"]] = ("reject", None)
    wait_counter(page, left - 2)
    page.keyboard.press("u")  # undo the rejection
    del decisions[others[1]["id"]]
    wait_counter(page, left - 1)
    _go_to(page, edits, others[1]["id"])
    page.keyboard.press("e")  # the reviewer's own wording
    page.wait_for_selector("#edit-input", state="visible")
    page.fill("#edit-input", "my wording")
    page.keyboard.press("Enter")
    decisions[others[1]["id"]] = ("modify", "my wording")
    wait_counter(page, left - 2)
    _go_to(page, edits, autos[0]["id"])
    page.keyboard.press("a")  # accepting an auto edit leaves as much to decide
    decisions[autos[0]["id"]] = ("accept", None)
    views = wait_decisions(site, job_id, decisions)
    assert left_to_decide(views) == left - 2
    wait_counter(page, left - 2)
    assert page.locator("#pos-left").text_content() == f"{left - 2} left to decide"

    _go_to(page, edits, convoys[0])
    page.click("#bulk-rule-reject")  # a bulk action: three at once
    decisions.update({i: ("reject", None) for i in convoys})
    wait_decisions(site, job_id, decisions)
    wait_counter(page, left - 5)
    page.keyboard.press("u")  # one undo takes the bulk action back
    for i in convoys:
        del decisions[i]
    wait_decisions(site, job_id, decisions)
    wait_counter(page, left - 2)

    for e in suggestions:  # decide the rest, one by one
        if e["id"] not in decisions:
            _go_to(page, edits, e["id"])
            page.keyboard.press("a")
            decisions[e["id"]] = ("accept", None)
    views = wait_decisions(site, job_id, decisions)
    assert left_to_decide(views) == 0
    wait_counter(page, 0)
    assert _counter(page) == "Nothing left to decide"
    assert page.locator("#pos-left").text_content() == "nothing left to decide"
    page.screenshot(path=str(artifacts / "review-nothing-left.png"))
    watch.assert_quiet()
    context.close()


def test_counter_says_nothing_is_left_when_every_edit_is_automatic(browser, site):
    context, page, watch = new_page(browser)
    job_id = submit_text(page, site, "The ball is in our yard now , he said.\n")
    edits = api_edits(site, job_id)
    assert edits and all(e["auto"] for e in edits)
    wait_counter(page, 0)
    assert "Nothing left to decide" == counter_text(0) == _counter(page)
    watch.assert_quiet()
    context.close()


# -- upload errors ------------------------------------------------------------------------------------
class Traffic:
    """The page's requests to /v1/jobs (POST: submissions; GET: polls)."""

    def __init__(self, page: Any):
        self.posts = 0
        self.polls = 0
        page.on("request", self._seen)

    def _seen(self, request: Any) -> None:
        if "/v1/jobs" not in request.url:
            return
        if request.method == "POST":
            self.posts += 1
        elif request.method == "GET":
            self.polls += 1


def _upload(page: Any, site: str, tmp_path: Path, name: str, data: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    if page.url != site + "/":
        page.goto(site + "/")
    page.set_input_files("#file", str(path))
    page.click("#submit-button")


def _shown_once(page: Any, expect: str) -> str:
    """The error is in the progress card, once, the bar stopped; no toast repeats it."""
    page.wait_for_function("() => document.getElementById('progress').classList.contains('failed')")
    label = page.locator("#progress-label")
    text = label.text_content()
    assert text.startswith("Not cleaned: ") and expect in text, text
    assert label.get_attribute("role") == "alert"
    assert page.locator("#toast").is_hidden()
    assert page.get_by_text("Not cleaned:").count() == 1
    bar = page.locator("#progress-bar")
    assert bar.evaluate("b => b.hidden && b.hasAttribute('value')")  # stopped: not an animated bar
    assert page.locator("#submit-button").is_enabled()
    return text


def test_a_file_over_the_limit_is_refused_before_sending(browser, small_site, tmp_path):
    context, page, watch = new_page(browser)
    traffic = Traffic(page)
    page.goto(small_site + "/")
    _upload(page, small_site, tmp_path, "big.txt", b"The functional forces arrived.\n" * 200)
    _shown_once(page, "over the limit of 4.0 KB")
    assert traffic.posts == 0
    watch.assert_quiet()
    context.close()


def test_a_body_over_the_limit_shows_the_servers_413_message(browser, small_site, tmp_path):
    context, page, watch = new_page(browser)
    traffic = Traffic(page)
    page.goto(small_site + "/")
    _upload(page, small_site, tmp_path, "almost.txt", b"a" * (LIMIT - 20))  # the multipart body is over it
    _shown_once(page, "the request body is over the size limit")
    assert traffic.posts == 1
    watch.errors = [e for e in watch.errors if "413" not in e]  # the browser logs the failed request
    watch.assert_quiet()
    context.close()


def test_a_file_of_a_wrong_type_is_refused(browser, site, tmp_path):
    context, page, watch = new_page(browser)
    traffic = Traffic(page)
    page.goto(site + "/")
    _upload(page, site, tmp_path, "photo.png", b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    _shown_once(page, "photo.png: mtclean does not read this type of file")
    assert traffic.posts == 0
    watch.assert_quiet()
    context.close()


def test_the_servers_4xx_message_is_shown_once_and_a_retry_replaces_it(browser, site, tmp_path, artifacts):
    context, page, watch = new_page(browser)
    page.goto(site + "/")
    _upload(page, site, tmp_path, "binary.txt", b"text\x00\x01\x02 more")  # the server refuses binary data
    first = _shown_once(page, "binary data")
    _upload(page, site, tmp_path, "binary2.txt", b"again\x00")  # a second failure replaces the first
    page.wait_for_function("t => document.getElementById('progress-label').textContent !== t", arg=first)
    _shown_once(page, "binary2.txt")
    page.screenshot(path=str(artifacts / "submit-upload-error.png"))
    watch.errors = [e for e in watch.errors if "400" not in e and "422" not in e and "415" not in e]
    watch.assert_quiet()
    context.close()


def _answer_503(route) -> None:
    route.fulfill(status=503, content_type="application/json",
                  body='{"error": {"code": "unavailable", "message": "the queue is down; try again in a minute"}}')


@pytest.mark.parametrize("answer, shown, console", [
    (_answer_503, "the queue is down; try again in a minute", "503"),
    (lambda route: route.abort("connectionrefused"), "the server cannot be reached", "ERR_CONNECTION_REFUSED"),
], ids=["5xx-json-error-with-its-message", "network-failure"])
def test_a_failed_upload_stops_the_bar_and_is_shown_once(browser, site, tmp_path, answer, shown, console):
    context, page, watch = new_page(browser)
    page.route(re.compile(r".*/v1/jobs$"), answer)
    page.goto(site + "/")
    _upload(page, site, tmp_path, "a.txt", b"The functional forces arrived.\n")
    _shown_once(page, shown)
    watch.errors = [e for e in watch.errors if console not in e]
    watch.assert_quiet()
    context.close()


def test_an_error_while_polling_is_shown_once_and_polling_stops(browser, site, tmp_path):
    context, page, watch = new_page(browser)
    traffic = Traffic(page)
    page.route(re.compile(r".*/v1/jobs/[^/?]+\?wait=2$"), lambda route: route.fulfill(
        status=500, content_type="application/json",
        body='{"error": {"code": "internal", "message": "the job store failed; see the server log"}}'))
    page.goto(site + "/")
    _upload(page, site, tmp_path, "a.txt", b"The functional forces arrived.\n")
    _shown_once(page, "the job store failed; see the server log")
    polls = traffic.polls
    time.sleep(3)  # the page would have polled again by now
    assert traffic.polls == polls == 1
    assert page.get_by_text("the job store failed").count() == 1
    watch.errors = [e for e in watch.errors if "500" not in e]
    watch.assert_quiet()
    context.close()
