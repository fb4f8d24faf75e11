"""ONE engine factory: a :class:`~service.engine.pipeline.Cleaner` for a :class:`CleanOptions`,
built once per process and options fingerprint and reused (an LRU cache, thread-safe).

Used by the CLI (check, clean, review), batch workers, Celery tasks and the benchmarks.  The
rule packs are loaded once per set of rule folders; the grammar pass (LanguageTool's client) once
per server URL and language variant, unless the caller brings its own (the Celery worker's, with
a Redis cache).

An *engine* is what the document layer calls: ``engine(text, extra_names) -> CleanResult``;
:func:`engine_for` gives the local one (the cleaner with the file's extra glossary names) or,
with ``options.via``, one that cleans through a running service.
"""
from __future__ import annotations

import copy
import threading
from pathlib import Path
from typing import Any, Callable

from cachetools import LRUCache

from service.engine.options import CleanOptions
from service.engine.pipeline import Cleaner, CleanResult
from service.rulesets.loader import Rule, load_rules

#: cleans a text with extra glossary names (and, third, the names the whole document uses when
#: the text is a chunk of it): the local Cleaner or a remote service
Engine = Callable[..., CleanResult]
_DEFAULT: Any = object()
_lock = threading.RLock()
_rules: LRUCache[tuple[str, ...], list[Rule]] = LRUCache(maxsize=8)
_cleaners: LRUCache[tuple[str, int], Cleaner] = LRUCache(maxsize=64)
_grammar: dict[tuple[str, str], Any] = {}


def rules_for(rule_dirs: tuple[str, ...]) -> list[Rule]:
    """The built-in rule packs plus those in ``rule_dirs`` (loaded once per process)."""
    with _lock:
        if rule_dirs not in _rules:
            _rules[rule_dirs] = load_rules([Path(d) for d in rule_dirs] or None)
        return _rules[rule_dirs]


def grammar_for(options: CleanOptions, url: str | None = None, cache: Any = None,
                force: bool = False) -> Any | None:
    """The grammar pass for these options (None when not wanted or turned off, unless
    ``force``: the service's own GRAMMAR setting decided): one per LanguageTool URL and
    variant in this process."""
    if not force and not options.uses_grammar:
        return None  # without importing the settings (pydantic-settings: ~0.04 s at every start)
    from service.settings import get_settings

    if not force and get_settings().grammar_off:
        return None
    try:
        from service.ops.languagetool import server_url
        from service.passes.grammar.languagetool import GrammarPass, GrammarSettings
    except ImportError:  # pragma: no cover - the grammar pass is optional at import time
        return None
    url = (url or server_url()).rstrip("/")
    key = (url, options.variant)
    with _lock:
        if key not in _grammar:
            _grammar[key] = GrammarPass(GrammarSettings(url=url, variant=options.variant), cache=cache)
        return _grammar[key]


def get_cleaner(options: CleanOptions, grammar: Any = _DEFAULT) -> Cleaner:
    """The cleaner for ``options`` (cached per fingerprint); ``grammar``: the grammar pass to use
    (default: :func:`grammar_for`; None: none)."""
    if grammar is _DEFAULT:
        grammar = grammar_for(options)
    if not options.uses_grammar:
        grammar = None
    key = (options.engine_key(), id(grammar))
    with _lock:
        cleaner = _cleaners.get(key)
        if cleaner is None:
            kwargs: dict[str, Any] = dict(glossary=options.glossary, source_langs=options.source_langs,
                                          passes=options.passes, grammar=grammar, rules=rules_for(options.rule_dirs))
            if options.select or options.ignore or options.ignore_texts or options.terms:  # engine.selection
                from service.engine.selection import SelectingCleaner, Selection

                selection = Selection(options.select, options.ignore, options.ignore_texts)
                cleaner = SelectingCleaner(selection=selection, terms=options.terms, **kwargs)
            else:
                cleaner = Cleaner(**kwargs)
            _cleaners[key] = cleaner
        return cleaner


def with_names(cleaner: Cleaner, extra: frozenset[str], context: frozenset[str] = frozenset()) -> Cleaner:
    """``cleaner`` with ``extra`` glossary names (a shallow copy; the compiled rules are shared)
    and ``context`` names: those the whole document uses consistently, when the text is a chunk
    of it (:mod:`service.engine.chunking`): never changed, like the glossary's, but no stronger
    evidence for a repair than the document's own names (see Cleaner.context_names)."""
    if not extra - cleaner.glossary and not context - cleaner.glossary:
        return cleaner
    c = copy.copy(cleaner)
    c.glossary = cleaner.glossary | extra | context
    c.context_names = (cleaner.context_names | context) - cleaner.glossary - extra
    return c


def local_engine(cleaner: Cleaner, apply: str, source: str | None = None) -> Engine:
    """An engine that cleans with ``cleaner`` and the file's extra names (and ``source``, the
    source-language text, paragraph-aligned with the text: ``Document(source=...)``)."""
    def run_clean(text: str, extra: frozenset[str], context: frozenset[str] = frozenset()) -> CleanResult:
        c = with_names(cleaner, extra, context)
        return c.clean(text, apply, source=source) if source is not None else c.clean(text, apply)
    return run_clean


def engine_for(options: CleanOptions, cleaner: Cleaner | None = None) -> Engine:
    """The engine for ``options``: through the service at ``options.via``, else local."""
    if options.via:
        from service.batch.remote import RemoteEngine

        return RemoteEngine(options.via, options)
    return local_engine(cleaner or get_cleaner(options), options.apply, options.source)


def clear() -> None:
    """Forget every cached cleaner, rule set and grammar pass (tests)."""
    with _lock:
        _rules.clear()
        _cleaners.clear()
        _grammar.clear()
