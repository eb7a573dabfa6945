"""Whether a message tells the patient's own change in the body (aftercare/body.py)."""

from __future__ import annotations

import pytest

from aftercare.body import own_story


@pytest.mark.parametrize(
    ("text", "own"),
    [
        ("my smile looks different on one side since I had my crow's feet done", True),
        ("can botox affect my cheek? I had it 5 weeks ago and my cheek won't lift", True),
        ("does botox make your face feel heavy?", False),  # a general question
        ("my forehead feels heavy, is that normal?", False),  # asked, with no time of its own
        ("my friend says her face felt numb for weeks, will mine?", False),  # someone else's
    ],
)
def test_own_story_is_the_patients_own_change_told(text: str, own: bool) -> None:
    assert own_story(text) is own
