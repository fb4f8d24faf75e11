"""The LanguageTool-compatible API (/v2/check, /v2/languages) on the fast app (no grammar pass):
LanguageTool's documented request forms replayed by a plain HTTP client (Flask's test client)."""
from __future__ import annotations

import json

from service.core.model import Edit, Tier
from service.reporting.ltmatches import Annotated, merge, to_matches

VI = "The functional forces are investigating the cause of the fire ."


def test_text_form_answers_in_languagetools_shape(client):
    r = client.post("/v2/check", data={"text": VI, "language": "en-US", "motherTongue": "vi"})
    assert r.status_code == 200
    body = r.get_json()
    assert set(body) >= {"software", "language", "matches", "warnings"}
    assert body["language"]["code"] == "en-US"
    m = next(m for m in body["matches"] if m["rule"]["id"].startswith("vi."))
    assert VI[m["offset"]:m["offset"] + m["length"]].lower().endswith("functional forces")
    assert "authorities" in m["replacements"][0]["value"]
    assert set(m["rule"]) >= {"id", "description", "issueType", "category"}
    assert set(m["rule"]["category"]) == {"id", "name"}
    ctx = m["context"]
    assert ctx["text"][ctx["offset"]:ctx["offset"] + ctx["length"]] == VI[m["offset"]:m["offset"] + m["length"]]
    assert m["sentence"] == VI


def test_offsets_are_utf16_units_after_an_emoji(client):
    text = "😀😀 " + VI
    r = client.post("/v2/check", data={"text": text, "language": "en-US"})
    m = next(m for m in r.get_json()["matches"] if m["rule"]["id"].startswith("vi."))
    utf16 = text.encode("utf-16-le")
    cp = text.index("The functional")
    assert utf16[2 * m["offset"]:2 * (m["offset"] + m["length"])].decode("utf-16-le") == text[cp:cp + m["length"]]
    assert m["offset"] == cp + 2  # two astral characters, one extra unit each


def test_data_with_markup_gives_offsets_in_the_annotated_document(client):
    parts = [{"markup": "<p>"}, {"text": "The functional "}, {"markup": "<b>"}, {"text": "forces"},
             {"markup": "</b>"}, {"text": " arrived ."}, {"markup": "</p>", "interpretAs": "\n\n"}]
    original = "".join(p.get("text", p.get("markup")) for p in parts)
    r = client.post("/v2/check", data={"data": json.dumps({"annotation": parts}), "language": "en-US"})
    assert r.status_code == 200
    matches = r.get_json()["matches"]
    vi = next(m for m in matches if m["rule"]["id"].startswith("vi."))
    assert original[vi["offset"]:vi["offset"] + vi["length"]] == "The functional <b>forces"
    space = next(m for m in matches if "space" in m["rule"]["id"])
    assert original[space["offset"]:space["offset"] + space["length"]] == " "
    assert original[space["offset"] + 1] == "."


def test_disabled_rules_and_categories_drop_findings(client):
    base = {"text": VI, "language": "en-US"}
    ids = {m["rule"]["id"] for m in client.post("/v2/check", data=base).get_json()["matches"]}
    assert "vi.functional-forces" in ids or any(i.startswith("vi.") for i in ids)
    vi_ids = [i for i in ids if i.startswith("vi.")]
    left = client.post("/v2/check", data={**base, "disabledRules": ",".join(vi_ids)}).get_json()["matches"]
    assert not any(m["rule"]["id"].startswith("vi.") for m in left)
    cats = client.post("/v2/check", data={**base, "disabledCategories": "MTCLEAN_SPACING"}).get_json()["matches"]
    assert not any(m["rule"]["category"]["id"] == "MTCLEAN_SPACING" for m in cats)
    only = client.post("/v2/check", data={**base, "enabledOnly": "true",
                                          "enabledCategories": "MTCLEAN_SPACING"}).get_json()["matches"]
    assert only and all(m["rule"]["category"]["id"] == "MTCLEAN_SPACING" for m in only)


def test_mother_tongue_limits_the_packs(client):
    ko = client.post("/v2/check", data={"text": VI, "language": "en-US", "motherTongue": "ko"}).get_json()
    assert not any(m["rule"]["id"].startswith("vi.") for m in ko["matches"])


def test_get_form_and_missing_parameters(client):
    assert client.get("/v2/check", query_string={"text": VI, "language": "auto"}).status_code == 200
    assert client.post("/v2/check", data={"language": "en-US"}).status_code == 400
    assert client.post("/v2/check", data={"text": VI}).status_code == 400
    assert client.post("/v2/check", data={"data": "{not json", "language": "en"}).status_code == 400


def test_another_language_without_languagetool_is_refused(client):
    r = client.post("/v2/check", data={"text": "Das ist ein Test.", "language": "de-DE"})
    assert r.status_code == 400
    assert "English" in r.get_json()["error"]["message"]


def test_languages_lists_the_english_variants(client):
    langs = client.get("/v2/languages").get_json()
    assert {"name", "code", "longCode"} <= set(langs[0])
    assert {"en-US", "en-GB"} <= {x["longCode"] for x in langs}


def test_a_browser_add_on_origin_is_not_refused(client):
    r = client.post("/v2/check", data={"text": VI, "language": "en-US"},
                    headers={"Origin": "moz-extension://abc", "Sec-Fetch-Site": "cross-site"})
    assert r.status_code == 200
    assert r.headers["Access-Control-Allow-Origin"] == "*"


def _edit(s, e, text, rep, rule, pass_name="phrases"):
    return Edit(s, e, text[s:e], (rep,), rule, "idiom", Tier.SUGGEST, "m", pass_name=pass_name)


def test_same_span_from_two_passes_is_one_match_with_both_replacements():
    text = "a teh cat"
    merged = merge([_edit(2, 5, text, "the", "debris.x"), _edit(2, 5, text, "ten", "LT:TYPO", "grammar"),
                    _edit(2, 5, text, "the", "LT:TYPO2", "grammar")])
    assert len(merged) == 1 and merged[0].replacements == ("the", "ten") and merged[0].rule_id == "debris.x"


def test_languagetool_rule_ids_lose_the_prefix():
    text = "a teh cat"
    m = to_matches(Annotated.of_text(text), [_edit(2, 5, text, "the", "LT:MORFOLOGIK_RULE_EN_US", "grammar")])
    assert m[0]["rule"]["id"] == "MORFOLOGIK_RULE_EN_US"


def test_api_key_may_come_as_the_apikey_field(app):
    app.config["API_KEYS"] = "sekret"
    c = app.test_client()
    assert c.post("/v2/check", data={"text": VI, "language": "en-US"}).status_code == 401
    assert c.post("/v2/check", data={"text": VI, "language": "en-US", "apiKey": "sekret"}).status_code == 200


def test_auto_tells_english_from_other_languages():
    from service.web.ltcompat import looks_english

    assert looks_english("The functional forces are investigating the cause of the fire.")
    assert not looks_english("Das ist ein Satz, den niemand auf Englisch schreiben würde, weil er deutsch ist.")
