"""Bounded review state (issue 14 item 8): bulk decisions de-duplicated and capped, the
history paginated and bounded."""
from __future__ import annotations

import pytest

TEXT = "He met him. in Syria. A convoy ran to the runway.\n"


@pytest.fixture()
def job(client) -> tuple[str, list[str]]:
    r = client.post("/v1/jobs", json={"text": TEXT})
    assert r.status_code == 202, r.get_data(as_text=True)
    job_id = r.json["id"]
    ids = [e["id"] for e in client.get(f"/v1/jobs/{job_id}/edits").json["edits"]]
    assert ids
    return job_id, ids


def test_repeated_ids_in_a_bulk_decision_count_once(client, job):
    job_id, ids = job
    r = client.post(f"/v1/jobs/{job_id}/edits", json={"decision": "accept", "ids": ids * 2000})
    assert r.status_code == 200, r.get_data(as_text=True)
    assert sorted(r.json["changed"]) == sorted(ids)
    h = client.get(f"/v1/jobs/{job_id}/history").json
    assert h["total"] == len(ids) and len(h["history"]) == len(ids)


def test_a_bulk_decision_over_the_cap_is_422_and_writes_nothing(client, job):
    job_id, ids = job
    many = [f"x{i}" for i in range(10_001)]
    r = client.post(f"/v1/jobs/{job_id}/edits", json={"decision": "accept", "ids": many})
    assert r.status_code == 422 and r.json["error"]["code"] == "invalid_decision"
    assert client.get(f"/v1/jobs/{job_id}/history").json["total"] == 0


def test_history_is_paginated(client, job):
    job_id, ids = job
    eid = ids[0]
    for _ in range(5):
        for d in ("accept", "reject"):
            assert client.post(f"/v1/jobs/{job_id}/edits/{eid}", json={"decision": d}).status_code == 200
    first = client.get(f"/v1/jobs/{job_id}/history?limit=4").json
    assert first["total"] == 10 and len(first["history"]) == 4 and first["next_offset"] == 4
    rest = client.get(f"/v1/jobs/{job_id}/history?offset=4&limit=1000").json
    assert len(rest["history"]) == 6 and rest["next_offset"] is None
    assert [e["decision"] for e in first["history"] + rest["history"]] == ["accept", "reject"] * 5
    for bad in ("limit=0", "limit=1001", "offset=-1", "limit=x"):
        assert client.get(f"/v1/jobs/{job_id}/history?{bad}").status_code == 422


def test_the_stored_history_is_bounded(app, client, job, monkeypatch):
    from service.worker import store as store_mod

    monkeypatch.setattr(store_mod, "MAX_HISTORY", 7)
    job_id, ids = job
    eid = ids[0]
    for _ in range(6):
        for d in ("accept", "reject"):
            assert client.post(f"/v1/jobs/{job_id}/edits/{eid}", json={"decision": d}).status_code == 200
    h = client.get(f"/v1/jobs/{job_id}/history").json
    assert h["total"] == 7 and h["history"][-1]["decision"] == "reject"
