"""Which findings to keep: ruff-style ``select`` / ``ignore`` codes over rule ids, packs,
categories and passes.

A code matches an edit when it is

* a prefix of the edit's rule id (``vi.`` or ``vi.ball`` match ``vi.ball-in-our-yard``; a
  LanguageTool rule ``LT:EN_A_VS_AN`` is also matched by ``EN_A_VS_AN`` and ``EN_``),
* or exactly its category (``idiom``, ``officialese``, ``punctuation``), its rule pack
  (``vi-idioms``) or its pass (``grammar``, ``names``).

Codes are compared case-insensitively, ``_`` and ``-`` alike (``word-choice`` = ``word_choice``).
When several codes match, the most specific (longest) one decides, ``ignore`` winning a tie;
with a ``select`` list, an edit no selected code matches is dropped (as in ruff).

:class:`SelectingCleaner` is a :class:`~service.engine.pipeline.Cleaner` whose finds are
filtered before they are resolved, so an ignored rule is never applied either.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from service.core.model import Edit
from service.engine.pipeline import Cleaner


def norm(code: str) -> str:
    """A code as compared: lower case, ``_`` as ``-``, surrounding space dropped."""
    return code.strip().casefold().replace("_", "-")


def codes(value: Any) -> tuple[str, ...]:
    """A list of codes from a comma-separated string or a list (empty ones dropped)."""
    if value is None:
        return ()
    if isinstance(value, str):
        value = value.split(",")
    out: list[str] = []
    for v in value:
        if not isinstance(v, str):
            raise ValueError(f"{v!r} is not a rule code (a rule id, pack, category or pass)")
        out.extend(p for p in (norm(s) for s in v.split(",")) if p)
    return tuple(dict.fromkeys(out))


@dataclass(frozen=True)
class Selection:
    """``select`` and ``ignore`` codes (normalised by :func:`codes`)."""

    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    #: (code, text): that finding only where it flags exactly that text (case-insensitive)
    ignore_texts: tuple[tuple[str, str], ...] = ()

    def __bool__(self) -> bool:
        return bool(self.select or self.ignore or self.ignore_texts)

    @classmethod
    def of(cls, select: Any = None, ignore: Any = None) -> "Selection":
        return cls(codes(select), codes(ignore))

    @staticmethod
    def _score(code: str, edit: Edit, pack: str | None) -> int:
        """How specifically ``code`` matches ``edit`` (0: not at all)."""
        rid = norm(edit.rule_id)
        ids = [rid] + ([rid[3:]] if rid.startswith("lt:") else [])
        if any(i.startswith(code) for i in ids):
            return len(code) + 1000  # a rule id beats a category, pack or pass of the same length
        exact = {norm(edit.category), norm(edit.pass_name)} | ({norm(pack)} if pack else set())
        return len(code) if code in exact else 0

    def keeps(self, edit: Edit, pack: str | None = None) -> bool:
        """True when ``edit`` (from rule pack ``pack``, if any) is kept."""
        best_sel = max((self._score(c, edit, pack) for c in self.select), default=0)
        best_ign = max((self._score(c, edit, pack) for c in self.ignore), default=0)
        if self.select and best_sel == 0:
            return False
        if self.ignore_texts and any(t == edit.original.casefold() and self._score(c, edit, pack)
                                     for c, t in self.ignore_texts):
            return False
        return not (best_ign and best_ign >= best_sel)

    def filter(self, edits: Iterable[Edit], packs: Mapping[str, str] | None = None) -> list[Edit]:
        """The edits kept; ``packs``: rule id -> pack name."""
        packs = packs or {}
        return [e for e in edits if self.keeps(e, packs.get(e.rule_id))]


def read_ignore_file(path: Any) -> tuple[tuple[str, ...], tuple[tuple[str, str], ...]]:
    """A project ignore list: one entry a line, ``#`` comments; ``CODE`` silences a rule (id,
    prefix, category, pack, pass) everywhere, ``CODE  text`` only where it flags that text.
    Returns the codes and the (code, text) pairs."""
    from pathlib import Path

    from service.errors import InvalidOptions

    try:
        lines = Path(path).read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidOptions(f"--ignore-file {path}: cannot read: {exc}") from None
    plain: list[str] = []
    pairs: list[tuple[str, str]] = []
    for raw in lines:
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        code, _, text = line.partition(" ")
        text = text.strip().strip('"')
        if text:
            pairs.append((norm(code), text.casefold()))
        else:
            plain.append(norm(code))
    return tuple(dict.fromkeys(plain)), tuple(dict.fromkeys(pairs))


def filter_file(result: Any, options: Any) -> Any:
    """A FileResult without the file-level flags (bilingual and l10n checks, which the engine
    does not find) that ``options``' selection drops; its counts follow."""
    selection = Selection(options.select, options.ignore, options.ignore_texts)
    if not selection or not result.edits:
        return result
    kept = [fe for fe in result.edits if fe.origin is not None or selection.keeps(fe.edit)]
    if len(kept) == len(result.edits):
        return result
    by_cat: dict[str, dict[str, int]] = {}
    for fe in kept:
        c = by_cat.setdefault(fe.edit.category, {"applied": 0, "suggested": 0})
        c["applied" if fe.applied else "suggested"] += 1
    result.edits = kept
    result.applied = sum(1 for fe in kept if fe.applied)
    result.suggestions = len(kept) - result.applied
    result.by_category = by_cat
    return result


class SelectingCleaner(Cleaner):
    """A cleaner whose passes' finds go through a :class:`Selection` before they are resolved and
    applied, with the termbase's findings (:mod:`service.passes.terms`) added when it has one."""

    def __init__(self, *args: Any, selection: Selection = Selection(),
                 terms: tuple[tuple[str, str, str], ...] = (), **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.selection = selection
        self.packs = {r.id: r.pack for r in self.rules}
        self.terms = None
        if terms:
            from service.passes.terms import TermChecker

            self.terms = TermChecker(terms)

    def find(self, text: str, *args: Any, **kwargs: Any) -> list[Edit]:  # type: ignore[override]
        found = super().find(text, *args, **kwargs)
        if self.terms is not None:
            found = found + self._terms(text, *args, **kwargs)
        return self.selection.filter(found, self.packs) if self.selection else found

    def _terms(self, text: str, status: Any = None, focus: list[tuple[int, int]] | None = None,
               context: str | None = None, grammar: bool = True, skip: Any = None, language: Any = None,
               source: str | None = None, **_more: Any) -> list[Edit]:
        """(``_more``: the other arguments of :meth:`Cleaner.find`, e.g. the names inventory,
        which the terms check does not use.)"""
        from service.core.document import Document

        assert self.terms is not None
        doc = Document(text, self.glossary, focus, context, source=source)
        edits = self.terms.find(doc)
        if focus:
            spans = [(s, e) for s, e in doc.paragraph_spans() if any(s <= b and a <= e for a, b in focus)]
            edits = [e for e in edits if any(a <= e.start and e.end <= b for a, b in spans)]
        return edits
