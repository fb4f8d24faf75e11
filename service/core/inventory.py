"""The document's own inventory of names: which capitalised words and name sequences it uses,
and how often.  A name used consistently (two or more times, or listed in the glossary) is
never changed by any pass; the names pass repairs damaged forms toward it.

Everything here is linear in the text: counts of words, of adjacent pairs, and of the links
inside a run of capitalised words (at most :data:`RUN_LINKS` words of a run are linked, so a
run costs a bounded number of entries per word).  :class:`NameIndex` indexes reference names
for near-match look-ups (deletion neighbourhoods), only for names of at most
:data:`MAX_NAME_LEN` letters: no real name is longer, and a longer capitalised word (a 60,000
letter "word" in hostile input) costs one counter entry, never a structure quadratic in its
length.
"""
from __future__ import annotations

import bisect
import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from itertools import repeat
from typing import TYPE_CHECKING, Callable, Iterable

import regex
from rapidfuzz.distance import OSA

if TYPE_CHECKING:
    from array import array
    from typing import Sequence

    from service.core.model import Edit

# a capitalised word (letters only, so "Soleimani's" gives "Soleimani")
WORD = regex.compile(r"(?<![\p{L}\p{M}\d_])\p{Lu}[\p{Ll}\p{M}]*(?:\p{Lu}[\p{Ll}\p{M}]+)*(?![\p{L}\p{M}\d_])")

COMMON_ZIPF = 3.0  # a word at least this frequent in English is an ordinary word
MAX_NAME_LEN = 40  # longer capitalised words are never names to repair or repair toward
MIN_NAME_LEN = 3
RUN_LINKS = 4  # a word of a capitalised run is linked to at most this many words after it


@lru_cache(maxsize=1)
def _frequencies() -> "dict[str, float] | _SortedFrequencies":
    """wordfreq's English frequencies, word -> frequency.  Importing wordfreq and decoding its
    list cost ~0.6 s; the same dict is kept in the cache folder (the words and the exact
    float64 frequencies, sorted, keyed by the data files' size and time), so a start-up reads
    that; both answer ``.get(word)``."""
    path = _frequency_cache_path()
    if path is not None:
        try:
            return _read_frequencies(path)
        except (OSError, ValueError, EOFError):
            pass
    from wordfreq import get_frequency_dict

    freqs = get_frequency_dict("en")
    if path is not None:
        _write_frequencies(path, freqs)
    return freqs


def _frequency_cache_path():
    """``<cache root>/wordfreq/en-<key>.bin``, or None when wordfreq's data cannot be found
    or caching is off (``MTCLEAN_RULE_CACHE=0``)."""
    import hashlib
    import importlib.util
    import os
    from pathlib import Path

    if os.environ.get("MTCLEAN_RULE_CACHE", "1") in ("0", "false", "no"):
        return None
    try:
        spec = importlib.util.find_spec("wordfreq")
        if spec is None or not spec.submodule_search_locations:
            return None
        data = Path(list(spec.submodule_search_locations)[0]) / "data"
        key = hashlib.sha256()
        for f in sorted(data.glob("*_en.*")):
            st = f.stat()
            key.update(f"{f.name}|{st.st_size}|{st.st_mtime_ns}\n".encode())
        from service.rulesets.loader import _cache_dir

        return _cache_dir().parent / "wordfreq" / f"en-sorted2-{key.hexdigest()[:24]}.bin"
    except Exception:  # noqa: BLE001 - no cache: wordfreq itself is used
        return None


class _SortedFrequencies:
    """word -> frequency from the sorted cache file: the words (UTF-8, one a line, sorted: byte
    order is code point order), their offsets and the float64 frequencies.  The first
    :data:`LAZY_LOOKUPS` look-ups bisect the bytes (a one-line check asks a few words, and
    splitting 321,000 words costs ~20 ms of every start); after that the words are decoded
    into a list once (:func:`zipf` caches its answers anyway)."""

    LAZY_LOOKUPS = 2000

    def __init__(self, raw: bytes, base: int, offsets: "array[int]", freqs: "array[float]"):
        self._raw = raw
        self._base = base
        self._offsets = offsets
        self._freqs = freqs
        self._words: list[str] | None = None
        self._lookups = 0

    def _index_bytes(self, word: str) -> int:
        key = word.encode("utf-8", "surrogatepass")
        raw, base, off = self._raw, self._base, self._offsets
        lo, hi = 0, len(self._freqs)
        while lo < hi:
            mid = (lo + hi) // 2
            if raw[base + off[mid]:base + off[mid + 1] - 1] < key:
                lo = mid + 1
            else:
                hi = mid
        if lo < len(self._freqs) and raw[base + off[lo]:base + off[lo + 1] - 1] == key:
            return lo
        return -1

    def get(self, word: str) -> float | None:
        import bisect

        if self._words is None:
            self._lookups += 1
            if self._lookups <= self.LAZY_LOOKUPS:
                i = self._index_bytes(word)
                return self._freqs[i] if i >= 0 else None
            self._words = self._raw[self._base:-1].decode("utf-8").split("\n")
        i = bisect.bisect_left(self._words, word)
        if i < len(self._words) and self._words[i] == word:
            return self._freqs[i]
        return None


def _read_frequencies(path) -> "_SortedFrequencies":
    import struct
    from array import array

    raw = path.read_bytes()
    (n_words,) = struct.unpack_from("<Q", raw, 0)
    freqs = array("d")
    freqs.frombytes(raw[8:8 + 8 * n_words])
    offsets = array("I")
    offsets.frombytes(raw[8 + 8 * n_words:8 + 12 * n_words + 4])
    base = 12 + 12 * n_words
    if len(freqs) != n_words or len(offsets) != n_words + 1 or len(raw) != base + offsets[-1]:
        raise ValueError("truncated word frequency cache")
    return _SortedFrequencies(raw, base, offsets, freqs)


def _write_frequencies(path, freqs: dict[str, float]) -> None:
    import struct
    from array import array

    from service.core.diskcache import write_atomic

    words = sorted(freqs)
    if any("\n" in w for w in words):
        return
    encoded = [w.encode("utf-8") for w in words]
    offsets = array("I", [0])
    for b in encoded:
        offsets.append(offsets[-1] + len(b) + 1)  # each word and its line break
    write_atomic(path, struct.pack("<Q", len(words)) + array("d", (freqs[w] for w in words)).tobytes()
                 + offsets.tobytes() + b"".join(b + b"\n" for b in encoded))


def _marked_token(word: str) -> str | None:
    """The token wordfreq looks up for a lower-case Latin, Greek or Cyrillic word whose letters
    carry combining marks ("i̇stanbul", from "İstanbul".lower()), or None: NFC, and already
    case-folded (importing wordfreq for such a word costs ~0.2 s)."""
    import unicodedata

    if not word.islower() or any(ch >= "\u0530" or not (ch.isalpha() or unicodedata.category(ch) == "Mn")
                                 for ch in word):
        return None
    token = unicodedata.normalize("NFC", word)
    return token if token.casefold() == token and all(ch.isalpha() or unicodedata.category(ch) == "Mn"
                                                      for ch in token) else None


@lru_cache(maxsize=200_000)
def zipf(word: str) -> float:
    """English Zipf frequency of ``word`` (wordfreq), 0 for unknown words.  A lower-case word of
    letters only is looked up directly (what wordfreq's tokenizer would give); anything else
    goes through :func:`wordfreq.zipf_frequency`."""
    if len(word) > MAX_NAME_LEN:
        return 0.0
    if word.isalpha() and word.islower():
        f = _frequencies().get(word)
        return round(math.log10(f) + 9, 2) if f else 0.0
    if (token := _marked_token(word)) is not None:
        f = _frequencies().get(token)
        if not f:
            return 0.0
        f = round(f, math.floor(-math.log10(f)) + 3)  # wordfreq.word_frequency's rounding
        return round(math.log10(f) + 9, 2)
    from wordfreq import zipf_frequency

    return zipf_frequency(word, "en")


def is_common_word(word: str, threshold: float = COMMON_ZIPF) -> bool:
    """True for an ordinary English word (by wordfreq), whatever its case."""
    return zipf(word.lower()) >= threshold


_STARTERS = frozenset(".!?:\"“”'‘’\n\r\t([—–-")


def starts_sentence(text: str, start: int) -> bool:
    """True when the capitalised word at ``start`` may be capitalised for starting a sentence
    (start of text or line, after . ! ? : a quote, a bracket or a dash, or two spaces)."""
    if start == 0:
        return True
    prev = text[start - 1]
    if prev in _STARTERS:
        return True
    if prev != " " and prev != "\u00a0":
        return False
    if start < 2:
        return True
    p2 = text[start - 2]
    if p2 in _STARTERS or p2 == " ":
        return True
    return False


def deletions(word: str) -> list[str]:
    """``word`` and every string one letter shorter (its distance-1 deletion neighbourhood)."""
    return [word] + [word[:i] + word[i + 1:] for i in range(len(word))]


@lru_cache(maxsize=16)
def _near_index(names: frozenset[str]) -> dict[str, list[str]]:
    """The deletion neighbourhood index of ``names`` (lower case): every deletion -> the names
    it comes from.  Kept for the process (never changed once made): the chunks of one document
    share their glossary (the names the whole document uses), thousands of names that each
    chunk would index again."""
    index: defaultdict[str, list[str]] = defaultdict(list)
    for lo in sorted(names):  # (the same lists whatever order a chunk found the names in)
        for key in dict.fromkeys(deletions(lo)):
            index[key].append(lo)
    return dict(index)


class NameIndex:
    """Reference names indexed for look-ups in time independent of how many there are.

    ``exact``: lower-case name -> name; ``neighbours``: every deletion of every name -> the
    names (lower case) it comes from, so two strings within one edit (a lost, added, changed or
    two swapped letters) share a key; ``tails``: the last three letters -> names (a fused
    title keeps the end of the name).  Only names of :data:`MIN_NAME_LEN` to
    :data:`MAX_NAME_LEN` letters are indexed; the neighbourhood and tail indexes are built on
    their first use (a re-check of a few paragraphs may need neither)."""

    def __init__(self, names: Iterable[str] = (), near_too: Callable[[str], bool] | None = None):
        """``near_too(name)``: whether ``name`` goes into the neighbourhood index too (default:
        every name); a name that can never be a one-letter target need not."""
        self.exact: dict[str, str] = {}
        self._sorted: list[str] | None = None  # the exact keys, sorted (for has_longer_prefix)
        self._near_names: list[str] = []
        self._neighbours: dict[str, list[str]] | None = None
        self._tails: defaultdict[str, list[str]] | None = None
        exact, near_names = self.exact, self._near_names
        for name in names:  # add(), inlined (a document has a thousand names)
            if not MIN_NAME_LEN <= len(name) <= MAX_NAME_LEN:
                continue
            lo = name.lower()
            if lo in exact:
                continue
            exact[lo] = name
            if near_too is None or near_too(name):
                near_names.append(lo)

    def add(self, name: str, near_too: bool = True) -> None:
        if not MIN_NAME_LEN <= len(name) <= MAX_NAME_LEN:
            return
        lo = name.lower()
        if lo in self.exact:
            return
        self.exact[lo] = name
        self._sorted = None
        if near_too:
            self._near_names.append(lo)
            self._neighbours = None  # (made again, from the process's cache, when next asked for)
        if self._tails is not None:
            self._tails[lo[-3:]].append(lo)

    @property
    def neighbours(self) -> dict[str, list[str]]:
        """Every deletion of every near name -> the names it comes from (see :func:`_near_index`)."""
        if self._neighbours is None:
            self._neighbours = _near_index(frozenset(self._near_names))
        return self._neighbours

    @property
    def tails(self) -> defaultdict[str, list[str]]:
        if self._tails is None:
            self._tails = defaultdict(list)
            for lo in self.exact:
                self._tails[lo[-3:]].append(lo)
        return self._tails

    def __contains__(self, word: str) -> bool:
        return word.lower() in self.exact

    def get(self, word: str) -> str | None:
        """The indexed name spelled ``word`` in any case."""
        return self.exact.get(word.lower())

    def has_longer(self, prefix: str) -> bool:
        """Whether an indexed name (lower case) starts with ``prefix`` (lower case) and is
        longer: a cheap test before joining a word with the next one."""
        keys = self._sorted
        if keys is None:
            keys = self._sorted = sorted(self.exact)
        i = bisect.bisect_left(keys, prefix)
        if i < len(keys) and keys[i] == prefix:
            i += 1
        return i < len(keys) and keys[i].startswith(prefix)

    def near(self, word: str) -> list[str]:
        """The indexed names exactly one edit (OSA distance) from ``word``."""
        if not self._near_names or not MIN_NAME_LEN - 1 <= len(word) <= MAX_NAME_LEN + 1:
            return []
        lo = word.lower()
        found: dict[str, None] = {}
        neighbours = self.neighbours
        for key in deletions(lo):
            for cand in neighbours.get(key, ()):
                if cand != lo and cand not in found and OSA.distance(lo, cand, score_cutoff=1) <= 1:
                    found[cand] = None
        return [self.exact[c] for c in found]

    def ending_with(self, tail: str) -> list[str]:
        """The indexed names that end with ``tail`` (3 letters or more) and are longer."""
        lo = tail.lower()
        if len(lo) < 3:
            return []
        return [self.exact[c] for c in self.tails.get(lo[-3:], ()) if c.endswith(lo)]

    def size(self) -> int:
        """How many entries the index holds (for the linear-memory test)."""
        return (len(self.exact) + sum(len(v) for v in self.neighbours.values())
                + sum(len(v) for v in self.tails.values()))

    def chars(self) -> int:
        """How many characters its keys hold (for the linear-memory test)."""
        return sum(len(k) for k in self.exact) + sum(len(k) for k in self.neighbours) + sum(
            len(k) for k in self.tails)


def _count(text: str) -> tuple[Counter[str], Counter[tuple[str, str]], Counter[str], Counter[tuple[str, str]]]:
    """words, pairs, mid, links of ``text`` (see :class:`NameInventory`)."""
    return _count_occurrences(text)[:4]  # type: ignore[return-value]


def _count_occurrences(text: str) -> tuple[Counter[str], Counter[tuple[str, str]], Counter[str],
                                           Counter[tuple[str, str]], list[str], list[int]]:
    """:func:`_count`, plus every capitalised word of ``text`` in order and where each starts
    (:attr:`NameInventory.occurrences`)."""
    # collected in lists and counted once (Counter's C loop): the same counts, in the same
    # order of first use, as counting one by one
    ws: list[str] = []
    starts: list[int] = []
    pair_list: list[tuple[str, str]] = []
    mids: list[str] = []
    link_list: list[tuple[str, str]] = []
    add_word, add_start, add_mid, add_links = ws.append, starts.append, mids.append, link_list.extend
    run: list[str] = []
    prev_end = -2
    starters = _STARTERS
    for m in WORD.finditer(text):
        s, e = m.span()
        w = m.group()
        add_word(w)
        add_start(s)
        short = e - s <= MAX_NAME_LEN
        if s == prev_end + 1 and text[prev_end] == " ":  # joined to the word before
            if run and len(run[-1]) > 1 and e - s > 1:
                pair_list.append((run[-1], w))
            add_mid(w)
        else:
            run = []
            if short and s:  # starts_sentence(text, s), inlined (s == 0 starts one)
                prev = text[s - 1]
                if prev not in starters and (prev != " " and prev != "\u00a0" or s >= 2 and (
                        (p2 := text[s - 2]) not in starters and p2 != " ")):
                    add_mid(w)
        if short:
            if run:
                add_links(zip(run[-RUN_LINKS:], repeat(w)))
            run.append(w)
        else:
            run = []
        prev_end = e
    return Counter(ws), Counter(pair_list), Counter(mids), Counter(link_list), ws, starts


_LETTERS = regex.compile(r"[\p{L}\p{M}]+")


@lru_cache(maxsize=16)
def _glossary_words(glossary: frozenset[str]) -> frozenset[str]:
    """The words of the glossary's names (the chunks of one document share a glossary of
    thousands of names)."""
    return frozenset(w for name in glossary for w in _LETTERS.findall(name))


def first_used(text: str, words: Iterable[str]) -> dict[str, int]:
    """Where each of ``words`` (capitalised words of ``text``) is first used as a word."""
    out: dict[str, int] = {}
    for w in words:
        m = regex.search(r"(?<![\p{L}\p{M}\d_])" + regex.escape(w) + r"(?![\p{L}\p{M}\d_])", text)
        out[w] = m.start() if m is not None else len(text)
    return out


@dataclass
class NameInventory:
    """Counts of the capitalised words and capitalised pairs in one text, plus glossary names.

    ``mid``: how often a word stands capitalised where a sentence does not start (a name, not a
    capitalised ordinary word); ``links``: (a, b) when b follows a in one run of capitalised
    words ("President Donald Trump" links President-Donald, President-Trump, Donald-Trump)."""

    words: Counter[str] = field(default_factory=Counter)
    pairs: Counter[tuple[str, str]] = field(default_factory=Counter)
    glossary: frozenset[str] = frozenset()
    mid: Counter[str] = field(default_factory=Counter)
    links: Counter[tuple[str, str]] = field(default_factory=Counter)
    #: False for an inventory made by :meth:`patched`: the same counts as a build of the text,
    #: but ``words`` is not in the order of first use (see :func:`first_used`)
    ordered: bool = True
    #: the text counted (for :func:`first_used`)
    text: str | None = field(default=None, repr=False, compare=False)
    #: every capitalised word of :attr:`text` in order, and where each starts (a build keeps
    #: them: the names pass visits only the occurrences of the words that may need a repair);
    #: None for a patched inventory
    occurrences: tuple[list[str], list[int]] | None = field(default=None, repr=False, compare=False)

    @classmethod
    def build(cls, text: str, glossary: frozenset[str] = frozenset()) -> "NameInventory":
        """Count the names in ``text``; glossary entries (single or multi-word) are added."""
        words, pairs, mid, links, ws, starts = _count_occurrences(text)
        gloss_words = _glossary_words(frozenset(glossary))
        return cls(words=words, pairs=pairs, glossary=frozenset(glossary) | gloss_words, mid=mid, links=links,
                   text=text, occurrences=(ws, starts))

    def patched(self, new_text: str, edits: "Sequence[Edit]") -> "NameInventory | None":
        """The inventory of ``new_text``, which is this inventory's text with ``edits`` applied
        (sorted, not overlapping), from the counts of the lines the edits touch (before and
        after) instead of a count of the whole text; None when that cannot be done (then build).

        The counts are the same as :meth:`build`'s: a capitalised run never crosses a line
        break and whether a word starts a sentence depends on the two characters before it,
        so the counts of a text are the sums of the counts of its lines."""
        old = self.text
        if old is None or not edits:
            return None
        regions: list[list] = []  # [start, end, edits] in old, whole lines, merged
        for e in sorted(edits, key=lambda e: (e.start, e.end)):
            r0 = old.rfind("\n", 0, max(e.start - 1, 0)) + 1
            nl = old.find("\n", e.end)
            r1 = len(old) if nl < 0 else nl + 1
            if regions and r0 < regions[-1][1]:
                regions[-1][1] = max(regions[-1][1], r1)
                regions[-1][2].append(e)
            else:
                regions.append([r0, r1, [e]])
        changed = sum(r1 - r0 for r0, r1, _ in regions)
        if changed * 2 > len(old):
            return None
        words, pairs, mid, links = Counter(self.words), Counter(self.pairs), Counter(self.mid), Counter(self.links)
        shift = 0
        for r0, r1, group in regions:
            parts, pos = [], r0
            for e in group:
                if old[e.start:e.end] != e.original:
                    return None
                parts.append(old[pos:e.start])
                parts.append(e.replacement)
                pos = e.end
            parts.append(old[pos:r1])
            new_part = "".join(parts)
            if new_text[r0 + shift:r0 + shift + len(new_part)] != new_part:
                return None  # not this text with these edits
            shift += len(new_part) - (r1 - r0)
            before: tuple[Counter, ...] = _count(old[r0:r1])
            after: tuple[Counter, ...] = _count(new_part)
            totals: list[Counter] = [words, pairs, mid, links]
            for i, total in enumerate(totals):
                total.subtract(before[i])
                total.update(after[i])
        if len(new_text) != len(old) + shift:
            return None
        return NameInventory(words=+words, pairs=+pairs, glossary=self.glossary, mid=+mid, links=+links,
                             ordered=False, text=new_text)
    def count(self, word: str) -> int:
        """How often the document uses ``word`` capitalised."""
        return self.words.get(word, 0)

    def is_known(self, word: str) -> bool:
        """A name the document uses consistently (2+ times) or the glossary lists."""
        return word in self.glossary or self.words.get(word, 0) >= 2

    def known_names(self) -> set[str]:
        """Every consistently used capitalised word that is not an ordinary English word,
        plus the glossary."""
        names = {w for w, n in self.words.items() if n >= 2 and not is_common_word(w)}
        return names | set(self.glossary)

    def after_title(self, title: str) -> Counter[str]:
        """The names that follow ``title`` in one run of capitalised words
        ("General Qassem Soleimani" -> {"Qassem": 1, "Soleimani": 1})."""
        return Counter(self.followers.get(title, {}))

    @cached_property
    def followers(self) -> dict[str, dict[str, int]]:
        """a -> the words after a in one run of capitalised words, with counts."""
        out: dict[str, dict[str, int]] = {}
        for (a, b), n in self.links.items():
            out.setdefault(a, {})[b] = n
        return out

    @cached_property
    def leaders(self) -> dict[str, dict[str, int]]:
        """b -> the words before b in one run of capitalised words, with counts."""
        out: dict[str, dict[str, int]] = {}
        for (a, b), n in self.links.items():
            out.setdefault(b, {})[a] = n
        return out
