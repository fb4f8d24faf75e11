"""The grammar pass without a server: offsets, chunking, tiers, name protection, cache."""
from __future__ import annotations

import json
import re
import socket
import threading
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from service.cli import languagetool as cli_languagetool
from service.core.model import Tier
from service.core.offsets import Utf16Index
from service.errors import RuleError
from service.ops import languagetool as lt_server
from service.passes.grammar import languagetool as grammar
from service.passes.grammar.languagetool import GrammarPass, GrammarSettings, MemoryCache, RedisCache, load_auto_rules
from service.passes.grammar.offsets import SEPARATOR, chunk_paragraphs, to_codepoints

ROOT = Path(__file__).resolve().parents[2]


def u16(s: str) -> int:
    return len(s.encode("utf-16-le")) // 2


def spans(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in re.finditer(r"[^\n]+(?:\n[^\n]+)*", text)]


class FakeClient:
    """Answers like LanguageTool's /v2/check (UTF-16 offsets) for a few canned errors."""

    version = "9.9-fake"
    RULES = [  # (regex on the chunk, group to mark, rule id, category, replacements)
        (r"\b(teh)\b", 1, "MORFOLOGIK_RULE_EN_US", "TYPOS", ["the", "ten"]),
        (r"\b(recieve)\b", 1, "MORFOLOGIK_RULE_EN_US", "TYPOS", ["receive"]),
        (r"\b(Kataib|kataib)\b", 1, "MORFOLOGIK_RULE_EN_US", "TYPOS", ["Katie", "kebab"]),
        (r"\b(a) apple\b", 1, "EN_A_VS_AN", "MISC", ["an"]),
        (r"\b(the the)\b", 1, "ENGLISH_WORD_REPEAT_RULE", "MISC", ["the"]),
        (r"\b(Kataib Kataib)\b", 1, "ENGLISH_WORD_REPEAT_RULE", "MISC", ["Kataib"]),
        (r"\b(doubtful)\b", 1, "DOUBT_RULE", "STYLE", []),
        (r"\b(same)\b", 1, "SAME_RULE", "STYLE", ["same"]),
        (r"(,,)", 1, "TWO_CANDIDATES", "PUNCTUATION", [",", "…"]),
        (r"\b(Rocket) usually\b", 1, "MTCLEAN_BARE_SINGULAR_SUBJECT", "MTCLEAN_MT", ["A rocket", "The rocket"]),
        (r"(end\n\nStart)", 1, "ACROSS_RULE", "MISC", ["x"]),
    ]

    def __init__(self, fail: Exception | None = None):
        self.requests: list[str] = []
        self.fail = fail
        self.lock = threading.Lock()

    def check(self, text, language, disabled_rules):
        with self.lock:
            self.requests.append(text)
        if self.fail:
            raise self.fail
        out = []
        for pattern, group, rule, cat, reps in self.RULES:
            if rule in disabled_rules:
                continue
            for m in re.finditer(pattern, text):
                out.append({"offset": u16(text[:m.start(group)]), "length": u16(m.group(group)),
                            "message": f"{rule} says so", "replacements": [{"value": r} for r in reps],
                            "rule": {"id": rule, "category": {"id": cat}}})
        return out


def make_pass(client=None, **kw) -> tuple[GrammarPass, FakeClient]:
    client = client or FakeClient()
    kw.setdefault("speller", True)  # the fake's canned errors are mostly spelling
    kw.setdefault("rules", "all")  # and its rule ids are made up
    return GrammarPass(GrammarSettings(url="http://fake", **kw), cache=MemoryCache(), client=client), client


# -- offsets ---------------------------------------------------------------------------------

@pytest.mark.parametrize("prefix", ["", "😀", "😀😀 ", "中文 ", "𠀀𠀁 ", "a😀b𝄞c ", "é\u0301 "])
def test_utf16_offsets_become_code_points(prefix):
    text = prefix + "I saw teh cat."
    idx = Utf16Index(text)
    start, end = to_codepoints(idx, u16(text[:text.index("teh")]), 3)
    assert text[start:end] == "teh"


def test_offset_inside_a_surrogate_pair_never_splits_the_character():
    text = "x😀y"
    idx = Utf16Index(text)
    assert to_codepoints(idx, 2, 0) == (1, 2)  # an empty range in the pair widens to the emoji
    assert to_codepoints(idx, 1, 1) == (1, 2)  # half an emoji is the whole emoji
    assert to_codepoints(idx, 3, 1) == (2, 3)


def test_chunks_are_whole_paragraphs_within_the_bound():
    paras = ["a" * 10, "b" * 10, "c" * 10, "d" * 50, "e"]
    chunks = chunk_paragraphs(paras, 25)
    assert [c.items for c in chunks] == [(0, 1), (2,), (3,), (4,)]
    assert chunks[0].text == "a" * 10 + SEPARATOR + "b" * 10
    assert all(len(c.text) <= 25 for c in chunks if len(c.items) > 1)
    assert chunks[2].text == "d" * 50  # an oversized paragraph goes alone


def test_chunk_offsets_map_back_to_their_paragraph_after_an_emoji():
    paras = ["😀 one end", "Start 中文 two teh"]
    chunk = chunk_paragraphs(paras, 1000)[0]
    at = chunk.text.index("teh")
    assert chunk.locate(u16(chunk.text[:at]), 3) == (1, paras[1].index("teh"), paras[1].index("teh") + 3)
    across = chunk.text.index("end")
    assert chunk.locate(u16(chunk.text[:across]), u16("end\n\nStart")) is None


# -- the pass ---------------------------------------------------------------------------------

def test_emoji_and_cjk_before_an_error_give_code_point_offsets():
    text = "😀😀 中文 𠀀 He ate a apple.\n\nSecond 😀 paragraph has teh error."
    gp, _ = make_pass()
    out = gp.check(text, spans(text), set())
    found = {e.original: e for e in out.edits}
    assert text[found["a"].start:found["a"].end] == "a" and found["a"].start == text.index("a apple")
    assert found["teh"].start == text.index("teh")


def test_one_request_per_chunk_and_document_offsets():
    paras = [f"Paragraph {i} has teh error." for i in range(6)]
    text = "\n\n".join(paras)
    gp, client = make_pass(chunk_chars=60, isolate_paragraphs=False)
    out = gp.check(text, spans(text), set())
    assert out.requests == len(client.requests) == 3
    assert [e.start for e in out.edits] == [m.start() for m in re.finditer("teh", text)]
    assert all(e.rule_id == "LT:MORFOLOGIK_RULE_EN_US" and e.pass_name == "grammar" for e in out.edits)
    assert out.edits[0].source == "LanguageTool 9.9-fake rule MORFOLOGIK_RULE_EN_US"


def test_tier_is_auto_only_for_allow_listed_rules_with_one_replacement():
    text = "He ate a apple, the the end,, and teh cat. Rocket usually falls."
    gp, _ = make_pass()
    by_rule = {e.rule_id: e for e in gp.check(text, spans(text), set()).edits}
    assert by_rule["LT:EN_A_VS_AN"].tier is Tier.AUTO
    assert by_rule["LT:ENGLISH_WORD_REPEAT_RULE"].tier is Tier.AUTO
    assert by_rule["LT:TWO_CANDIDATES"].tier is Tier.SUGGEST  # two candidates
    assert by_rule["LT:MORFOLOGIK_RULE_EN_US"].tier is Tier.SUGGEST  # not on the list
    assert by_rule["LT:MTCLEAN_BARE_SINGULAR_SUBJECT"].replacements == ("A rocket", "The rocket")
    assert by_rule["LT:MORFOLOGIK_RULE_EN_US"].category == "spelling"
    assert by_rule["LT:EN_A_VS_AN"].category == "grammar"


def test_matches_without_a_real_replacement_are_dropped():
    text = "This is doubtful and the same."
    gp, _ = make_pass()
    assert gp.check(text, spans(text), set()).edits == []


def test_spelling_never_touches_capitalised_words_or_known_names():
    text = "Kataib met al-Kataib. The kataib said teh thing."
    gp, _ = make_pass()
    out = gp.check(text, spans(text), {"Kataib"})
    assert [e.original for e in out.edits] == ["teh"]
    out = gp.check(text, spans(text), set())  # without the name list, lowercase 'kataib' is flagged,
    # but the speller offers only slips of English words (and never a capitalised 'Katie')
    assert [e.original for e in out.edits] == ["teh"]


def test_no_rule_changes_a_known_name():
    text = "Then Kataib Kataib arrived."
    gp, _ = make_pass()
    assert gp.check(text, spans(text), {"Kataib"}).edits == []


def test_matches_overlapping_skip_spans_are_dropped():
    text = "I saw teh cat and a apple."
    gp, _ = make_pass()
    teh = text.index("teh")
    out = gp.check(text, spans(text), set(), [(teh + 1, teh + 2), (teh + 3, teh + 4)])
    assert [e.original for e in out.edits] == ["a"]  # a touching span is no overlap


def test_a_match_across_two_paragraphs_is_dropped():
    text = "The end\n\nStart again."
    gp, client = make_pass(isolate_paragraphs=False)
    out = gp.check(text, spans(text), set())
    assert len(client.requests) == 1 and out.edits == []


def test_an_unchanged_paragraph_is_never_sent_twice():
    text = "Para teh one.\n\nPara teh two.\n\nPara teh one."
    gp, client = make_pass(isolate_paragraphs=False)
    first = gp.check(text, spans(text), set())
    assert client.requests == ["Para teh one.\n\nPara teh two."]  # the duplicate is sent once
    assert len(first.edits) == 3 and first.cache_hits == 0
    second = gp.check(text, spans(text), set())
    assert second.requests == 0 and second.cache_hits == 3
    assert [e.key() for e in second.edits] == [e.key() for e in first.edits]
    changed = text.replace("two", "deux")
    third = gp.check(changed, spans(changed), set())
    assert third.requests == 1 and client.requests[-1] == "Para teh deux." and third.cache_hits == 2


def test_each_paragraph_is_checked_on_its_own_by_default():
    """No LanguageTool rule may see a neighbouring paragraph: one request per paragraph."""
    text = "The end\n\nStart again.\n\nPara teh one."
    gp, client = make_pass()
    out = gp.check(text, spans(text), set())
    assert sorted(client.requests) == sorted(["The end", "Start again.", "Para teh one."])
    assert [e.original for e in out.edits] == ["teh"]


def test_the_variant_is_passed_on_and_a_forced_one_wins():
    seen = []

    class Lang(FakeClient):
        def check(self, text, language, disabled_rules):
            seen.append(language)
            return super().check(text, language, disabled_rules)

    text = "The colour of the centre."
    gp, _ = make_pass(Lang())
    gp.check(text, spans(text), set(), language="en-GB")
    forced, _ = make_pass(Lang(), variant="AU")
    forced.check(text, spans(text), set(), language="en-GB")
    assert seen == ["en-GB", "en-AU"]
    with pytest.raises(ValueError):
        GrammarSettings(variant="martian")


def test_cache_key_depends_on_settings():
    a, b = GrammarSettings(), GrammarSettings(disabled_rules=("EN_A_VS_AN",))
    assert a.fingerprint() != b.fingerprint() and a.fingerprint() == GrammarSettings().fingerprint()


def test_memory_cache_is_a_bounded_lru():
    cache = MemoryCache(maxsize=2)
    cache.set("a", [])
    cache.set("b", [{"x": 1}])
    assert cache.get("a") == []
    cache.set("c", [])
    assert cache.get("b") is None and cache.get("a") == [] and len(cache) == 2


class FakeRedis:
    def __init__(self):
        self.data, self.ttl = {}, {}

    def get(self, key):
        return self.data.get(key)

    def set(self, key, value, ex=None):
        self.data[key], self.ttl[key] = value.encode(), ex


def test_redis_cache_round_trips_with_a_ttl():
    r = FakeRedis()
    text = "Para teh one."
    gp = GrammarPass(GrammarSettings(url="http://fake", speller=True), cache=RedisCache(r, ttl=60), client=FakeClient())
    gp.check(text, spans(text), set())
    (key,) = r.data
    assert key.startswith("mtclean:lt:9.9-fake:") and r.ttl[key] == 60
    assert json.loads(r.data[key])[0]["rule"] == "MORFOLOGIK_RULE_EN_US"
    again = GrammarPass(GrammarSettings(url="http://fake", speller=True), cache=RedisCache(r, ttl=60), client=FakeClient())
    assert again.check(text, spans(text), set()).requests == 0


def test_a_broken_cache_is_only_a_miss():
    class Broken:
        def get(self, key):
            raise ConnectionError("redis down")

        def set(self, key, value):
            raise ConnectionError("redis down")

    text = "Para teh one."
    gp = GrammarPass(GrammarSettings(url="http://fake", speller=True), cache=Broken(), client=FakeClient())
    out = gp.check(text, spans(text), set())
    assert out.available and len(out.edits) == 1


def test_concurrency_is_bounded_and_results_stay_in_order():
    active, peak, lock = [0], [0], threading.Lock()

    class Slow(FakeClient):
        def check(self, text, language, disabled_rules):
            with lock:
                active[0] += 1
                peak[0] = max(peak[0], active[0])
            threading.Event().wait(0.05)
            with lock:
                active[0] -= 1
            return super().check(text, language, disabled_rules)

    text = "\n\n".join(f"P{i} teh." for i in range(8))
    gp, _ = make_pass(Slow(), chunk_chars=5, concurrency=3)
    out = gp.check(text, spans(text), set())
    assert out.requests == 8 and peak[0] <= 3
    assert [e.start for e in out.edits] == sorted(e.start for e in out.edits)


def test_disabled_rules_are_passed_on():
    text = "He ate a apple."
    gp, _ = make_pass(disabled_rules=("EN_A_VS_AN",))
    assert gp.check(text, spans(text), set()).edits == []


def test_an_unreachable_server_is_an_outcome_not_an_exception():
    text = "I saw teh cat."
    gp, _ = make_pass(FakeClient(fail=ConnectionError("refused")))
    out = gp.check(text, spans(text), set())
    assert not out.available and out.edits == []
    assert "not reachable at http://fake" in out.message and "mtclean languagetool start" in out.message


def test_a_real_client_to_a_closed_port_reports_unavailable():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    out = GrammarPass(GrammarSettings(url=url)).check("I saw teh cat.", [(0, 14)], set())
    assert not out.available and out.edits == [] and url in out.message
    assert "mtclean languagetool start" in out.message


# -- the allow-list ---------------------------------------------------------------------------

def test_allow_list_is_well_formed():
    data = yaml.safe_load((ROOT / "rules" / "grammar" / "auto.yaml").read_text())
    ids = [r["id"] for r in data["rules"]]
    assert len(ids) == len(set(ids)) and ids
    for rule in data["rules"]:
        assert set(rule) <= {"id", "reason", "examples"} and rule["reason"].strip()
        kinds = [frozenset(ex) for ex in rule["examples"]]
        assert frozenset({"bad", "fix"}) in kinds and frozenset({"ok"}) in kinds, rule["id"]
        assert all(ex["bad"] != ex["fix"] for ex in rule["examples"] if "fix" in ex)
    assert load_auto_rules() == frozenset(ids)


def test_a_broken_allow_list_is_a_rule_error(tmp_path):
    bad = tmp_path / "auto.yaml"
    bad.write_text("rules:\n  - id: X\n")
    with pytest.raises(RuleError, match="reason"):
        load_auto_rules(bad)


# -- server management and doctor without a server ---------------------------------------------

def test_cache_dir_honours_mtclean_cache(monkeypatch, tmp_path):
    monkeypatch.setenv("MTCLEAN_CACHE", str(tmp_path))
    assert lt_server.cache_dir("6.8") == tmp_path / "languagetool" / "6.8"


def test_a_second_fetch_downloads_nothing(monkeypatch, tmp_path):
    monkeypatch.setenv("MTCLEAN_CACHE", str(tmp_path))
    lib = lt_server.cache_dir("6.8") / "lib"
    lib.mkdir(parents=True)
    (lib / "languagetool-server-6.8.jar").write_bytes(b"x")
    (lib.parent / ".complete").write_text(json.dumps({"version": "6.8", "classpath": [f"{lib}/*"], "size_mb": 1}))
    monkeypatch.setattr(lt_server.subprocess, "run", lambda *a, **k: pytest.fail("mvn must not run"))
    res = lt_server.fetch("6.8")
    assert not res.downloaded and res.method == "cached"


def test_without_maven_the_fallback_failure_is_explained(monkeypatch, tmp_path):
    monkeypatch.setenv("MTCLEAN_CACHE", str(tmp_path))
    monkeypatch.setattr(lt_server.shutil, "which", lambda name: None)

    def no_internet(version):
        raise ConnectionError("github.com: Name or service not known")

    monkeypatch.setattr(grammar, "download_standalone_languagetool", no_internet)
    with pytest.raises(lt_server.ServiceUnavailable) as info:
        lt_server.fetch("6.8")
    assert "Maven (mvn) not found" in str(info.value) and "Name or service not known" in str(info.value)
    assert "MTCLEAN_LT_URL" in str(info.value)


def test_mtclean_lt_url_overrides_the_local_server(monkeypatch):
    monkeypatch.setenv("MTCLEAN_LT_URL", "http://lt.example:8010/")
    assert lt_server.server_url() == "http://lt.example:8010"
    monkeypatch.setattr(lt_server, "healthy", lambda url, timeout=2.0: False)
    st = lt_server.start()  # starts nothing
    assert not st.managed and st.pid is None


def _pong_server(reply: bytes):
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(1)

    def serve():
        conn, _ = srv.accept()
        with conn:
            conn.recv(256)
            conn.sendall(reply)
        srv.close()

    threading.Thread(target=serve, daemon=True).start()
    return srv.getsockname()[1]


def test_raw_redis_ping():
    port = _pong_server(b"+PONG\r\n")
    assert cli_languagetool._raw_ping(f"redis://127.0.0.1:{port}/0", 2.0) is None
    port = _pong_server(b"-ERR nope\r\n")
    assert "unexpected" in cli_languagetool._raw_ping(f"redis://127.0.0.1:{port}/0", 2.0)


def test_doctor_exit_code_and_fixes(monkeypatch):
    for name in ("_check_java", "_check_jars", "_check_server", "_check_redis"):
        monkeypatch.setattr(cli_languagetool, name, lambda n=name: (True, f"{n} fine", ""))
    res = CliRunner().invoke(cli_languagetool.doctor_command)
    assert res.exit_code == 0 and res.output.count("OK") == 4
    monkeypatch.setattr(cli_languagetool, "_check_redis", lambda: (False, "Redis: down", "start Redis"))
    res = CliRunner().invoke(cli_languagetool.doctor_command)
    assert res.exit_code == 1 and "MISSING Redis: down" in res.output and "fix: start Redis" in res.output


def test_a_server_error_is_reported_with_its_message():
    text = "I saw teh cat."
    gp, _ = make_pass(FakeClient(fail=ValueError("Error: Your text exceeds the limit")))
    out = gp.check(text, spans(text), set())
    assert not out.available and "failed: Error: Your text exceeds the limit" in out.message


def test_by_default_only_trusted_rules_are_offered():
    text = "He left,, then. He ate a apple."
    trusted, _ = make_pass(rules="trusted")
    assert [e.rule_id for e in trusted.check(text, spans(text), set()).edits] == ["LT:EN_A_VS_AN"]
    everything, _ = make_pass(rules="all")
    assert {e.rule_id for e in everything.check(text, spans(text), set()).edits} == {"LT:EN_A_VS_AN",
                                                                                     "LT:TWO_CANDIDATES"}
    assert GrammarSettings().rules == "trusted" and GrammarSettings().speller is False
