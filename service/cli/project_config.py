"""Command-line defaults from ``[tool.mtclean]`` in the nearest ``pyproject.toml``.

Keys are the long option names with ``-`` written as ``_`` (``source_lang = "vi"``,
``glossary = "names.txt"``, ``rules = ["house-rules"]``, ``apply = "auto"``,
``no_grammar = true``, ``passes = "debris,names"``); relative paths are taken from the
file's folder.  Options given on the command line win.
"""
from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from service.errors import RuleError

KEYS = {"source_lang", "glossary", "rules", "apply", "no_grammar", "passes", "encoding", "max_bytes", "format"}
PATH_KEYS = {"glossary", "rules"}
PARAM_NAMES = {"rules": "rule_dirs", "format": "fmt", "apply": "apply_mode"}  # key -> click parameter


def find_pyproject(start: Path) -> Path | None:
    """The nearest pyproject.toml at or above ``start``."""
    for folder in [start, *start.parents]:
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            return candidate
    return None


def load_defaults(start: Path | None = None) -> dict[str, Any]:
    """The ``[tool.mtclean]`` table as option defaults (empty when there is none)."""
    path = find_pyproject(start or Path.cwd())
    if path is None:
        return {}
    try:
        table = tomllib.loads(path.read_text(encoding="utf-8")).get("tool", {}).get("mtclean", {})
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise RuleError(f"{path}: cannot read [tool.mtclean]: {exc}") from exc
    unknown = set(table) - KEYS
    if unknown:
        raise RuleError(f"{path}: [tool.mtclean]: unknown key(s) {', '.join(sorted(unknown))}; "
                        f"known: {', '.join(sorted(KEYS))}")
    out: dict[str, Any] = {}
    for key, value in table.items():
        if key in PATH_KEYS:
            values = value if isinstance(value, list) else [value]
            resolved = [str((path.parent / v).resolve()) for v in values]
            value = resolved if key == "rules" else resolved[0]
        out[PARAM_NAMES.get(key, key)] = value
    return out
