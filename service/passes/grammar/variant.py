"""The English variant a document is written in, from its own spellings.

Counts the words whose spelling differs between British (and Commonwealth) and American
English: -our/-or (colour, favourite), -re/-er (centre, kilometres), -ise/-ize with its
derivations (organise, organisation), a doubled l before a suffix (travelled, cancelling),
-ence/-ense (defence, offence), -yse/-yze and a list of single words (programme, grey,
aluminium, whilst).  A document with clearly more British than American forms is ``GB``
(LanguageTool ``en-GB``); otherwise ``US``.  Australian and Canadian spelling cannot be told
from British (or, for Canada, from a mix) reliably by spelling alone: ``AU`` and ``CA`` are
used when asked for (``GrammarSettings.variant``).  LanguageTool then checks the text in that
variant, so it never converts one variant's spelling into another's unless asked.
"""
from __future__ import annotations

from collections import Counter

import regex

VARIANTS = {"US": "en-US", "GB": "en-GB", "AU": "en-AU", "CA": "en-CA", "NZ": "en-NZ", "ZA": "en-ZA"}
_WORD = regex.compile(r"\p{L}+")
_OUR = regex.compile(
    r"(?:colo|favo|labo|neighbo|behavio|harbo|hono|humo|rumo|vapo|vigo|armo|flavo|parlo|endeavo|odo|rigo|"
    r"splendo|valo|clamo|demeano|ardo|cando|tumo|savo)(u?)r(?:s|ed|ing|ite|ites|able|ably|hood|hoods|er|ers|ful|"
    r"less|ly)?")
_RE = regex.compile(r"(?:cent|theat|kilomet|centimet|millimet|lit|fib|calib|sab|somb|spect|lust|epicent|meag|"
                    r"sepulch|manoeuv|maneuv)(re|er)(?:s|d)?")
_LL = regex.compile(r"(?:travel|cancel|label|model|fuel|signal|total|counsel|level|channel|funnel|tunnel|quarrel|"
                    r"equal|dial|duel|rival|pedal|shovel|marvel|jewel|grovel|revel)(l?)(?:ed|ing|er|ers|ous)")
_ISE = regex.compile(r"\p{L}{3,}i([sz])(?:e|es|ed|ing|ation|ations|er|ers)")
_YSE = regex.compile(r"(?:anal|paral|catal|dial)y([sz])(?:e|es|ed|ing)")
GB_WORDS = frozenset("""defence offence pretence licence programme programmes grey aluminium whilst amongst
    sceptical sceptic sceptics manoeuvre paediatric anaemia haemorrhage foetus aeroplane aeroplanes mould
    smoulder pyjamas enrol enrolment fulfil fulfilment skilful instalment ageing jewellery catalogue
    catalogues tyre tyres kerb plough cheque cheques storey storeys gaol tonne tonnes""".split())
US_WORDS = frozenset("""defense offense pretense aluminum skeptical skeptic skeptics maneuver pediatric anemia
    hemorrhage fetus airplane airplanes mold smolder pajamas enroll enrollment fulfill fulfillment skillful
    installment aging jewelry catalog catalogs tire tires curb plow check checks""".split()) - {"check", "checks",
                                                                                                  "tire", "tires",
                                                                                                  "curb", "mold",
                                                                                                  "aging"}


def _counterpart_known(word: str, other: str) -> bool:
    from wordfreq import zipf_frequency  # imported here: wordfreq costs ~0.2 s at every CLI start

    return zipf_frequency(word, "en") >= 2.0 and zipf_frequency(other, "en") >= 2.0


def evidence(text: str) -> Counter[str]:
    """``{"GB": n, "US": m}``: distinct words of the text spelt the British or American way."""
    seen: set[str] = set()
    votes: Counter[str] = Counter()
    for m in _WORD.finditer(text):
        w = m.group().lower()
        if w in seen or len(w) < 3:
            continue
        seen.add(w)
        if w in GB_WORDS:
            votes["GB"] += 1
            continue
        if w in US_WORDS:
            votes["US"] += 1
            continue
        if (g := _OUR.fullmatch(w)) is not None:
            votes["GB" if g.group(1) else "US"] += 1
        elif (g := _RE.fullmatch(w)) is not None:
            other = w[:g.start(1)] + g.group(1)[::-1] + w[g.end(1):]
            if _counterpart_known(w, other):
                votes["GB" if g.group(1) == "re" else "US"] += 1
        elif (g := _LL.fullmatch(w)) is not None:
            votes["GB" if g.group(1) else "US"] += 1
        elif (g := _YSE.fullmatch(w)) is not None:
            votes["GB" if g.group(1) == "s" else "US"] += 1
        elif (g := _ISE.fullmatch(w)) is not None:
            other = w[:g.start(1)] + ("z" if g.group(1) == "s" else "s") + w[g.end(1):]
            if _counterpart_known(w, other):
                # -ize is also Oxford British: weak evidence for US; -ise is British only
                votes["GB" if g.group(1) == "s" else "US_ize"] += 1
    return votes


def detect(text: str) -> str:
    """``GB`` when the text spells clearly more words the British way, else ``US``."""
    v = evidence(text)
    us = v["US"] + v["US_ize"] / 2
    return "GB" if v["GB"] >= 1 and v["GB"] > 2 * us else "US"


def normalise(variant: str | None) -> str | None:
    """``US``/``GB``/... from ``us``, ``en-GB``, ``en_gb``, ``UK`` (None or ``auto``: None)."""
    if not variant or variant.lower() == "auto":
        return None
    v = variant.upper().replace("_", "-").removeprefix("EN-")
    v = "GB" if v == "UK" else v
    if v not in VARIANTS:
        raise ValueError(f"unknown English variant {variant!r}: use one of {', '.join(VARIANTS)} or auto")
    return v


def language_for(text: str, forced: str | None = None) -> str:
    """The LanguageTool language code for ``text``: the forced variant, or the detected one."""
    v = normalise(forced) or detect(text)
    return VARIANTS[v]


_CANON = [(regex.compile(p), r) for p, r in (
    (r"yre(s)?$", r"ire\1"),
    (r"our(?=s?$|ed$|ing$|ite|able|ably|hood|er|ful|less|ly)", "or"), (r"([^aeiouy])re(s|d)?$", r"\1er\2"),
    (r"is(e|es|ed|ing|ation|ations|er|ers)$", r"iz\1"), (r"ys(e|es|ed|ing)$", r"yz\1"),
    (r"ll(ed|ing|er|ers|ous)$", r"l\1"), (r"ence$", "ense"), (r"mme(s)?$", r"m\1"), (r"ogue(s)?$", r"og\1"),
    (r"ae", "e"), (r"oe", "e"), (r"grey", "gray"), (r"ium$", "um"),
    (r"ement$", "ment"), (r"eing$", "ing"), (r"^(enrol|fulfil|instal|skil)", r"\1l"), (r"sc(?=eptic)", "sk"),
)]


def _canon(word: str) -> str:
    w = word.lower()
    for pattern, rep in _CANON:
        w = pattern.sub(rep, w)
    return w


def other_variant(original: str, replacement: str) -> bool:
    """``replacement`` is ``original`` in another English variant's spelling (colour/color,
    organised/organized, metres/meters, defence/defense, travelled/traveled)."""
    if original.lower() == replacement.lower():
        return False
    return _canon(original) == _canon(replacement)
