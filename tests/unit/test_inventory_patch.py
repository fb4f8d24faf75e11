"""NameInventory.patched: the inventory of an edited text from the counts of the lines the
edits touch gives the same counts (and the same name index) as counting the whole text."""
from __future__ import annotations

import random

import pytest

from service.core.document import Document
from service.core.inventory import NameIndex, NameInventory
from service.core.model import Edit, Tier
from service.engine.apply import apply_edits
from service.passes.names import references

BASE = ("General Qassem Soleimani met President Donald Trump. The Soleim ani visit.\n"
        "Mcdonald said so.  Later McDonald and Hassan Nasrallah spoke in New York.\n\n"
        "\u00a0Ankara'da Hassan Nasralah arrived. (Iraq is) calm; Trump, Trupm and Powowell.\n"
        "“Vladimir Putin” and Angela Merkel — Berlin.\nLast line without a break")
PIECES = ["", " ", "\n", "\n\n", "Trump", "Mcdonald", "McDonald", "New", " York", ". The", "Ab Cd",
          "x", "-", "'s", "Soleimani", "\u00a0"]


def _edit(text: str, start: int, end: int, rep: str) -> Edit:
    return Edit(start, end, text[start:end], (rep,), "test.rule", "debris", Tier.AUTO, "m", "s", "debris")


def _random_edits(rng: random.Random, text: str, n: int) -> list[Edit]:
    edits, taken = [], set()
    for _ in range(n):
        start = rng.randrange(0, len(text) + 1)
        end = min(len(text), start + rng.choice([0, 1, 2, 5, 12]))
        span = set(range(start - 1, end + 1))
        if span & taken:
            continue
        taken |= span
        rep = rng.choice(PIECES)
        if rep != text[start:end]:
            edits.append(_edit(text, start, end, rep))
    return edits


def _same(a: NameInventory, b: NameInventory) -> None:
    assert dict(a.words) == dict(b.words)
    assert dict(a.pairs) == dict(b.pairs)
    assert dict(a.mid) == dict(b.mid)
    assert dict(a.links) == dict(b.links)


def _index(text: str, inv: NameInventory) -> dict[str, str]:
    refs = references(Document(text, names=inv))
    return NameIndex(refs, lambda n: refs[n].strong).exact


@pytest.mark.parametrize("seed", range(40))
def test_patched_counts_as_a_build(seed: int) -> None:
    rng = random.Random(seed)
    text = "\n".join([BASE] * 12) if seed % 2 else "\n\n".join([BASE.replace("\n", "\n\n")] * 12)
    edits = _random_edits(rng, text, rng.randint(1, 6))
    assert edits
    applied = apply_edits(text, edits)
    base = NameInventory.build(text)
    patched = base.patched(applied.text, applied.applied)
    assert patched is not None  # a few lines of a long text
    full = NameInventory.build(applied.text)
    _same(patched, full)
    assert not patched.ordered and full.ordered
    assert _index(applied.text, patched) == _index(applied.text, full)


def test_patched_keeps_the_first_used_of_two_spellings_alike_but_for_case() -> None:
    # the edit removes the first "Abusaleh": "AbuSaleh" is now used first, and a build of the
    # edited text indexes it (the index keeps the first of two names alike but for case)
    text = "Abusaleh spoke.\n" + "filler line.\n" * 40 + "AbuSaleh spoke.\nAbusaleh again.\n"
    applied = apply_edits(text, [_edit(text, 0, 8, "He")])
    base = NameInventory.build(text)
    patched = base.patched(applied.text, applied.applied)
    assert patched is not None
    full = NameInventory.build(applied.text)
    _same(patched, full)
    assert list(patched.words) != list(full.words)  # counts alike, order of first use not
    assert _index(applied.text, full)["abusaleh"] == "AbuSaleh"
    assert _index(applied.text, patched)["abusaleh"] == "AbuSaleh"


def test_patched_refuses_edits_that_do_not_make_the_text() -> None:
    text = "Hassan Nasralah met Hassan Nasrallah.\nTrump.\n"
    e = _edit(text, 7, 15, "Nasrallah")
    base = NameInventory.build(text)
    assert base.patched("something else entirely, same-ish length!!", [e]) is None
    assert base.patched(text, []) is None
