"""Load, validate and compile phrase rule packs (YAML data in ``rules/phrases/`` and ``--rules DIR``).

The format (v2, which reads v1 packs too) is documented in ``rules/README.md``.  Validation
errors name the file, the rule and the key (:class:`service.errors.RuleError`).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from service.core.model import Tier
from service.errors import RuleError
from service.rulesets.phrase import Part, Phrase

if TYPE_CHECKING:  # pragma: no cover
    import hashlib

    import regex

RULES_DIR = Path(__file__).resolve().parents[2] / "rules"
PHRASES_DIR = RULES_DIR / "phrases"
CONTEXT_KEYS = ("unless_before", "unless_after", "only_before", "only_after")
ENGINE_VERSION = "2.2"  # 2.2: Phrase.needs/width, Rule.context_needs (the matcher's pre-filter)

_COMPILED: dict[tuple[str, int], "regex.Pattern[str]"] = {}


def compiled(source: str, flags: int) -> "regex.Pattern[str]":
    """The compiled pattern (compiled once per process, on first use)."""
    pat = _COMPILED.get((source, flags))
    if pat is None:
        import regex

        pat = _COMPILED[(source, flags)] = regex.compile(source, flags | regex.V0)
    return pat


@dataclass(frozen=True)
class Example:
    """A compiled example."""

    bad: str | None
    fix: str | None
    ok: str | None


@dataclass(frozen=True)
class Cues:
    """``context:`` cue words (regex sources, matched case-insensitively)."""

    any: str | None
    none: str | None
    scope: str = "sentence"


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
    phrases: tuple[Phrase, ...]
    replace: tuple[str, ...]
    templates: tuple[tuple[Part, ...], ...] | None  # None: v1 pattern, replaced by Match.expand
    context: tuple[tuple[str, str], ...]  # (unless_/only_ key, regex source)
    examples: tuple[Example, ...]
    src: str = ""
    gloss: str = ""
    cues: Cues | None = None
    case_sensitive: bool = False
    requires_source_lang: bool = False  # runs only when one of its langs is given (not by default)
    # (only_before | only_after, Phrase.needs-like clauses of that pattern): see PhraseMatcher._plan
    context_needs: tuple[tuple[str, tuple[tuple[str, ...], ...]], ...] = ()

    @property
    def triggers(self) -> tuple[str, ...]:
        """Normalised literal phrases (literal matches) or anchors (everything else)."""
        return tuple(dict.fromkeys(a for p in self.phrases for a in p.anchors))

    @property
    def pattern(self) -> "regex.Pattern[str] | None":
        """The v1 ``pattern`` (None for ``match`` rules)."""
        p = self.phrases[0]
        return compiled(p.source, p.flags) if p.expand else None

    def applies_to(self, source_langs: frozenset[str] | None) -> bool:
        """True when the rule is selected for these source languages (None: every rule but
        those that ``requires_source_lang``: their wording is ordinary English too)."""
        if "any" in self.langs or (source_langs is not None and "all" in source_langs):
            return True
        if source_langs is None:
            return not self.requires_source_lang
        return bool(self.langs & source_langs)


def normalise_phrase(phrase: str) -> str:
    """Lower-case a phrase, straighten its apostrophes and collapse its whitespace (the
    matcher's view of text)."""
    return " ".join(phrase.lower().replace("’", "'").replace("‘", "'").split())


# --- compiling ------------------------------------------------------------------------------


def _yaml_load(text: str) -> Any:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(text, Loader=loader)  # noqa: S506 - a safe loader


def _check_regex(errors: list[str], where: str, key: str, source: str, flags: int) -> None:
    import regex

    try:
        regex.compile(source, flags | regex.V0)
    except regex.error as exc:
        errors.append(f"{where}key '{key}': invalid regex: {exc}")


_GROUP_REF = None


def _check_group_refs(errors: list[str], where: str, pattern: str, flags: int, replace: list[str]) -> None:
    """``\\N``, ``\\g<N>`` and ``\\g<name>`` in a v1 ``replace`` must name a group of the pattern
    (otherwise Match.expand fails at run time)."""
    import regex

    global _GROUP_REF
    if _GROUP_REF is None:
        _GROUP_REF = regex.compile(r"\\(?:g<([^>]*)>|(\d{1,2}))|\\.")
    try:
        pat = regex.compile(pattern, flags | regex.V0)
    except regex.error:
        return  # reported as an invalid regex
    for i, rep in enumerate(replace):
        label = f"key 'replace'{f' #{i + 1}' if len(replace) > 1 else ''}"
        for m in _GROUP_REF.finditer(rep):
            ref = m.group(1) if m.group(1) is not None else m.group(2)
            if ref is None:
                continue
            ok = (0 <= int(ref) <= pat.groups) if ref.isdigit() else ref in pat.groupindex
            if not ok:
                errors.append(f"{where}{label}: group reference '{m.group()}' but the pattern has "
                              f"{pat.groups} group(s)" + (f" ({', '.join(pat.groupindex)})" if pat.groupindex else ""))


def _compile_rule(spec: Any, pack: Any, pack_name: str, path: Path, errors: list[str]) -> Rule | None:
    import regex

    from service.rulesets.phrase import (
        Phrase,
        PhraseError,
        compile_phrase,
        compile_template,
        cue_regex,
        pattern_needs,
    )

    where = f"{path}: rule '{spec.id}': "
    n_errors = len(errors)
    flags = 0 if spec.case_sensitive else regex.IGNORECASE
    phrases: list[Phrase] = []
    templates: tuple[tuple[Part, ...], ...] | None = None
    if spec.pattern is not None:
        _check_regex(errors, where, "pattern", spec.pattern, flags)
        _check_group_refs(errors, where, spec.pattern, flags, list(spec.replace))
        anchors = tuple(normalise_phrase(a) for a in spec.anchor or [])
        if not all(anchors):
            errors.append(f"{where}key 'anchor': empty anchor")
        needs, width = pattern_needs(spec.pattern, flags, anchors)
        phrases.append(Phrase(text=spec.pattern, source=spec.pattern, flags=flags, anchors=anchors,
                              literal=False, expand=True, needs=needs, width=width))
    else:
        for i, text in enumerate(spec.match or []):
            try:
                phrases.append(compile_phrase(text, spec.case_sensitive))
            except PhraseError as exc:
                errors.append(f"{where}key 'match'{f' #{i + 1}' if len(spec.match) > 1 else ''}: {exc}")
        if len(phrases) == len(spec.match or []):
            try:
                templates = tuple(compile_template(r, phrases) for r in spec.replace)
            except PhraseError as exc:
                errors.append(f"{where}key 'replace': {exc}")
    context = []
    for key in CONTEXT_KEYS:
        src = getattr(spec, key)
        if src:
            _check_regex(errors, where, key, src, regex.IGNORECASE)
            context.append((key, src))
    # what the text before/after a match must hold for an only_before/only_after pattern to
    # match there (the matcher's pre-filter)
    context_needs = tuple((key, needs) for key, src in context if key.startswith("only")
                          for needs in [pattern_needs(src, regex.IGNORECASE, ())[0]] if needs)
    cues = None
    if spec.context is not None:
        c = spec.context
        cues = Cues(any=cue_regex(c.any) if c.any else None, none=cue_regex(c.none) if c.none else None,
                    scope=c.scope)
    if len(errors) > n_errors:
        return None
    tier = Tier(spec.tier) if len(spec.replace) == 1 else Tier.SUGGEST
    return Rule(
        id=spec.id,
        pack=pack_name,
        path=str(path),
        category=spec.category or pack.category,
        tier=tier,
        langs=frozenset(spec.langs or pack.langs),
        message=spec.message.strip(),
        source=(spec.source or pack.source or f"mtclean rule pack {pack_name}").strip(),
        phrases=tuple(phrases),
        replace=tuple(spec.replace),
        templates=templates,
        context=tuple(context),
        context_needs=context_needs,
        examples=tuple(Example(e.bad, e.fix, e.ok) for e in spec.examples),
        src=(spec.src or "").strip(),
        gloss=(spec.gloss or "").strip(),
        cues=cues,
        case_sensitive=spec.case_sensitive,
        requires_source_lang=spec.requires_source_lang,
    )


def _describe(exc: Any, prefix: str) -> list[str]:
    out = []
    for err in exc.errors():
        loc = [str(p) for p in err["loc"]]
        key = ".".join(loc) or "(rule)"
        msg = err["msg"].removeprefix("Value error, ")
        out.append(f"{prefix}key '{key}': {msg}")
    return out


def is_legacy(path: Path) -> bool:
    """A v1 pack file (directly in ``rules/phrases/``): ``src`` not yet required."""
    return path.resolve().parent == PHRASES_DIR.resolve()


def is_builtin(path: Path) -> bool:
    """A built-in v2 pack (``rules/phrases/<dir>/...``): ``src`` and bad+ok examples required.
    A user's own packs (``--rules``) need neither."""
    try:
        path.resolve().relative_to(PHRASES_DIR.resolve())
    except ValueError:
        return False
    return not is_legacy(path)


def check_pack(path: Path, strict: bool | None = None) -> tuple[list[Rule], list[str]]:
    """Validate and compile one pack file: (the rules that compiled, every error found).

    ``strict`` (default: the built-in packs in ``rules/phrases/<dir>/``, not the user's own)
    requires ``src`` and at least one ``bad`` and one ``ok`` example per rule."""
    from pydantic import ValidationError

    from service.rulesets.schema import PackSpec, RuleSpec

    if strict is None:
        strict = is_builtin(path)
    try:
        raw = _yaml_load(path.read_text(encoding="utf-8"))
    except Exception as exc:  # noqa: BLE001 - OSError, UnicodeDecodeError, yaml.YAMLError
        return [], [f"{path}: cannot read rule pack: {exc}"]
    if not isinstance(raw, dict):
        return [], [f"{path}: a rule pack is a mapping with a 'rules' list"]
    try:
        pack = PackSpec.model_validate(raw)
    except ValidationError as exc:
        return [], _describe(exc, f"{path}: ")
    name = pack.pack or (f"{path.parent.name}-{path.stem}" if not is_legacy(path) else path.stem)
    errors: list[str] = []
    rules: list[Rule] = []
    seen: set[str] = set()
    for n, item in enumerate(pack.rules):
        rid = item.get("id") if isinstance(item, dict) else None
        prefix = f"{path}: rule '{rid}' (#{n + 1}): " if rid else f"{path}: rule #{n + 1}: "
        if not isinstance(item, dict):
            errors.append(f"{prefix}a rule is a mapping (id, match, replace, message, examples)")
            continue
        try:
            spec = RuleSpec.model_validate(item)
        except ValidationError as exc:
            errors.extend(_describe(exc, prefix))
            continue
        if spec.id in seen:
            errors.append(f"{path}: rule '{spec.id}': key 'id': duplicate id in this file")
        seen.add(spec.id)
        if strict:
            if spec.src is None:
                errors.append(f"{path}: rule '{spec.id}': key 'src': missing (the source-language "
                              f"expression the rule comes from, in its own script)")
            if not any(e.bad for e in spec.examples) or not any(e.ok for e in spec.examples):
                errors.append(f"{path}: rule '{spec.id}': key 'examples': needs at least one 'bad' "
                              f"and one 'ok' example")
        rule = _compile_rule(spec, pack, name, path, errors)
        if rule is not None:
            rules.append(rule)
    return rules, errors


def load_pack(path: Path, strict: bool | None = None) -> list[Rule]:
    """Load and validate one pack file (RuleError naming file, rule and key on any error)."""
    rules, errors = check_pack(path, strict)
    if errors:
        more = f"\n(and {len(errors) - 10} more)" if len(errors) > 10 else ""
        raise RuleError("\n".join(errors[:10]) + more)
    return rules


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


def _cache_dir() -> Path:
    """``<cache root>/rules``: from service.settings when it is loaded (the CLI and the service
    load it anyway), else ``MTCLEAN_CACHE`` or the platformdirs user cache, as settings does
    (importing settings would cost pydantic's import at every start)."""
    import os
    import sys

    if "service.settings" in sys.modules:
        try:
            from service.settings import cache_root

            return cache_root() / "rules"
        except Exception:  # noqa: BLE001 - invalid settings: fall back
            pass
    env = os.environ.get("MTCLEAN_CACHE")
    if env:
        return Path(env).expanduser() / "rules"
    import platformdirs

    return platformdirs.user_cache_path("mtclean") / "rules"


def _engine_hash() -> "hashlib._Hash":
    import hashlib
    import sys

    h = hashlib.sha256(f"{ENGINE_VERSION}|{sys.version}".encode())
    here = Path(__file__).resolve().parent
    for src in ("loader.py", "phrase.py", "schema.py"):
        h.update((here / src).read_bytes())
    return h


def _cache_key(engine: "hashlib._Hash", path: Path, content: bytes) -> str:
    """A hash of the engine (version, compiler sources, Python), the pack file's path and its
    content."""
    h = engine.copy()
    h.update(b"\0" + str(path.resolve()).encode() + b"\0")
    h.update(content)
    return h.hexdigest()[:32]


def _load_cached(path: Path, engine: "hashlib._Hash | None", cache_dir: Path | None) -> list[Rule]:
    """One pack's compiled rules: from the cache, or compiled (and cached)."""
    if engine is None or cache_dir is None:
        return load_pack(path)
    try:
        content = path.read_bytes()
    except OSError as exc:
        raise RuleError(f"{path}: cannot read rule pack: {exc}") from exc
    from service.core.diskcache import load_or_build

    target = cache_dir / f"pack-{_cache_key(engine, path, content)}.pickle"
    return load_or_build(target, lambda: load_pack(path), lambda rules: isinstance(rules, list))


def load_rules(extra_dirs: list[Path] | None = None, builtin: bool = True, cache: bool | None = None) -> list[Rule]:
    """Load the built-in packs plus the user's; rule ids must be unique across all of them.

    Each pack's compiled rules are cached on disk (``<cache root>/rules/pack-<hash>.pickle``,
    keyed by the engine's sources and the pack file's path and content), so a start-up reads
    one pickle per pack instead of parsing and compiling it, and editing one pack recompiles
    that pack only.  ``cache=False`` (or ``MTCLEAN_RULE_CACHE=0``) compiles afresh and writes
    nothing."""
    import os

    dirs = ([PHRASES_DIR] if builtin else []) + list(extra_dirs or [])
    files = pack_files(dirs)
    if cache is None:
        cache = os.environ.get("MTCLEAN_RULE_CACHE", "1") not in ("0", "false", "no")
    engine = cache_dir = None
    if cache:
        engine = _engine_hash()
        cache_dir = _cache_dir()
    rules: list[Rule] = []
    seen: dict[str, str] = {}
    for path in files:
        for rule in _load_cached(path, engine, cache_dir):
            if rule.id in seen:
                raise RuleError(f"{path}: rule '{rule.id}': key 'id': duplicate of a rule in {seen[rule.id]}")
            seen[rule.id] = str(path)
            rules.append(rule)
    if cache_dir is not None:
        _prune(cache_dir)
    return rules


def _prune(cache_dir: Path, limit: int = 400, pattern: str = "pack-*.pickle") -> None:
    """Keep the newest ``limit`` cache files named ``pattern`` (checked only when there are more)."""
    try:
        olds = list(cache_dir.glob(pattern))
        if len(olds) <= limit:
            return
        olds.sort(key=lambda p: p.stat().st_mtime, reverse=True)
        for p in olds[limit:]:
            p.unlink(missing_ok=True)
    except OSError:
        pass
