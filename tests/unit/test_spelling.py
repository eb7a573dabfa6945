"""One slip of the finger per word is mended (aftercare/spelling.py)."""

from __future__ import annotations

import pytest

from aftercare.spelling import known_slips, mended


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # One edit: a letter changed, dropped, added, or two swapped.
        ("my thooat feels tigt", "my throat feels tight"),
        ("everything looks blurrry to me", "everything looks blurry to me"),
        ("had bootx on monday", "had botox on monday"),
        # Two letters swapped back first: "open", not the commoner "one".
        ("i can't opne my eye", "i can't open my eye"),
        # A domain word before any other as close ("brushing"; "that"): doubt resolves
        # toward safety.
        ("some brusing by my eye", "some bruising by my eye"),
        ("my thrat is so tight", "my throat is so tight"),
        # Never a negation: "nost" is "most".
        ("nost nights my throat feels fine", "most nights my throat feels fine"),
        # Dictionary words, short words and contractions stay as they are.
        ("i can't see, it doesn't open", "i can't see, it doesn't open"),
        ("u r fel ok", "u r fel ok"),
        # Another language is left as written ("sobre" is no misspelt "sore").
        (
            "hola, tengo una pregunta sobre el botox de ayer",
            "hola, tengo una pregunta sobre el botox de ayer",
        ),
        ("me duele la visión", "me duele la visión"),
        # Nothing one edit away, or nothing to mend.
        ("my eye qwertyuiop", "my eye qwertyuiop"),
        ("", ""),
        ("🙂🙂 ???", "🙂🙂 ???"),
        ("眼睛跳", "眼睛跳"),
    ],
)
def test_a_misspelt_word_becomes_the_word_it_most_likely_stands_for(
    text: str, expected: str
) -> None:
    assert mended(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("it all looks dubble to me", "it all looks double to me"),
        ("my tung feels thick", "my tongue feels thick"),
        ("a dubbled bubble", "a dubbled bubble"),  # whole words only
    ],
)
def test_a_known_slip_is_mended_into_its_word(text: str, expected: str) -> None:
    assert mended("it all looks dubble to me") == "it all looks bubble to me"  # the guess
    assert known_slips({"dubble": "double", "tung": "tongue"})(text) == expected
