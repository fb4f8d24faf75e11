"""The grammar pass against a real LanguageTool server (started by tests/lt_fixture.py)."""
from __future__ import annotations

import re
import socket
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml

from service.core.model import Tier
from service.engine.apply import apply_edits
from service.ops import languagetool as lt_server
from service.passes.grammar.languagetool import GrammarPass, GrammarSettings, MemoryCache

pytest_plugins = ["tests.lt_fixture"]

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "samples" / "soleimani-vi-en.txt"
NAMES = ("Kataib", "Muhandis", "Shahlai", "Alfoneh", "Nasrallah", "Leitner")
AUTO = yaml.safe_load((ROOT / "rules" / "grammar" / "auto.yaml").read_text())["rules"]
CUSTOM = ET.parse(ROOT / "rules" / "grammar" / "languagetool-en.xml").getroot()


def spans(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in re.finditer(r"[^\n]+(?:\n[^\n]+)*", text)]


def check(url: str, text: str, names=frozenset(), **kw):
    return GrammarPass(GrammarSettings(url=url, **kw), cache=MemoryCache()).check(text, spans(text), set(names))


def test_sample_flags_the_bare_singular_subject(lt_url):
    text = SAMPLE.read_text(encoding="utf-8")
    out = check(lt_url, text)
    assert out.available, out.message
    phrase = text.index("Rocket usually falls where")
    hits = [e for e in out.edits if e.start < phrase + len("Rocket usually falls where") and e.end > phrase]
    assert hits, "nothing flagged in 'Rocket usually falls where'"
    assert all(e.tier is Tier.SUGGEST for e in hits)
    assert hits[0].source.startswith("LanguageTool 6.")


def test_sample_never_changes_names(lt_url):
    text = SAMPLE.read_text(encoding="utf-8")
    out = check(lt_url, text)  # no names given: capitalised words are protected anyway
    assert out.available, out.message
    for name in NAMES:
        for m in re.finditer(name, text):
            touching = [e for e in out.edits if e.start < m.end() and e.end > m.start()]
            assert not touching, f"{name} would be changed by {touching}"
    assert not [e for e in out.edits if any(n in e.original for n in NAMES)]


def test_emoji_and_cjk_before_an_error_give_code_point_offsets(lt_url):
    text = "😀 中文𠀀 He ate a apple.\n\n🎉🎉 The the plan failed."
    out = check(lt_url, text)
    got = {(e.rule_id, e.start, e.original, e.replacement) for e in out.edits}
    assert ("LT:EN_A_VS_AN", text.index("a apple"), "a", "an") in got
    assert ("LT:ENGLISH_WORD_REPEAT_RULE", text.index("The the"), "The the", "The") in got


def test_a_second_check_of_the_same_text_sends_nothing(lt_url):
    text = SAMPLE.read_text(encoding="utf-8")
    gp = GrammarPass(GrammarSettings(url=lt_url), cache=MemoryCache())
    first = gp.check(text, spans(text), set())
    assert first.available and first.requests >= 1
    second = gp.check(text, spans(text), set())
    assert second.requests == 0 and second.cache_hits == len(spans(text))
    assert [e.key() for e in second.edits] == [e.key() for e in first.edits]


def test_small_chunks_find_the_same_errors(lt_url):
    text = "He ate a apple.\n\nThe plan failed , he said.\n\nShe bought an unique gift."
    one = check(lt_url, text, isolate_paragraphs=False)
    many = check(lt_url, text, chunk_chars=20, concurrency=2, isolate_paragraphs=False)
    assert many.requests == 3 and one.requests == 1
    assert [e.key() for e in many.edits] == [e.key() for e in one.edits]


def test_rules_never_see_a_neighbouring_paragraph(lt_url):
    """Paragraphs are checked one by one: LanguageTool's text-level rules (three sentences
    starting with the same word: "Furthermore, I ...") see one paragraph, not the document."""
    text = "I am here.\n\nI am there.\n\nI am glad."
    out = check(lt_url, text, rules="all")  # every rule offered: one request per paragraph
    assert out.requests == 3
    assert not [e for e in out.edits if "Furthermore" in e.replacement]
    # the measured rules (the default) all look within one sentence: one request for all three
    # paragraphs, and still nothing a neighbouring paragraph could have caused
    batched = check(lt_url, text)
    assert batched.requests == 1
    assert not [e for e in batched.edits if "Furthermore" in e.replacement]


AUTO_CASES = [(r["id"], ex) for r in AUTO for ex in r["examples"]]


@pytest.mark.parametrize("rule_id,example", AUTO_CASES,
                         ids=[f"{rid}-{'ok' if 'ok' in ex else 'bad'}{i}" for i, (rid, ex) in enumerate(AUTO_CASES)])
def test_allow_listed_rule_examples(lt_url, rule_id, example):
    if "ok" in example:
        found = [e for e in check(lt_url, example["ok"]).edits if e.rule_id == f"LT:{rule_id}"]
        assert not found, f"{rule_id} fired on an ok example: {found}"
        return
    edits = [e for e in check(lt_url, example["bad"]).edits if e.rule_id == f"LT:{rule_id}"]
    assert edits, f"{rule_id} did not fire on {example['bad']!r} (does the rule id exist?)"
    assert all(e.tier is Tier.AUTO for e in edits)
    fixed = apply_edits(example["bad"], edits).text
    assert fixed == example["fix"]
    assert not [e for e in check(lt_url, fixed).edits if e.rule_id == f"LT:{rule_id}"], "fix is not stable"


def _custom_examples():
    for rule in CUSTOM.iter("rule"):
        for ex in rule.iter("example"):
            marker = ex.find("marker")
            before = ex.text or ""
            text = before + ("".join(marker.itertext()) + (marker.tail or "") if marker is not None else "")
            span = (len(before), len(before) + len(marker.text)) if marker is not None else None
            yield rule.get("id"), text, span, ex.get("correction")


CUSTOM_CASES = list(_custom_examples())


@pytest.mark.parametrize("rule_id,text,span,correction", CUSTOM_CASES,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(CUSTOM_CASES)])
def test_mtclean_languagetool_rule_examples(lt_url, rule_id, text, span, correction):
    found = [e for e in check(lt_url, text).edits if e.rule_id == f"LT:{rule_id}"]
    if correction is None:
        assert not found, f"{rule_id} fired on a correct example: {found}"
    else:
        assert [(e.start, e.end, e.replacements) for e in found] == [(*span, tuple(correction.split("|")))]


def test_fetched_once_and_status_reports_health(lt_url, lt_session):
    if lt_session.owned:
        assert lt_server.is_fetched() and not lt_server.fetch().downloaded
        st = lt_server.status()
        assert st.healthy and st.pid and st.url == lt_url
    assert lt_server.healthy(lt_url)


def test_stopped_server_gives_unavailable_not_an_exception(lt_url, lt_session):
    """Last in the file: stops the server this session started (lt_url restarts it if needed)."""
    gp = GrammarPass(GrammarSettings(url=lt_url), cache=MemoryCache())
    assert gp.check("I saw teh cat.", [(0, 14)], set()).available
    if lt_session.owned:
        assert lt_server.stop()
        assert not lt_server.status().healthy
        url = lt_url
    else:  # not ours to stop: a port with nothing on it looks the same to the client
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            url = f"http://127.0.0.1:{s.getsockname()[1]}"
        gp = GrammarPass(GrammarSettings(url=url), cache=MemoryCache())
    out = gp.check("He ate a apple after the stop.", [(0, 30)], set())
    assert not out.available and out.edits == []
    assert f"not reachable at {url}" in out.message and "mtclean languagetool start" in out.message
