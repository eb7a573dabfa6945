"""Reading a reply to a yes-or-no question (aftercare/replies.py)."""

from __future__ import annotations

import pytest

from aftercare.replies import Answer, Reading, plain_answer, read_unclear, yes_no


@pytest.mark.parametrize(
    ("so_far", "safe_value", "expected"),
    [
        (0, True, Reading(None, 1)),  # asked once more
        (0, False, Reading(None, 1)),
        (1, True, Reading(True, 0)),  # the second: the safe reading, the count starts again
        (1, False, Reading(False, 0)),
        (5, True, Reading(True, 0)),
    ],
)
def test_an_unclear_answer_is_asked_again_once_then_read_safely(
    so_far: int, safe_value: bool, expected: Reading
) -> None:
    assert read_unclear(so_far, safe_value) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("no", Answer.NO),
        ("nope, all fine", Answer.NO),
        ("it's not", Answer.NO),
        ("it's not, thanks", Answer.NO),
        ("its not blurry", Answer.NO),
        ("yes, mostly when I look to the side", Answer.YES),
        ("not sure", Answer.UNSURE),
        ("maybe a little", Answer.UNSURE),
        # A carer passes the answer on, or answers for the person treated.
        ("she says her vision's fine", Answer.NO),
        ("my mum says no", Answer.NO),
        ("he can open it fine", Answer.NO),
        ("she can't open it all the way", Answer.YES),
        ("he is seeing double since this morning", Answer.YES),
        ("he is fine", Answer.NO),
        ("she has no trouble swallowing", Answer.NO),
        # A report that starts with "it's not that" answers nothing.
        ("it's not that I can't open my eye, it's just a bit droopy", None),
        ("it's not just the twitch, my brow feels heavy", None),
        ("my eye keeps twitching", None),
        # What was asked about is as it should be: no.
        ("vision's normal", Answer.NO),
        ("my eyes are fine", Answer.NO),
        ("breathing's fine thanks", Answer.NO),
        ("both eyes open normally", Answer.NO),
        ("my vision is not normal", None),
        ("vision is fine-ish", None),
        ("my left eye is a bit blurry", None),
        # A bare "clear", or "otherwise fine" after something that is no sign.
        ("clear, just uncomfortable", Answer.NO),
        ("all clear", Answer.NO),
        ("it's just a bruise, tender if I press it but otherwise fine", Answer.NO),
        ("a little sore, otherwise fine", Answer.UNSURE),
        ("it's fine otherwise but blurry", Answer.NO),
        ("otherwise not fine", None),
        ("a tiny pink dot where the needle went, that's all", Answer.NO),
        ("a bit sore, that's all", Answer.UNSURE),
        ("that's all I can tell you, it's blurry", None),
        ("", None),
    ],
)
def test_yes_no_reads_the_start_of_a_reply(text: str, expected: Answer | None) -> None:
    assert yes_no(text) == expected


@pytest.mark.parametrize(
    ("text", "plain"),
    [
        ("no", True),
        ("nope, they just feel horrible", True),
        ("yes, a bit", True),
        ("it's clear, they just feel horrible", True),
        ("I'm not myself lately", False),
        ("no one understands how I feel", False),
        ("nothing feels worth it", False),
        ("", False),
    ],
)
def test_a_plain_answer_starts_with_a_yes_or_a_no(text: str, plain: bool) -> None:
    assert plain_answer(text) is plain
