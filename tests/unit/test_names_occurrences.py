"""The names pass visits only the occurrences that may need a repair (a whole-text scan skips
the others, :meth:`Repairer._worth_visiting`); it must find exactly what a visit of every
capitalised word finds (``find(ranges)``, the scan of a re-check).  Compared on texts built from
the blind sentences and the sample, with names garbled the ways the pass repairs (split, doubled
and swapped letters, stutters, fused titles, Romanian and Turkish endings) and function words
before names."""
from __future__ import annotations

import dataclasses
import functools
import random
from pathlib import Path

import pytest
import regex
import yaml

from service.core.document import Document
from service.core.inventory import NameInventory
from service.passes import names

ROOT = Path(__file__).resolve().parents[2]
_NAME = regex.compile(r"\b\p{Lu}\p{Ll}{3,}\b")


@functools.lru_cache(maxsize=1)
def _sentences() -> list[str]:
    out = [p for p in (ROOT / "samples" / "soleimani-vi-en.txt").read_text(encoding="utf-8").split("\n") if p.strip()]
    for f in sorted((ROOT / "tests" / "blind").glob("*.yaml")):
        for case in yaml.safe_load(f.read_text(encoding="utf-8")).get("cases", []):
            out.append(case["text"])
    return out


def _garble(word: str, rng: random.Random) -> str:
    i = rng.randrange(1, len(word) - 1)
    kind = rng.randrange(8)
    if kind == 0:
        return word[:i] + " " + word[i:].lower()  # split
    if kind == 1:
        return word[:i] + word[i] + word[i:]  # doubled letter
    if kind == 2:
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]  # swapped letters
    if kind == 3:
        return word[:i] + word[i:i + 2] * 3 + word[i + 2:]  # stutter
    if kind == 4:
        return "General" + word[i:].lower()  # fused title
    if kind == 5:
        return word + rng.choice(["ul", "ului", "lui"])  # Romanian article
    if kind == 6:
        return word + rng.choice(["'da", "’nın", "'ye", "'s"])  # Turkish ending, possessive
    return rng.choice(["The ", "In ", "A ", "And "]) + word


def _document(rng: random.Random, pool: list[str]) -> str:
    paras = []
    for _ in range(rng.randrange(20, 60)):
        s = rng.choice(pool)
        if rng.random() < 0.5:
            found = _NAME.findall(s)
            if found:
                w = rng.choice(found)
                s = s.replace(w, _garble(w, rng), 1)
        paras.append(s)
    return rng.choice(["\n", "\n\n", " "]).join(paras)


def _edits(found) -> list[tuple]:
    return [(e.start, e.end, e.replacements, e.rule_id, e.tier.value, e.message) for e in found]


@pytest.mark.parametrize("seed", range(40))
def test_skipping_occurrences_finds_what_visiting_all_finds(seed):
    rng = random.Random(seed)
    text = _document(rng, _sentences())
    doc = Document(text)
    assert doc.names.occurrences is not None
    fast = names.Repairer(doc, names.references(doc)).find()
    every = names.Repairer(doc, names.references(doc)).find([(0, len(text))])
    assert _edits(fast) == _edits(every)


def test_the_garbles_are_found_at_all():
    """The comparison above is not between two empty lists."""
    found = 0
    for seed in range(40):
        rng = random.Random(seed)
        found += len(names.find(Document(_document(rng, _sentences()))))
    assert found >= 40


def test_without_occurrences_the_pass_visits_every_word():
    text = "Hassan Nasrallah spoke. Nasrallah agreed. Later Hassan Nasrallahh laughed."
    inv = NameInventory.build(text)
    assert inv.occurrences is not None and inv.occurrences[0][:2] == ["Hassan", "Nasrallah"]
    doc = Document(text, names=dataclasses.replace(inv, occurrences=None))  # as a patched one
    assert doc.names.occurrences is None
    assert [e.replacements[0] for e in names.find(doc)] == [e.replacements[0] for e in names.find(Document(text))]


def test_the_near_index_of_a_shared_glossary_is_made_once_and_never_changed():
    """The chunks of one document share a glossary of thousands of names: its deletion index is
    made once for the process; an index that adds a name afterwards gets its own."""
    from service.core.inventory import NameIndex, _near_index

    names_ = ["Nasrallah", "Soleimani", "Qassem", "Baghdad"]
    a, b = NameIndex(names_), NameIndex(list(reversed(names_)))
    assert a.neighbours is b.neighbours  # one index, whatever order the names came in
    assert a.near("Nasralah") == ["Nasrallah"] and b.near("Soleimany") == ["Soleimani"]
    before = {k: list(v) for k, v in a.neighbours.items()}
    a.add("Tehran")
    assert a.near("Teheran") == ["Tehran"] and b.near("Teheran") == []
    assert {k: list(v) for k, v in b.neighbours.items()} == before
    assert _near_index.cache_info().hits >= 1
