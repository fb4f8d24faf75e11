"""Every error status of the API, each with a bad input, and always JSON without internals.

On the fast app (fakeredis, eager Celery: tests/conftest.py); the statuses that need a real
Redis and real workers (429, 503 no worker, 401, 500) are in tests/integration/test_api_errors_services.py."""
from __future__ import annotations

import json

import pytest

from tests.service_fixtures import free_port

ROUTES = {"/v1/jobs": ["post"], "/v1/jobs/{job_id}": ["get"], "/v1/jobs/{job_id}/diff": ["get"],
          "/v1/check": ["post"], "/v1/openapi.json": ["get"], "/healthz": ["get"], "/metrics": ["get"],
          "/v1/jobs/{job_id}/edits": ["get", "post"], "/v1/jobs/{job_id}/edits/{edit_id}": ["get", "post"],
          "/v1/jobs/{job_id}/edits/{edit_id}/undo": ["post"], "/v1/jobs/{job_id}/history": ["get"],
          "/v1/jobs/{job_id}/document": ["get"], "/v2/check": ["get", "post"], "/v2/languages": ["get"]}


def error_of(resp, status: int, code: str | None = None) -> str:
    assert resp.status_code == status, resp.get_data(as_text=True)
    assert resp.mimetype == "application/json"
    err = resp.json["error"]
    assert set(err) == {"code", "message"} and err["message"]
    assert "Traceback" not in resp.get_data(as_text=True)
    if code:
        assert err["code"] == code
    return err["message"]


@pytest.fixture
def service_app(app):
    """The fast app (tests/conftest.py) under the name the tests below use."""
    return app


@pytest.fixture
def service_client(client):
    return client


@pytest.mark.parametrize("path", ["/v1/jobs", "/v1/check"])
def test_an_empty_body_is_400(service_client, path):
    error_of(service_client.post(path, data=b"", content_type="application/json"), 400, "malformed_json")


@pytest.mark.parametrize("body", [b"{not json", b'{"text": "a",}', b"[1, 2]", b'"text"'])
def test_invalid_json_is_400(service_client, body):
    error_of(service_client.post("/v1/jobs", data=body, content_type="application/json"), 400, "malformed_json")


def test_a_50_mb_text_is_413(service_client):
    big = json.dumps({"text": "word " * (10 * 1024 * 1024)})
    assert len(big) > 50_000_000
    msg = error_of(service_client.post("/v1/jobs", data=big, content_type="application/json"), 413, "too_large")
    assert "MAX_CONTENT_LENGTH" in msg


def test_a_text_over_the_check_limit_is_413_and_points_to_jobs(service_client, service_app):
    text = "word " * (service_app.config["CHECK_MAX_BYTES"] // 5 + 10)
    msg = error_of(service_client.post("/v1/check", json={"text": text}), 413, "too_large")
    assert "/v1/jobs" in msg


def test_a_binary_upload_is_415(service_client):
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))
    resp = service_client.post("/v1/jobs", data={"file": (__import__("io").BytesIO(png), "x.txt", "text/plain")},
                               content_type="multipart/form-data")
    assert "binary" in error_of(resp, 415, "undecodable")


def test_an_image_upload_is_415(service_client):
    resp = service_client.post("/v1/jobs", data={"file": (__import__("io").BytesIO(b"GIF89a"), "x.gif", "image/gif")},
                               content_type="multipart/form-data")
    error_of(resp, 415, "unsupported_media_type")


def test_invalid_utf8_is_415_with_the_position(service_client):
    resp = service_client.post("/v1/check", data="café au lait".encode("latin-1"), content_type="text/plain")
    assert "byte 3" in error_of(resp, 415, "undecodable")


def test_an_unsupported_content_type_is_415(service_client):
    error_of(service_client.post("/v1/jobs", data=b"<x/>", content_type="application/xml"), 415,
             "unsupported_media_type")


@pytest.mark.parametrize("body", [
    {"text": "x", "options": {"aply": "all"}},
    {"text": "x", "options": {"apply": "sometimes"}},
    {"text": "x", "options": {"passes": ["spelling"]}},
    {"text": "x", "options": {"source_lang": ["vietnamese"]}},
    {"text": "x", "colour": "blue"},
    {"text": 42},
    {"options": {}},
])
def test_unknown_or_invalid_options_are_422(service_client, body):
    assert "openapi" in error_of(service_client.post("/v1/jobs", json=body), 422, "invalid_options")


def test_an_empty_text_is_422(service_client):
    error_of(service_client.post("/v1/check", json={"text": "  \n"}), 422, "empty_input")


def test_an_unknown_job_is_404(service_client):
    error_of(service_client.get("/v1/jobs/no-such-job"), 404, "job_not_found")
    error_of(service_client.get("/v1/jobs/no-such-job/diff"), 404, "job_not_found")


def test_an_unknown_diff_format_is_422(service_client):
    error_of(service_client.get("/v1/jobs/x/diff?format=pdf"), 422, "invalid_options")


def test_an_unknown_route_and_method_are_json(service_client):
    error_of(service_client.get("/v2/nothing"), 404, "not_found")
    error_of(service_client.delete("/v1/jobs"), 405, "method_not_allowed")


def test_redis_down_is_503():
    from service.web.app import create_app

    client = create_app({"TESTING": True, "REDIS_URL": f"redis://127.0.0.1:{free_port()}/0"}).test_client()
    error_of(client.post("/v1/jobs", json={"text": "x"}), 503, "unavailable")
    error_of(client.get("/v1/jobs/abc"), 503, "unavailable")
    assert client.get("/healthz").status_code == 503


def test_the_openapi_document_is_valid_and_lists_every_route_and_status(service_client, service_app):
    doc = service_client.get("/v1/openapi.json").json
    assert doc["openapi"].startswith("3.1")
    validator = pytest.importorskip("openapi_spec_validator")
    validator.validate(doc)
    assert {p: sorted(m for m in item if m in ("get", "post")) for p, item in doc["paths"].items()} == ROUTES
    rules = {r.rule.replace("<job_id>", "{job_id}").replace("<edit_id>", "{edit_id}")
             for r in service_app.url_map.iter_rules()
             if r.endpoint != "static" and not r.endpoint.startswith("review.")}  # the pages are not the API
    assert rules == set(ROUTES)
    statuses = set(doc["paths"]["/v1/jobs"]["post"]["responses"])
    assert {"202", "400", "413", "415", "422", "429", "503"} <= statuses
    assert "404" in doc["paths"]["/v1/jobs/{job_id}"]["get"]["responses"]
