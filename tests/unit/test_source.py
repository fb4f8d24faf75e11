"""The source pass: the source text (paragraph-aligned) repairs names and flags what differs."""
from __future__ import annotations

from service.core.document import Document
from service.passes import source

TARGET = ("President Donald met aides. Later Presidentrump said the meeting at 19:30 on January 2 went "
          "well, see www.example.com/x. It cost 15 million dollars.\n\n"
          "The envoy Leitnner arrived. Chúng tôi đã không được thông báo gì cả hôm nay.\n\n"
          "President Erdogan spoke.")
SOURCE = ("Tổng thống Donald Trump đã gặp các trợ lý. Cuộc họp lúc 19:30 ngày 2 tháng 1, xem "
          "www.example.com/y. Chi phí 17 triệu đô la.\n\n"
          "Đặc phái viên Markus Leitner đã đến. Chúng tôi đã không được thông báo gì cả hôm nay.\n\n"
          "Tổng thống Erdoğan phát biểu.")


def _found(target: str = TARGET, src: str | None = SOURCE) -> dict[str, tuple[str, str, str]]:
    return {e.original: (e.rule_id, e.replacements[0], e.tier.value)
            for e in source.find(Document(target, source=src))}


def test_source_names_repair_garbled_target_names():
    got = _found()
    assert got["Presidentrump"] == ("source.fused-title", "President Trump", "auto")
    assert got["Leitnner"] == ("source.one-letter", "Leitner", "auto")
    assert "Erdogan" not in got  # accents alone are no garble
    assert "Donald" not in got


def test_numbers_urls_and_untranslated_spans_are_suggestions():
    got = _found()
    assert got["15"] == ("source.number-mismatch", "17", "suggest")
    assert got["www.example.com/x"] == ("source.url-mismatch", "www.example.com/y", "suggest")
    assert got["Chúng tôi đã không được thông báo gì cả hôm nay"][0] == "source.untranslated"
    assert "19:30" not in got and "2" not in got  # the same time; the month written in words


def test_a_paragraph_left_in_the_source_language_is_flagged():
    got = _found("Xin chào các bạn.", "Xin chào các bạn.")
    assert got["Xin chào các bạn."][0] == "source.untranslated"


def test_nothing_without_a_source_and_names_only_when_paragraphs_do_not_align():
    assert _found(src=None) == {}
    got = _found(src=SOURCE.replace("\n\n", " "))
    assert got["Presidentrump"][1] == "President Trump"
    assert not [k for k, v in got.items() if not v[0].startswith("source.") or "mismatch" in v[0]]


def test_words_the_source_writes_the_same_are_never_changed():
    assert _found("Kuala Lumpur hosted the talks.", "Kuala Lumpur menjadi tuan rumah perundingan.") == {}


def test_numbers_written_differently_are_the_same_numbers():
    pairs = [
        ("At 18: 06 they left; 200 000 soldiers; the 1930s.", "Kell 18 : 06 ; 200.000 sõdurit ; 1930. aastad"),
        ("About 56,000 people, 0.03% of them.", "यहाँका ५६ , ००० जनसङ्ख्या ० . ०३ %"),
        ("At 1 p.m. on September 3, with forty others.", "Kell 13 , 03 septembril , 40 teisega ."),
    ]
    for target, src in pairs:
        assert not [k for k, v in _found(target, src).items() if v[0] == "source.number-mismatch"], target


def test_an_inflected_source_name_is_no_reference_for_a_changed_letter():
    # Estonian genitives: the source writes Bratmani, Kadrioru; the translation is right
    got = _found("Bratman wrote to Kadriorg Palace.", "Bratmani kiri Kadrioru lossile .")
    assert not [k for k, v in got.items() if "letter" in v[0] or "spellings" in v[0]]
