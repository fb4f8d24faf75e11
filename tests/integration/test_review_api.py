"""The review API: every decision path, bulk decisions, undo, concurrent reviewers, CSRF, and
decisions surviving a restart of Redis and of the service.  Real Redis, real Celery workers."""
from __future__ import annotations

import difflib
import hashlib
import signal
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

pytest.register_assert_rewrite("tests.service_fixtures")
import requests

from tests.review_helpers import expected_text
from tests.service_fixtures import serve, wait_for

pytest_plugins = ["tests.service_fixtures"]
pytestmark = pytest.mark.integration

TEXT = ("He met him. in Syria. A convoy ran to the runway. The sides stepped back on the crater of war. "
        "Later a convoy ran to the airport.\n\nOne civil contractor was killed.\n")


# -- helpers ----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def app(service_stack):
    from service.web.app import create_app

    return create_app(service_stack.app_config(RATELIMIT_ENABLED=False))


@pytest.fixture()
def client(app):
    return app.test_client()


def finished_job(client, text: str = TEXT, name: str = "text", headers: dict[str, str] | None = None) -> str:
    r = client.post("/v1/jobs", json={"text": text, "name": name}, headers=headers)
    assert r.status_code == 202, r.get_data(as_text=True)
    job_id = r.json["id"]
    job = wait_for(lambda: (j := client.get(f"/v1/jobs/{job_id}?wait=2", headers=headers).json)["state"]
                   in ("done", "failed") and j, 90, "the job")
    assert job["state"] == "done", job
    return job_id


def crafted_job(app, text: str, edits: list[Any], name: str = "text") -> str:
    """A finished job whose result holds exactly ``edits`` (service.core.model.Edit), written to the
    store the way a worker writes it: for cases no rule produces on demand (overlaps, candidates)."""
    from service.engine.pipeline import CleanResult
    from service.reporting import report
    from service.worker.store import new_job_id

    store = app.extensions["mtclean_store"]
    job_id = new_job_id()
    store.create_job(job_id, text, name, {}, 40_000)
    result = CleanResult(text, text, edits, [], [], {}, "auto")
    store.finish(job_id, "done", result=report.to_json(result, name))
    return job_id


def listing(client, job_id: str, **kw: Any) -> dict[str, Any]:
    r = client.get(f"/v1/jobs/{job_id}/edits", **kw)
    assert r.status_code == 200, r.get_data(as_text=True)
    return r.json


def by_rule(data: dict[str, Any], rule_id: str) -> list[dict[str, Any]]:
    return [e for e in data["edits"] if e["rule_id"] == rule_id]


def decide(client, job_id: str, edit_id: str, status: int = 200, **body: Any) -> dict[str, Any]:
    r = client.post(f"/v1/jobs/{job_id}/edits/{edit_id}", json=body)
    assert r.status_code == status, r.get_data(as_text=True)
    return r.json


def document(client, job_id: str, fmt: str = "text") -> str:
    r = client.get(f"/v1/jobs/{job_id}/document?format={fmt}")
    assert r.status_code == 200, r.get_data(as_text=True)
    return r.get_data(as_text=True)


def error_of(resp, status: int, code: str) -> str:
    assert resp.status_code == status, resp.get_data(as_text=True)
    assert resp.json["error"]["code"] == code, resp.json
    return resp.json["error"]["message"]


# -- listing ----------------------------------------------------------------------------------
def test_every_edit_has_a_stable_id_context_and_no_decision_yet(client):
    from service.review.decisions import edit_id

    job_id = finished_job(client)
    first, again = listing(client, job_id, query_string={"include": "text"}), listing(client, job_id)
    assert first["text"] == TEXT and "text" not in again
    assert [e["id"] for e in first["edits"]] == [e["id"] for e in again["edits"]]
    result = client.get(f"/v1/jobs/{job_id}").json["result"]
    assert [e["id"] for e in first["edits"]] == [edit_id(job_id, e) for e in result["edits"]]
    assert len({e["id"] for e in first["edits"]}) == len(first["edits"]) >= 5
    convoy = by_rule(first, "wc.convoy-ran")[0]
    assert convoy["tier"] == "suggest" and not convoy["auto"] and convoy["category"] == "word_choice"
    assert convoy["message"] and convoy["evidence"] and convoy["decision"] is None and not convoy["selected"]
    assert convoy["context"]["before"].endswith("in Syria. A ") and convoy["context"]["after"].startswith(" the runway.")
    assert convoy["context"]["line"] == 1
    contractor = by_rule(first, "wc.civil-contractor")[0]
    assert contractor["context"]["before"] == "One " and contractor["context"]["line"] == 3  # not across a blank line
    idiom = by_rule(first, "vi.stepped-back-on-the-crater")[0]
    assert idiom["auto"] and idiom["selected"] and idiom["applied"]
    assert first["counts"]["remaining"] == first["counts"]["total"] == len(first["edits"])
    # no decision yet: the reviewed text is the job's cleaned text
    assert document(client, job_id) == result["cleaned"]


def test_the_sample_article_untouched_by_review_is_the_cleaned_text(client, sample_text):
    job_id = finished_job(client, sample_text, "soleimani-vi-en.txt")
    result = client.get(f"/v1/jobs/{job_id}").json["result"]
    data = listing(client, job_id)
    assert data["counts"]["total"] == len(result["edits"]) and data["counts"]["conflicts"] == 0
    assert document(client, job_id) == result["cleaned"]


# -- single decisions -------------------------------------------------------------------------
def test_accept_reject_and_modify_each_change_the_document(client):
    job_id = finished_job(client)
    data = listing(client, job_id)
    convoy1, convoy2 = by_rule(data, "wc.convoy-ran")
    idiom = by_rule(data, "vi.stepped-back-on-the-crater")[0]
    contractor = by_rule(data, "wc.civil-contractor")[0]

    out = decide(client, job_id, convoy1["id"], decision="accept")
    assert out["edit"]["decision"] == "accept" and out["edit"]["applied"] and out["edit"]["decided_at"] > 0
    assert out["edit"]["decided_by"] is None  # no API keys configured
    assert out["counts"]["remaining"] == data["counts"]["total"] - 1
    decide(client, job_id, idiom["id"], decision="reject")
    out = decide(client, job_id, contractor["id"], decision="modify", replacement="civilian worker")
    assert out["edit"]["replacement"] == "civilian worker" and out["edit"]["applied"]
    decisions = {convoy1["id"]: ("accept", None), idiom["id"]: ("reject", None),
                 contractor["id"]: ("modify", "civilian worker")}
    text = document(client, job_id)
    assert text == expected_text(TEXT, data["edits"], decisions)
    assert "A convoy drove to the runway" in text and "a convoy ran to the airport" in text
    assert "stepped back on the crater of war" in text and "One civilian worker was killed" in text
    after = listing(client, job_id)
    assert {e["id"]: e["decision"] for e in after["edits"] if e["decision"]} == \
        {k: v[0] for k, v in decisions.items()}
    assert not by_rule(after, "vi.stepped-back-on-the-crater")[0]["selected"]
    assert convoy2["id"] not in {k for k in decisions}
    # a modification may delete the span
    decide(client, job_id, convoy2["id"], decision="modify", replacement="")
    assert "Later a  the airport." in document(client, job_id)


def test_accept_may_pick_another_candidate(app, client):
    from service.core.model import Edit, Tier

    text = "They reached the crater of war."
    edit = Edit(17, 30, "crater of war", ("brink of war", "verge of war"), "test.candidates", "idiom",
                Tier.SUGGEST, "Two candidates.", "test", "phrases")
    job_id = crafted_job(app, text, [edit])
    eid = listing(client, job_id)["edits"][0]["id"]
    out = decide(client, job_id, eid, decision="accept", replacement="verge of war")
    assert out["edit"]["replacement"] == "verge of war"
    assert document(client, job_id) == "They reached the verge of war."
    decide(client, job_id, eid, decision="accept")
    assert document(client, job_id) == "They reached the brink of war."


@pytest.mark.parametrize("body", [
    {"decision": "maybe"}, {"decision": "modify"}, {"decision": "modify", "replacement": 5},
    {"decision": "reject", "replacement": "x"}, {"decision": "accept", "replacement": "not a candidate"},
    {"decision": "accept", "color": "red"}, {"decision": "undo", "replacement": "x"}, {},
    {"decision": "modify", "replacement": "x" * 10_001},
])
def test_a_bad_decision_is_422(client, body):
    job_id = finished_job(client, "He met him. in Syria. A convoy ran to the runway.")
    eid = by_rule(listing(client, job_id), "wc.convoy-ran")[0]["id"]
    msg = error_of(client.post(f"/v1/jobs/{job_id}/edits/{eid}", json=body), 422, "invalid_decision")
    assert "accept" in msg or "replacement" in msg or "modify" in msg
    assert listing(client, job_id)["counts"]["decided"] == 0


def test_a_body_that_is_not_json_is_400(client):
    job_id = finished_job(client, "He met him. in Syria.")
    eid = listing(client, job_id)["edits"][0]["id"]
    error_of(client.post(f"/v1/jobs/{job_id}/edits/{eid}", data="accept", content_type="text/plain"),
             400, "malformed_json")


@pytest.mark.parametrize("bulk", [
    {"decision": "accept"}, {"decision": "accept", "rule_id": "a", "tier": "auto"},
    {"decision": "modify", "rule_id": "wc.convoy-ran"}, {"decision": "accept", "tier": "sometimes"},
])
def test_a_bad_bulk_decision_is_422(client, bulk):
    job_id = finished_job(client, "He met him. in Syria. A convoy ran to the runway.")
    error_of(client.post(f"/v1/jobs/{job_id}/edits", json=bulk), 422, "invalid_decision")


def test_unknown_jobs_and_edits_are_404_and_unfinished_jobs_409(app, client):
    from service.worker.store import new_job_id

    error_of(client.get("/v1/jobs/nope/edits"), 404, "job_not_found")
    error_of(client.post("/v1/jobs/nope/edits/abc", json={"decision": "accept"}), 404, "job_not_found")
    error_of(client.get("/v1/jobs/nope/document"), 404, "job_not_found")
    job_id = finished_job(client, "He met him. in Syria.")
    error_of(client.post(f"/v1/jobs/{job_id}/edits/abc", json={"decision": "accept"}), 404, "edit_not_found")
    error_of(client.get(f"/v1/jobs/{job_id}/edits/abc"), 404, "edit_not_found")
    error_of(client.post(f"/v1/jobs/{job_id}/edits", json={"decision": "accept", "ids": ["abc"]}), 404, "edit_not_found")
    error_of(client.get(f"/v1/jobs/{job_id}/document?format=pdf"), 422, "invalid_options")
    queued = new_job_id()  # created, never given to a worker: stays queued
    app.extensions["mtclean_store"].create_job(queued, "He met him. in Syria.", "text", {}, 40_000)
    for resp in (client.get(f"/v1/jobs/{queued}/edits"), client.get(f"/v1/jobs/{queued}/document"),
                 client.post(f"/v1/jobs/{queued}/edits/abc", json={"decision": "accept"})):
        assert "once it is done" in error_of(resp, 409, "job_not_done")


# -- bulk and undo ----------------------------------------------------------------------------
def test_bulk_decisions_by_rule_category_tier_and_ids(client):
    job_id = finished_job(client)
    data = listing(client, job_id)
    convoys = {e["id"] for e in by_rule(data, "wc.convoy-ran")}
    r = client.post(f"/v1/jobs/{job_id}/edits", json={"decision": "accept", "rule_id": "wc.convoy-ran"})
    assert r.status_code == 200 and set(r.json["changed"]) == convoys and r.json["counts"]["accept"] == 2
    assert document(client, job_id).count("convoy drove to") == 2

    word_choice = {e["id"] for e in data["edits"] if e["category"] == "word_choice"}
    r = client.post(f"/v1/jobs/{job_id}/edits", json={"decision": "reject", "category": "word_choice"})
    assert set(r.json["changed"]) == word_choice and r.json["counts"]["reject"] == len(word_choice)
    autos = {e["id"] for e in data["edits"] if e["tier"] == "auto"}
    r = client.post(f"/v1/jobs/{job_id}/edits", json={"decision": "reject", "tier": "auto"})
    assert set(r.json["changed"]) == autos
    assert document(client, job_id) == TEXT  # everything rejected

    r = client.post(f"/v1/jobs/{job_id}/edits", json={"decision": "accept", "ids": sorted(convoys)})
    assert set(r.json["changed"]) == convoys
    r = client.post(f"/v1/jobs/{job_id}/edits", json={"decision": "accept", "rule_id": "no.such-rule"})
    assert r.status_code == 200 and r.json["changed"] == []
    history = client.get(f"/v1/jobs/{job_id}/history").json["history"]
    assert len(history) == 2 + len(word_choice) + len(autos) + 2
    assert history[0]["bulk"] == {"decision": "accept", "rule_id": "wc.convoy-ran"}
    # bulk undo: one step back for each edit picked
    r = client.post(f"/v1/jobs/{job_id}/edits", json={"decision": "undo", "ids": sorted(convoys)})
    assert set(r.json["changed"]) == convoys
    states = {e["id"]: e["decision"] for e in listing(client, job_id)["edits"]}
    assert {states[i] for i in convoys} == {"reject"}


def test_undo_steps_back_through_the_history(client):
    job_id = finished_job(client)
    eid = by_rule(listing(client, job_id), "wc.civil-contractor")[0]["id"]
    decide(client, job_id, eid, decision="accept")
    decide(client, job_id, eid, decision="reject")
    decide(client, job_id, eid, decision="modify", replacement="contractor")
    assert "One contractor was killed" in document(client, job_id)
    out = client.post(f"/v1/jobs/{job_id}/edits/{eid}/undo").json
    assert out["edit"]["decision"] == "reject"
    out = decide(client, job_id, eid, decision="undo")
    assert out["edit"]["decision"] == "accept" and "One civilian contractor" in document(client, job_id)
    out = client.post(f"/v1/jobs/{job_id}/edits/{eid}/undo").json
    assert out["edit"]["decision"] is None and out["edit"]["decided_at"] is None
    assert "One civil contractor" in document(client, job_id)
    error_of(client.post(f"/v1/jobs/{job_id}/edits/{eid}/undo"), 409, "nothing_to_undo")
    detail = client.get(f"/v1/jobs/{job_id}/edits/{eid}").json
    assert [(h["action"], h["decision"]) for h in detail["history"]] == [
        ("decide", "accept"), ("decide", "reject"), ("decide", "modify"),
        ("undo", "reject"), ("undo", "accept"), ("undo", None)]
    assert detail["history"][2]["replacement"] == "contractor"
    assert all(h["at"] > 0 for h in detail["history"])


# -- reviewers --------------------------------------------------------------------------------
def test_the_later_reviewer_wins_and_the_history_keeps_both(service_stack):
    from service.web.app import create_app

    app = create_app(service_stack.app_config(API_KEYS="alice-key,bob-key", RATELIMIT_ENABLED=False))
    client = app.test_client()
    alice, bob = {"X-API-Key": "alice-key"}, {"Authorization": "Bearer bob-key"}
    job_id = finished_job(client, headers=alice)
    assert client.get(f"/v1/jobs/{job_id}/edits").status_code == 401
    # keys own their jobs (issue 14 item 7): bob's key cannot read or change alice's job
    assert client.get(f"/v1/jobs/{job_id}/edits", headers=bob).status_code == 404
    assert client.get(f"/v1/jobs/{job_id}", headers=bob).status_code == 404
    eid = by_rule(client.get(f"/v1/jobs/{job_id}/edits", headers=alice).json, "wc.convoy-ran")[0]["id"]
    assert client.post(f"/v1/jobs/{job_id}/edits/{eid}", json={"decision": "accept"}, headers=bob).status_code == 404
    assert client.post(f"/v1/jobs/{job_id}/edits/{eid}", json={"decision": "accept"}, headers=alice).status_code == 200
    out = client.post(f"/v1/jobs/{job_id}/edits/{eid}", json={"decision": "reject"},
                      headers={"Authorization": "Bearer alice-key"}).json
    fingerprint = lambda k: "key:" + hashlib.sha256(k.encode()).hexdigest()[:12]
    assert out["edit"]["decision"] == "reject" and out["edit"]["decided_by"] == fingerprint("alice-key")
    history = client.get(f"/v1/jobs/{job_id}/edits/{eid}", headers=alice).json["history"]
    assert [(h["decision"], h["by"]) for h in history] == [("accept", fingerprint("alice-key")),
                                                            ("reject", fingerprint("alice-key"))]
    assert history[0]["at"] <= history[1]["at"]
    raw = app.extensions["mtclean_store"].redis.lrange(f"mtclean:job:{job_id}:history", 0, -1)
    assert not any("alice-key" in x or "bob-key" in x for x in raw)  # keys are never stored


def test_concurrent_decisions_from_threads_are_all_recorded(app):
    client = app.test_client()
    job_id = finished_job(client)
    ids = [e["id"] for e in listing(client, job_id)["edits"]]
    base, stop = serve(app)
    barrier = threading.Barrier(12)
    choices = ["accept", "reject"]

    def reviewer(n: int) -> list[int]:
        barrier.wait(10)
        statuses = []
        with requests.Session() as s:
            for i in range(8):
                eid = ids[(n + i) % len(ids)] if i % 2 else ids[0]  # everyone fights over the first edit
                r = s.post(f"{base}/v1/jobs/{job_id}/edits/{eid}", json={"decision": choices[(n + i) % 2]}, timeout=30)
                statuses.append(r.status_code)
        return statuses

    try:
        with ThreadPoolExecutor(12) as pool:
            results = list(pool.map(reviewer, range(12)))
    finally:
        stop()
    assert all(s == 200 for st in results for s in st), results
    history = client.get(f"/v1/jobs/{job_id}/history").json["history"]
    assert len(history) == 12 * 8
    final = {e["id"]: e for e in listing(client, job_id)["edits"]}
    for eid in ids:
        mine = [h for h in history if h["edit_id"] == eid]
        if mine:  # the later decision wins: the current one is the last in the history
            assert final[eid]["decision"] == mine[-1]["decision"]
            assert final[eid]["decided_at"] == mine[-1]["at"]
    assert len([h for h in history if h["edit_id"] == ids[0]]) >= 12 * 4
    # every decision of the first edit can be undone, one by one, back to none
    for _ in range(len([h for h in history if h["edit_id"] == ids[0]])):
        assert client.post(f"/v1/jobs/{job_id}/edits/{ids[0]}/undo").status_code == 200
    error_of(client.post(f"/v1/jobs/{job_id}/edits/{ids[0]}/undo"), 409, "nothing_to_undo")


# -- overlaps and formats ---------------------------------------------------------------------
def test_overlapping_accepted_edits_are_resolved_by_priority_and_the_loser_reported(app, client):
    from service.core.model import Edit, Tier

    text = "The sides stepped back on the crater of war."
    auto = Edit(30, 43, "crater of war", ("brink of war",), "vi.crater-of-war", "idiom", Tier.AUTO,
                "Calque.", "rule pack", "phrases")
    wide = Edit(18, 43, "back on the crater of war", ("away from war",), "test.wide", "idiom", Tier.SUGGEST,
                "Wider.", "rule pack", "phrases")
    job_id = crafted_job(app, text, [wide, auto])
    data = listing(client, job_id)
    wide_id, auto_id = by_rule(data, "test.wide")[0]["id"], by_rule(data, "vi.crater-of-war")[0]["id"]
    out = decide(client, job_id, wide_id, decision="accept")
    assert not out["edit"]["applied"]
    assert out["edit"]["conflict"]["winner"] == auto_id and "overlaps" in out["edit"]["conflict"]["reason"]
    r = client.get(f"/v1/jobs/{job_id}/document")
    assert r.get_data(as_text=True) == "The sides stepped back on the brink of war."
    assert r.headers["X-Mtclean-Conflicts"] == "1"
    report = client.get(f"/v1/jobs/{job_id}/document?format=json").json
    assert report["conflicts"] == [{"edit_id": wide_id, "rule_id": "test.wide", "reason": "overlaps a higher-priority edit",
                                    "winner": auto_id, "winner_rule_id": "vi.crater-of-war"}]
    decide(client, job_id, auto_id, decision="reject")  # the winner rejected: the other applies
    assert document(client, job_id) == "The sides stepped away from war."
    assert listing(client, job_id)["counts"]["conflicts"] == 0


def test_the_document_as_text_original_format_diff_and_json(client):
    text = "# Notes\n\nHe met him. in Syria. A convoy ran to the runway.\n"
    job_id = finished_job(client, text, "notes/article.md")
    views = listing(client, job_id)["edits"]
    eid = by_rule({"edits": views}, "wc.convoy-ran")[0]["id"]
    decide(client, job_id, eid, decision="accept")
    reviewed = expected_text(text, views, {eid: ("accept", None)})
    assert "He met him in Syria. A convoy drove to the runway." in reviewed
    r = client.get(f"/v1/jobs/{job_id}/document?format=original&download=1")
    assert r.get_data(as_text=True) == reviewed and r.headers["Content-Type"] == "text/markdown; charset=utf-8"
    assert 'filename="article.reviewed.md"' in r.headers["Content-Disposition"]
    r = client.get(f"/v1/jobs/{job_id}/document?download=1")
    assert r.mimetype == "text/plain" and r.get_data(as_text=True) == reviewed
    assert 'filename="article.reviewed.txt"' in r.headers["Content-Disposition"]
    assert "Content-Disposition" not in client.get(f"/v1/jobs/{job_id}/document").headers
    want = "".join(difflib.unified_diff(text.splitlines(True), reviewed.splitlines(True),
                                        "a/notes/article.md", "b/notes/article.md"))
    r = client.get(f"/v1/jobs/{job_id}/document?format=diff&download=1")
    assert r.get_data(as_text=True) == want and r.mimetype == "text/x-diff"
    assert 'filename="article.diff"' in r.headers["Content-Disposition"]
    body = client.get(f"/v1/jobs/{job_id}/document?format=json").json
    assert body["text"] == reviewed and body["diff"] == want and body["conflicts"] == []


# -- storage ----------------------------------------------------------------------------------
def test_decisions_live_as_long_as_the_job(app, client):
    job_id = finished_job(client)
    eid = listing(client, job_id)["edits"][0]["id"]
    decide(client, job_id, eid, decision="reject")
    r = app.extensions["mtclean_store"].redis
    ttl = int(app.config["JOB_TTL_SECONDS"])
    for key in (f"mtclean:job:{job_id}:decisions", f"mtclean:job:{job_id}:history", f"mtclean:job:{job_id}",
                f"mtclean:job:{job_id}:result", f"mtclean:job:{job_id}:text"):
        assert ttl - 5 <= r.ttl(key) <= ttl, key


def test_decisions_survive_a_restart_of_redis_and_of_the_service(make_stack):
    from service.web.app import create_app

    stack = make_stack(own_redis=True, GRAMMAR="off", RATELIMIT_ENABLED=False)
    stack.add_worker("review")
    client = stack.app.test_client()
    job_id = finished_job(client)
    data = listing(client, job_id)
    convoy = by_rule(data, "wc.convoy-ran")[0]["id"]
    contractor = by_rule(data, "wc.civil-contractor")[0]["id"]
    decide(client, job_id, convoy, decision="accept")
    decide(client, job_id, contractor, decision="modify", replacement="civilian worker")
    before_doc, before = document(client, job_id), listing(client, job_id)
    time.sleep(1.2)  # appendfsync everysec
    stack.redis.stop(signal.SIGKILL)
    error_of(client.get(f"/v1/jobs/{job_id}/edits"), 503, "unavailable")
    stack.redis.start()
    fresh = create_app(stack.app_config()).test_client()  # a restarted service
    after = wait_for(lambda: (r := fresh.get(f"/v1/jobs/{job_id}/edits")).status_code == 200 and r.json,
                     15, "Redis back")
    assert after == before
    assert document(fresh, job_id) == before_doc
    assert "convoy drove to the runway" in before_doc and "civilian worker" in before_doc
    assert len(fresh.get(f"/v1/jobs/{job_id}/history").json["history"]) == 2


# -- cross-site requests and the pages --------------------------------------------------------
def test_state_changing_requests_from_other_sites_are_refused(client):
    job_id = finished_job(client, "He met him. in Syria. A convoy ran to the runway.")
    eid = by_rule(listing(client, job_id), "wc.convoy-ran")[0]["id"]
    url = f"/v1/jobs/{job_id}/edits/{eid}"
    body = {"decision": "accept"}
    error_of(client.post(url, json=body, headers={"Origin": "https://evil.example"}), 403, "csrf_failed")
    error_of(client.post(url, json=body, headers={"Sec-Fetch-Site": "cross-site"}), 403, "csrf_failed")
    error_of(client.post("/v1/jobs", data="who met him. in Syria.", content_type="text/plain",
                         headers={"Origin": "https://evil.example"}), 403, "csrf_failed")
    # the page's own requests: same origin, with the token of its cookie
    page = client.get(f"/review/{job_id}")
    token = page.headers["Set-Cookie"].split("mtclean_csrf=")[1].split(";")[0]
    assert f'content="{token}"' in page.get_data(as_text=True)
    same = {"Origin": "http://localhost", "Sec-Fetch-Site": "same-origin"}
    error_of(client.post(url, json=body, headers=same), 403, "csrf_failed")  # no token header
    error_of(client.post(url, json=body, headers={**same, "X-CSRF-Token": "x" * 43}), 403, "csrf_failed")
    assert client.post(url, json=body, headers={**same, "X-CSRF-Token": token}).status_code == 200
    # an API key does not excuse a browser session (it has the cookie) from the token (issue 14.7)
    error_of(client.post(url, json={"decision": "reject"}, headers={"Origin": "https://evil.example",
                                                                     "X-API-Key": "k"}), 403, "csrf_failed")
    client.delete_cookie("mtclean_csrf")
    # API clients: with an API key, or no browser at all
    assert client.post(url, json={"decision": "reject"}, headers={"Origin": "https://evil.example",
                                                                  "X-API-Key": "k"}).status_code == 200
    assert client.post(url, json={"decision": "undo"}).status_code == 200


def test_the_pages_send_a_strict_content_security_policy_and_escape_the_name(client):
    job_id = finished_job(client, "He met him. in Syria.", '"><img src=x onerror=alert(1)>.txt')
    for path in ("/", f"/review/{job_id}", "/assets/review.js"):
        r = client.get(path)
        assert r.status_code == 200
        csp = r.headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "style-src 'self'" in csp and "unsafe" not in csp
        assert r.headers["X-Content-Type-Options"] == "nosniff"
    html = client.get(f"/review/{job_id}").get_data(as_text=True)
    assert "<img src=x" not in html and "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;.txt" in html
    assert "<script>" not in html and " style=" not in html and "onclick" not in html
    js = "".join(client.get(f"/assets/{f}").get_data(as_text=True) for f in ("review.js", "common.js", "submit.js"))
    assert "innerHTML" not in js and "insertAdjacentHTML" not in js and "eval(" not in js
