"""The grammar pass: LanguageTool's matches as mtclean edits.

The only module that imports ``language_tool_python``.  Paragraphs are sent in chunks of whole
paragraphs (one request per chunk, at most ``concurrency`` at once); results are cached per
paragraph, so an unchanged paragraph is never sent twice.  A match becomes an :class:`Edit`
unless it

* has no replacement (LanguageTool only says "something is wrong here": dropped),
* overlaps a span another pass fixed or protected (``skip_spans``),
* is a speller suggestion on a capitalised word (a name: Kataib, al-Muhandis, IRGC), or on a
  lowercase word that is foreign or a name (:mod:`service.passes.grammar.filters`: "burqa",
  "coup d'état", "Ich bin ein Berliner", "al-"),
* turns a name into another name ("Mark Gabold" -> "Marc Gasol"),
* touches a word in ``known_names``,
* capitalises a sentence start that does not follow a real sentence end (a fragment, a list
  item, a headline), or fits a/an to a word that is not a real word ("a orofessor").

Each paragraph is checked on its own (one request per paragraph, ``concurrency`` at once), so
no rule sees a neighbouring paragraph.  The English variant (en-US, en-GB, ...) is the one
forced in the settings, else the one the caller detected from the document
(:mod:`service.passes.grammar.variant`), else ``language``.

Tier ``auto`` only for rule ids on the allow-list ``rules/grammar/auto.yaml`` and a single
replacement.  LanguageTool being unreachable is an outcome (``available=False``), not an error.
"""
from __future__ import annotations

import bisect
import hashlib
import json
import os
import re
import threading
import urllib.parse
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

import yaml

from service.core.model import Category, Edit, Tier
from service.engine.apply import NEEDS_CHOICE
from service.errors import RuleError
from service.passes.grammar import filters
from service.passes.grammar.cache import MemoryCache, ParagraphCache, RedisCache  # noqa: F401 - re-exported
from service.passes.grammar.offsets import Chunk, chunk_paragraphs
from service.passes.grammar.variant import VARIANTS, normalise

NAME = "grammar"
ROOT = Path(__file__).resolve().parents[3]
AUTO_RULES_FILE = ROOT / "rules" / "grammar" / "auto.yaml"
IGNORE_FILE = ROOT / "rules" / "grammar" / "ignore.yaml"
TRUSTED_FILE = ROOT / "rules" / "grammar" / "trusted.yaml"
CUSTOM_RULES_FILE = ROOT / "rules" / "grammar" / "languagetool-en.xml"
SPELLER_PREFIXES = ("MORFOLOGIK_RULE", "HUNSPELL_RULE", "HUNSPELL_NO_SUGGEST_RULE")
MAX_REPLACEMENTS = 5
_WORD_CHAR = re.compile(r"[\w'’-]")
_PARTS = re.compile(r"[-'’]")
_WORDS = re.compile(r"\w+")


@dataclass
class GrammarSettings:
    """How the pass talks to LanguageTool.  ``url`` None: ``MTCLEAN_LT_URL`` or the local server.

    ``variant``: the English variant to check in (``US``, ``GB``, ``AU``, ``CA``; None or
    ``auto``: detected from each document's own spellings, ``language`` when no document is
    given).  ``isolate_paragraphs``: one request per paragraph, so that no LanguageTool rule
    sees a neighbouring paragraph (False: paragraphs are joined into requests of up to
    ``chunk_chars``; None, the default: joined when ``rules`` is ``trusted``, whose rules all
    look within one sentence, so a neighbouring paragraph cannot change what is offered, and
    LanguageTool's ~30 ms per request is paid once per chunk, not once per paragraph).
    ``rules``: ``trusted`` offers the rules measured to help on MT output
    (``rules/grammar/trusted.yaml``, the auto allow-list, mtclean's own), ``all`` every rule not
    ignored.  ``speller``: offer the speller's fixes (even filtered to one-slip fixes of
    rare words, on MLQE-PE train MT it matched the post-edit 2 times in 339, and it makes 518
    suggestions per million words of clean English and post-edits: MT makes up words, it does
    not mistype them)."""

    url: str | None = None
    chunk_chars: int = 8000
    concurrency: int = 2
    language: str = "en-US"
    disabled_rules: tuple[str, ...] = ()
    auto_rules_file: Path = AUTO_RULES_FILE
    variant: str | None = None
    isolate_paragraphs: bool | None = None
    speller: bool = False  # LanguageTool's speller (MORFOLOGIK/HUNSPELL): off unless asked, see below
    rules: str = "trusted"  # "trusted": rules/grammar/trusted.yaml (+ auto.yaml, MTCLEAN_*); "all"

    def __post_init__(self) -> None:
        normalise(self.variant)  # ValueError for an unknown variant
        if self.rules not in ("trusted", "all"):
            raise ValueError(f"rules={self.rules!r}: use 'trusted' or 'all'")

    def fingerprint(self) -> str:
        """What, besides the LanguageTool version and the text, decides LanguageTool's answer
        (including mtclean's own LanguageTool rules, which the local server loads)."""
        custom = CUSTOM_RULES_FILE.read_bytes() if CUSTOM_RULES_FILE.exists() else b""
        key = json.dumps([self.language, sorted(self.disabled_rules), hashlib.sha256(custom).hexdigest()])
        return hashlib.sha256(key.encode()).hexdigest()[:16]


@dataclass
class GrammarOutcome:
    """What one check found; ``requests`` counts LanguageTool requests, ``cache_hits`` paragraphs."""

    edits: list[Edit] = field(default_factory=list)
    available: bool = True
    message: str = ""
    requests: int = 0
    cache_hits: int = 0


@lru_cache(maxsize=8)
def load_ignored(path: Path = IGNORE_FILE) -> tuple[frozenset[str], frozenset[str]]:
    """The LanguageTool categories and rule ids the pass does not report."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise RuleError(f"{path}: cannot read the grammar ignore list: {exc}") from exc
    for key in ("categories", "rules"):
        if not isinstance(data.get(key, []), list):
            raise RuleError(f"{path}: key '{key}': a list of LanguageTool ids")
    return frozenset(data.get("categories", [])), frozenset(data.get("rules", []))


@lru_cache(maxsize=8)
def load_trusted(path: Path = TRUSTED_FILE) -> tuple[frozenset[str], tuple[str, ...]]:
    """The LanguageTool rule ids (and id prefixes) offered by default (``rules/grammar/trusted.yaml``)."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise RuleError(f"{path}: cannot read the trusted grammar rules: {exc}") from exc
    ids = []
    for i, rule in enumerate(data.get("rules") or []):
        if not isinstance(rule, dict) or not rule.get("id") or not rule.get("measured"):
            raise RuleError(f"{path}: rule #{i + 1} needs an id and what was measured")
        ids.append(str(rule["id"]))
    return frozenset(ids), tuple(str(p) for p in data.get("prefixes") or ())


def load_auto_rules(path: Path = AUTO_RULES_FILE) -> frozenset[str]:
    """The LanguageTool rule ids safe to apply without review (``rules/grammar/auto.yaml``)."""
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise RuleError(f"{path}: cannot read the grammar allow-list: {exc}") from exc
    ids = []
    for i, rule in enumerate(data.get("rules") or []):
        if not isinstance(rule, dict) or not rule.get("id") or not rule.get("reason"):
            raise RuleError(f"{path}: rule #{i + 1} needs an id and a reason")
        ids.append(str(rule["id"]))
    if len(ids) != len(set(ids)):
        raise RuleError(f"{path}: duplicate rule ids")
    return frozenset(ids)


class LTClient(Protocol):
    """What the pass needs of LanguageTool: its version and raw ``/v2/check`` matches."""

    version: str

    def check(self, text: str, language: str, disabled_rules: tuple[str, ...]) -> list[dict[str, Any]]: ...


class _LanguageToolClient:
    """language_tool_python's client for a running server.

    Raw matches are read through its ``_query_server`` rather than ``check()``: its ``Match``
    converts offsets with class-level state (wrong when threads check different texts at once)
    and leaves lengths in UTF-16 units; we convert both ourselves (lt_offsets)."""

    def __init__(self, url: str):
        import language_tool_python

        self._tool = language_tool_python.LanguageTool("en-US", remote_server=url)
        self._check_url = urllib.parse.urljoin(self._tool.url, "check")
        probe = self._tool._query_server(self._check_url, {"language": "en-US", "text": "ok"}, method="post")
        self.version = str(probe["software"]["version"])

    def check(self, text: str, language: str, disabled_rules: tuple[str, ...]) -> list[dict[str, Any]]:
        params = {"language": language, "text": text}
        if disabled_rules:
            params["disabledRules"] = ",".join(disabled_rules)
        return self._tool._query_server(self._check_url, params, method="post")["matches"]


_CLIENTS: dict[tuple[int, str], LTClient] = {}
_CLIENTS_LOCK = threading.Lock()


def get_client(url: str) -> LTClient:
    """This process's client for ``url`` (created on first use; raises if unreachable)."""
    key = (os.getpid(), url)
    with _CLIENTS_LOCK:
        if key not in _CLIENTS:
            _CLIENTS[key] = _LanguageToolClient(url)
        return _CLIENTS[key]


def forget_client(url: str) -> None:
    """Drop the client for ``url`` (after a failure: the next check reconnects and re-reads the version)."""
    with _CLIENTS_LOCK:
        _CLIENTS.pop((os.getpid(), url), None)


def download_standalone_languagetool(version: str) -> Path:
    """language_tool_python's own download (for machines with internet but no Maven).

    Returns the standalone ``languagetool-server.jar`` (its manifest names its libs)."""
    from language_tool_python.download_lt import LocalLanguageTool

    local = LocalLanguageTool.from_version_name(version)
    if local not in local.get_installed_versions():
        local.download()
    return Path(local.get_jar_path())


def _compact(m: dict[str, Any], start: int, end: int) -> dict[str, Any]:
    """What the pass keeps of a raw match (cached as JSON)."""
    return {"start": start, "end": end, "rule": m["rule"]["id"], "category": m["rule"]["category"]["id"],
            "message": m.get("message", ""), "replacements": [r["value"] for r in m.get("replacements", [])][:10]}


def _word_around(text: str, start: int, end: int) -> str:
    """The whole word(s) the range touches (letters, digits, hyphens, apostrophes)."""
    while start > 0 and _WORD_CHAR.match(text[start - 1]):
        start -= 1
    while end < len(text) and _WORD_CHAR.match(text[end]):
        end += 1
    return text[start:end]


class _SpanSet:
    """Ranges (possibly overlapping each other) with an O(log n) overlap test."""

    def __init__(self, spans: Iterable[tuple[int, int]]):
        ordered = sorted(spans)
        self._starts = [a for a, _ in ordered]
        self._max_end: list[int] = []
        for _, b in ordered:
            self._max_end.append(max(b, self._max_end[-1]) if self._max_end else b)

    def overlaps(self, start: int, end: int) -> bool:
        """True when some range shares a character with ``[start, end)``."""
        i = bisect.bisect_left(self._starts, max(end, start + 1))
        return i > 0 and self._max_end[i - 1] > start


class GrammarPass:
    """LanguageTool as an mtclean pass; safe to share between threads."""

    def __init__(self, settings: GrammarSettings, cache: ParagraphCache | None = None,
                 client: LTClient | None = None):
        self.settings = settings
        self.cache = cache if cache is not None else MemoryCache()
        self._client = client
        self._fingerprint = settings.fingerprint()
        self.auto_rules = load_auto_rules(Path(settings.auto_rules_file))
        self.ignored_categories, self.ignored_rules = load_ignored()
        self.trusted_rules, self.trusted_prefixes = load_trusted()

    @property
    def url(self) -> str:
        """The server this pass talks to."""
        if self.settings.url:
            return self.settings.url.rstrip("/")
        from service.ops.languagetool import server_url

        return server_url()

    def language_for(self, detected: str | None = None) -> str:
        """The LanguageTool language: the forced variant, else ``detected``, else ``language``."""
        forced = normalise(self.settings.variant)
        if forced:
            return VARIANTS[forced]
        return detected or self.settings.language

    def check(self, text: str, paragraphs: list[tuple[int, int]], known_names: set[str],
              skip_spans: list[tuple[int, int]] | tuple[()] = (), language: str | None = None) -> GrammarOutcome:
        """Edits for ``text`` (only inside ``paragraphs``); never raises for LanguageTool's sake.
        ``language``: the variant detected for the document (a forced one wins)."""
        url = self.url
        try:
            client = self._client or get_client(url)
        except Exception as exc:  # noqa: BLE001 - any failure to connect means "unavailable"
            return self._unavailable(url, exc)
        out = GrammarOutcome()
        lang = self.language_for(language)
        keys = [self._key(client.version, text[s:e], lang) for s, e in paragraphs]
        results: dict[str, list[dict[str, Any]]] = {}
        pending: dict[str, str] = {}
        for (s, e), key in zip(paragraphs, keys):
            if key in results or key in pending:
                continue
            cached = self._cache_get(key)
            if cached is None:
                pending[key] = text[s:e]
            else:
                results[key] = cached
        out.cache_hits = sum(1 for k in keys if k in results)
        pending_keys = list(pending)
        chunks = chunk_paragraphs(list(pending.values()), 0 if self._isolate() else self.settings.chunk_chars)
        try:
            with ThreadPoolExecutor(max_workers=max(1, min(self.settings.concurrency, len(chunks) or 1))) as pool:
                for found in pool.map(lambda ch: self._check_chunk(client, ch, lang), chunks):
                    out.requests += 1
                    for item, matches in found.items():
                        results[pending_keys[item]] = matches
                        self._cache_set(pending_keys[item], matches)
        except Exception as exc:  # noqa: BLE001 - LanguageTool went away mid-check
            if self._client is None:
                forget_client(url)
            return self._unavailable(url, exc, out.requests, out.cache_hits)
        names = {n.casefold() for n in known_names}
        skip = _SpanSet(skip_spans)
        for (s, _e), key in zip(paragraphs, keys):
            for m in results[key]:
                edit = self._edit(text, s, m, client.version, names, skip)
                if edit is not None:
                    out.edits.append(edit)
        out.edits.sort(key=lambda ed: (ed.start, ed.end))
        out.message = (f"LanguageTool {client.version}: {len(out.edits)} edits, {out.requests} requests, "
                       f"{out.cache_hits} paragraphs cached")
        return out

    def _isolate(self) -> bool:
        """One request per paragraph? (see :class:`GrammarSettings`)."""
        isolate = self.settings.isolate_paragraphs
        return self.settings.rules != "trusted" if isolate is None else isolate

    def recheck(self, text: str, paragraphs: list[tuple[int, int]], known_names: set[str],
                skip_spans: list[tuple[int, int]] | tuple[()] = ()) -> GrammarOutcome:
        """Check again after edits were applied: the same as :meth:`check`; unchanged
        paragraphs come from the cache."""
        return self.check(text, paragraphs, known_names, skip_spans)

    def _key(self, version: str, paragraph: str, language: str | None = None) -> str:
        lang = "" if language in (None, self.settings.language) else f"{language}:"
        return f"{version}:{self._fingerprint}:{lang}{hashlib.sha256(paragraph.encode('utf-8')).hexdigest()}"

    def _cache_get(self, key: str) -> list[dict[str, Any]] | None:
        try:
            return self.cache.get(key)
        except Exception:  # noqa: BLE001 - a broken cache is a miss, not a failure
            return None

    def _cache_set(self, key: str, matches: list[dict[str, Any]]) -> None:
        try:
            self.cache.set(key, matches)
        except Exception:  # noqa: BLE001
            pass

    def _check_chunk(self, client: LTClient, chunk: Chunk, language: str | None = None
                     ) -> dict[int, list[dict[str, Any]]]:
        found: dict[int, list[dict[str, Any]]] = {item: [] for item in chunk.items}
        lang = language or self.settings.language
        for m in client.check(chunk.text, lang, tuple(self.settings.disabled_rules)):
            where = chunk.locate(int(m["offset"]), int(m["length"]))
            if where is not None:  # a match across the separator between two paragraphs is dropped
                item, start, end = where
                found[item].append(_compact(m, start, end))
        return found

    def _edit(self, text: str, base: int, m: dict[str, Any], version: str, names: set[str],
              skip: _SpanSet) -> Edit | None:
        start, end, rule = base + m["start"], base + m["end"], m["rule"]
        if rule in self.ignored_rules or m["category"] in self.ignored_categories:
            return None
        original = text[start:end]
        replacements = tuple(dict.fromkeys(r for r in m["replacements"] if r != original))[:MAX_REPLACEMENTS]
        if not replacements or skip.overlaps(start, end):
            return None
        word = _word_around(text, start, end)
        speller = rule.startswith(SPELLER_PREFIXES)
        if speller and not self.settings.speller:
            return None
        if (not speller and self.settings.rules == "trusted" and rule not in self.trusted_rules
                and rule not in self.auto_rules and not rule.startswith(self.trusted_prefixes)):
            return None
        if speller and any(ch.isupper() for ch in word):
            return None
        if names and any(w.casefold() in names for w in {word, *_PARTS.split(word), *_WORDS.findall(word)}):
            return None
        spelling = speller or m["category"] == "TYPOS"
        replacements = filters.candidates(text, start, end, spelling, replacements,
                                          bool(normalise(self.settings.variant)), speller)
        if not replacements or filters.reject(text, start, end, rule, spelling, replacements):
            return None
        tier = Tier.AUTO if rule in self.auto_rules and len(replacements) == 1 and self._sure(
            text, start, end, rule, replacements[0]) else Tier.SUGGEST
        return Edit(start=start, end=end, original=original, replacements=replacements,
                    rule_id=f"LT:{rule}", category=(Category.SPELLING if spelling else Category.GRAMMAR).value,
                    tier=tier, message=m["message"], source=f"LanguageTool {version} rule {rule}",
                    pass_name=NAME, evidence=(NEEDS_CHOICE,) if speller else ())

    @staticmethod
    def _sure(text: str, start: int, end: int, rule: str, replacement: str) -> bool:
        """Allow-listed rules are auto only where no context can excuse the text (measured on
        clean English: "an humble", "had had", "J .Adams" are left to a person)."""
        if rule == "EN_A_VS_AN":
            return filters.sure_article(text, start, end, replacement)
        if rule == "ENGLISH_WORD_REPEAT_RULE":
            return filters.sure_repeat(text[start:end], text[max(0, start - 40):start])
        if rule == "COMMA_PARENTHESIS_WHITESPACE":
            return filters.removes_spaces_only(text[start:end], replacement) and (
                "(" in text[start:end] or ")" in text[start:end] or filters.sure_spacing(text, end))
        return True

    @staticmethod
    def _unavailable(url: str, exc: Exception, requests: int = 0, cache_hits: int = 0) -> GrammarOutcome:
        cause = exc.__cause__ or exc
        names = " ".join(cls.__name__ for cls in type(cause).__mro__)
        if "Connection" in names or "Timeout" in names:  # requests', urllib3's and the builtin ones
            msg = (f"LanguageTool not reachable at {url}: {type(cause).__name__}; "
                   "run `mtclean languagetool start` (or set MTCLEAN_LT_URL to a running server)")
        else:
            msg = f"LanguageTool at {url} failed: {str(exc)[:300]}; see `mtclean languagetool status`"
        return GrammarOutcome(edits=[], available=False, message=msg, requests=requests, cache_hits=cache_hits)
