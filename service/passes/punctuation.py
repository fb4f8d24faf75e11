"""Punctuation and spacing pass.

* a full stop splitting a sentence before a lower-case word (``who met him. in Syria``);
* a space after a hyphen inside a name (``al- Baghdadi``);
* doubled spaces between words, a space before ``, . ; : ! ?``, spaces inside brackets;
* doubled commas/full stops (not an ellipsis), no space after a comma between words.
"""
from __future__ import annotations

import re
from functools import lru_cache

import regex

from service.core.document import Document
from service.core.inventory import zipf
from service.core.keyscan import matches_at
from service.core.model import Category, Edit, Tier

NAME = "punctuation"
SOURCE = "mtclean punctuation pass"

ABBREVIATIONS = frozenset(
    """mr mrs ms dr prof sr jr st mt ft gen col lt sgt capt cmdr adm gov sen rep pres rev
    fr vs etc al approx dept est inc ltd co corp no nos vol vols fig figs ed eds pp p ch
    jan feb mar apr jun jul aug sep sept oct nov dec mon tue wed thu fri sat sun
    a.m p.m e.g i.e cf ca op cit ibid viz resp incl excl min max avg sq km cm mm kg lb oz
    u.s u.k u.n e.u
    messrs mmes mses drs profs hon gens sens reps govs rev revs msgr supt insp det lieut brig maj cpl pvt
    esq bros assn univ dist twp hwy ave blvd rd mfg intl natl govt admin jr sr
    ala ariz ark calif colo conn del fla ga ill ind kan kans ky la md mass mich minn miss mo mont neb
    nebr nev okla ore pa penn tenn tex vt va wash wis wisc wyo""".split()
)


def is_abbreviation(word: str) -> bool:
    """A title, a US state form, a month or another abbreviation that is written with a full
    stop ("Kan.", "Messrs.", "Drs."), or an initial ("K", "H" in "K.H.")."""
    w = word.lower().rstrip(".")
    return w in ABBREVIATIONS or len(w) < 2 or "." in w
# words that start a clause: after "word. " they may open a sentence whose capital was lost
CLAUSE_STARTERS = frozenset("""i you he she it we they this these those there here then""".split())
# particles that join a name with a hyphen: al-Baghdadi, bin-Salman, ad-Din
NAME_PARTICLES = frozenset("al el ad ad-din an ar as ash at az bin ibn abu abd bint ul ud".split())

_SPLIT_STOP = regex.compile(r"(?<=(?<![.\p{L}])(\p{L}[\p{L}'’-]*))\.(?= (\p{Ll}[\p{Ll}'’-]*)\b)")
# found from the "- " (fast); the word before it is group 1, the name after it group 2
_HYPHEN_SPACE = regex.compile(r"(?<=(?<![\p{L}-])(\p{L}+))- (?=(\p{Lu}\p{Ll}+))")
# between words only: two spaces after a sentence's end (". ", ": ", ".) ") are a typing convention
# "Casualties:  5" is a slip.  Written to start with the two spaces (what the look-behinds of
# "(?<=[^\s...])  +(?=\S)" check comes after them), so regex scans for them instead of trying
# the look-behind at every position: 16x faster on real text, the same matches
_DOUBLE_SPACE = regex.compile(r"  (?<=[^\s.:!?\"”’)\]]  ) *(?=\S)|  (?<=:  ) *(?=\d)")
# these start at the punctuation (fast to find); the spaces to remove are the group "sp"
# (not the first stop of a spaced ellipsis: "the laws . . . become")
_SPACE_BEFORE = regex.compile(r"(?<=[\p{L}\d\"”’)\]](?P<sp> +))(?:[,;:!?]|\.(?!\.)(?! \.)(?=\s|$))")
# the opening bracket matched rather than looked behind at (only the group "sp" is used): 5x faster
_BRACKET_SPACE = regex.compile(r"[(\[](?P<sp> +)(?=\S)|(?<=\S(?P<sp> +))[)\]]")
_DOUBLE_MARK = regex.compile(r"(?<![.,])(,,+|\.\.(?!\.))(?![.,])")
_NO_SPACE_AFTER_COMMA = regex.compile(r"(?<=\p{Ll}{2}),(?=\p{L}{2})")

# Every match of _SPLIT_STOP, _SPACE_BEFORE, _BRACKET_SPACE, _DOUBLE_MARK and _NO_SPACE_AFTER_COMMA
# starts at a mark (, ; : ! ? . or a bracket) in a setting found here: a space before it, a space
# after an opening bracket, a doubled , or ., a stop before a space and a lower-case letter, a
# comma between letters; each pattern is tried only there (regex tries their look-behinds at
# every position: ~5 ns a character each).  The frequent stop and comma are found by the standard
# library's re, which skips to a literal first character at C speed; the rarer marks by str.find.
# Where a pattern needs a letter, any non-ASCII character stands in for it, whatever re's
# Unicode data.
_NOT_LOWER = r"\x00-\x60\x7b-\x7f"  # the ASCII characters that are not lower-case letters
_NOT_LETTER = r"\x00-\x40\x5b-\x60\x7b-\x7f"  # the ASCII characters that are not letters
_STOP_MARK = re.compile(rf"\.(?:(?<= \.)|(?=[,.])|(?= [^{_NOT_LOWER}]))")
_COMMA_MARK = re.compile(rf",(?:(?<= ,)|(?=[,.])|(?<=[^{_NOT_LOWER}]{{2}},)(?=[^{_NOT_LETTER}]{{2}}))")


def _marks(text: str) -> dict[str, list[int]]:
    """The offsets where each of those patterns may match, in order."""
    split: list[int] = []
    comma: list[int] = []
    space: list[int] = []
    bracket: list[int] = []
    double: list[int] = []
    for pattern, own in ((_STOP_MARK, split), (_COMMA_MARK, comma)):
        for m in pattern.finditer(text):
            i = m.start()
            own.append(i)
            if i and text[i - 1] == " ":
                space.append(i)
            if text[i + 1:i + 2] in (",", "."):
                double.append(i)
    for marks, where in ((";:!?", space), (")]", bracket)):
        for c in marks:
            i = text.find(c)
            while i >= 0:
                if i and text[i - 1] == " ":
                    where.append(i)
                i = text.find(c, i + 1)
    for c in "([":
        i = text.find(c)
        while i >= 0:
            if text[i + 1:i + 2] == " ":
                bracket.append(i)
            i = text.find(c, i + 1)
    return {"split": split, "comma": comma, "space": sorted(space), "bracket": sorted(bracket),
            "double": sorted(double)}


def _edit(doc: Document, start: int, end: int, rep: str, rule: str, tier: Tier, message: str,
          category: Category = Category.PUNCTUATION) -> Edit | None:
    if doc.protected.overlaps(start, end):
        return None
    return Edit(start, end, doc.text[start:end], (rep,), f"punctuation.{rule}", category.value,
                tier, message, SOURCE, NAME)


def _split_stops(doc: Document, text: str, base: int, at: dict[str, list[int]]) -> list[Edit | None]:
    out: list[Edit | None] = []
    for m in matches_at(_SPLIT_STOP, text, at["split"], len(text)):
        before, after = m.group(1), m.group(2)
        if is_abbreviation(before) or _after_initials(text, m.start(1)):
            continue
        if after in ("e.g", "i.e", "etc", "http", "https", "www") or text[m.end(2):m.end(2) + 1] == ".":
            continue  # an abbreviation or an initial after the stop ("and so on. a. are")
        # both words ordinary lower-case English words: the stop is an MT artefact.  After a
        # capitalised word (a name, a state, a title written without its stop) a person decides,
        # and so before a word that starts clauses ("The Sermon on suffering. this book was"):
        # the sentence may end there with its next capital lost
        sure = (before.islower() and zipf(after) >= 3.0 and zipf(before) >= 2.0
                and after.lower() not in CLAUSE_STARTERS)
        out.append(_edit(
            doc, base + m.start(), base + m.end(), "", "split-sentence",
            Tier.AUTO if sure else Tier.SUGGEST,
            f"A full stop before the lower-case word '{after}' splits one sentence in two.",
        ))
    return out


def _after_initials(text: str, start: int) -> bool:
    """The word at ``start`` follows initials or an abbreviation ("K.H", "D.T.L", "Ms. K.H")."""
    head = text[max(0, start - 3):start]
    return bool(regex.search(r"(?:^|[^\p{L}])\p{L}\.$", head))


def _hyphen_spaces(doc: Document, text: str, base: int, at: dict[str, list[int]]) -> list[Edit | None]:
    out: list[Edit | None] = []
    for m in _HYPHEN_SPACE.finditer(text):
        prefix, name = m.group(1), m.group(2)
        joined = f"{prefix}-{name}"
        known = joined in doc.text
        if prefix.lower() in NAME_PARTICLES or known:
            evidence = f"the document writes '{joined}'" if known else f"'{prefix}-' is a name particle"
            out.append(_edit(doc, base + m.start() + 1, base + m.start() + 2, "", "hyphen-space", Tier.AUTO,
                             f"Space after the hyphen inside the name '{joined}' ({evidence}).",
                             Category.SPACING))
    return out


# ".." after an abbreviation or initials: its stop and the sentence's ("J.J..", "etc..")
_ABBREVIATION_BEFORE = regex.compile(r"(?:\b\p{L}\.\p{L}|\b(?i:etc|inc|ltd|co|jr|sr|st|no|vs))$")
_LIST_INTRO = frozenset("""include includes included including are were is was as known among like such
    and or nor by of in on from to with named called""".split())
_WORD_BEFORE = regex.compile(r"(\p{Ll}+) *$")
_WORD_AFTER = regex.compile(r"^ (\p{Ll}+)")


def _lost_items(text: str, m: "regex.Match[str]") -> bool:
    before = _WORD_BEFORE.search(text, max(0, m.start() - 30), m.start())
    after = regex.match(r" ?(\w+)", text[m.end():m.end() + 30])
    return bool(before and before.group(1) in _LIST_INTRO or after and after.group(1) in ("and", "or", "nor", "etc"))


def _sure_doubled_comma(text: str, m: "regex.Match[str]") -> bool:
    """",," between two lower-case words that cannot frame a list whose items were lost, and
    not before a verb: "Only one region,, has", "the league,, consists of" lost a name between
    the commas (", X,"), and neither "," nor "" is the fix."""
    if m.group() != ",,":
        return False
    before = _WORD_BEFORE.search(text, max(0, m.start() - 30), m.start())
    after = _WORD_AFTER.search(text[m.end():m.end() + 30])
    return bool(before and after and before.group(1) not in _LIST_INTRO
                and after.group(1) not in ("and", "or", "nor", "etc") and not verb_only(after.group(1)))


@lru_cache(maxsize=1)
def _verb_only_words() -> frozenset[str]:
    from service.passes.verb_only_words import WORDS

    return frozenset(WORDS.splitlines())


def verb_only(word: str) -> bool:
    """``word`` is only ever a verb (lemminflect knows no noun, adjective or adverb reading):
    "attach", "consists", "has".  Looked up in lemminflect's verb-only words, listed once
    (service/passes/verb_only_words.py), so cleaning never loads lemminflect's tables."""
    return word.lower() in _verb_only_words()


def _inside_guillemets(text: str, pos: int) -> bool:
    """``pos`` is inside « ... » on its line (a French quotation keeps its own spacing)."""
    line = text[text.rfind("\n", 0, pos) + 1:pos]
    return line.rfind("«") > line.rfind("»")


def _simple(doc: Document, text: str, base: int, at: dict[str, list[int]]) -> list[Edit | None]:
    out: list[Edit | None] = []
    for m in _DOUBLE_SPACE.finditer(text):
        out.append(_edit(doc, base + m.start(), base + m.end(), " ", "double-space", Tier.AUTO,
                         "Two or more spaces between words.", Category.SPACING))
    for m in matches_at(_SPACE_BEFORE, text, at["space"], len(text)):
        if _inside_guillemets(text, m.start()):
            continue  # French typography inside a French quotation: « Vraiment ? »
        out.append(_edit(doc, base + m.start("sp"), base + m.end("sp"), "", "space-before-punctuation",
                         Tier.AUTO, f"No space before '{text[m.end('sp')]}'.", Category.SPACING))
    for m in matches_at(_BRACKET_SPACE, text, at["bracket"], len(text)):
        out.append(_edit(doc, base + m.start("sp"), base + m.end("sp"), "", "space-inside-brackets", Tier.AUTO,
                         "No space inside brackets.", Category.SPACING))
    for m in matches_at(_DOUBLE_MARK, text, at["double"], len(text)):
        mark = m.group()[0]
        if mark == "," and (len(m.group()) > 2 or not _sure_doubled_comma(text, m) and _lost_items(text, m)):
            continue  # items of a list lost with their links ("were,,, and others"): not a slip to fix
        if mark == "." and not _ABBREVIATION_BEFORE.search(text, max(0, m.start() - 12), m.start()):
            continue  # "Ah.. guys": an informal ellipsis, which post-editors keep (MLQE-PE: 0 of 3)
        # ".." may be an informal ellipsis ("Ah.. guys"), and ",," (",,,") a list whose items
        # were lost (links stripped from a web page: "artists were,,, and others", "include,,
        # Drago Jančar,, and"): only ",," between two lower-case words that cannot frame such a
        # list is a sure slip
        out.append(_edit(doc, base + m.start(), base + m.end(), mark, "doubled-punctuation",
                         Tier.AUTO if _sure_doubled_comma(text, m) else Tier.SUGGEST, f"Doubled '{mark}'."))
    for m in matches_at(_NO_SPACE_AFTER_COMMA, text, at["comma"], len(text)):
        out.append(_edit(doc, base + m.end(), base + m.end(), " ", "space-after-comma", Tier.SUGGEST,
                         "A comma between words is followed by a space.", Category.SPACING))
    return out


def find(doc: Document) -> list[Edit]:
    """Every punctuation and spacing edit in ``doc``."""
    edits: list[Edit | None] = []
    for lo, hi in doc.ranges():
        text = doc.text[lo:hi] if (lo, hi) != (0, len(doc.text)) else doc.text
        at = _marks(text)
        for finder in (_split_stops, _hyphen_spaces, _simple):
            edits.extend(finder(doc, text, lo, at))
    return [e for e in edits if e is not None]
