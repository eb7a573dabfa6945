"""Whether a message tells the patient's own change in the body (aftercare/body.py)."""

from __future__ import annotations

import pytest

from aftercare.body import only_asked, own_story, tells_own_change


@pytest.mark.parametrize(
    ("text", "own"),
    [
        ("my smile looks different on one side since I had my crow's feet done", True),
        ("can botox affect my cheek? I had it 5 weeks ago and my cheek won't lift", True),
        ("does botox make your face feel heavy?", False),  # a general question
        ("my forehead feels heavy, is that normal?", False),  # asked, with no time of its own
        ("my friend says her face felt numb for weeks, will mine?", False),  # someone else's
        # A carer's report of the treated person is theirs.
        ("my wife (52) had her forehead done a month ago and her brow has sat high since", True),
        ("my wife says botox can make a brow sit high, is that true?", False),
    ],
)
def test_own_story_is_the_patients_own_change_told(text: str, own: bool) -> None:
    assert own_story(text) is own


@pytest.mark.parametrize(
    ("text", "asked_only"),
    [
        ("is drooping normal?", True),
        ("how long does bruising last after botox?", True),
        ("eyelid drooping after botox - normal?", True),
        ("why is my eye twitching?", False),  # the writer's own
        ("drooping since day 3, is that normal?", False),  # told with its time
        ("does botox make your eyelid droop?", False),  # a general question
        ("my friend has a droopy lid, is that normal?", False),  # someone else's
        ("my eye is twitching", False),  # no question
    ],
)
def test_a_question_that_says_nothing_of_whose_the_symptom_is(text: str, asked_only: bool) -> None:
    assert only_asked(text) is asked_only


@pytest.mark.parametrize(
    ("text", "tells"),
    [
        ("my left lid is heavy", True),
        ("it's my right eye, it started yesterday", True),
        ("is it normal?", False),
        ("my friend's lid droops", False),
    ],
)
def test_a_reply_that_tells_the_patients_own_change(text: str, tells: bool) -> None:
    assert tells_own_change(text) is tells
