"""Hostile input gets a JSON 4xx, never a 500, and nothing half-created (issue 14 item 5):
lone surrogates in the text, the glossary or a review replacement; deeply nested JSON; a
bytes-to-bytes codec (hex, base64) as charset or ``encoding``."""
from __future__ import annotations

import io

import pytest

from service.core.textio import decode
from service.errors import DecodeError


def _jobs(app) -> int:
    r = app.extensions["mtclean_store"].redis
    return sum(1 for _ in r.scan_iter("*job*"))


def _error(resp, status: int) -> dict:
    assert resp.status_code == status, resp.get_data(as_text=True)
    assert resp.is_json and "error" in resp.json, resp.get_data(as_text=True)
    return resp.json["error"]


@pytest.mark.parametrize("body", [
    '{"text": "Hello \\ud800 world"}',
    '{"text": "Hello world", "options": {"glossary": ["Nguy\\udc00n"]}}',
    '{"text": "Hello world", "name": "a\\udfffb.txt"}',
    '{"text": "Hello world", "options": {"source": "x \\ud83d y"}}',
])
def test_a_lone_surrogate_is_400_and_no_job(app, client, body):
    before = _jobs(app)
    err = _error(client.post("/v1/jobs", data=body, content_type="application/json"), 400)
    assert "surrogate" in err["message"]
    assert _jobs(app) == before


def test_a_lone_surrogate_in_check_is_400(client):
    err = _error(client.post("/v1/check", data='{"text": "Hi \\ud800"}', content_type="application/json"), 400)
    assert "surrogate" in err["message"]


def test_a_lone_surrogate_in_multipart_options_is_400(app, client):
    before = _jobs(app)
    data = {"file": (io.BytesIO(b"Hello world."), "a.txt", "text/plain"),
            "options": '{"glossary": ["\\ud800"]}'}
    _error(client.post("/v1/jobs", data=data, content_type="multipart/form-data"), 400)
    assert _jobs(app) == before


@pytest.mark.parametrize("depth", [100, 5000, 100_000])
def test_deeply_nested_json_is_400(client, depth):
    body = '{"text": "Hello.", "options": {"glossary": ' + "[" * depth + "]" * depth + "}}"
    _error(client.post("/v1/jobs", data=body, content_type="application/json"), 400)


def test_a_lone_surrogate_in_a_review_replacement_is_400(app, client):
    r = client.post("/v1/jobs", json={"text": "He met him. in Syria. A convoy ran to the runway.\n"})
    assert r.status_code == 202, r.get_data(as_text=True)
    job_id = r.json["id"]
    edits = client.get(f"/v1/jobs/{job_id}/edits").json["edits"]
    assert edits
    eid = edits[0]["id"]
    _error(client.post(f"/v1/jobs/{job_id}/edits/{eid}", data='{"decision": "modify", "replacement": "x\\ud800"}',
                       content_type="application/json"), 400)
    deep = "[" * 50_000 + "]" * 50_000
    _error(client.post(f"/v1/jobs/{job_id}/edits/{eid}", data='{"decision": "modify", "replacement": ' + deep + "}",
                       content_type="application/json"), 400)
    # the job is still readable, with no decision recorded
    assert client.get(f"/v1/jobs/{job_id}/edits").status_code == 200
    assert client.get(f"/v1/jobs/{job_id}/history").json["history"] == []
    assert client.get(f"/v1/jobs/{job_id}/document").status_code == 200


@pytest.mark.parametrize("codec", ["hex", "base64", "rot13", "zlib"])
def test_a_non_text_codec_as_charset_is_4xx(client, codec):
    err = _error(client.post("/v1/jobs", data=b"48656c6c6f", content_type=f"text/plain; charset={codec}"), 415)
    assert "not a text encoding" in err["message"]


@pytest.mark.parametrize("codec", ["hex", "base64"])
def test_a_non_text_codec_as_encoding_option_is_4xx(client, codec):
    data = {"file": (io.BytesIO(b"48656c6c6f"), "a.txt", "text/plain"), "options": f'{{"encoding": "{codec}"}}'}
    err = _error(client.post("/v1/jobs", data=data, content_type="multipart/form-data"), 415)
    assert "not a text encoding" in err["message"]


def test_decode_refuses_codecs_that_give_surrogates():
    with pytest.raises(DecodeError, match="surrogate"):
        decode(b"a \\ud800 b", "x", "unicode_escape")
    with pytest.raises(DecodeError, match="not a text encoding"):
        decode(b"68656c6c6f", "x", "hex")
