"""The phrase language of rule packs (v2): compile a ``match`` phrase to a ``regex`` pattern plus
the literal anchors the Aho-Corasick scan looks for, and a ``replace`` string to a template.

Phrase language (tokens separated by spaces; see ``rules/README.md``)::

    word            that word (hyphens and apostrophes are part of the word)
    <lemma>         any inflection of the lemma (lemminflect)
    {det} {poss} {pron} {num} {name} {word}     slots
    (a|b c)         alternatives; (a|b)? optional group; word? optional word

Everything the runtime needs (inflection tables, regex sources, anchors) is computed here, at
compile time, so matching needs neither lemminflect nor wordfreq.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Union

import regex

# --- inflection tables (compile time only) -----------------------------------------------

TAG_ORDER = ("NN", "VB", "VBP", "NNS", "VBZ", "VBG", "VBD", "VBN")
BASE_TAGS = ("NN", "VB", "VBP")


def _norm(word: str) -> str:
    return word.lower().replace("’", "'").replace("‘", "'")


@lru_cache(maxsize=None)
def forms_by_tag(lemma: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Every inflection of ``lemma`` by Penn tag (lexicon first, regular rules for unknown
    words); regular verbs get their VBN from the VBD.  Multi-word lemmas inflect their last
    word ("<take over>" is not supported: lemmas are one word)."""
    from lemminflect import getAllInflections, getAllInflectionsOOV

    lemma = _norm(lemma)
    table: dict[str, tuple[str, ...]] = dict(getAllInflections(lemma))
    if not table:
        table = {**getAllInflectionsOOV(lemma, "NOUN"), **getAllInflectionsOOV(lemma, "VERB")}
    if "VB" in table:
        table.setdefault("VBP", table["VB"])
        if "VBD" in table:
            table.setdefault("VBN", table["VBD"])
    if "NN" not in table and "VB" not in table:
        table["NN"] = (lemma,)
    for tag in BASE_TAGS:
        if tag in table and lemma not in table[tag]:
            table[tag] = (lemma,) + tuple(table[tag])
    return tuple((tag, tuple(_norm(f) for f in table[tag])) for tag in TAG_ORDER if tag in table)


def all_forms(word: str) -> tuple[str, ...]:
    """``word`` and every inflection of it (and of its lemmas, when it is itself inflected)."""
    from lemminflect import getAllLemmas

    word = _norm(word)
    lemmas = {word}
    for found in getAllLemmas(word).values():
        lemmas.update(_norm(x) for x in found)
    forms = {word}
    for lemma in lemmas:
        for _tag, fs in forms_by_tag(lemma):
            forms.update(fs)
    return tuple(sorted(forms, key=lambda f: (-len(f), f)))


# --- the phrase parser -----------------------------------------------------------------------

SLOTS = {
    "det": r"(?:a|an|the|this|that|these|those)",
    "pron": r"(?:i|you|he|she|it|we|they|me|him|her|us|them)",
    # my/your/... or a possessive noun phrase of up to 3 words: Washington's, the country's, the US'
    "poss": (r"(?:my|your|his|her|its|our|their|"
             r"(?:(?:the|this|that|these|those|a|an)\s+(?:[\w.&-]+\s+)?|(?-i:\p{Lu})[\w.&-]*\s+)?"
             r"[\w.&-]*\w(?:['’]s|s['’]|(?-i:\p{Lu})['’]))"),
    "num": (r"(?:\d[\d,.]*|(?:(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
            r"thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|"
            r"fifty|sixty|seventy|eighty|ninety|hundred|thousand|million|billion|a|and)(?:[\s-]+|(?!\w)))+(?<![\s-]))"),
    "name": r"(?-i:\p{Lu}[\w.'’-]*(?:\s+\p{Lu}[\w.'’-]*){0,2})",
    "word": r"[\w'’-]+",
}
START = r"(?<!\w)(?<!\w[-'’])"
END = r"(?!\w)(?![-'’]\w)"
MAX_EXPANSIONS = 64


class PhraseError(ValueError):
    """A phrase or template that does not parse."""


@dataclass
class Word:
    text: str
    optional: bool = False


@dataclass
class Lemma:
    lemma: str
    index: int = 0  # 1-based among the phrase's lemma tokens
    optional: bool = False


@dataclass
class Slot:
    kind: str
    name: str = ""  # group name: poss, poss2, ...
    optional: bool = False


@dataclass
class Group:
    alts: list[list["Item"]]
    index: int = 0  # 1-based among the phrase's groups
    optional: bool = False


Item = Union[Word, Lemma, Slot, Group]


class _Parser:
    def __init__(self, text: str):
        self.s = text
        self.i = 0
        self.lemmas = 0
        self.groups = 0
        self.slots: dict[str, int] = {}

    def error(self, msg: str) -> PhraseError:
        return PhraseError(f"{msg} at character {self.i + 1} of {self.s!r}")

    def parse(self) -> list[Item]:
        items = self.sequence(top=True)
        if self.i < len(self.s):
            raise self.error("unexpected ')' or '|'")
        return items

    def skip_ws(self) -> None:
        while self.i < len(self.s) and self.s[self.i].isspace():
            self.i += 1

    def sequence(self, top: bool = False) -> list[Item]:
        items: list[Item] = []
        while True:
            self.skip_ws()
            if self.i >= len(self.s) or self.s[self.i] in "|)":
                break
            items.append(self.item())
        if not items:
            raise self.error("empty phrase" if top else "empty alternative")
        return items

    def item(self) -> Item:
        c = self.s[self.i]
        item: Item
        spaced_end = False
        if c == "(":
            self.groups += 1
            group = Group([], self.groups)
            self.i += 1
            spaced_end = True
            while True:
                group.alts.append(self.sequence())
                spaced_end = spaced_end and self.s[self.i - 1].isspace()
                if self.i >= len(self.s):
                    raise self.error("unclosed '('")
                if self.s[self.i] == ")":
                    self.i += 1
                    break
                self.i += 1  # '|'
            item = group
        elif c == "<":
            end = self.s.find(">", self.i)
            if end < 0:
                raise self.error("unclosed '<'")
            lemma = self.s[self.i + 1:end].strip()
            if not lemma or not regex.fullmatch(r"[\w'’-]+", lemma):
                raise self.error(f"'<{lemma}>' is not one word")
            self.lemmas += 1
            item = Lemma(lemma.lower(), self.lemmas)
            self.i = end + 1
        elif c == "{":
            end = self.s.find("}", self.i)
            if end < 0:
                raise self.error("unclosed '{'")
            kind = self.s[self.i + 1:end].strip()
            if kind not in SLOTS:
                raise self.error(f"unknown slot '{{{kind}}}' (slots: {', '.join('{' + k + '}' for k in SLOTS)})")
            n = self.slots[kind] = self.slots.get(kind, 0) + 1
            item = Slot(kind, kind if n == 1 else f"{kind}{n}")
            self.i = end + 1
        elif c in ")|?>}":
            raise self.error(f"unexpected '{c}'")
        else:
            m = regex.compile(r"[^\s()|?<>{}]+").match(self.s, self.i)
            assert m is not None
            item = Word(m.group())
            self.i = m.end()
        if self.i < len(self.s) and self.s[self.i] == "?":
            item.optional = True
            self.i += 1
        if self.i < len(self.s) and not self.s[self.i].isspace() and self.s[self.i] not in "|)":
            # "(the )?policy" and "policy( rate)?" are read as separate tokens; "ear(s)?" is not
            spaced = (isinstance(item, Group) and spaced_end) or (
                self.s[self.i] == "(" and self.i + 1 < len(self.s) and self.s[self.i + 1].isspace())
            if not spaced:
                raise self.error("tokens are separated by spaces (write 'ear(s)?' as '<ear>' or "
                                 "'(ear|ears)')")
        return item


# --- compiled phrase --------------------------------------------------------------------


@dataclass(frozen=True)
class LemmaSlot:
    """A ``<lemma>`` token of a match: the tags of each of its forms."""

    lemma: str
    tags: tuple[tuple[str, tuple[str, ...]], ...]  # (form, tags), tags in preference order

    def tags_of(self, form: str) -> tuple[str, ...]:
        form = _norm(form)
        for f, tags in self.tags:
            if f == form:
                return tags
        return ()


@dataclass(frozen=True)
class Phrase:
    """One compiled ``match`` phrase (or a v1 literal phrase / pattern)."""

    text: str  # as written
    source: str  # regex source ("" for a literal phrase found by the automaton alone)
    flags: int
    anchors: tuple[str, ...]  # normalised literal strings; every match contains one
    literal: bool  # the anchor hit is the match (no regex)
    lemmas: tuple[LemmaSlot, ...] = ()
    groups: int = 0
    slots: tuple[str, ...] = ()
    expand: bool = False  # v1 pattern: replacement by Match.expand
    # the matcher's pre-filter (see "What every match holds" below): every match's text, folded,
    # holds one string of each clause (rarest clause first; clauses every anchor satisfies are
    # left out), and is at most ``width`` characters long in the folded text (0: no bound)
    needs: tuple[tuple[str, ...], ...] = ()
    width: int = 0


def _escape_word(word: str) -> str:
    out = []
    for ch in word:
        out.append("['’‘]" if ch in "'’‘" else regex.escape(ch))
    return "".join(out)


def _regex(items: list[Item]) -> str:
    parts = [_item_regex(it) for it in items]
    required = [i for i, it in enumerate(items) if not it.optional]
    if not required:
        raise PhraseError("a phrase (or alternative) needs at least one word that is not optional")
    first = required[0]
    out = []
    for i, (it, rx) in enumerate(zip(items, parts)):
        if i < first:
            out.append(f"(?:{rx}\\s+)?")
        elif i == first:
            out.append(rx)
        else:
            out.append(f"(?:\\s+{rx})?" if it.optional else f"\\s+{rx}")
    return "".join(out)


def _item_regex(it: Item) -> str:
    if isinstance(it, Word):
        return _escape_word(it.text)
    if isinstance(it, Lemma):
        forms = sorted({f for _t, fs in forms_by_tag(it.lemma) for f in fs}, key=lambda f: (-len(f), f))
        return f"(?P<l{it.index}>" + "|".join(_escape_word(f) for f in forms) + ")"
    if isinstance(it, Slot):
        return f"(?P<{it.name}>{SLOTS[it.kind]})"
    return f"(?P<g{it.index}>" + "|".join(_regex(alt) for alt in it.alts) + ")"


def _expansions(items: list[Item]) -> list[str] | None:
    """Every literal text the items can match (normalised), or None (a slot, or too many)."""
    texts = [""]
    for it in items:
        opts = _item_expansions(it)
        if opts is None:
            return None
        if it.optional:
            opts = opts + [""]
        texts = [f"{a} {b}".strip() for a in texts for b in opts]
        if len(texts) > MAX_EXPANSIONS:
            return None
    return texts


def _item_expansions(it: Item) -> list[str] | None:
    if isinstance(it, Word):
        return [_norm(it.text)]
    if isinstance(it, Lemma):
        return sorted({f for _t, fs in forms_by_tag(it.lemma) for f in fs})
    if isinstance(it, Slot):
        return None
    out: list[str] = []
    for alt in it.alts:
        sub = _expansions(alt)
        if sub is None:
            return None
        out.extend(sub)
    return out


@lru_cache(maxsize=None)
def _zipf(word: str) -> float:
    try:
        from wordfreq import zipf_frequency
    except ImportError:  # pragma: no cover
        return 3.0
    return zipf_frequency(word, "en")


def _rarest(items: list[Item]) -> tuple[float, tuple[str, ...]] | None:
    """The required token whose forms are rarest in English: (cost, anchors)."""
    best: tuple[float, tuple[str, ...]] | None = None
    for it in items:
        if it.optional:
            continue
        cand: tuple[float, tuple[str, ...]] | None
        if isinstance(it, Word):
            cand = (_zipf(_norm(it.text)), (_norm(it.text),))
        elif isinstance(it, Lemma):
            forms = tuple(sorted({f for _t, fs in forms_by_tag(it.lemma) for f in fs}))
            cand = (max(_zipf(f) for f in forms), forms)
        elif isinstance(it, Slot):
            cand = None
        else:
            subs = [_rarest(alt) for alt in it.alts]
            if any(s is None for s in subs):
                cand = None
            else:
                cand = (max(s[0] for s in subs if s), tuple(sorted({a for s in subs if s for a in s[1]})))
        if cand is not None and (best is None or cand[0] < best[0]):
            best = cand
    return best


def _best_anchor(items: list[Item]) -> tuple[float, tuple[str, ...]] | None:
    """The rarest anchor set: one required token (its forms or alternatives), or a run of two
    or three adjacent required tokens as literal word sequences ("the driver", "the drivers",
    ... for "the (driver|drivers)"), whichever is rarest in English."""
    best = _rarest(items)
    for i in range(len(items)):
        for j in range(i + 2, min(i + 3, len(items)) + 1):
            window = items[i:j]
            if any(it.optional for it in window):
                break
            texts = _expansions(window)
            if not texts or not all(texts):
                continue
            cost = max(_zipf(t) for t in texts)
            if best is None or cost < best[0]:
                best = (cost, tuple(sorted(set(texts))))
    return best


def _walk(items: list[Item]):
    for it in items:
        yield it
        if isinstance(it, Group):
            for alt in it.alts:
                yield from _walk(alt)


def compile_phrase(text: str, case_sensitive: bool = False) -> Phrase:
    """Compile one ``match`` phrase."""
    parser = _Parser(text)
    items = parser.parse()
    flags = 0 if case_sensitive else regex.IGNORECASE
    walked = list(_walk(items))
    if all(isinstance(it, Word) and not it.optional for it in items):
        anchor = " ".join(_norm(it.text) for it in items)  # type: ignore[union-attr]
        return Phrase(text=text, source=START + _regex(items) + END, flags=flags,
                      anchors=(anchor,), literal=not case_sensitive)
    lemmas = tuple(
        LemmaSlot(it.lemma, _form_tags(it.lemma)) for it in walked if isinstance(it, Lemma))
    expanded = _expansions(items)
    if expanded is not None and all(expanded):
        anchors = tuple(sorted(set(expanded)))
    else:
        rare = _best_anchor(items)
        if rare is None:
            raise PhraseError(f"{text!r} has no word to anchor it (slots alone cannot be searched for)")
        anchors = rare[1]
    source = START + _regex(items) + END
    try:
        regex.compile(source, flags | regex.V0)
    except regex.error as exc:  # pragma: no cover - the generator should not produce this
        raise PhraseError(f"{text!r} compiles to an invalid pattern: {exc}") from exc
    return Phrase(text=text, source=source, flags=flags, anchors=anchors, literal=False,
                  lemmas=lemmas, groups=parser.groups,
                  slots=tuple(it.name for it in walked if isinstance(it, Slot)),
                  needs=_needs(items, anchors), width=_seq_width(items) or 0)


def _form_tags(lemma: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    by_form: dict[str, list[str]] = {}
    for tag, forms in forms_by_tag(lemma):
        for f in forms:
            by_form.setdefault(f, []).append(tag)
    return tuple((f, tuple(tags)) for f, tags in by_form.items())


# --- what every match holds (the matcher's pre-filter) ------------------------------------
#
# The matcher looks for a phrase's anchors in a folded copy of the text (lower case, these
# whitespace characters as one space, ’ and ‘ as '; service.passes.phrases._Normalised) and runs
# the phrase's regex around each anchor hit.  Most hits hold no match: a cheap test on the folded
# text first asks whether the other words every match contains are near the hit at all.  What is
# computed here must be NECESSARY for a match: a string a match may lack would drop real edits.
#
# - a literal character c of a case-insensitive pattern matches every character of its case class
#   (regex's get_all_cases): used only when each of them folds as c does, in the test's copy of
#   the folded text, where the odd ones (FILTER_FOLD: 'ſ' matches 's' but stays 'ſ' in lower
#   case) are their plain letter
# - ``\s+`` between the tokens of a match phrase is one character of the folded text, except in
#   a text with whitespace the matcher does not fold (KEPT_SPACES): the matcher skips the test there

FOLDED_SPACES = "\n\t\r\xa0\x0b\x0c" + "".join(chr(c) for c in range(0x2000, 0x200B)) + "\u202f\u205f\u3000"
KEPT_SPACES = "\x85\u1680\u2028\u2029"  # regex's \s, not folded to a space
# characters a case-insensitive literal matches though they do not fold to it: 'ſ' for 's', the
# dotless 'ı' for 'I' (not for 'i'); the test's copy of the folded text has them as that letter
FILTER_FOLD = {"\u017f": "s", "\u0131": "i"}


def fold_char(c: str) -> str:
    """One character as the matcher's folded text holds it ('İ', whose lower case is two
    characters, as 'i')."""
    low = "i" if c == "\u0130" else c.lower()
    if len(low) == 1 and low in FOLDED_SPACES:
        return " "
    if low in ("’", "‘"):
        return "'"
    return low


def _filter_char(c: str) -> str:
    """One character as the pre-filter's copy of the folded text holds it."""
    f = fold_char(c)
    return FILTER_FOLD.get(f, f)


@lru_cache(maxsize=None)
def _foldable(c: str) -> bool:
    """Every character a case-insensitive regex matches for ``c`` is ``c``'s in the
    pre-filter's copy of the folded text."""
    from regex import _regex  # type: ignore[attr-defined]

    f = _filter_char(c)
    if len(f) != 1 or c in KEPT_SPACES:
        return False
    return all(_filter_char(chr(x)) == f for x in _regex.get_all_cases(regex.IGNORECASE | regex.UNICODE, ord(c)))


@lru_cache(maxsize=None)
def fold_literal(text: str) -> str | None:
    """What the folded text holds wherever a (case-insensitive) regex matches the literal
    ``text`` (runs of spaces squeezed, ends stripped); None when a character cannot be told."""
    out = []
    for c in text:
        if not _foldable(c):
            return None
        out.append(_filter_char(c))
    folded = "".join(out)
    while "  " in folded:
        folded = folded.replace("  ", " ")
    folded = folded.strip(" ")
    return folded or None


def _word_clause(words: list[str]) -> tuple[str, ...] | None:
    folded = [fold_literal(w) for w in words]
    if not folded or any(f is None for f in folded):
        return None
    return tuple(sorted(set(folded)))  # type: ignore[arg-type]


def _item_needs(it: Item, anchors: tuple[str, ...]) -> list[tuple[str, ...]]:
    if isinstance(it, Word):
        clause = _word_clause([_norm(it.text)])
    elif isinstance(it, Lemma):
        clause = _word_clause([f for _t, fs in forms_by_tag(it.lemma) for f in fs])
    elif isinstance(it, Slot):
        return []
    else:
        # one clause of each alternative (its rarest): a match holds one of them
        picked: list[str] = []
        for alt in it.alts:
            alt_needs = _seq_needs(alt, anchors)
            if not alt_needs:
                return []
            picked.extend(_rarest_clause(alt_needs, anchors))
        clause = tuple(sorted(set(picked)))
    return [clause] if clause else []


def _seq_needs(items: list[Item], anchors: tuple[str, ...]) -> list[tuple[str, ...]]:
    return [c for it in items if not it.optional for c in _item_needs(it, anchors)]


def _needs(items: list[Item], anchors: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
    """Phrase.needs of a match phrase."""
    folded = tuple(fold_literal(a) or "" for a in anchors)
    return _pick_needs(_seq_needs(items, folded), folded)


def _slot_width(kind: str) -> int | None:
    return _pattern_width(SLOTS[kind], regex.IGNORECASE)


def _item_width(it: Item) -> int | None:
    if isinstance(it, Word):
        return len(it.text)
    if isinstance(it, Lemma):
        return max(len(f) for _t, fs in forms_by_tag(it.lemma) for f in fs)
    if isinstance(it, Slot):
        return _slot_width(it.kind)
    widths = [_seq_width(alt) for alt in it.alts]
    return None if any(w is None for w in widths) else max(widths)  # type: ignore[type-var]


def _seq_width(items: list[Item]) -> int | None:
    """The longest match of the items in the folded text (each ``\\s+`` between them one
    character there), or None (unbounded)."""
    widths = [_item_width(it) for it in items]
    if any(w is None for w in widths):
        return None
    return sum(widths) + len(items) - 1  # type: ignore[arg-type]


@lru_cache(maxsize=None)
def _clause_cost(clause: tuple[str, ...]) -> float:
    """How often a clause's strings occur in text: a word by its frequency (wordfreq), but the
    test finds strings inside words too: a short one is common whatever it is (a letter is in
    about one character in 70 of English, a zipf of ~8; each more character ~0.7 less)."""
    total = 0.0
    for lit in clause:
        zipf = min((_zipf(w) for w in regex.findall(r"\w+", lit)), default=0.0)
        total += 10 ** max(zipf, 8.6 - 0.7 * len(lit))
    return total


def _trivial(clause: tuple[str, ...], anchors: tuple[str, ...]) -> bool:
    """Every anchor holds a string of the clause (so every hit satisfies it)."""
    return bool(anchors) and all(any(lit in a for lit in clause) for a in anchors)


def _rarest_clause(clauses: list[tuple[str, ...]], anchors: tuple[str, ...]) -> tuple[str, ...]:
    return min(clauses, key=lambda c: (_trivial(c, anchors), _clause_cost(c), len(c)))


def _minimal(clause: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(lit for lit in clause if not any(o != lit and o in lit for o in clause))


def _pick_needs(clauses: list[tuple[str, ...]], anchors: tuple[str, ...], keep: int = 3) -> tuple[tuple[str, ...], ...]:
    """The (at most ``keep``) rarest clauses an anchor hit does not satisfy by itself, each
    without the strings that hold another of its strings (the same test: 'goals' holds 'goal')."""
    useful = [c for c in dict.fromkeys(map(_minimal, clauses)) if not _trivial(c, anchors)]
    useful.sort(key=lambda c: (_clause_cost(c), len(c)))
    return tuple(useful[:keep])


# v1 patterns: read with Python's own parser (re._parser), which reads the plain syntax the same
# way ``regex`` does.  A pattern that needs more (\p{..}, (?<name>..), fuzzy {e<=1}, POSIX
# classes, nested sets, verbose mode) does not parse or is refused here: no pre-filter for it.
_QUANTIFIER_BRACE = regex.compile(r"\{(?!\d+(?:,\d*)?\}|,\d+\})")  # a brace that is no {m}, {m,}, {m,n}, {,n}
_REFUSED = ("[:", "[[", "&&", "--", "||", "~~", "(?x", "(?V", "(?#")
_WIDTH_CAP = 10_000


# what Python's parser does not read but means, for this purpose, the same as something it
# does: a property class is one character that is not a literal (\w), (?<name>..) is (?P<name>..)
_REGEX_ONLY = regex.compile(r"\\[pP]\{\w+(?:[=:]\w+)?\}|\(\?<(?![=!])|\\.")


def _plain_spelling(source: str) -> str:
    def repl(m: "regex.Match[str]") -> str:
        t = m.group()
        if t.startswith("(?<"):
            return "(?P<"
        return "\\w" if t[1] in "pP" and len(t) > 2 else t

    return _REGEX_ONLY.sub(repl, source)


def _parse_plain(source: str, flags: int):
    import re

    try:
        import re._parser as sre_parse  # type: ignore[import-not-found]
    except ImportError:  # pragma: no cover - another Python: no pre-filter
        return None
    if flags & ~regex.IGNORECASE:
        return None
    source = _plain_spelling(source)
    if any(s in source for s in _REFUSED) or _QUANTIFIER_BRACE.search(source):
        return None
    try:
        parsed = sre_parse.parse(source, re.IGNORECASE if flags & regex.IGNORECASE else 0)
    except Exception:  # noqa: BLE001 - not plain syntax: no pre-filter
        return None
    if parsed.state.flags & re.VERBOSE:
        return None
    return parsed


def _pattern_width(source: str, flags: int) -> int | None:
    """The longest match of a plain pattern (characters), or None."""
    parsed = _parse_plain(source, flags)
    if parsed is None:
        return None
    hi = parsed.getwidth()[1]
    return hi if hi < _WIDTH_CAP else None


def _node_needs(nodes, anchors: tuple[str, ...]) -> list[tuple[str, ...]]:
    """The clauses of a parsed sequence: runs of literal characters (a character set of one
    folded character counts as that character), groups, and alternations of which every branch
    has a clause; optional parts, lookarounds and back references hold nothing for sure."""
    from re._constants import (  # type: ignore[import-not-found]
        ATOMIC_GROUP,
        BRANCH,
        IN,
        LITERAL,
        MAX_REPEAT,
        MIN_REPEAT,
        POSSESSIVE_REPEAT,
        SUBPATTERN,
    )

    clauses: list[tuple[str, ...]] = []
    run: list[str] = []

    def flush() -> None:
        if run:
            lit = fold_literal("".join(run))
            if lit is not None:
                clauses.append((lit,))
            run.clear()

    for op, av in nodes:
        if op is LITERAL:
            run.append(chr(av))
            continue
        if op is IN and av and all(o is LITERAL for o, _v in av):
            chars = {chr(v) for _o, v in av}
            if all(_foldable(c) for c in chars) and len({_filter_char(c) for c in chars}) == 1:
                run.append(min(chars))
                continue
        flush()
        if op is SUBPATTERN:
            clauses.extend(_node_needs(av[-1].data, anchors))
        elif op is ATOMIC_GROUP:
            clauses.extend(_node_needs(av.data, anchors))
        elif op in (MAX_REPEAT, MIN_REPEAT, POSSESSIVE_REPEAT):
            if av[0] >= 1:
                clauses.extend(_node_needs(av[2].data, anchors))
        elif op is BRANCH:
            picked: list[str] = []
            for alt in av[1]:
                alt_needs = _node_needs(alt.data, anchors)
                if not alt_needs:
                    picked = []
                    break
                picked.extend(_rarest_clause(alt_needs, anchors))
            if picked:
                clauses.append(tuple(sorted(set(picked))))
    flush()
    return clauses


def pattern_needs(source: str, flags: int, anchors: tuple[str, ...]) -> tuple[tuple[tuple[str, ...], ...], int]:
    """(needs, width) of a v1 ``pattern`` (see :class:`Phrase`); ((), 0) when it is not plain."""
    parsed = _parse_plain(source, flags)
    if parsed is None:
        return (), 0
    try:
        hi = parsed.getwidth()[1]
        anchors = tuple(fold_literal(a) or "" for a in anchors)
        return _pick_needs(_node_needs(parsed.data, anchors), anchors), (hi if hi < _WIDTH_CAP else 0)
    except (RecursionError, OverflowError, ValueError):  # a pathological user pattern: no pre-filter
        return (), 0


# --- replacement templates ---------------------------------------------------------------

_TEMPLATE = r"<([^<>\s]+)>|\{(\w+)\}"

# a template part: ("t", text) | ("l", n, lemma, forms_by_tag) | ("s", slot name) | ("g", group number)
Part = tuple


def compile_template(text: str, phrases: list[Phrase]) -> tuple[Part, ...]:
    """Compile a ``replace`` string against the rule's match phrases."""
    parts: list[Part] = []
    pos = 0
    n_lemma = 0
    for m in regex.finditer(_TEMPLATE, text):
        if m.start() > pos:
            parts.append(("t", text[pos:m.start()]))
        if m.group(1):
            n_lemma += 1
            lemma = m.group(1).lower()
            if not regex.fullmatch(r"[\w'’-]+", lemma):
                raise PhraseError(f"'<{lemma}>' in the replacement is not one word")
            parts.append(("l", n_lemma, lemma, forms_by_tag(lemma)))
        else:
            name = m.group(2)
            if name.isdigit():
                # a phrase without that group copies nothing (one of several match phrases may
                # lack the optional frame the others have)
                k = int(name)
                if k < 1 or not any(k <= ph.groups for ph in phrases):
                    raise PhraseError(f"'{{{name}}}' in the replacement: no match phrase has {k} group(s)")
                parts.append(("g", k))
            else:
                if not any(name in ph.slots for ph in phrases):
                    raise PhraseError(f"'{{{name}}}' in the replacement: no match phrase has the slot "
                                      f"'{{{name}}}'")
                parts.append(("s", name))
        pos = m.end()
    if pos < len(text):
        parts.append(("t", text[pos:]))
    return tuple(parts)


_AUX_BEFORE_SRC = (
    r"(?:\b(?:have|has|had|having|is|are|was|were|be|been|being|am|get|gets|got|gotten|getting)"
    r"|['’](?:ve|d|re|m))\s+(?:(?:not|never|just|already|also|still|yet|ever|all|both|\w+ly)\s+){0,3}$"
)


@lru_cache(maxsize=None)
def _aux_before() -> "regex.Pattern[str]":
    """A form of have/be (and up to three adverbs) just before: a participle follows."""
    return regex.compile(_AUX_BEFORE_SRC, regex.IGNORECASE)


def _pick_form(tags: tuple[str, ...], rep: tuple[tuple[str, tuple[str, ...]], ...], lemma: str,
               matched: str, perfect: bool) -> str:
    if not tags:
        return lemma
    table = dict(rep)
    # "goes" is NNS or VBZ of <go>: a verb replacement takes the verb reading, a noun the noun's
    rep_is_verb = "VB" in table
    order = sorted(tags, key=lambda t: t.startswith("VB") != rep_is_verb)
    if "VBD" in order and "VBN" in order:
        first, second = ("VBN", "VBD") if perfect else ("VBD", "VBN")
        order.remove(second)
        order.insert(order.index(first) + 1, second)
    for tag in order:
        if tag in table:
            forms = table[tag]
            m = _norm(matched)
            return m if m in forms else forms[0]
    return lemma


def _group(m: "regex.Match[str]", name: str) -> str:
    try:
        return m.group(name) or ""
    except IndexError:  # this phrase has no such group
        return ""


def render(parts: tuple[Part, ...], m: "regex.Match[str]", phrase: Phrase) -> str:
    """The replacement for match ``m`` of ``phrase``."""
    out: list[str] = []
    for part in parts:
        kind = part[0]
        if kind == "t":
            out.append(part[1])
        elif kind == "s":
            out.append(_group(m, part[1]))
        elif kind == "g":
            out.append(_group(m, f"g{part[1]}"))
        else:
            n, lemma, rep = part[1], part[2], part[3]
            # the n-th lemma the match actually matched (lemmas in alternatives that did not
            # match do not count); when it matched one, every lemma of the replacement follows it
            matched = [j for j in range(1, len(phrase.lemmas) + 1) if m.group(f"l{j}") is not None]
            if not matched or (len(matched) > 1 and n > len(matched)):
                out.append(lemma)
                continue
            k = matched[0] if len(matched) == 1 else matched[n - 1]
            form = m.group(f"l{k}")
            tags = phrase.lemmas[k - 1].tags_of(form)
            before = m.string[max(0, m.start(f"l{k}") - 60):m.start(f"l{k}")]
            perfect = _aux_before().search(before) is not None
            out.append(_pick_form(tags, rep, lemma, form, perfect))
    text = "".join(out)
    return regex.sub(r"\s{2,}", " ", text).strip() if "  " in text or text != text.strip() else text


# --- context cues ---------------------------------------------------------------------------


def cue_regex(cues: list[str]) -> str:
    """A pattern for any of the cue words or phrases, in any inflection."""
    alts = []
    for cue in cues:
        words = cue.strip("<>").split() if " " not in cue else [w.strip("<>") for w in cue.split()]
        alts.append(r"\s+".join(
            "(?:" + "|".join(_escape_word(f) for f in all_forms(w)) + ")" for w in words))
    return START + "(?:" + "|".join(alts) + ")" + END
