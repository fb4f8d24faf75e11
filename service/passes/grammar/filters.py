"""Which LanguageTool matches the grammar pass does not offer, and why.

Each check takes the whole text and the match's code-point span and returns a reason (a short
string) to drop the match, or "" to keep it:

* the speller on a lowercase word that is foreign (not an English word by wordfreq, but a
  frequent word of another language: "burqa", "niqab", "d'état", "ein", "har"), or that stands
  next to a name particle (al-, bin, van, de: "Ich bin ein Berliner", "al- Baghdadi");
* any rule that turns a name into another name ("Mark Gabold" -> "Marc Gasol");
* a sentence-start capital that does not follow a real sentence end (a fragment, a list item,
  a headline, a paragraph's first word, after an abbreviation);
* a/an fitted to a word that is not a real word ("a orofessor": the speller's business).
"""
from __future__ import annotations

from functools import lru_cache

import regex
from wordfreq import zipf_frequency

# languages whose frequent words show up untranslated in English text (Latin script only;
# Malay/Indonesian and Vietnamese left out: short English typos are words there, "teh")
FOREIGN_LANGS = ("fr", "de", "es", "it", "pt", "nl", "sv", "nb", "da", "fi", "pl", "cs", "ro", "hu", "ca", "tr")
FOREIGN_ZIPF = 3.0  # a word of another language at least this frequent there ...
FOREIGN_MARGIN = 0.5  # ... and this much more frequent there than in English
REAL_WORD_ZIPF = 3.0  # a/an only before a word at least this frequent in English
TYPO_ZIPF = 3.1  # the speller only on words rarer than this in English (wordfreq lists common slips)
NAME_PARTICLES = frozenset("""al el ad an ar as ash at az bin ibn abu abd bint ben ul ud van von der den de di
    da du del della dos das le la zu ter ten""".split())
FUNCTION_CAPS = frozenset("a an the this that these those it he she they we i in on at of".split())
_TOKEN = regex.compile(r"[\p{L}\p{M}][\p{L}\p{M}'’]*")
_PARTS = regex.compile(r"[-'’]")
_CAP = regex.compile(r"\p{Lu}[\p{L}\p{M}'’-]*")
_NEXT_WORD = regex.compile(r"[\s\"“'‘(]+([\p{L}\d][\p{L}\p{M}\d'’-]*)")
# a real sentence end before a sentence start: a word of two letters or more, a digit or a
# closing quote/bracket, then . ! ? (and a closing quote), then space
_SENTENCE_END = regex.compile(r"(?:(\p{L}[\p{L}.]*)|[\d\"”’)\]])[.!?][\"”’)]?\s+$")
SENTENCE_START_RULES = ("UPPERCASE_SENTENCE_START",)
# compounds ("tear gas"/"teargas", "well equipped") and Oxford spelling are house style: on
# MLQE-PE dev + 6,000 train sentences the compound rules moved 7 sentences toward the post-edit
# and 12 away
_CONVENTION_RULES = regex.compile(r"^EN_COMPOUNDS_|_COMPOUNDS(?:_|$)|^OXFORD_SPELLING")
A_AN_RULES = ("EN_A_VS_AN",)


@lru_cache(maxsize=50_000)
def zipf_en(word: str) -> float:
    """English Zipf frequency (wordfreq)."""
    return zipf_frequency(word, "en")


@lru_cache(maxsize=50_000)
def is_foreign(word: str) -> bool:
    """A word of another language rather than English: frequent in one of :data:`FOREIGN_LANGS`
    and clearly less frequent in English."""
    w = word.lower()
    if len(w) < 2:
        return False
    en = zipf_en(w)
    if en >= 4.0:
        return False
    other = max(zipf_frequency(w, lang, wordlist="small") for lang in FOREIGN_LANGS)
    return other >= FOREIGN_ZIPF and other >= en + FOREIGN_MARGIN


def _word_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    while start > 0 and (text[start - 1].isalnum() or text[start - 1] in "'’-"):
        start -= 1
    while end < len(text) and (text[end].isalnum() or text[end] in "'’-"):
        end += 1
    return start, end


def _neighbours(text: str, start: int, end: int) -> tuple[str, str]:
    """The words just before and just after ``[start, end)`` (within 40 characters)."""
    before = _TOKEN.findall(text[max(0, start - 40):start])
    after = _TOKEN.findall(text[end:end + 40])
    return (before[-1] if before else ""), (after[0] if after else "")


def foreign_or_name_word(text: str, start: int, end: int) -> str:
    """Why the speller must leave the lowercase word at ``[start, end)`` alone, or ""."""
    ws, we = _word_bounds(text, start, end)
    word = text[ws:we]
    parts = [p for p in _PARTS.split(word) if p]
    if any(p.lower() in NAME_PARTICLES for p in parts) or word.endswith("-"):
        return "a name particle"
    prev, nxt = _neighbours(text, ws, we)
    if prev.lower() in NAME_PARTICLES or nxt.lower() in NAME_PARTICLES:
        return "next to a name particle"
    if any(is_foreign(p) for p in parts):
        return "a word of another language"
    return ""


def name_into_name(original: str, replacement: str) -> bool:
    """The replacement swaps a capitalised word (a name) for another capitalised word."""
    gone = {w for w in _CAP.findall(original) if w.lower() not in FUNCTION_CAPS} - set(_CAP.findall(replacement))
    new = {w for w in _CAP.findall(replacement) if w.lower() not in FUNCTION_CAPS} - set(_CAP.findall(original))
    if not gone or not new:
        return False
    lowered = {w.lower() for w in _TOKEN.findall(replacement)}
    return any(w.lower() not in lowered for w in gone)


def after_real_sentence_end(text: str, start: int) -> bool:
    """A sentence ended just before ``start`` (in the same paragraph, on the same line, not
    after an abbreviation or an initial)."""
    line_start = text.rfind("\n", 0, start) + 1
    before = text[line_start:start]
    m = _SENTENCE_END.search(before)
    if not m:
        return False
    word = m.group(1)
    if word is not None:
        from service.passes.punctuation import is_abbreviation

        if len(word) < 2 or "." in word or is_abbreviation(word):
            return False
    return True


def next_word_is_real(text: str, end: int) -> bool:
    """The word after an article is an English word (or a number, an acronym)."""
    m = _NEXT_WORD.match(text, end)
    if not m:
        return False
    w = m.group(1)
    if w[0].isdigit() or (len(w) > 1 and w.isupper()):
        return True
    return zipf_en(w.lower()) >= REAL_WORD_ZIPF or zipf_en(w) >= REAL_WORD_ZIPF


def _typo_fix(original: str, candidate: str) -> bool:
    """``candidate`` fixes ``original`` as a typo: one slip apart (a letter left out, added,
    changed or two swapped) and an ordinary English word, while ``original`` is not one.
    Measured on MLQE-PE dev: the speller's guesses for the rare words MT makes up ("naratorial",
    "exponates", "formatate") are right about one time in ten; its fixes of slips are right."""
    from rapidfuzz.distance import OSA

    if " " in candidate or zipf_en(original.lower()) >= TYPO_ZIPF:
        return False
    return OSA.distance(original.lower(), candidate.lower()) <= 1 and zipf_en(candidate.lower()) >= REAL_WORD_ZIPF


def sure_article(text: str, start: int, end: int, replacement: str) -> bool:
    """a -> an before a word spelt with a, e, i, o; an -> a before a consonant letter other than
    h (and not an acronym): the cases no pronunciation can excuse ("an humble", "an united",
    "an FBI", "a one-off" stay suggestions)."""
    m = _NEXT_WORD.match(text, end)
    if not m:
        return False
    nxt = m.group(1)
    if nxt.isupper() or not nxt[0].isalpha():
        return False
    first = nxt[0].lower()
    if text[start:end].lower() == "a" and replacement.lower() == "an":
        return first in "aeio" and not nxt.lower().startswith(("one", "eu", "once"))
    if text[start:end].lower() == "an" and replacement.lower() == "a":
        return first not in "aeiouh"
    return False


# "going on on land"
_DOUBLES_OK = frozenset("had that is was do did can will very so far more bye ha no yes well on in up out off down over"
                        .split())


# "call the rubbish rubbish": the second word names the first
_NAMING_BEFORE = regex.compile(r"\b(?:call|calls|called|calling|name|names|named|naming|term|terms|termed|dub|dubs|"
                               r"dubbed)\s+(?:(?:the|a|an|this|that|it|them|him|her|his|their)\s+)?$", regex.I)


def sure_repeat(original: str, before: str = "") -> bool:
    """A doubled lowercase word that is never doubled on purpose ("the the"; not "had had",
    not a heading run into its sentence: "Legislation Legislation", not a thing called by its
    name: "until we call the rubbish rubbish"); ``before``: the text just before."""
    words = original.split()
    return (len(words) == 2 and words[0] == words[1] and words[0].islower() and words[0] not in _DOUBLES_OK
            and not _NAMING_BEFORE.search(before[-40:]))


def sure_spacing(text: str, end: int) -> bool:
    """A space before , or . is surely wrong when a space or the end follows ("failed , he");
    "J .Adams", "people .s lives" are garbled text for a person to look at."""
    return end >= len(text) or text[end].isspace() or text[end] in "\"”’)"


def removes_spaces_only(original: str, replacement: str) -> bool:
    """The fix only takes spaces out ("failed , he" -> "failed, he", "( quickly" -> "(quickly");
    one that puts a space after a comma is a guess inside garbled text ("t,Soo million" is an
    OCR'd "1,500 million")."""
    return len(replacement) < len(original) and "".join(replacement.split()) == "".join(original.split())


def candidates(text: str, start: int, end: int, spelling: bool, replacements: tuple[str, ...],
               variant_forced: bool, speller: bool = False) -> tuple[str, ...]:
    """The replacements worth offering: never the same word in another English variant's
    spelling (unless a variant was asked for), and for the speller never a capitalised word
    (a name, an acronym) for a lowercase one ("na" -> "NBA", "burqa" -> "Burma")."""
    from service.passes.grammar.variant import other_variant

    original = text[start:end]
    out = []
    for r in replacements:
        if not variant_forced and other_variant(original, r):
            continue
        if spelling and original[:1].islower() and r[:1].isupper():
            continue
        if speller and not _typo_fix(original, r):
            continue
        out.append(r)
    return tuple(out)


_SPACED_ELLIPSIS = regex.compile(r"\. \. \.")
# a two-word phrase with "to" said twice: "(from) paycheck to paycheck to", "(work) to do to do"
_TO_REPEAT = regex.compile(r"(?i)^(?:(\p{L}+) to \1 to|to (\p{L}+) to \2)$")
_NOT_AFTER_ARTICLE = frozenset("""do does did done be is are was were been have has had will would can could should
    may might must shall d the a an to of and or not so say says said get make go come take give see know""".split())


# before an article, a word that already determines the noun: the article is the slip
# ("This a announcement" is "This announcement" or "This is an announcement", never "This an")
_DETERMINERS = frozenset("the a an this that these those my your his her its our their some any no every each"
                         .split())
_PREVIOUS_WORD = regex.compile(r"(\p{L}+)\s+$")


def _next_is_verb_or_function_word(text: str, end: int) -> bool:
    from service.passes.punctuation import verb_only

    m = _NEXT_WORD.match(text, end)
    return bool(m) and (m.group(1).lower() in _NOT_AFTER_ARTICLE or verb_only(m.group(1).lower()))


def _previous_is_determiner(text: str, start: int) -> bool:
    m = _PREVIOUS_WORD.search(text, max(0, start - 30), start)
    return bool(m) and m.group(1).lower() in _DETERMINERS


def reject(text: str, start: int, end: int, rule: str, spelling: bool, replacements: tuple[str, ...]) -> str:
    """Why the grammar pass must not offer this match ("" to offer it)."""
    original = text[start:end]
    if _CONVENTION_RULES.search(rule):
        return "a spelling convention (open or closed compounds, -ise/-ize), not an error"
    if replacements and name_into_name(original, replacements[0]):
        return "turns a name into another name"
    if spelling:
        ws, we = _word_bounds(text, start, end)
        if not any(ch.isupper() for ch in text[ws:we]):
            why = foreign_or_name_word(text, start, end)
            if why:
                return why
    if rule in SENTENCE_START_RULES and not after_real_sentence_end(text, start):
        return "not after a real sentence end"
    if rule in A_AN_RULES and not next_word_is_real(text, end):
        return "the next word is not a real word"
    if rule in A_AN_RULES and _next_is_verb_or_function_word(text, end):
        return "the article is probably a slip for another word ('people an do', 'fatalist an say', 'a attach')"
    if rule in A_AN_RULES and _previous_is_determiner(text, start):
        return "the article itself is the slip after a determiner ('This a announcement')"
    if rule == "PHRASE_REPETITION" and _TO_REPEAT.match(original):
        return "'from place to place to', 'work to do to do': a phrase with 'to' that English repeats"
    if rule == "COMMA_PARENTHESIS_WHITESPACE" and _SPACED_ELLIPSIS.search(text, max(0, start - 4), end + 4):
        return "a spaced ellipsis ('the laws . . . become')"
    return ""
