"""The passes, in the order they run: ONE list that defines the pass order, their priority
when edits overlap, the pass names the CLI and the API accept, and the categories each emits.

A pass registers itself by an entry in :data:`PASSES` (owners add theirs here)::

    PassInfo("source", "service.passes.source:find", priority=25, categories=("garbled_name",))

``factory`` is ``"module:attribute"``.  The attribute is either a function
``find(doc) -> list[Edit]`` or, with ``builder=True``, a callable ``build(ctx) -> finder`` that
is given a :class:`BuildContext` (the compiled rules, the grammar checker) and returns the
finder, or None when the pass cannot run (grammar without a server).

Lower ``priority`` runs first and wins an overlap (see :mod:`service.engine.apply`); the
grammar pass is last: it checks what the others left.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable

if TYPE_CHECKING:
    from service.core.document import Document
    from service.core.model import Edit

Finder = Callable[["Document"], list["Edit"]]


@dataclass(frozen=True)
class PassInfo:
    """One pass: its name (CLI/API), how to find its code, its rank, what it repairs."""

    name: str
    factory: str  # "module:attribute"
    priority: int
    categories: tuple[str, ...] = ()
    default_enabled: bool = True
    builder: bool = False  # the attribute builds the finder from a BuildContext
    needs_server: bool = False  # needs an external service (LanguageTool)
    doc: str = ""

    def load(self) -> Any:
        """The module attribute ``factory`` names."""
        module, _, attr = self.factory.partition(":")
        return getattr(importlib.import_module(module), attr)


@dataclass
class BuildContext:
    """What builder passes get to build their finder."""

    rules: list[Any] = field(default_factory=list)
    grammar: Any | None = None


def _phrases(ctx: BuildContext) -> Finder:
    from service.passes.phrases import PhraseMatcher

    return PhraseMatcher(ctx.rules).find


PASSES: list[PassInfo] = [
    PassInfo("debris", "service.passes.debris:find", 10, ("debris",),
             doc="prompt echoes, tags, doubled words and other MT debris"),
    PassInfo("punctuation", "service.passes.punctuation:find", 20, ("punctuation", "spacing"),
             doc="spacing and punctuation MT gets wrong"),
    PassInfo("source", "service.passes.source:find", 25, ("garbled_name", "consistency"),
             doc="the source text (--source): names, numbers, URLs and untranslated spans"),
    PassInfo("l10n", "service.passes.l10n:find", 27, ("consistency",),
             doc="localisation checks against the source (--source): placeholders, end punctuation, untranslated"),
    PassInfo("names", "service.passes.names:find", 30, ("garbled_name",),
             doc="names spelled inconsistently or garbled"),
    PassInfo("phrases", "service.passes.registry:_phrases", 40,
             ("idiom", "officialese", "polysemy", "word_choice", "number", "debris"), builder=True,
             doc="rule packs: idioms and word choices translated word for word"),
    PassInfo("grammar", "service.passes.grammar.languagetool:GrammarPass", 90, ("grammar", "spelling", "style"),
             needs_server=True, doc="LanguageTool grammar and spelling (runs last)"),
]


def _sorted() -> list[PassInfo]:
    return sorted(PASSES, key=lambda p: p.priority)


def all_passes() -> list[PassInfo]:
    """Every registered pass, in running order."""
    return _sorted()


def names() -> tuple[str, ...]:
    """The pass names in running order (what ``--passes`` and the API's ``passes`` accept)."""
    return tuple(p.name for p in _sorted())


def default_names() -> tuple[str, ...]:
    """The passes that run when none are named."""
    return tuple(p.name for p in _sorted() if p.default_enabled)


def local_names() -> tuple[str, ...]:
    """The passes that need no external server (everything but grammar)."""
    return tuple(p.name for p in _sorted() if not p.needs_server)


def get(name: str) -> PassInfo:
    """The pass called ``name`` (ValueError naming the known ones otherwise)."""
    for p in PASSES:
        if p.name == name:
            return p
    raise ValueError(f"unknown pass {name!r}; passes are {', '.join(names())}")


def priority(name: str) -> int:
    """The rank of a pass when edits overlap (lower wins); unknown passes rank last."""
    for p in PASSES:
        if p.name == name:
            return p.priority
    return 1_000


def validate(wanted: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """``wanted`` in running order; ValueError naming the unknown ones."""
    known = names()
    unknown = [p for p in wanted if p not in known]
    if unknown:
        raise ValueError(f"unknown pass {', '.join(unknown)}; passes are {', '.join(known)}")
    return tuple(p for p in known if p in wanted)


def categories() -> tuple[str, ...]:
    """Every category some pass emits."""
    seen: dict[str, None] = {}
    for p in _sorted():
        for c in p.categories:
            seen.setdefault(c)
    return tuple(seen)


#: the names, for modules that want constants (kept in step with PASSES at import time)
PASS_ORDER: tuple[str, ...] = names()
RULE_PASSES: tuple[str, ...] = local_names()
