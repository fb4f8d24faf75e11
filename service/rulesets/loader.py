"""Load and validate phrase rule packs (YAML data in ``rules/phrases/`` and ``--rules DIR``).

The format is documented in ``rules/README.md``.  Validation errors name the file, the rule
and the key (:class:`service.errors.RuleError`).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Optional

import regex
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from service.errors import RuleError
from service.core.model import Tier

RULES_DIR = Path(__file__).resolve().parents[2] / "rules"
PHRASES_DIR = RULES_DIR / "phrases"
ID_PATTERN = r"^[a-z0-9][a-z0-9._-]*$"
CONTEXT_KEYS = ("unless_before", "unless_after", "only_before", "only_after")


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


def _as_list(v: Any) -> Any:
    return [v] if isinstance(v, str) else v


class RuleSpec(BaseModel):
    """One phrase rule as written in YAML."""

    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=ID_PATTERN)
    match: Optional[list[str]] = None
    pattern: Optional[str] = None
    anchor: Optional[list[str]] = None
    case_sensitive: bool = False
    replace: list[str]
    tier: Literal["auto", "suggest"] = "suggest"
    category: Optional[str] = None
    langs: Optional[list[str]] = None
    message: str = Field(min_length=1)
    source: Optional[str] = None
    unless_before: Optional[str] = None
    unless_after: Optional[str] = None
    only_before: Optional[str] = None
    only_after: Optional[str] = None
    examples: list[ExampleSpec] = Field(min_length=1)

    _lists = field_validator("match", "anchor", "replace", "langs", mode="before")(_as_list)

    @model_validator(mode="after")
    def _shape(self) -> "RuleSpec":
        if (self.match is None) == (self.pattern is None):
            raise ValueError("a rule has exactly one of 'match' or 'pattern'")
        if self.pattern is not None and not self.anchor:
            raise ValueError("a 'pattern' rule needs an 'anchor'")
        if self.match is not None and not all(m.strip() for m in self.match):
            raise ValueError("empty phrase in 'match'")
        if not self.replace:
            raise ValueError("'replace' is empty")
        return self


class PackSpec(BaseModel):
    """A pack file as written in YAML."""

    model_config = ConfigDict(extra="forbid")
    pack: Optional[str] = None
    category: str = "word_choice"
    langs: list[str] = ["any"]
    source: str = ""
    description: Optional[str] = None
    rules: list[RuleSpec]

    _lists = field_validator("langs", mode="before")(_as_list)


@dataclass(frozen=True)
class Example:
    """A compiled example."""

    bad: str | None
    fix: str | None
    ok: str | None


@dataclass(frozen=True)
class Rule:
    """A validated, compiled phrase rule."""

    id: str
    pack: str
    path: str
    category: str
    tier: Tier
    langs: frozenset[str]
    message: str
    source: str
    triggers: tuple[str, ...]  # normalised literal phrases (match) or anchors (pattern)
    pattern: "regex.Pattern[str] | None"
    replace: tuple[str, ...]
    context: tuple[tuple[str, "regex.Pattern[str]"], ...]
    examples: tuple[Example, ...]

    def applies_to(self, source_langs: frozenset[str] | None) -> bool:
        """True when the rule is selected for these source languages (None: every rule)."""
        if source_langs is None or "any" in self.langs or "all" in source_langs:
            return True
        return bool(self.langs & source_langs)


def normalise_phrase(phrase: str) -> str:
    """Lower-case a phrase, straighten its apostrophes and collapse its whitespace (the
    matcher's view of text)."""
    return " ".join(phrase.lower().replace("’", "'").replace("‘", "'").split())


def _compile(rule_id: str, key: str, source: str, flags: int, where: str) -> "regex.Pattern[str]":
    try:
        return regex.compile(source, flags | regex.V0)
    except regex.error as exc:
        raise RuleError(f"{where}: rule '{rule_id}': key '{key}': invalid regex: {exc}") from exc


def _compile_rule(spec: RuleSpec, pack: PackSpec, pack_name: str, path: Path) -> Rule:
    where = str(path)
    flags = 0 if spec.case_sensitive else regex.IGNORECASE
    pattern = _compile(spec.id, "pattern", spec.pattern, flags, where) if spec.pattern else None
    context = tuple(
        (key, _compile(spec.id, key, getattr(spec, key), regex.IGNORECASE, where))
        for key in CONTEXT_KEYS
        if getattr(spec, key)
    )
    triggers = tuple(normalise_phrase(t) for t in (spec.match or spec.anchor or []))
    tier = Tier(spec.tier) if len(spec.replace) == 1 else Tier.SUGGEST
    return Rule(
        id=spec.id,
        pack=pack_name,
        path=where,
        category=spec.category or pack.category,
        tier=tier,
        langs=frozenset(spec.langs or pack.langs),
        message=spec.message.strip(),
        source=(spec.source or pack.source or f"mtclean rule pack {pack_name}").strip(),
        triggers=triggers,
        pattern=pattern,
        replace=tuple(spec.replace),
        context=context,
        examples=tuple(Example(e.bad, e.fix, e.ok) for e in spec.examples),
    )


def _describe(exc: ValidationError, raw: dict[str, Any]) -> str:
    err = exc.errors()[0]
    loc = list(err["loc"])
    rule = ""
    if len(loc) >= 2 and loc[0] == "rules" and isinstance(loc[1], int):
        rules = raw.get("rules") or []
        rid = rules[loc[1]].get("id") if loc[1] < len(rules) and isinstance(rules[loc[1]], dict) else None
        rule = f"rule '{rid}' (#{loc[1] + 1})" if rid else f"rule #{loc[1] + 1}"
        loc = loc[2:]
    key = ".".join(str(p) for p in loc) or "(rule)"
    return f"{rule + ': ' if rule else ''}key '{key}': {err['msg']}"


def load_pack(path: Path) -> list[Rule]:
    """Load and validate one pack file."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise RuleError(f"{path}: cannot read rule pack: {exc}") from exc
    if not isinstance(raw, dict):
        raise RuleError(f"{path}: a rule pack is a mapping with a 'rules' list")
    try:
        pack = PackSpec.model_validate(raw)
    except ValidationError as exc:
        raise RuleError(f"{path}: {_describe(exc, raw)}") from exc
    name = pack.pack or path.stem
    return [_compile_rule(spec, pack, name, path) for spec in pack.rules]


def pack_files(dirs: list[Path]) -> list[Path]:
    """Every ``*.yaml``/``*.yml`` file under the given directories (or files), sorted."""
    files: list[Path] = []
    for d in dirs:
        if d.is_file():
            files.append(d)
        elif d.is_dir():
            files.extend(sorted(p for p in d.rglob("*") if p.suffix in (".yaml", ".yml")))
        else:
            raise RuleError(f"{d}: no such rule file or directory")
    return files


def load_rules(extra_dirs: list[Path] | None = None, builtin: bool = True) -> list[Rule]:
    """Load the built-in packs plus the user's; rule ids must be unique across all of them."""
    dirs = ([PHRASES_DIR] if builtin else []) + list(extra_dirs or [])
    rules: list[Rule] = []
    seen: dict[str, str] = {}
    for path in pack_files(dirs):
        for rule in load_pack(path):
            if rule.id in seen:
                raise RuleError(f"{path}: rule '{rule.id}': key 'id': duplicate of a rule in {seen[rule.id]}")
            seen[rule.id] = str(path)
            rules.append(rule)
    return rules
