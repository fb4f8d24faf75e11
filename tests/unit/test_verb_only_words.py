"""verb_only answers from the shipped word list exactly as lemminflect's getAllLemmas does
(issue 12: cleaning no longer loads lemminflect's tables when it meets ',,')."""
from __future__ import annotations

from lemminflect import getAllLemmas
from lemminflect.core.Lemmatizer import Lemmatizer

from service.passes import verb_only_words
from service.passes.punctuation import verb_only


def _lemminflect_verb_only(word: str) -> bool:
    pos = set(getAllLemmas(word))
    return bool(pos) and pos <= {"VERB", "AUX"}


def test_list_is_what_lemminflect_generates():
    assert verb_only_words.WORDS.splitlines() == verb_only_words.generate()


def test_same_answer_as_lemminflect_for_every_word_it_knows():
    lem = Lemmatizer()
    words = set(lem._getLemmaDict()) | set(lem._getOverridesDict())
    # every key (any case), its lower and title case, and words it does not know
    probes = words | {w.lower() for w in words} | {w.title() for w in words} | {
        "qwzx", "", "Has", "HAS", "consists", "attach", "region", "the", "run", "ran", "purée"}
    wrong = [w for w in probes if verb_only(w) != _lemminflect_verb_only(w)]
    assert not wrong, wrong[:20]
    assert verb_only("consists") and verb_only("Attach") and not verb_only("region")
