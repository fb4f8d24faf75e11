"""The review page in Debian's Chromium (Playwright) against a running service: real Redis, a
real Celery worker, HTTP over loopback.  Screenshots are kept under the pytest temporary
directory (``<basetemp>/artifacts``; ``MTCLEAN_ARTIFACTS=DIR`` puts them in DIR instead).

Without Playwright or a Chromium that starts, the tests skip (fail with REQUIRE_SERVICES=1)."""
from __future__ import annotations

import difflib
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.register_assert_rewrite("tests.service_fixtures")
import requests

from tests.review_helpers import expected_text
from tests.service_fixtures import serve

pytest_plugins = ["tests.service_fixtures"]
pytestmark = pytest.mark.integration

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
SAMPLE = Path(__file__).resolve().parents[2] / "samples" / "soleimani-vi-en.txt"
WAIT_MS = 15_000


def _unavailable(msg: str) -> None:
    if os.environ.get("REQUIRE_SERVICES") == "1":
        pytest.fail(msg + "; REQUIRE_SERVICES=1 makes this a failure")
    pytest.skip(msg)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("playwright is not installed (pip install playwright==1.65.2)")
    if not Path(CHROMIUM).exists():
        _unavailable(f"{CHROMIUM} not found (apt-get install chromium)")
    pw = sync_playwright().start()
    try:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, timeout=60_000)
    except Exception as exc:  # noqa: BLE001 - any launch failure means no browser here
        pw.stop()
        _unavailable(f"chromium cannot be launched: {exc}")
    yield b
    b.close()
    pw.stop()


@pytest.fixture(scope="module")
def site(service_stack) -> Iterator[str]:
    from service.web.app import create_app

    url, stop = serve(create_app(service_stack.app_config(RATELIMIT_ENABLED=False)))
    yield url
    stop()


@pytest.fixture(scope="module")
def artifacts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = Path(os.environ.get("MTCLEAN_ARTIFACTS") or tmp_path_factory.getbasetemp() / "artifacts")
    path.mkdir(parents=True, exist_ok=True)
    return path


class Watch:
    """Dialogs, console errors and uncaught exceptions of a page: a page under test has none."""

    def __init__(self, page: Any):
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        page.on("dialog", self._dialog)
        page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        page.on("pageerror", lambda e: self.errors.append(f"uncaught: {e}"))

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def assert_quiet(self) -> None:
        assert self.dialogs == [] and self.errors == [], (self.dialogs, self.errors)


def new_page(browser: Any, width: int = 1280, height: int = 800) -> tuple[Any, Any, Watch]:
    context = browser.new_context(viewport={"width": width, "height": height}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(WAIT_MS)
    return context, page, Watch(page)


def api_edits(site: str, job_id: str) -> list[dict[str, Any]]:
    """The edits in the order the page shows them (document order)."""
    r = requests.get(f"{site}/v1/jobs/{job_id}/edits", timeout=10)
    assert r.status_code == 200, r.text
    return sorted(r.json()["edits"], key=lambda e: (e["start"], e["end"], e["index"]))


def selected_id(page: Any) -> str:
    return page.locator("#doc .edit.is-selected").get_attribute("data-id")


def left_to_decide(edits: list[dict[str, Any]]) -> int:
    """What the counter counts: the suggestions nobody decided (an undecided auto edit is applied)."""
    return sum(1 for e in edits if not e["decision"] and not e["selected"])


def counter_text(left: int) -> str:
    return f"{left} suggestion{'s' if left != 1 else ''} left to decide" if left else "Nothing left to decide"


def wait_counter(page: Any, left: int) -> None:
    page.wait_for_function("t => document.getElementById('counter').textContent === t", arg=counter_text(left))


def wait_decisions(site: str, job_id: str, want: dict[str, tuple[str, str | None]]) -> list[dict[str, Any]]:
    """Poll the API until the page's decisions have all been saved; returns the edits."""
    import time

    deadline = time.monotonic() + WAIT_MS / 1000
    while True:
        edits = api_edits(site, job_id)
        got = {e["id"]: (e["decision"], e["replacement"] if e["decision"] == "modify" else None)
               for e in edits if e["decision"]}
        if got == want or time.monotonic() > deadline:
            assert got == want
            return edits
        time.sleep(0.1)


def submit_text(page: Any, site: str, text: str) -> str:
    page.goto(site + "/")
    page.fill("#text", text)
    page.click("#submit-button")
    page.wait_for_url(re.compile(r".*/review/[^/]+$"), timeout=90_000)
    page.wait_for_selector("#doc .edit")
    return page.url.rsplit("/", 1)[1]


def test_reviewing_the_sample_article_with_the_keyboard(browser, site, artifacts):
    from playwright.sync_api import expect

    context, page, watch = new_page(browser)
    page.goto(site + "/")
    page.set_input_files("#file", str(SAMPLE))
    page.click("#submit-button")
    page.wait_for_url(re.compile(r".*/review/[^/]+$"), timeout=90_000)
    page.wait_for_selector("#doc .edit")
    job_id = page.url.rsplit("/", 1)[1]
    assert page.locator("#doc-name").text_content() == "soleimani-vi-en.txt"
    edits = api_edits(site, job_id)
    total = len(edits)
    assert total >= 10 and page.locator("#doc .edit").count() == total
    wait_counter(page, left_to_decide(edits))
    original = SAMPLE.read_text(encoding="utf-8")
    assert page.locator("#doc").text_content().replace("\u21b5", "").startswith(original[:200])

    # first edit selected; its message and evidence are in the panel
    assert selected_id(page) == edits[0]["id"]
    assert page.locator("#p-message").text_content() == edits[0]["message"]
    suggestions = [i for i, e in enumerate(edits) if not e["auto"]]
    autos = [i for i, e in enumerate(edits) if e["auto"]]
    first_auto, first_sugg = autos[0], suggestions[0]
    second_sugg, third_sugg = suggestions[1], suggestions[2]

    def go_to(i: int) -> None:
        while (cur := [e["id"] for e in edits].index(selected_id(page))) != i:
            page.keyboard.press("j" if cur < i else "k")

    go_to(first_auto)
    page.keyboard.press("r")  # reject an auto edit; the next edit is selected
    assert selected_id(page) == edits[first_auto + 1]["id"]
    go_to(first_sugg)
    page.keyboard.press("a")  # accept a suggestion
    go_to(second_sugg)
    page.keyboard.press("e")
    page.wait_for_selector("#edit-input", state="visible")
    page.fill("#edit-input", "a pursuit car")
    page.keyboard.press("Enter")  # saves the reviewer's own wording (the page updates when the server answers)
    modified = page.locator(f'#doc .edit[data-id="{edits[second_sugg]["id"]}"] ins')
    expect(modified).to_have_text("a pursuit car", timeout=10_000)
    page.keyboard.press("k")
    assert selected_id(page) == edits[second_sugg]["id"]
    expect(page.locator("#p-new")).to_have_text("a pursuit car", timeout=10_000)
    go_to(third_sugg)
    page.keyboard.press("r")
    page.keyboard.press("u")  # undo: the rejection is taken back and the edit selected again
    assert selected_id(page) == edits[third_sugg]["id"]

    decisions = {edits[first_auto]["id"]: ("reject", None), edits[first_sugg]["id"]: ("accept", None),
                 edits[second_sugg]["id"]: ("modify", "a pursuit car")}
    views = wait_decisions(site, job_id, decisions)
    assert left_to_decide(views) == left_to_decide(edits) - 2  # a suggestion accepted, one rewritten
    wait_counter(page, left_to_decide(views))
    state = lambda i: page.locator(f'#doc .edit[data-id="{edits[i]["id"]}"]').get_attribute("class")
    assert "state-rejected" in state(first_auto) and "state-accepted" in state(first_sugg)
    assert "state-modified" in state(second_sugg) and "state-pending" in state(third_sugg)
    page.screenshot(path=str(artifacts / "review-1280x800.png"))

    # the downloads equal what the same decisions give through the engine
    want = expected_text(original, views, decisions)
    assert want != original
    with page.expect_download() as dl:
        page.click("#dl-text")
    assert dl.value.suggested_filename == "soleimani-vi-en.reviewed.txt"
    assert Path(dl.value.path()).read_text(encoding="utf-8") == want
    with page.expect_download() as dl:
        page.click("#dl-diff")
    want_diff = "".join(difflib.unified_diff(original.splitlines(True), want.splitlines(True),
                                             "a/soleimani-vi-en.txt", "b/soleimani-vi-en.txt"))
    assert Path(dl.value.path()).read_text(encoding="utf-8") == want_diff

    # 1280x800: the document and the panel side by side, the controls on screen
    doc, panel = page.locator("#doc").bounding_box(), page.locator("#panel").bounding_box()
    assert panel["x"] >= doc["x"] + doc["width"] and panel["y"] + panel["height"] <= 800
    watch.assert_quiet()
    context.close()

    # a phone: one column, the panel docked at the bottom with its buttons, no sideways scroll
    context, page, watch = new_page(browser, 390, 844)
    page.goto(f"{site}/review/{job_id}")
    page.wait_for_selector("#doc .edit")
    wait_counter(page, left_to_decide(views))
    assert selected_id(page) == next(e["id"] for e in edits if e["id"] not in decisions)  # the first one left
    for button in ("#btn-prev", "#btn-accept", "#btn-reject", "#btn-edit", "#btn-undo", "#btn-next"):
        box = page.locator(button).bounding_box()
        assert box and 0 <= box["x"] and box["x"] + box["width"] <= 390 and box["y"] + box["height"] <= 844, button
    sel = page.locator("#doc .edit.is-selected").bounding_box()
    assert sel["y"] + sel["height"] <= page.locator("#panel").bounding_box()["y"]  # not hidden by the panel
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.click("#btn-next")
    page.screenshot(path=str(artifacts / "review-390x844.png"))
    watch.assert_quiet()
    context.close()


def test_bulk_buttons_accept_every_auto_edit_and_a_whole_rule(browser, site, artifacts):
    text = ("He met him. in Syria. A convoy ran to the runway. The sides stepped back on the crater of war. "
            "Later a convoy ran to the airport.\n\nOne civil contractor was killed.\n")
    context, page, watch = new_page(browser)
    job_id = submit_text(page, site, text)
    edits = api_edits(site, job_id)
    autos = {e["id"] for e in edits if e["auto"]}
    convoys = [e["id"] for e in edits if e["rule_id"] == "wc.convoy-ran"]
    assert len(convoys) == 2 and autos
    page.click("#bulk-auto")
    after = wait_decisions(site, job_id, {i: ("accept", None) for i in autos})
    assert left_to_decide(after) == left_to_decide(edits)  # auto edits were not left to decide
    wait_counter(page, left_to_decide(after))
    page.locator(f'#doc .edit[data-id="{convoys[1]}"]').click()
    assert page.locator("#bulk-rule-reject").text_content() == "Reject all 2 from wc.convoy-ran"
    page.click("#bulk-rule-reject")
    wait_decisions(site, job_id, {**{i: ("accept", None) for i in autos}, **{i: ("reject", None) for i in convoys}})
    page.click("#bulk-rule-accept")
    wait_decisions(site, job_id, {**{i: ("accept", None) for i in autos}, **{i: ("accept", None) for i in convoys}})
    page.keyboard.press("u")  # one undo takes back the whole bulk action
    views = wait_decisions(site, job_id, {**{i: ("accept", None) for i in autos}, **{i: ("reject", None) for i in convoys}})
    with page.expect_download() as dl:
        page.click("#dl-text")
    assert Path(dl.value.path()).read_text(encoding="utf-8") == expected_text(
        text, views, {i: ("accept", None) for i in autos} | {i: ("reject", None) for i in convoys})
    page.screenshot(path=str(artifacts / "review-bulk-1280x800.png"))
    watch.assert_quiet()
    context.close()


HOSTILE = ('He met him. in Syria. <script>alert("xss-1")</script> A convoy ran to the runway '
           '"><img src=x onerror=alert(2)> and <b onmouseover=alert(3)>bold</b>.\n\n'
           "The sides stepped back on the crater of war. <svg onload=alert(4)></svg>"
           '<script>document.title="pwned"</script>\n')


def test_a_hostile_text_is_shown_literally_and_runs_nothing(browser, site, artifacts):
    context, page, watch = new_page(browser)
    job_id = submit_text(page, site, HOSTILE)
    doc = page.locator("#doc")
    shown = doc.text_content().replace("\u21b5", "")
    for piece in ('<script>alert("xss-1")</script>', '"><img src=x onerror=alert(2)>',
                  "<b onmouseover=alert(3)>bold</b>", "<svg onload=alert(4)></svg>"):
        assert piece in shown
    assert page.locator("#doc img, #doc script, #doc b, #doc svg").count() == 0
    page.hover("#doc")
    # the reviewer's own wording is untrusted too
    convoy = next(e for e in api_edits(site, job_id) if e["rule_id"] == "wc.convoy-ran")
    page.locator(f'#doc .edit[data-id="{convoy["id"]}"]').click()
    page.keyboard.press("e")
    page.fill("#edit-input", "<img src=y onerror=alert(5)>")
    page.keyboard.press("Enter")
    page.keyboard.press("k")
    assert page.locator("#p-new").text_content() == "<img src=y onerror=alert(5)>"
    wait_decisions(site, job_id, {convoy["id"]: ("modify", "<img src=y onerror=alert(5)>")})
    assert page.evaluate("document.images.length") == 0
    assert page.title() != "pwned" and "pwned" not in page.title()
    page.screenshot(path=str(artifacts / "review-hostile-1280x800.png"))
    # a hostile job name, rendered by the server's template
    r = requests.post(f"{site}/v1/jobs", json={"text": "He met him. in Syria.", "name": '"><img src=z onerror=alert(6)>'},
                      timeout=10)
    named = r.json()["id"]
    page.goto(f"{site}/review/{named}")
    page.wait_for_selector("#doc .edit")
    assert page.locator("#doc-name").text_content() == '"><img src=z onerror=alert(6)>'
    assert page.evaluate("document.images.length") == 0
    watch.assert_quiet()
    context.close()


def test_with_api_keys_the_page_asks_for_a_key_and_decisions_record_it(browser, service_stack, artifacts):
    import hashlib

    from service.web.app import create_app

    url, stop = serve(create_app(service_stack.app_config(API_KEYS="reviewer-key", RATELIMIT_ENABLED=False)))
    try:
        context, page, watch = new_page(browser, 390, 844)
        page.goto(url + "/")
        page.fill("#text", "He met him. in Syria. A convoy ran to the runway.")
        page.click("#submit-button")
        page.wait_for_selector("#key-form", state="visible")
        assert page.locator("#toast").is_hidden()
        page.screenshot(path=str(artifacts / "api-key-390x844.png"))
        page.fill("#key-input", "reviewer-key")
        page.click("#key-form button")
        page.wait_for_selector("#key-form", state="hidden")
        job_id = submit_text(page, url, "He met him. in Syria. A convoy ran to the runway.")
        convoy = next(e for e in requests.get(f"{url}/v1/jobs/{job_id}/edits", headers={"X-API-Key": "reviewer-key"},
                                              timeout=10).json()["edits"] if e["rule_id"] == "wc.convoy-ran")
        page.locator(f'#doc .edit[data-id="{convoy["id"]}"]').click()
        page.keyboard.press("a")
        fingerprint = "key:" + hashlib.sha256(b"reviewer-key").hexdigest()[:12]

        def saved() -> bool:
            r = requests.get(f"{url}/v1/jobs/{job_id}/edits/{convoy['id']}", headers={"X-API-Key": "reviewer-key"},
                             timeout=10)
            return r.json()["decision"] == "accept" and r.json()["decided_by"] == fingerprint
        import time

        deadline = time.monotonic() + WAIT_MS / 1000
        while not saved():
            assert time.monotonic() < deadline, "the decision was not saved with the key's fingerprint"
            time.sleep(0.1)
        # the only console error is the 401 that made the page ask for the key
        assert watch.dialogs == [] and all("401" in e for e in watch.errors), watch.errors
        context.close()
    finally:
        stop()
