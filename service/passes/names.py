"""Garbled-name pass: repair names MT mangled, using the names the document itself uses
(:class:`service.core.inventory.NameInventory`) and the glossary.

Repairs, each with the evidence in its message:

* a title fused with a damaged name: ``Generalimimimani`` where the document writes
  ``General Soleimani`` many times -> ``General Soleimani``;
* repeated syllables inside a name: ``Soleimanimani`` -> ``Soleimani``;
* a name split in two: ``Solei mani`` -> ``Soleimani``;
* lost or doubled letters: ``Nasralah`` -> ``Nasrallah`` (one letter away from a name the
  document uses consistently).

Never changed: an ordinary English word (wordfreq), a name the document uses consistently or
the glossary lists (unless it carries a stuttered syllable, which no real name does three
times over), anything in a protected span.
"""
from __future__ import annotations

import regex
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from service.core.document import Document
from service.core.inventory import WORD, NameInventory, is_common_word, zipf
from service.core.model import Category, Edit, Tier

NAME = "names"
SOURCE = "mtclean names pass (document name inventory, wordfreq, rapidfuzz)"

TITLES = tuple(sorted(
    """General President Minister Colonel Captain Commander Admiral Sergeant Lieutenant Major
    Marshal Doctor Professor Senator Governor Ambassador Secretary Chairman Director Sheikh
    Ayatollah Imam Prince Princess King Queen Emperor Judge Justice Bishop Father Mayor
    Chancellor Premier Speaker Chief Mister Madam Lord Lady Sir Dr Mr Mrs Ms""".split(),
    key=len, reverse=True,
))
_STUTTER = regex.compile(r"(\p{Ll}{2,4}?)\1+")
_STRONG_STUTTER = regex.compile(r"(\p{Ll}{2,4}?)\1\1")
_NEXT_PART = regex.compile(r"[ -](\p{L}\p{Ll}+)(?![\p{L}\d_])")  # the second part of a split name
MIN_SCORE = 90.0


def collapse_stutter(word: str) -> str:
    """Collapse syllables repeated back to back (``imimimani`` -> ``imani``)."""
    return _STUTTER.sub(r"\1", word)


def _edit(doc: Document, start: int, end: int, rep: str, rule: str, tier: Tier, message: str,
          evidence: tuple[str, ...]) -> Edit:
    return Edit(start, end, doc.text[start:end], (rep,), f"names.{rule}", Category.GARBLED_NAME.value,
                tier, message, SOURCE, NAME, evidence)


def _targets(inv: NameInventory) -> dict[str, int]:
    """Names a damaged form may be repaired to, with their counts (glossary counts as many)."""
    out = {w: n for w, n in inv.words.items() if n >= 2 and not is_common_word(w)}
    for g in inv.glossary:
        if " " not in g:
            out[g] = max(out.get(g, 0), 99)
    return out


_FUSED = regex.compile(rf"({'|'.join(TITLES)})(\p{{Ll}}{{3,}})")


def _fused_title(doc: Document, word: str, start: int, targets: dict[str, int]) -> Edit | None:
    m = _FUSED.fullmatch(word)
    if m is None or is_common_word(word, 1.0):
        return None
    title = m.group(1)
    rest = collapse_stutter(word[len(title):].lower())
    followers = doc.names.after_title(title)
    pool = {n: c for n, c in targets.items() if n != word}
    scored = [(fuzz.partial_ratio(rest, name.lower()), followers.get(name, 0), c, name)
              for name, c in pool.items() if len(name) >= len(rest) and name.lower().endswith(rest[-2:])]
    scored = [s for s in scored if s[0] >= MIN_SCORE]
    if not scored:
        return None
    scored.sort(reverse=True)
    score, with_title, count, name = scored[0]
    unique = len(scored) == 1 or scored[1][:2] < scored[0][:2]
    tier = Tier.AUTO if with_title >= 2 and unique else Tier.SUGGEST
    ev = (f"'{title} {name}' appears {with_title} times", f"'{name}' appears {count} times",
          f"'{rest}' matches '{name}' ({score:.0f}%)")
    return _edit(doc, start, start + len(word), f"{title} {name}", "fused-title", tier,
                 f"'{word}' is the title '{title}' fused with a damaged name; the document names "
                 f"'{title} {name}' {with_title} times.", ev)


def _stutter(doc: Document, word: str, start: int, targets: dict[str, int]) -> Edit | None:
    collapsed = collapse_stutter(word)
    if collapsed == word:
        return None
    pool = [n for n in targets if n != word]
    best = process.extractOne(collapsed, pool, scorer=fuzz.ratio, score_cutoff=MIN_SCORE)
    if best is None:
        return None
    name, score, _ = best
    tier = Tier.AUTO if name == collapsed and targets[name] >= 2 else Tier.SUGGEST
    return _edit(doc, start, start + len(word), name, "repeated-syllable", tier,
                 f"'{word}' repeats a syllable; the document names '{name}' {targets[name]} times.",
                 (f"'{collapsed}' after removing the repeat", f"'{name}' appears {targets[name]} times"))


def _neighbour_agrees(doc: Document, start: int, end: int, name: str) -> bool:
    pairs = doc.names.pairs
    before = regex.search(r"(\p{Lu}\p{Ll}+) $", doc.text[max(0, start - 40):start])
    after = regex.match(r" (\p{Lu}\p{Ll}+)", doc.text[end:end + 40])
    return bool((before and pairs.get((before.group(1), name))) or (after and pairs.get((name, after.group(1)))))


def _one_letter(doc: Document, word: str, start: int, targets: dict[str, int]) -> Edit | None:
    if len(word) < 5 or doc.names.is_known(word) or zipf(word.lower()) >= 1.5:
        return None
    found = process.extract(word, [n for n in targets if n != word], scorer=Levenshtein.distance,
                            score_cutoff=1, limit=3)
    if len(found) != 1:
        return None  # no candidate, or several: nothing certain to say
    name = found[0][0]
    doubled = collapse_letters(word) == collapse_letters(name)
    end = start + len(word)
    sure = doubled and targets[name] >= 3 and _neighbour_agrees(doc, start, end, name)
    kind = "a doubled or lost double letter" if doubled else "one letter"
    return _edit(doc, start, end, name, "one-letter", Tier.AUTO if sure else Tier.SUGGEST,
                 f"'{word}' differs by {kind} from '{name}', which the document uses {targets[name]} times.",
                 (f"'{name}' appears {targets[name]} times", f"'{word}' appears once"))


def _one_letter_candidates(word: str, targets: dict[str, int]) -> int:
    """How many names one letter away from ``word`` (a word with none needs nothing anywhere)."""
    if len(word) < 5 or zipf(word.lower()) >= 1.5:
        return 0
    return len(process.extract(word, list(targets), scorer=Levenshtein.distance, score_cutoff=1, limit=2))


def collapse_letters(word: str) -> str:
    """Collapse doubled letters (``Nasrallah`` -> ``Nasralah``)."""
    return regex.sub(r"(\p{L})\1+", r"\1", word.lower())


def _split_at(doc: Document, m: "regex.Match[str]", lower: dict[str, str], targets: dict[str, int]) -> Edit | None:
    """A name split in two at the capitalised word ``m``: "Solei mani" -> "Soleimani"."""
    nxt = _NEXT_PART.match(doc.text, m.end())
    if nxt is None:
        return None
    a, b = m.group(), nxt.group(1)
    name = lower.get((a + b).lower())
    start, end = m.start(), nxt.end()
    if not name or doc.protected.overlaps(start, end):
        return None
    if doc.names.pairs.get((a, b), 0) >= 2 and doc.names.count(name) < 2:
        return None  # the split form is the consistent one
    both_words = is_common_word(a) and is_common_word(b)
    tier = Tier.SUGGEST if both_words or targets[name] < 2 else Tier.AUTO
    return _edit(doc, start, end, name, "split-name", tier,
                 f"'{doc.text[start:end]}' is the name '{name}' split in two; the document writes "
                 f"'{name}' {targets[name]} times.", (f"'{name}' appears {targets[name]} times",))


def find(doc: Document) -> list[Edit]:
    """Every garbled-name repair in ``doc``."""
    targets = _targets(doc.names)
    if not targets:
        return []
    edits: list[Edit] = []
    sound: set[str] = set()  # words found to need nothing (the same answer wherever they stand)
    lower = {n.lower(): n for n in targets}
    heads = {n[:i] for n in lower for i in range(2, len(n) - 1)}  # what the first part of a split can be
    for m in (m for lo, hi in doc.ranges() for m in WORD.finditer(doc.text, lo, hi)):
        word, start = m.group(), m.start()
        if word.lower() in heads and (split := _split_at(doc, m, lower, targets)):
            edits.append(split)
            continue
        if word in sound:
            continue
        if (doc.names.is_known(word) and not _STRONG_STUTTER.search(word)) or is_common_word(word):
            sound.add(word)
            continue
        if doc.protected.overlaps(start, m.end()):
            continue
        edit = (_fused_title(doc, word, start, targets) or _stutter(doc, word, start, targets)
                or _one_letter(doc, word, start, targets))
        if edit:
            edits.append(edit)
        elif _one_letter_candidates(word, targets) == 0:
            sound.add(word)
    return edits
