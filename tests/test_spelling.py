"""One slip of the finger per word is mended (aftercare/spelling.py)."""

from __future__ import annotations

import pytest

from aftercare.spelling import DOMAIN_WORDS, MIN_LENGTH, mended


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # One edit: a letter changed, dropped, added, or two swapped.
        ("my thooat feels tigt", "my throat feels tight"),
        ("i cant opne my eye", "i cant open my eye"),
        ("evrything looks blurrry", "everything looks blurry"),
        ("had bootx on monday", "had botox on monday"),
        # A domain word comes first among the words one edit away ("brushing", "one").
        ("some brusing by my eye", "some bruising by my eye"),
        # Words the dictionary has, short words and contractions stay as they are.
        ("i can't see, it doesn't open", "i can't see, it doesn't open"),
        ("u r fel ok", "u r fel ok"),
        ("my eye is fine", "my eye is fine"),
        # Nothing one edit away: as written.
        ("qwertyuiop", "qwertyuiop"),
        ("", ""),
        ("🙂🙂 ???", "🙂🙂 ???"),
        ("眼睛跳", "眼睛跳"),
    ],
)
def test_a_misspelt_word_becomes_its_nearest_word(text: str, expected: str) -> None:
    assert mended(text) == expected


def test_a_word_to_keep_is_kept() -> None:
    assert mended("looks dubble") == "looks bubble"
    assert mended("looks dubble", keep=lambda word: word == "dubble") == "looks dubble"


def test_the_domain_words_are_never_mended() -> None:
    words = sorted(word for word in DOMAIN_WORDS if len(word) >= MIN_LENGTH)
    assert mended(" ".join(words)) == " ".join(words)
