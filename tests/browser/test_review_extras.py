# ruff: noqa: F811  (the fixtures are imported from test_review_browser)
"""The review page's issue-13 extras in Chromium (Playwright): the "?" overlay of the keys, an
accepted auto edit shown apart from an undecided one, and the header kept in view on a phone."""
from __future__ import annotations

import pytest

from tests.browser.test_review_browser import (  # noqa: F401 - fixtures
    api_edits,
    artifacts,
    browser,
    left_to_decide,
    new_page,
    selected_id,
    site,
    submit_text,
    wait_counter,
)

pytest_plugins = ["tests.service_fixtures"]
pytestmark = pytest.mark.integration

TEXT = ("The functional forces arrived in Hanoi .\n\nThe ball is in our yard now , he said.\n\n"
        + "\n\n".join(f"Paragraph {i} of the report says that the city is calm." for i in range(40)) + "\n")


def test_question_mark_opens_the_keys_overlay_which_silences_other_keys(browser, site):
    context, page, watch = new_page(browser)
    job_id = submit_text(page, site, TEXT)
    wait_counter(page, left_to_decide(api_edits(site, job_id)))
    overlay = page.locator("#keys-overlay")
    assert overlay.is_hidden()
    page.keyboard.press("?")
    assert overlay.is_visible()
    assert "accept" in overlay.text_content() and "undo" in overlay.text_content()
    before = selected_id(page)
    page.keyboard.press("a")  # no decision while the overlay is open
    page.keyboard.press("j")
    assert selected_id(page) == before
    page.keyboard.press("Escape")
    assert overlay.is_hidden()
    assert all(not e["decision"] for e in api_edits(site, job_id))
    page.keyboard.press("?")
    page.click("#keys-close")
    assert overlay.is_hidden()
    watch.assert_quiet()
    context.close()


def test_accepted_auto_edit_looks_different_from_an_undecided_one(browser, site):
    context, page, watch = new_page(browser)
    job_id = submit_text(page, site, TEXT)
    edits = api_edits(site, job_id)
    autos = [e for e in edits if e["auto"]]
    assert len(autos) >= 2
    while selected_id(page) != autos[0]["id"]:
        page.keyboard.press("j")
    page.keyboard.press("a")
    first = page.locator(f'#doc .edit[data-id="{autos[0]["id"]}"]')
    other = page.locator(f'#doc .edit[data-id="{autos[1]["id"]}"]')
    page.wait_for_function("id => document.querySelector(`#doc .edit[data-id='${id}']`).classList"
                           ".contains('state-accepted')", arg=autos[0]["id"])
    style = "el => { const i = el.querySelector('ins'); const s = getComputedStyle(i); " \
            "return [s.outlineStyle, s.boxShadow, getComputedStyle(el, '::after').content]; }"
    accepted, undecided = first.evaluate(style), other.evaluate(style)
    assert "state-default" in other.get_attribute("class")
    assert accepted != undecided
    assert undecided[0] == "dashed" and accepted[0] != "dashed" and "\u2713" in accepted[2]
    watch.assert_quiet()
    context.close()


def test_header_stays_at_the_top_on_a_phone(browser, site, artifacts):  # noqa: F811
    context, page, watch = new_page(browser, 390, 844)
    submit_text(page, site, TEXT)
    bar = page.locator("header.bar")
    assert bar.evaluate("el => getComputedStyle(el).position") == "sticky"
    page.evaluate("() => window.scrollTo(0, document.documentElement.scrollHeight)")
    page.wait_for_function("() => window.scrollY > 500")
    top = bar.evaluate("el => el.getBoundingClientRect().top")
    assert abs(top) < 1 and bar.is_visible()
    assert page.locator("#counter").is_visible()
    page.screenshot(path=str(artifacts / "review-phone-sticky-header.png"))
    watch.assert_quiet()
    context.close()
