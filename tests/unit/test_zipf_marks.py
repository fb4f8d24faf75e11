"""zipf() answers words with combining marks ("i̇stanbul", "İstanbul".lower()) from the cached
list, without importing wordfreq, and gives wordfreq's own answer."""
from __future__ import annotations

import random
import unicodedata

from wordfreq import get_frequency_dict, zipf_frequency

from service.core.inventory import _marked_token, zipf


def _words() -> list[str]:
    rng = random.Random(7)
    listed = sorted(get_frequency_dict("en"))
    accented = [w for w in listed if any("\u00c0" <= c < "\u0530" for c in w)]
    dotted = [w for w in listed if w.isalpha() and w.startswith("i")]
    plain = [w for w in listed if w.isalpha()]
    return ([unicodedata.normalize("NFD", w) for w in rng.sample(accented, 400)]
            + ["İ".lower() + w[1:] for w in rng.sample(dotted, 300)]
            + [w + "\u0301" for w in rng.sample(plain, 100)]
            + ["i̇stanbul", "i̇slâm", "cafe\u0301", "mu\u0308ller", "αθήνα", "москва\u0301"])


def test_marked_words_get_wordfreqs_answer():
    words = [w for w in _words() if _marked_token(w) is not None]
    assert len(words) > 700
    assert [zipf.__wrapped__(w) for w in words] == [zipf_frequency(w, "en") for w in words]
    assert zipf.__wrapped__("i̇stanbul") > 2  # found, not 0


def test_words_wordfreq_would_change_are_left_to_it():
    # case folding changes it, a character outside Latin/Greek/Cyrillic, punctuation, digits
    for w in ("straße", "ﬁsh", "ὀδυσσεύς", "o'neil", "co-op", "a1", "ИСЛАМ", "日本", "ς"):
        assert _marked_token(w) is None, w
    assert _marked_token("stras\u0301se") == unicodedata.normalize("NFC", "stras\u0301se")
    assert _marked_token("Île") is None and _marked_token("co-op") is None
