"""Protected spans."""
from __future__ import annotations

import pytest

from service.core.protect import find_protected


@pytest.mark.parametrize(
    "text,kind,span",
    [
        ("see https://example.com/a?b=1. next", "url", "https://example.com/a?b=1"),
        ("visit www.example.org today", "url", "www.example.org"),
        ("write to ann.lee@example.co.uk now", "email", "ann.lee@example.co.uk"),
        ("flight 6Q501 left", "code", "6Q501"),
        ("the MQ-9 Reaper", "code", "MQ-9"),
        ("at 19:30 on", "code", "19:30"),
        ("Hello {name}, you have %d items", "placeholder", "{name}"),
        ("Hello {{ user }} there", "placeholder", "{{ user }}"),
        ("Path is $HOME here", "placeholder", "$HOME"),
        ("a <br/> tag", "placeholder", "<br/>"),
        ('he read "The Lord of the Rings" twice', "title", '"The Lord of the Rings"'),
    ],
)
def test_protected_kinds(text, kind, span):
    spans = [(s.kind, text[s.start:s.end]) for s in find_protected(text).spans]
    assert (kind, span) in spans


def test_quoted_speech_is_not_a_title():
    text = 'He said "the ball is in our yard" and left.'
    assert not [s for s in find_protected(text).spans if s.kind == "title"]


def test_overlap_queries():
    text = "go to https://x.org/p now"
    prot = find_protected(text)
    url = prot.spans[0]
    assert prot.overlaps(url.start - 1, url.start + 1)
    assert prot.overlaps(url.end - 1, url.end + 3)
    assert not prot.overlaps(0, 2)
    assert not prot.overlaps(url.end, url.end + 2)
    assert prot.overlaps(url.start + 2, url.start + 2)  # an insertion inside
    assert not prot.overlaps(url.start, url.start)  # an insertion at its edge
