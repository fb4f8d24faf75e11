"""The value types every pass shares: :class:`Edit` and :class:`Span`.

An edit is a replacement of ``text[start:end]`` (code-point offsets into the original text)
by ``replacement``.  Every pass (debris, punctuation, names, phrases, grammar) produces edits
of this one type; :mod:`service.engine.apply` is the only module that applies them.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import Enum
from typing import Any


class Tier(str, Enum):
    """How sure a pass is of an edit."""

    AUTO = "auto"  # safe to apply without review
    SUGGEST = "suggest"  # a person decides


class Category(str, Enum):
    """What kind of artefact an edit repairs."""

    DEBRIS = "debris"
    PUNCTUATION = "punctuation"
    SPACING = "spacing"
    GARBLED_NAME = "garbled_name"
    IDIOM = "idiom"
    WORD_CHOICE = "word_choice"
    GRAMMAR = "grammar"
    SPELLING = "spelling"
    STYLE = "style"


@dataclass(frozen=True, order=True)
class Span:
    """A half-open code-point range ``[start, end)``."""

    start: int
    end: int

    def overlaps(self, other: "Span") -> bool:
        """True when the two ranges share a character (touching ranges do not overlap,
        except two empty spans at the same point, i.e. two insertions in one place)."""
        if self.start == self.end == other.start == other.end:
            return True
        return self.start < other.end and other.start < self.end


@dataclass(frozen=True)
class Edit:
    """One proposed change to the original text.

    ``replacements`` holds the candidates, best first; an edit with several candidates is
    never applied automatically.  ``original`` is the text the pass saw at ``[start, end)``;
    the applier checks it before replacing.
    """

    start: int
    end: int
    original: str
    replacements: tuple[str, ...]
    rule_id: str
    category: str
    tier: Tier
    message: str
    source: str = ""
    pass_name: str = ""
    evidence: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        if self.start < 0 or self.end < self.start:
            raise ValueError(f"bad span [{self.start}, {self.end})")
        if len(self.original) != self.end - self.start:
            raise ValueError("original text does not fit the span")
        if not self.replacements:
            raise ValueError("an edit needs at least one replacement")

    @property
    def span(self) -> Span:
        """The edit's range in the original text."""
        return Span(self.start, self.end)

    @property
    def replacement(self) -> str:
        """The best candidate."""
        return self.replacements[0]

    @property
    def is_auto(self) -> bool:
        """Safe to apply without review: auto tier and a single candidate."""
        return self.tier is Tier.AUTO and len(self.replacements) == 1

    def key(self) -> tuple[int, int, str]:
        """Edits with the same key make the same change."""
        return (self.start, self.end, self.replacement)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (code-point offsets)."""
        d = asdict(self)
        d["tier"] = self.tier.value
        d["replacements"] = list(self.replacements)
        d["evidence"] = list(self.evidence)
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Edit":
        """Inverse of :meth:`to_dict` (extra keys are ignored)."""
        return cls(
            start=int(d["start"]),
            end=int(d["end"]),
            original=d["original"],
            replacements=tuple(d["replacements"]),
            rule_id=d["rule_id"],
            category=d["category"],
            tier=Tier(d["tier"]),
            message=d["message"],
            source=d.get("source", ""),
            pass_name=d.get("pass_name", ""),
            evidence=tuple(d.get("evidence", ())),
        )
