"""The YAML schema of a rule pack (v2, which reads v1 packs too), as pydantic models.

Imported only when packs are compiled (not on a cache hit), so ``mtclean check`` does not pay
for pydantic at start-up.
"""
from __future__ import annotations

from typing import Any, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

ID_PATTERN = r"^[a-z0-9][a-z0-9._-]*$"
LANG_PATTERN = r"^(?:[a-z]{2,3}|any|all)$"
CATEGORIES = ("idiom", "officialese", "polysemy", "word_choice", "number", "debris")
CONTEXT_KEYS = ("unless_before", "unless_after", "only_before", "only_after")


def _as_list(v: Any) -> Any:
    return [v] if isinstance(v, str) else v


class ExampleSpec(BaseModel):
    """One example: ``{bad, fix}``, ``{bad}`` or ``{ok}``."""

    model_config = ConfigDict(extra="forbid")
    bad: Optional[str] = None
    fix: Optional[str] = None
    ok: Optional[str] = None

    @model_validator(mode="after")
    def _shape(self) -> "ExampleSpec":
        if (self.ok is None) == (self.bad is None):
            raise ValueError("an example has either 'bad' (with optional 'fix') or 'ok'")
        if self.fix is not None and self.bad is None:
            raise ValueError("'fix' needs 'bad'")
        return self


class ContextSpec(BaseModel):
    """Cue words in the sentence (or paragraph) around a match."""

    model_config = ConfigDict(extra="forbid")
    any: Optional[list[str]] = None
    none: Optional[list[str]] = None
    scope: Literal["sentence", "paragraph"] = "sentence"

    _lists = field_validator("any", "none", mode="before")(_as_list)

    @model_validator(mode="after")
    def _shape(self) -> "ContextSpec":
        if not self.any and not self.none:
            raise ValueError("'context' needs 'any' or 'none' (a list of cue words)")
        for cue in (self.any or []) + (self.none or []):
            if not cue.strip():
                raise ValueError("empty cue word")
        return self


class RuleSpec(BaseModel):
    """One phrase rule as written in YAML."""

    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=ID_PATTERN)
    src: Optional[str] = None
    gloss: Optional[str] = None
    match: Optional[list[str]] = None
    pattern: Optional[str] = None
    anchor: Optional[list[str]] = None
    case_sensitive: bool = False
    replace: list[str]
    tier: Literal["auto", "suggest"] = "suggest"
    category: Optional[str] = None
    langs: Optional[list[str]] = None
    requires_source_lang: bool = False
    message: str = Field(min_length=1)
    source: Optional[str] = None
    context: Optional[ContextSpec] = None
    unless_before: Optional[str] = None
    unless_after: Optional[str] = None
    only_before: Optional[str] = None
    only_after: Optional[str] = None
    examples: list[ExampleSpec] = Field(min_length=1)

    _lists = field_validator("match", "anchor", "replace", "langs", mode="before")(_as_list)

    @field_validator("langs")
    @classmethod
    def _langs(cls, v: Optional[list[str]]) -> Optional[list[str]]:
        return _check_langs(v)

    @field_validator("category")
    @classmethod
    def _category(cls, v: Optional[str]) -> Optional[str]:
        return _check_category(v)

    @model_validator(mode="after")
    def _shape(self) -> "RuleSpec":
        if (self.match is None) == (self.pattern is None):
            raise ValueError("a rule has exactly one of 'match' or 'pattern'")
        if self.pattern is not None and not self.anchor:
            raise ValueError("a 'pattern' rule needs an 'anchor' (literal words every match contains)")
        if self.match is not None and not all(m.strip() for m in self.match):
            raise ValueError("empty phrase in 'match'")
        if not self.replace:
            raise ValueError("'replace' is empty")
        if self.src is not None and not self.src.strip():
            raise ValueError("'src' is empty")
        return self


class PackSpec(BaseModel):
    """A pack file's header (its rules are validated one by one)."""

    model_config = ConfigDict(extra="forbid")
    pack: Optional[str] = Field(default=None, pattern=ID_PATTERN)
    category: str = "word_choice"
    langs: list[str] = ["any"]
    source: str = ""
    description: Optional[str] = None
    rules: list[Any] = Field(min_length=1)

    _lists = field_validator("langs", mode="before")(_as_list)

    @field_validator("langs")
    @classmethod
    def _langs(cls, v: list[str]) -> list[str]:
        return _check_langs(v) or ["any"]

    @field_validator("category")
    @classmethod
    def _category(cls, v: str) -> str:
        return _check_category(v) or "word_choice"


def _check_langs(v: Optional[list[str]]) -> Optional[list[str]]:
    import re

    for code in v or []:
        if not re.match(LANG_PATTERN, code):
            raise ValueError(f"'{code}' is not an ISO 639-1 code (or 'any')")
    return v


def _check_category(v: Optional[str]) -> Optional[str]:
    if v is not None and v not in CATEGORIES:
        raise ValueError(f"unknown category '{v}' (one of: {', '.join(CATEGORIES)})")
    return v
