"""The names pass on short texts: repairs that generalise, precision, linear memory."""
from __future__ import annotations

import tracemalloc

import pytest

from service.core.document import Document
from service.core.inventory import MAX_NAME_LEN, NameIndex, NameInventory
from service.passes import exonyms, names


def _got(text: str, glossary: frozenset[str] = frozenset()) -> dict[str, tuple[str, str]]:
    return {e.original: (e.replacements[0], e.tier.value) for e in names.find(Document(text, glossary))}


@pytest.mark.parametrize(
    "text, bad, fixed",
    [
        # one earlier mention is enough for a stutter
        ("General Colin Powell arrived on Monday. Later Powowell spoke to reporters.", "Powowell", "Powell"),
        ("Mario Draghi said so. Analysts in Rome agreed. Draghghghi left.", "Draghghghi", "Draghi"),
        # a fused title with any name, its first letters lost
        ("President Donald Trump met aides. The aides said Presidentrump agreed.", "Presidentrump",
         "President Trump"),
        ("General Qassem Soleimani landed. The killing of Generalimimimani shook the region.",
         "Generalimimimani", "General Soleimani"),
        # a split name, its second part in lower case
        ("Soleimani landed in Baghdad. Soleim ani was killed.", "Soleim ani", "Soleimani"),
        # a doubled letter with neighbour agreement
        ("Hassan Nasrallah spoke. Nasrallah agreed. Later Hassan Nasrallahh laughed.", "Nasrallahh",
         "Nasrallah"),
        # the title in front agrees with the one earlier mention ("President Donald Trump")
        ("President Donald Trump met aides. Later President Trupm spoke.", "Trupm", "Trump"),
        # a Romanian article left on a name whose bare form appears
        ("The port of Narvik was closed. Ships left Narvikul on Monday.", "Narvikul", "Narvik"),
    ],
)
def test_repairs_with_the_evidence_of_a_short_text(text, bad, fixed):
    got = _got(text)
    assert got.get(bad) == (fixed, "auto")


def test_glossary_is_evidence_for_a_lost_letter():
    got = _got("The envoy Leitnr arrived on Monday.", frozenset({"Markus Leitner"}))
    assert got.get("Leitnr") == ("Leitner", "auto")


def test_without_a_signal_a_lost_letter_is_left_alone():
    # one earlier mention, no neighbour in common: "Conall" may be another person
    assert _got("Donald Trump met aides. Later Trmp spoke.") == {}


def test_two_spellings_in_one_document_are_flagged():
    text = ("Hassan Rouhani spoke. Hassan Rouhani left. Rouhani said no. Rouhani left. "
            "Hassan Rohani came back. Hassan Rohani smiled.")
    got = _got(text)
    assert got.get("Rohani") == ("Rouhani", "suggest")


@pytest.mark.parametrize(
    "text",
    [
        # a rare real name next to a frequent one, no other signal (issue 10)
        "Connally spoke. Connally left. Connally agreed. A statement from Connall followed.",
        "Andover is a town. Andover voted. Andover won. And over the years it grew.",
        "Niunius is here. Niunius left. Niunius won. A statement from Niuniu followed.",
        # never a name into another real person
        "Marc Gasol scored. Marc Gasol won. Marc Gasol left. Mark Gabold watched the game.",
        "Zhengzhou grew. Zhengzhou is large. Zhengzhou spoke. Zhangzhou is a city too.",
        # ordinary words and real names with repeats inside
        "The Generals met. Generally, it rained. Mississippi is a state. Barbara Bush spoke.",
        # correct English names of places
        "Moscow and Munich replied. Warsaw and Bucharest too. The Roma people live in Bucharest.",
    ],
)
def test_no_suggestion_without_a_garble_signal(text):
    assert _got(text) == {}


def test_untranslated_place_names_get_their_english_exonym_as_a_suggestion():
    got = _got("Talks in Bucuresti ended. Delegates flew from Moskva and Warszawa to München.")
    assert got == {"Bucuresti": ("Bucharest", "suggest"), "Moskva": ("Moscow", "suggest"),
                   "Warszawa": ("Warsaw", "suggest"), "München": ("Munich", "suggest")}
    assert exonyms.exonym("Moscow") is None and exonyms.is_place("Zhengzhou")


def test_turkish_case_ending_on_a_known_name_is_suggested_away():
    got = {e.original: e.replacements[0] for e in names.find(Document("Ankara said no. Talks in Ankara'da ended."))}
    assert got.get("'da") == ""


def test_unstutter_removes_one_repeated_syllable_at_a_time():
    assert "Powell" in names.unstutter("Powowell")
    assert "Gerasimov" in names.unstutter("Gerasimovmovmov")
    assert names.unstutter("x" * (MAX_NAME_LEN + 1)) == []


# ---------------------------------------------------------------- linear memory (issue 14.2)
def _long_word_text(letters: int) -> str:
    filler = "General Soleimani met Hassan Nasrallah in Beirut. " * 200
    return filler + "Z" + "a" * (letters - 1) + " spoke. " + filler


def test_index_entries_are_linear_in_the_names_not_quadratic_in_word_length():
    names_ = [f"Name{chr(97 + i % 26)}{chr(97 + i // 26 % 26)}x" for i in range(500)]
    small = NameIndex(names_[:250])
    big = NameIndex(names_)
    assert big.size() <= 2.1 * small.size()  # twice the names, about twice the entries
    per_name = (MAX_NAME_LEN + 2) * 2 + 1
    huge = NameIndex(["Z" + "a" * 60_000, "Q" + "b" * 100_000, *names_])
    assert huge.size() <= per_name * len(names_)  # the long words add no entry
    assert huge.chars() <= (MAX_NAME_LEN + 2) ** 2 * len(names_)


def test_inventory_of_a_long_word_is_linear():
    text = _long_word_text(60_000)
    inv = NameInventory.build(text, frozenset({"Q" + "b" * 100_000 + " Leitner"}))
    # one counter entry for the long word, no links or pairs through it
    assert sum(len(w) for w in inv.words) <= 2 * len(text)
    assert all(len(a) <= MAX_NAME_LEN and len(b) <= MAX_NAME_LEN for a, b in inv.links)
    assert len(inv.links) <= 5 * len(inv.words)


@pytest.mark.parametrize("letters", [60_000])
def test_names_pass_memory_on_a_long_capitalised_word_and_glossary_line(letters):
    text = _long_word_text(letters)
    glossary = frozenset({"Q" + "b" * 100_000, "Markus Leitner"})
    tracemalloc.start()
    try:
        edits = names.find(Document(text, glossary))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert not [e for e in edits if len(e.original) > MAX_NAME_LEN]
    # every prefix of the word would be letters**2 / 2 = 1.8 GB; allow a few copies of the input
    assert peak < 40 * (len(text) + 100_000)
