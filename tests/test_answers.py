"""Reading a reply that is neither yes nor no (aftercare/answers.py)."""

from __future__ import annotations

import pytest

from aftercare.answers import Reading, read_unclear


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
