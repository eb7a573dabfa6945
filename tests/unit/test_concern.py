"""A patient in crisis or distress (aftercare/concern.py), on the boundaries the lexicon's own
examples do not reach: figures of speech beside a real crisis, denials, misspellings, where in
a long letter, and bad input."""

from __future__ import annotations

import pytest

from aftercare.concern import Concern, assess, figurative

CRISIS, UNCLEAR, DISTRESS, NONE = Concern.CRISIS, Concern.UNCLEAR, Concern.DISTRESS, Concern.NONE


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A figure of speech is set aside; what else the message says still counts.
        ("this twitch is killing me", NONE),
        ("this twitch is killing me and honestly I want to end it all", CRISIS),
        ("kill me now lol, my brows are a disaster", NONE),
        ("kill me now, I can't go on like this", CRISIS),
        ("my husband will kill me", NONE),
        ("I want to die of embarrassment", NONE),
        ("I want to die", CRISIS),
        ("I want to die my hair, is that ok after botox?", NONE),  # "dye", misspelt
        # A denial is set aside; what else the message says still counts.
        ("I'm not suicidal lol, just asking about the twitch", NONE),
        ("I'm not suicidal but I don't want to be here any more", CRISIS),
        ("I would never hurt myself, I just feel so hopeless", DISTRESS),
        # Taken, not only thought of.
        ("i took 30 paracetamol an hour ago", CRISIS),
        ("I swallowed all my sleeping tablets", CRISIS),
        # The article's advice, a medicine's dose and results questions are no concern.
        ("how many paracetamol can I take for the pain after botox?", NONE),
        ("I've been cutting out coffee like the article said", NONE),
        ("I take sertraline for depression, is that ok with botox?", NONE),
        ("my eye won't stop crying, it's so watery", NONE),
        ("I can't keep going back and forth to the clinic", NONE),
        # Misspelt, and text-speak.
        ("i am so sucidal", CRISIS),
        ("honestly i might kil myself", CRISIS),
        ("i wanna kms", CRISIS),
        ("I feel so hopless since the botox", DISTRESS),  # mended: "hopeless"
        # The levels meet in one message: the gravest counts.
        ("I feel hopeless and I want to end my life", CRISIS),
        ("I feel hopeless and I just want to disappear", UNCLEAR),
        # Ordinary questions and reports.
        ("my eye keeps twitching, is that normal?", NONE),
        ("can I go on holiday next week?", NONE),
        ("will the droop disappear for good?", NONE),
        ("I have a low brow since the botox", NONE),
        # Bad input.
        ("", NONE),
        ("   ", NONE),
        ("😭😭😭", NONE),
        ("tengo una pregunta sobre el botox", NONE),
        ("\x00\ud800", NONE),
    ],
)
def test_a_message_is_read_as_its_concern(text: str, expected: Concern) -> None:
    assert assess(text) is expected


@pytest.mark.parametrize("position", [0, 10_000, 19_900])
def test_a_crisis_anywhere_in_a_long_letter_is_read(position: int) -> None:
    filler = "My eye has been twitching a little since the treatment. " * 400
    letter = f"{filler[:position]} I want to end it all. {filler[position:]}"[:20_100]
    assert len(letter) > 20_000
    assert assess(letter) is CRISIS


def test_a_long_letter_without_one_is_no_concern() -> None:
    assert assess("My eye has been twitching a little since the treatment. " * 400) is NONE


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("the suspense is killing me", True),
        ("dying to know when it settles", True),
        ("my eye is twitching", False),
        ("I want to end it all", False),
        # A figure of speech beside other words of death is no figure of speech alone.
        ("i wanna die. this twitch is killing me", False),
        ("everything feels pointless, and this twitch is killing me", True),
    ],
)
def test_a_figure_of_speech_is_told(text: str, expected: bool) -> None:
    assert figurative(text) is expected


def test_the_concerns_are_ordered_least_first() -> None:
    assert [c.rank for c in (NONE, DISTRESS, UNCLEAR, CRISIS)] == [0, 1, 2, 3]
