"""Precision of the rule passes and of the grammar pass's filters (issue 10), without a server."""
from __future__ import annotations

import pytest

from service.core.document import Document
from service.engine.apply import apply_edits
from service.passes import debris, punctuation
from service.passes.grammar import filters
from service.passes.grammar.variant import detect, language_for, other_variant


def _fixed(find, text: str) -> str:
    return apply_edits(text, [e for e in find(Document(text)) if e.is_auto]).text


def _hit(text: str, word: str) -> tuple[int, int]:
    i = text.index(word)
    return i, i + len(word)


# -- the speller and other LanguageTool matches ----------------------------------------------

@pytest.mark.parametrize("text,word", [
    ("Women wore the burqa, niqab and chador.", "burqa"),
    ("Women wore the burqa, niqab and chador.", "niqab"),
    ("It was a coup d'état in the capital.", "d'état"),
    ("Ich bin ein Berliner, he said.", "ein"),
    ("The leader al- Baghdadi died.", "al"),
    ("He met Ahmed bin talal there.", "talal"),
    ("They visited the house of van gogh.", "gogh"),
])
def test_the_speller_leaves_foreign_words_and_name_parts_alone(text, word):
    s, e = _hit(text, word)
    assert filters.reject(text, s, e, "MORFOLOGIK_RULE_EN_US", True, ("x",))


@pytest.mark.parametrize("text,word", [("I will recieve it.", "recieve"), ("The goverment said so.", "goverment")])
def test_the_speller_still_fixes_english_typos(text, word):
    s, e = _hit(text, word)
    assert not filters.reject(text, s, e, "MORFOLOGIK_RULE_EN_US", True, ("x",))


def test_no_rule_turns_a_name_into_another_name():
    text = "He met Mark Gabold yesterday."
    s, e = _hit(text, "Mark Gabold")
    assert filters.reject(text, s, e, "EN_MULTITOKEN_SPELLING_TWO", False, ("Marc Gasol",))
    rocket = "Rocket usually falls."
    assert not filters.reject(rocket, 0, 6, "MTCLEAN_BARE_SINGULAR_SUBJECT", False, ("A rocket",))


def test_the_speller_never_offers_a_capitalised_word_for_a_lowercase_one():
    text = "Women wore the burqa."
    s, e = _hit(text, "burqa")
    assert filters.candidates(text, s, e, True, ("Burma", "burka"), False) == ("burka",)


@pytest.mark.parametrize("text,word,keep", [
    ("He left. in the morning he came back.", "in", True),
    ("He met Mr. smith there.", "smith", False),
    ("in the morning he came back.", "in", False),   # a paragraph's first word: a fragment or a list item
    ("- first item\n- second item", "second", False),
    ("It is in the U.S. we met.", "we", False),
])
def test_sentence_start_capitals_only_after_a_real_sentence_end(text, word, keep):
    s, e = _hit(text, word)
    assert (not filters.reject(text, s, e, "UPPERCASE_SENTENCE_START", False, (word.title(),))) is keep


@pytest.mark.parametrize("text,word", [("The fatalist an say nothing.", "an say"),
                                       ("Give money to people so that people an do more.", "an do")])
def test_a_an_is_not_fitted_to_a_slip_for_another_word(text, word):
    s, _ = _hit(text, word)
    assert filters.reject(text, s, s + 2, "EN_A_VS_AN", False, ("a",))


@pytest.mark.parametrize("text,word", [
    ("This a announcement refers to the attack.", "a announcement"),  # "This announcement"
    ("Choi U, the military ruler, ordered a attach.", "a attach"),  # "an attack": a verb after the article
])
def test_a_an_is_not_fitted_after_a_determiner_or_before_a_verb(text, word):
    s, _ = _hit(text, word)
    assert filters.reject(text, s, s + 1, "EN_A_VS_AN", False, ("an",))
    ok = "Work in a explosives factory was dangerous."  # a noun: the fix stands
    s, _ = _hit(ok, "a explosives")
    assert not filters.reject(ok, s, s + 1, "EN_A_VS_AN", False, ("an",))


def test_a_word_doubled_to_name_a_thing_is_not_a_sure_repeat():
    assert not filters.sure_repeat("rubbish rubbish", "But until we call the ")
    assert not filters.sure_repeat("fool fool", "they named the ")
    assert filters.sure_repeat("the the", "74% of whom supported ")
    assert filters.sure_repeat("part part", "while the second ")


def test_languagetool_adding_a_space_after_a_comma_is_only_a_suggestion():
    from service.passes.grammar.languagetool import GrammarPass

    garbled = "Of the 2,750 million dollars, t,Soo million dollars will be provided in cash."
    s = garbled.index(",Soo")
    assert not GrammarPass._sure(garbled, s, s + 4, "COMMA_PARENTHESIS_WHITESPACE", ", Soo")
    plain = "The plan failed , he said."
    s = plain.index(" ,")
    assert GrammarPass._sure(plain, s, s + 2, "COMMA_PARENTHESIS_WHITESPACE", ",")
    paren = "He left ( quickly) and returned."
    s = paren.index("( ")
    assert GrammarPass._sure(paren, s, s + 2, "COMMA_PARENTHESIS_WHITESPACE", "(")


@pytest.mark.parametrize("text,phrase,keep", [
    ("They live from paycheck to paycheck to raise a family.", "paycheck to paycheck to", False),
    ("We have work to do to do that.", "to do to do", False),
    ("He was born in Rome in Rome in 1920.", "in Rome in Rome", True),
])
def test_phrase_repetition_leaves_phrases_with_to_alone(text, phrase, keep):
    s, e = _hit(text, phrase)
    half = " ".join(phrase.split()[:len(phrase.split()) // 2])
    assert (not filters.reject(text, s, e, "PHRASE_REPETITION", False, (half,))) is keep


def test_a_spaced_ellipsis_is_not_a_space_before_a_stop_for_languagetool_either():
    text = 'He spoke of "a decent home . . . for every American".'
    s = text.index(" . . .")
    assert filters.reject(text, s, s + 2, "COMMA_PARENTHESIS_WHITESPACE", False, (".",))
    plain = "The plan failed , he said."
    s = plain.index(" ,")
    assert not filters.reject(plain, s, s + 2, "COMMA_PARENTHESIS_WHITESPACE", False, (",",))


def test_a_an_only_before_a_real_word():
    text = "She is a orofessor at a university."
    s, e = _hit(text, "a orofessor")
    assert filters.reject(text, s, s + 1, "EN_A_VS_AN", False, ("an",))
    apple = "He ate a apple."
    s, e = _hit(apple, "a apple")
    assert not filters.reject(apple, s, s + 1, "EN_A_VS_AN", False, ("an",))


# -- the English variant ---------------------------------------------------------------------

def test_the_variant_is_detected_from_the_documents_own_spellings():
    assert detect("The epicentre was 10 kilometres deep and the colour of the sky was grey.") == "GB"
    assert detect("The epicenter was 10 kilometers deep and the color of the sky was gray.") == "US"
    assert detect("Nothing here tells one variant from the other.") == "US"
    assert language_for("The colour of the centre.") == "en-GB"
    assert language_for("The colour of the centre.", "US") == "en-US"


@pytest.mark.parametrize("a,b", [("colour", "color"), ("organisations", "organizations"), ("metres", "meters"),
                                 ("defence", "defense"), ("travelled", "traveled"), ("programme", "program"),
                                 ("tyre", "tire"), ("epicentre", "epicenter")])
def test_a_spelling_of_another_variant_is_no_error(a, b):
    assert other_variant(a, b) and other_variant(b, a)
    text = f"The {a} is here."
    s, e = _hit(text, a)
    assert filters.candidates(text, s, e, True, (b,), variant_forced=False) == ()
    assert filters.candidates(text, s, e, True, (b,), variant_forced=True) == (b,)


@pytest.mark.parametrize("a,b", [("teh", "the"), ("form", "from"), ("recieve", "receive")])
def test_a_typo_is_not_a_variant(a, b):
    assert not other_variant(a, b)


# -- punctuation ---------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "He was named coach at Fort Hays, Kan. as the new president.",
    "Messrs. and Mmes. Smith attended.",
    "She met Ms. K.H. in the hall.",
    "Signed by D.T.L. and others.",
    "The Drs. and the nurses left.",
    "It came from Calif. by train.",
])
def test_abbreviations_never_end_a_sentence(text):
    assert not [e for e in punctuation.find(Document(text)) if e.rule_id == "punctuation.split-sentence"]


@pytest.mark.parametrize("text", [
    "The Sermon on suffering. this book was the main source.",  # a lost capital: "This book"
    "In his youth. he wrote poems.",
])
def test_a_stop_before_a_word_that_starts_clauses_is_only_a_suggestion(text):
    edits = [e for e in punctuation.find(Document(text)) if e.rule_id == "punctuation.split-sentence"]
    assert edits and all(e.tier.value == "suggest" for e in edits)
    assert _fixed(punctuation.find, "Ten people who met him. in Syria died.") == "Ten people who met him in Syria died."


def test_a_stop_after_a_capitalised_word_is_only_a_suggestion():
    edits = punctuation.find(Document("They flew to Kansas. as planned."))
    assert edits and all(e.tier.value == "suggest" for e in edits if e.rule_id == "punctuation.split-sentence")


def test_two_spaces_after_a_sentence_are_a_convention_not_an_error():
    assert _fixed(punctuation.find, "He left.  Then he came back:  all of it.") == \
        "He left.  Then he came back:  all of it."
    assert _fixed(punctuation.find, "He left  then came back.") == "He left then came back."


def test_a_spaced_ellipsis_is_not_a_space_before_a_stop():
    text = 'He spoke of "a decent home . . . for every American" and left .'
    assert _fixed(punctuation.find, text) == 'He spoke of "a decent home . . . for every American" and left.'


def test_a_french_quotation_keeps_its_spacing():
    text = "He asked « Vraiment ? » and left , angry."
    assert _fixed(punctuation.find, text) == "He asked « Vraiment ? » and left, angry."


def test_commas_of_a_list_whose_items_were_lost_are_left_alone():
    for text in ("The best known artists were,,, and others.", "Authors include,, Drago Jančar,, and Boris."):
        assert punctuation.find(Document(text)) == []
    assert _fixed(punctuation.find, "He left,, then came back.") == "He left, then came back."
    assert [e.tier.value for e in punctuation.find(Document("Jainism,, Nirvana Day"))] == ["suggest"]


@pytest.mark.parametrize("text", ["Only one region,, has a legislative assembly.",
                                  "The first basketball league,, consists of fourteen teams."])
def test_doubled_commas_before_a_verb_lost_a_name_between_them(text):
    # "Only one region, Brussels, has": neither "," nor "" restores the sentence
    assert [e.tier.value for e in punctuation.find(Document(text))] == ["suggest"]


# -- debris ----------------------------------------------------------------------------------

def test_a_cross_reference_is_content_not_a_prompt():
    text = "Taxes are due in April. See also Interest On Unpaid Taxes, below."
    assert debris.find(Document(text)) == []


def test_a_click_prompt_is_still_removed():
    text = "Nearly 70 years of hostility. Click on the image to see the beginning."
    assert "Click" not in _fixed(debris.find, text)


@pytest.mark.parametrize("text,expected", [
    ("The minister spoke.\n\nThank you for watching VTV news, please subscribe to our channel.",
     "The minister spoke."),
    ("Prices rose. [ad_1] The bank said so.\n\n[ad_2]\n\nMore text.", "Prices rose. The bank said so.\n\nMore text."),
    ("Prices rose. Don't forget to like and subscribe!", "Prices rose."),
])
def test_broadcast_sign_offs_and_ad_markers_are_removed(text, expected):
    assert _fixed(debris.find, text) == expected


def test_thanks_inside_a_sentence_is_content():
    text = "He said: Thank you for watching over my son."
    assert _fixed(debris.find, text) == text


def test_a_headline_in_the_source_script_is_suggested():
    proverb = "The proverb says:\n\nДоброй свинье всё впрок.\n\nAnd so it went on for years in the town."
    assert debris.find(Document(proverb)) == []  # a quoted sentence, not a headline
    text = ("习近平会见美国总统\n\nXi Jinping met the US president on Monday in Beijing. He said many things.\n\n"
            "The talks lasted two hours and ended with a statement.")
    edits = debris.find(Document(text))
    assert [e.rule_id for e in edits] == ["debris.source-script-line"]
    assert edits[0].tier.value == "suggest" and edits[0].original.startswith("习近平")
    quote = "Он сказал: «Мы готовы»"
    assert debris.find(Document(f"{quote}\n\n{quote}\n\n{quote}")) == []  # not an English text


def test_apply_all_leaves_the_spellers_guesses_to_a_person():
    from service.core.model import Edit, Tier
    from service.engine.apply import NEEDS_CHOICE, select

    guess = Edit(0, 6, "sailty", ("salty",), "LT:MORFOLOGIK_RULE_EN_US", "spelling", Tier.SUGGEST, "typo?",
                 evidence=(NEEDS_CHOICE,))
    phrase = Edit(7, 13, "crater", ("brink",), "vi.crater", "idiom", Tier.SUGGEST, "calque")
    assert select([guess, phrase], "all") == [phrase]
    assert select([guess, phrase], "auto") == []
