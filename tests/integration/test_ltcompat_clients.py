"""/v2/check through real clients: language-tool-python with ``remote_server`` pointed at an
mtclean app served over loopback HTTP (werkzeug, in a thread), with the grammar pass on a real
LanguageTool server; and plain HTTP requests in LanguageTool's documented forms."""
from __future__ import annotations

import json
import threading

import httpx
import pytest
from werkzeug.serving import make_server

from tests.conftest import fast_app_config

pytest_plugins = ["tests.lt_fixture"]
pytestmark = pytest.mark.integration

TEXT = "😀 The functional forces said that this is a apple ."


@pytest.fixture(scope="module")
def mtclean_url(lt_session):
    from service.engine import factory
    from service.web.app import create_app

    factory.clear()
    app = create_app(fast_app_config(GRAMMAR="on", LT_URL=lt_session.url))
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(10)
    factory.clear()


def test_language_tool_python_uses_mtclean_as_its_server(mtclean_url):
    import language_tool_python

    tool = language_tool_python.LanguageTool("en-US", remote_server=mtclean_url)
    try:
        matches = tool.check(TEXT)
    finally:
        tool.close()
    ids = {m.rule_id for m in matches}
    assert any(i.startswith("vi.") for i in ids), ids  # mtclean's rule packs
    assert any(not i.startswith(("vi.", "punctuation.", "debris.", "names.")) and "." not in i for i in ids), ids
    vi = next(m for m in matches if m.rule_id.startswith("vi."))
    # the client turns UTF-16 offsets back into code points: they must land on the phrase
    assert TEXT[vi.offset:vi.offset + vi.error_length] == "The functional forces"
    fixed = language_tool_python.utils.correct(TEXT, [m for m in matches if m.rule_id.startswith("vi.")])
    assert "authorities" in fixed


def test_grammar_and_mtclean_findings_are_not_duplicated(mtclean_url):
    r = httpx.post(f"{mtclean_url}/v2/check", data={"text": TEXT, "language": "en-US"}, timeout=60)
    assert r.status_code == 200
    spans = [(m["offset"], m["length"]) for m in r.json()["matches"]]
    assert len(spans) == len(set(spans))
    assert any(m["rule"]["category"]["id"] == "GRAMMAR" for m in r.json()["matches"])


def test_documented_data_form_over_http(mtclean_url):
    data = {"annotation": [{"text": "A "}, {"markup": "<b>"}, {"text": "test"}, {"markup": "</b>"},
                           {"text": " . The functional forces came."}]}
    original = "A <b>test</b> . The functional forces came."
    r = httpx.post(f"{mtclean_url}/v2/check", data={"data": json.dumps(data), "language": "en-US"}, timeout=60)
    matches = r.json()["matches"]
    assert any(original[m["offset"]:m["offset"] + m["length"]] == "The functional forces" for m in matches)
    assert all(0 <= m["offset"] <= len(original) for m in matches)


def test_another_language_is_passed_on_to_languagetool(mtclean_url):
    r = httpx.post(f"{mtclean_url}/v2/check", data={"text": "Esto es una una prueba.", "language": "es"},
                   timeout=60)
    assert r.status_code == 200
    assert r.json()["language"]["code"].startswith("es")
    assert r.json()["matches"]
    langs = httpx.get(f"{mtclean_url}/v2/languages", timeout=30).json()
    assert "es" in {x["code"] for x in langs}


def test_auto_with_another_language_is_passed_on(mtclean_url):
    r = httpx.post(f"{mtclean_url}/v2/check", data={"text": "Esto es una una prueba de la casa grande y bonita.",
                                                    "language": "auto"}, timeout=60)
    assert r.status_code == 200
    assert r.json()["language"]["code"].startswith("es") or r.json()["language"]["detectedLanguage"]["code"] \
        .startswith("es")
