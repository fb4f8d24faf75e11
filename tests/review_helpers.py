"""What a review must produce, computed independently of the review code: the rule (auto edits
unless rejected, suggestions when accepted, the reviewer's wording for modify) applied through
the one applier, service.engine.apply."""
from __future__ import annotations

from typing import Any


def expected_text(text: str, views: list[dict[str, Any]], decisions: dict[str, tuple[str, str | None]]) -> str:
    """``decisions``: edit id -> (accept|reject|modify, replacement or None)."""
    from service.core.model import Edit
    from service.engine.apply import apply_edits

    chosen, wording = [], {}
    for v in views:
        decision, replacement = decisions.get(v["id"], (None, None))
        if decision == "reject" or (decision is None and not v["auto"]):
            continue
        edit = Edit.from_dict(v)
        chosen.append(edit)
        if replacement is not None:
            wording[id(edit)] = replacement
    return apply_edits(text, chosen, wording).text
