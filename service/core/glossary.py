"""Glossary files: names the document must keep and may be repaired to.

Two forms: plain text (one name a line, ``#`` comments) or YAML (``names: [...]``).
"""
from __future__ import annotations

from pathlib import Path

import yaml

from service.errors import RuleError


def load_glossary(path: Path) -> frozenset[str]:
    """The names in a glossary file."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise RuleError(f"{path}: cannot read glossary: {exc}") from exc
    if path.suffix in (".yaml", ".yml"):
        try:
            data = yaml.safe_load(text) or {}
        except yaml.YAMLError as exc:
            raise RuleError(f"{path}: invalid YAML: {exc}") from exc
        names = data.get("names") if isinstance(data, dict) else None
        if not isinstance(names, list) or not all(isinstance(n, str) and n.strip() for n in names):
            raise RuleError(f"{path}: key 'names': a glossary is a list of non-empty strings under 'names'")
        return frozenset(n.strip() for n in names)
    return frozenset(
        line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#"))
