"""Termbases: the terms a translation must use, from CSV or TBX (``--termbase FILE``).

A termbase gives three kinds of entries (:class:`Term`):

* ``forbidden``: an English term not to use, with the preferred one (``forbidden -> preferred``);
* ``pair``: a source-language term and its English translation (checked where the source is
  known: ``--source``, PO, XLIFF, TMX);
* every preferred English term that is a name (capitalised: ``Kataib Hezbollah``) also joins the
  glossary, so the names pass keeps it and repairs garbled forms of it.

CSV: a header names the columns; recognised names (case-insensitive) are ``forbidden`` /
``deprecated`` / ``avoid``, ``preferred`` / ``use`` / ``term`` / ``target`` / ``en``, ``source`` /
``src`` (or a language code such as ``vi``), ``note``.  Without a header, two columns are
``source,target`` pairs, and ``forbidden -> preferred`` in the first column is a forbidden term.
Several forbidden variants may be given in one cell, separated by ``|`` or ``;``.

TBX (TBX-Basic 2.0 ``termEntry/langSet/tig``, and TBX v3 ``conceptEntry/langSec/termSec``): per
entry, the English terms marked ``administrativeStatus`` ``deprecatedTerm-admn-sts`` or
``supersededTerm-admn-sts`` (or a ``normativeAuthorization`` of ``deprecatedTerm`` /
``supersededTerm``) are forbidden, the others (the preferred one first) preferred; a term of
another language is the entry's source term.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from service.errors import RuleError

_FORBIDDEN = {"forbidden", "deprecated", "avoid", "wrong", "bad", "do not use", "dont use", "incorrect"}
_PREFERRED = {"preferred", "use", "term", "target", "en", "english", "correct", "good", "right", "translation"}
_SOURCE = {"source", "src", "source term", "original"}
_DEPRECATED = ("deprecatedterm", "supersededterm")


@dataclass(frozen=True)
class Term:
    """One termbase entry: ``kind`` is ``forbidden`` (``text`` -> ``preferred``) or ``pair``
    (source-language ``text`` -> English ``preferred``)."""

    kind: str
    text: str
    preferred: str
    note: str = ""


@dataclass(frozen=True)
class Termbase:
    terms: tuple[Term, ...] = ()

    @property
    def names(self) -> frozenset[str]:
        """Preferred English terms that are names (every word capitalised or an acronym)."""
        out = set()
        for t in self.terms:
            words = t.preferred.split()
            if words and all(w[:1].isupper() for w in words if w[:1].isalpha()) and any(w[:1].isalpha()
                                                                                     for w in words):
                out.add(t.preferred)
        return frozenset(out)

    def as_tuples(self) -> tuple[tuple[str, str, str], ...]:
        """The terms as plain tuples (for options and caches)."""
        return tuple((t.kind, t.text, t.preferred) for t in self.terms)


def _split_variants(cell: str) -> list[str]:
    return [v.strip() for v in cell.replace(";", "|").split("|") if v.strip()]


def _csv(text: str, path: Path) -> Termbase:
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows = [r for r in csv.reader(io.StringIO(text), dialect) if any(c.strip() for c in r)]
    if not rows:
        return Termbase()
    head = [c.strip().casefold() for c in rows[0]]
    known = set(_FORBIDDEN) | set(_PREFERRED) | set(_SOURCE) | {"note", "notes", "comment"}
    has_header = any(h in known for h in head)
    terms: list[Term] = []

    def col(names: set[str]) -> int | None:
        return next((i for i, h in enumerate(head) if h in names), None)

    if has_header:
        f, p, s = col(_FORBIDDEN), col(_PREFERRED), col(_SOURCE)
        n = col({"note", "notes", "comment"})
        if s is None:  # a language-code column other than en is the source
            s = next((i for i, h in enumerate(head) if 2 <= len(h) <= 3 and h.isalpha() and h not in ("en", "use")
                      and i not in (f, p)), None)
        if p is None:
            raise RuleError(f"{path}: the header names no preferred/target column (preferred, target, term, en)")
        for row in rows[1:]:
            def cell(i: int | None, row: list[str] = row) -> str:
                return row[i].strip() if i is not None and i < len(row) else ""

            preferred, note = cell(p), cell(n)
            if not preferred:
                continue
            for bad in _split_variants(cell(f)):
                terms.append(Term("forbidden", bad, preferred, note))
            for src in _split_variants(cell(s)):
                terms.append(Term("pair", src, preferred, note))
            if not cell(f) and not cell(s):
                terms.append(Term("pair", "", preferred, note))  # a name or preferred term alone
        return Termbase(tuple(terms))
    for row in rows:
        cells = [c.strip() for c in row]
        if len(cells) == 1 and "->" in cells[0]:
            bad, _, good = cells[0].partition("->")
            terms += [Term("forbidden", b, good.strip()) for b in _split_variants(bad)]
        elif len(cells) == 1 or not cells[1]:
            terms.append(Term("pair", "", cells[0]))
        else:
            terms += [Term("pair", s, cells[1]) for s in _split_variants(cells[0])]
    return Termbase(tuple(terms))


def _local(tag: object) -> str:
    return str(tag).rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _tbx(data: bytes, path: Path) -> Termbase:
    from lxml import etree

    try:
        root = etree.fromstring(data, parser=etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as exc:
        raise RuleError(f"{path}: not a valid TBX file: {exc}") from None
    xml_lang = "{http://www.w3.org/XML/1998/namespace}lang"
    terms: list[Term] = []
    for entry in root.iter():
        if _local(entry.tag) not in ("termEntry", "conceptEntry"):
            continue
        english: list[tuple[str, bool]] = []
        sources: list[str] = []
        note = ""
        for lang_set in entry:
            if _local(lang_set.tag) not in ("langSet", "langSec"):
                continue
            lang = (lang_set.get(xml_lang) or lang_set.get("lang") or "").casefold()
            for holder in lang_set.iter():
                if _local(holder.tag) not in ("tig", "ntig", "termSec"):
                    continue
                term = next((e.text or "" for e in holder.iter() if _local(e.tag) == "term"), "").strip()
                if not term:
                    continue
                status = " ".join((e.text or "").casefold() for e in holder.iter()
                                  if _local(e.tag) in ("termNote", "descrip")
                                  and (e.get("type") or "") in ("administrativeStatus", "normativeAuthorization"))
                deprecated = any(d in status.replace("-", "").replace("_", "") for d in _DEPRECATED)
                if lang == "en" or lang.startswith("en-"):
                    english.append((term, deprecated))
                else:
                    sources.append(term)
        for e in entry.iter():
            if _local(e.tag) in ("note", "descrip") and (e.get("type") or "definition") == "definition" and e.text:
                note = e.text.strip()
                break
        preferred = [t for t, dep in english if not dep]
        if not preferred:
            continue
        best = preferred[0]
        terms += [Term("forbidden", t, best, note) for t, dep in english if dep]
        terms += [Term("pair", s, best, note) for s in sources] or [Term("pair", "", best, note)]
    return Termbase(tuple(terms))


def load_termbase(path: Path | str) -> Termbase:
    """A termbase file (``.tbx``/``.xml``: TBX; anything else: CSV/TSV)."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise RuleError(f"{path}: cannot read the termbase: {exc.strerror or exc}") from None
    if path.suffix.lower() in (".tbx", ".xml") or data.lstrip()[:200].find(b"<martif") >= 0 \
            or data.lstrip()[:200].find(b"<tbx") >= 0:
        return _tbx(data, path)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RuleError(f"{path}: a CSV termbase must be UTF-8: {exc}") from None
    return _csv(text, path)
