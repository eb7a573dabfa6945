"""aftercare/text.py: the part of a very long message that is read."""

from __future__ import annotations

import pytest

from aftercare.replies import yes_no
from aftercare.text import head_and_tail, is_unicode, mended, normalise, sentences, straightened


@pytest.mark.parametrize(
    ("text", "head", "tail", "expected"),
    [
        ("", 5, 5, ""),
        ("short", 5, 5, "short"),
        ("0123456789", 5, 5, "0123456789"),  # exactly head + tail: whole
        ("one two three four five", 8, 5, "one two\nfive"),  # cut at the white space
        ("one two three four five", 6, 6, "one\nfive"),  # no half words
        ("abcdefghijklmnop", 4, 3, "abcd\nnop"),  # no white space: cut where it falls
        ("one two three four", 8, 0, "one two"),  # no tail
    ],
)
def test_head_and_tail(text: str, head: int, tail: int, expected: str) -> None:
    assert head_and_tail(text, head, tail) == expected


def test_a_very_long_text_is_read_in_bounded_parts() -> None:
    text = "word " * 100_000
    part = head_and_tail(text, 8_000, 2_000)
    assert len(part) <= 10_001
    assert part.startswith("word ") and part.endswith("word ")


@pytest.mark.parametrize(
    ("text", "unicode", "mended_text"),
    [
        ("my eye is twitching", True, "my eye is twitching"),
        ("", True, ""),
        ("caf\u00e9 \U0001f600 \u202e", True, "caf\u00e9 \U0001f600 \u202e"),
        ("x\ud800", False, "x\ufffd"),  # issue 23, hole 4: never stored
        ("\udfff I can't breathe", False, "\ufffd I can't breathe"),
        ("\ud83d\ude00", False, "\ufffd\ufffd"),  # a pair of escapes Python keeps apart
    ],
)
def test_text_that_is_not_unicode(text: str, unicode: bool, mended_text: str) -> None:
    assert is_unicode(text) is unicode
    assert mended(text) == mended_text
    assert is_unicode(mended(text))


@pytest.mark.parametrize("apostrophe", ["'", "\u2019", "\u2018", "\u02bc", "`", "\u00b4"])
def test_every_apostrophe_is_read_as_one(apostrophe: str) -> None:
    written = f"I CAN{apostrophe}T breathe, my eye{apostrophe}s dont\u200b open"
    assert straightened(written) == "i can't breathe, my eye's dont open"
    assert normalise(written) == "i can't breathe, my eye's don't open"
    assert yes_no(f"I can{apostrophe}t breathe") is yes_no("I can't breathe")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("my eye droops. is that normal?", ["my eye droops.", "is that normal?"]),
        ("is it normal?my eye droops", ["is it normal?", "my eye droops"]),
        ("line one\n\nline two", ["line one", "line two"]),
        ("it lasted 1.5 days! ok", ["it lasted 1.5 days!", "ok"]),
        ("no pain, no swelling; just a twitch", ["no pain, no swelling; just a twitch"]),
        ("  ", []),
    ],
)
def test_a_text_is_split_into_sentences_with_their_marks(text: str, expected: list[str]) -> None:
    assert sentences(text) == expected
