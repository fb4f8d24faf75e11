"""How to clean: ONE typed :class:`CleanOptions`, built from the command line, from JSON (the
API, a job) or from ``[tool.mtclean]`` in pyproject.toml, with a :meth:`~CleanOptions.fingerprint`
that keys the engine cache (:mod:`service.engine.factory`) and the batch result cache.

``[tool.mtclean]`` keys are the long option names, kebab-case or snake_case
(``source-lang = "vi"``, ``no-grammar = true``, ``rules = ["house-rules"]``); relative paths are
taken from the file's folder; options given on the command line win.  An unknown key is
reported (naming the known ones) by the commands the table configures (check, clean, review),
which then stop; every other command (serve, doctor, --help) runs regardless.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from service.core.textio import DEFAULT_MAX_BYTES
from service.engine.config import CONFIG_KEYS, find_pyproject, load_config  # noqa: F401 - re-exported
from service.errors import InvalidOptions
from service.passes import registry

ApplyMode = Literal["auto", "all", "none"]
APPLY_MODES: tuple[str, ...] = ("auto", "all", "none")


def _split(value: Any) -> Any:
    if isinstance(value, str):
        return [s.strip() for s in value.split(",") if s.strip()]
    return value


class CleanOptions(BaseModel):
    """Everything that decides what cleaning a document gives."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    apply: ApplyMode = "auto"
    passes: tuple[str, ...] = Field(default_factory=registry.default_names)
    source_langs: frozenset[str] | None = None
    glossary: frozenset[str] = frozenset()
    rule_dirs: tuple[str, ...] = ()
    grammar: bool = True
    variant: str = "auto"  # US, GB, AU, CA or auto (detected per document by the grammar pass)
    source: str | None = None  # the source-language text, paragraph-aligned with the target
    encoding: str | None = None
    max_bytes: int = DEFAULT_MAX_BYTES
    format: str | None = None  # a format name (service.formats.NAMES); None: from the file name
    via: str | None = None  # clean through a running mtclean service
    via_timeout: float = 600.0
    select: tuple[str, ...] = ()  # ruff-style codes: rule ids (prefixes), packs, categories, passes
    ignore: tuple[str, ...] = ()  # (service.engine.selection)
    ignore_texts: tuple[tuple[str, str], ...] = ()  # (code, flagged text) pairs of an ignore file
    terms: tuple[tuple[str, str, str], ...] = ()  # a termbase (service.core.termbase): (kind, text, preferred)

    @field_validator("passes", mode="before")
    @classmethod
    def _passes(cls, v: Any) -> Any:
        v = _split(v)
        if v is None:
            return registry.default_names()
        try:
            return registry.validate(list(v))
        except ValueError as exc:
            raise ValueError(str(exc)) from None

    @field_validator("variant")
    @classmethod
    def _variant(cls, v: str) -> str:
        from service.passes.grammar.variant import normalise

        return normalise(v) or "auto"  # ValueError (a 4xx / exit 2) for an unknown variant

    @field_validator("source_langs", mode="before")
    @classmethod
    def _langs(cls, v: Any) -> Any:
        v = _split(v)
        if not v:
            return None
        out = set()
        for s in v:
            if not isinstance(s, str) or not (2 <= len(s.strip()) <= 3 and s.strip().isalpha()
                                              and s.strip().isascii()):
                raise ValueError(f"{s!r} is not a language code (two or three letters: vi, zh, ru)")
            out.add(s.strip().lower())
        return frozenset(out)

    @field_validator("glossary", mode="before")
    @classmethod
    def _names(cls, v: Any) -> Any:
        if v is None:
            return frozenset()
        if isinstance(v, (list, tuple, set, frozenset)):
            if not all(isinstance(n, str) and n.strip() and len(n) <= 200 for n in v):
                raise ValueError("glossary names must be non-empty strings of at most 200 characters")
            return frozenset(n.strip() for n in v)
        return v

    @field_validator("rule_dirs", mode="before")
    @classmethod
    def _dirs(cls, v: Any) -> Any:
        v = _split(v)
        return tuple(str(d) for d in v) if v else ()

    @field_validator("select", "ignore", mode="before")
    @classmethod
    def _codes(cls, v: Any) -> Any:
        from service.engine.selection import codes

        return codes(v)

    @field_validator("format")
    @classmethod
    def _format(cls, v: str | None) -> str | None:
        if v is None:
            return None
        from service.formats import NAMES

        v = v.lower().lstrip(".")
        if v in ("text", "plain"):
            v = "txt"
        if v not in NAMES:
            raise ValueError(f"unknown format {v!r}; formats are {', '.join(NAMES)}")
        return v

    # -- what the engine needs ------------------------------------------------------------------
    @property
    def uses_grammar(self) -> bool:
        """True when the grammar pass is wanted (it may still be unavailable)."""
        return self.grammar and "grammar" in self.passes

    def engine_key(self) -> str:
        """A hash of what the engine is built from (not the apply mode or I/O settings)."""
        data = [sorted(self.glossary), sorted(self.source_langs or []), list(self.passes), self.uses_grammar,
                self.variant, list(self.rule_dirs), self.via, list(self.select), list(self.ignore),
                sorted(self.ignore_texts), list(self.terms)]
        return hashlib.sha256(json.dumps(data).encode()).hexdigest()

    def fingerprint(self) -> str:
        """A hash of every option that decides a result (for caches)."""
        data = self.model_dump(mode="json", exclude={"max_bytes", "via_timeout"})
        data = {k: sorted(v) if isinstance(v, list) and k in ("glossary", "source_langs") else v
                for k, v in data.items()}
        return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()

    # -- builders -------------------------------------------------------------------------------
    @classmethod
    def from_json(cls, data: dict[str, Any] | None, **extra: Any) -> "CleanOptions":
        """From an API request's ``options`` (``source_lang`` list or string, ``glossary`` names)."""
        raw = dict(data or {})
        raw.pop("context_names", None)  # a chunk's document names: the worker's, not the engine's
        if "source_lang" in raw:
            raw["source_langs"] = raw.pop("source_lang")
        raw.update({k: v for k, v in extra.items() if v is not None})
        try:
            return cls.model_validate(raw)
        except ValidationError as exc:
            raise invalid(exc) from None

    def to_json(self) -> dict[str, Any]:
        """The options as the API takes them (a job record keeps this)."""
        out: dict[str, Any] = {"apply": self.apply, "passes": list(self.passes)}
        if self.source_langs:
            out["source_lang"] = sorted(self.source_langs)
        if self.glossary:
            out["glossary"] = sorted(self.glossary)
        if not self.grammar:
            out["grammar"] = False
        if self.variant != "auto":
            out["variant"] = self.variant
        if self.source is not None:
            out["source"] = self.source
        if self.format:
            out["format"] = self.format
        if self.select:
            out["select"] = list(self.select)
        if self.ignore:
            out["ignore"] = list(self.ignore)
        return out

    @classmethod
    def from_cli(cls, *, rule_dirs: Any = (), glossary: Path | str | None = None, source_lang: str | None = None,
                 no_grammar: bool = False, passes: str | None = None, encoding: str | None = None,
                 max_bytes: int = DEFAULT_MAX_BYTES, apply: str = "auto", source: Path | str | None = None,
                 fmt: str | None = None, via: str | None = None, select: Any = None,
                 ignore: Any = None, ignore_file: Path | str | None = None,
                 termbase: Path | str | None = None, variant: str | None = None) -> "CleanOptions":
        """From the command line's options (the glossary and source files are read here)."""
        names: frozenset[str] = frozenset()
        if glossary:
            from service.core.glossary import load_glossary  # imports yaml: only when a glossary is given

            names = load_glossary(Path(glossary))
        terms: tuple[tuple[str, str, str], ...] = ()
        if termbase:  # names join the glossary; forbidden terms and pairs go to the terms check
            from service.core.termbase import load_termbase

            tb = load_termbase(termbase)
            names, terms = names | tb.names, tb.as_tuples()
        ignore_texts: tuple[tuple[str, str], ...] = ()
        if ignore_file:  # a project ignore list (service.engine.selection.read_ignore_file)
            from service.engine.selection import codes, read_ignore_file

            more, ignore_texts = read_ignore_file(ignore_file)
            ignore = codes(ignore) + more
        source_text = None
        if source:
            try:
                source_text = Path(source).read_text(encoding="utf-8-sig")
            except OSError as exc:
                raise InvalidOptions(f"--source {source}: cannot read: {exc.strerror or exc}") from exc
        try:
            return cls.model_validate({
                "rule_dirs": tuple(str(d) for d in rule_dirs or ()), "glossary": names, "source_langs": source_lang,
                "grammar": not no_grammar and not _grammar_off(),
                "passes": passes if passes is not None else registry.default_names(),
                "encoding": encoding, "max_bytes": max_bytes, "apply": apply, "source": source_text,
                "format": fmt, "via": via, "select": select, "ignore": ignore,
                "ignore_texts": ignore_texts, "terms": terms, "variant": variant or "auto"})
        except ValidationError as exc:
            raise invalid(exc, cli=True) from None


def invalid(exc: ValidationError, cli: bool = False) -> InvalidOptions:
    """One message for every problem pydantic found."""
    parts = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err["loc"]) or "body"
        if cli:
            where = "--" + where.replace("_", "-").replace("source-langs", "source-lang").replace("rule-dirs", "rules")
        msg = err["msg"].removeprefix("Value error, ")
        parts.append(f"{where}: {msg}")
    hint = "" if cli else ". See GET /v1/openapi.json"
    return InvalidOptions(("invalid options: " if cli else "invalid request: ") + "; ".join(parts) + hint)


def _grammar_off() -> bool:
    """MTCLEAN_GRAMMAR=off (the settings are imported only when --no-grammar is not given:
    pydantic-settings costs ~0.04 s at every start)."""
    from service.settings import get_settings

    return get_settings().grammar_off
