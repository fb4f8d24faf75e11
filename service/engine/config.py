"""``[tool.mtclean]`` in the nearest ``pyproject.toml``: defaults for check, clean and review.

Keys are the long option names, kebab-case or snake_case (``source-lang = "vi"``,
``no-grammar = true``, ``rules = ["house-rules"]``); relative paths are taken from the file's
folder; options given on the command line win.  An unknown key is reported by the commands
the table configures, which then stop; every other command runs regardless.  (A module of its
own, without pydantic, so that reading it costs the command line nothing.)
"""
from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from service.errors import RuleError

#: key -> the click parameter it sets
CONFIG_KEYS: dict[str, str] = {
    "source_lang": "source_lang", "glossary": "glossary", "rules": "rule_dirs", "apply": "apply_mode",
    "no_grammar": "no_grammar", "passes": "passes", "encoding": "encoding", "max_bytes": "max_bytes",
    "format": "fmt", "source": "source", "select": "select", "ignore": "ignore", "ignore_file": "ignore_file",
    "termbase": "termbase",
}
PATH_KEYS = {"glossary", "rules", "source", "ignore_file", "termbase"}


def find_pyproject(start: Path) -> Path | None:
    """The nearest pyproject.toml at or above ``start``."""
    for folder in [start, *start.parents]:
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            return candidate
    return None


def load_config(start: Path | None = None) -> tuple[dict[str, Any], list[RuleError]]:
    """``[tool.mtclean]`` as click parameter defaults (empty when there is none), and the
    problems found in it (an unreadable file, unknown keys), for the commands it configures to
    report; the keys that are fine are kept either way."""
    path = find_pyproject(start or Path.cwd())
    if path is None:
        return {}, []
    try:
        table = tomllib.loads(path.read_text(encoding="utf-8")).get("tool", {}).get("mtclean", {})
    except (OSError, tomllib.TOMLDecodeError) as exc:
        return {}, [RuleError(f"{path}: cannot read [tool.mtclean]: {exc}")]
    if not isinstance(table, dict):
        return {}, [RuleError(f"{path}: [tool.mtclean] must be a table")]
    out: dict[str, Any] = {}
    problems: list[RuleError] = []
    known = ", ".join(sorted(k.replace("_", "-") for k in CONFIG_KEYS))
    for raw_key, value in table.items():
        key = raw_key.replace("-", "_")
        if key not in CONFIG_KEYS:
            problems.append(RuleError(f"{path}: [tool.mtclean]: unknown key {raw_key!r}; known: {known}"))
            continue
        if key in PATH_KEYS:
            values = value if isinstance(value, list) else [value]
            resolved = [str((path.parent / str(v)).resolve()) for v in values]
            value = resolved if key == "rules" else resolved[0]
        if key in ("select", "ignore") and isinstance(value, str):
            value = [value]  # a multiple option
        out[CONFIG_KEYS[key]] = value
    return out, problems
