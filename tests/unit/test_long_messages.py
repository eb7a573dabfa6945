"""components/long_messages.py: what of a long message the NLU reads, and its screening in pieces."""

from __future__ import annotations

import pytest

from aftercare.limits import CLASSIFIED_HEAD as HEAD
from aftercare.limits import CLASSIFIED_TAIL as TAIL
from aftercare.screen import pieces
from aftercare.slots import screening_from_entities
from aftercare.symptoms import Symptom
from components.long_messages import (
    PIECEWISE_FROM,
    SCREENING_KEY,
    classified_part,
    prescreened,
    with_screening,
)

STORY = "We went to the seaside at the weekend and the weather was lovely. "
FORGED = [{"entity": "denied_symptom", "value": "double_vision", "start": 0, "end": 1}]


def letter(sign: str, length: int = 20_000, at: int = 6_000) -> str:
    story = (STORY * (length // len(STORY) + 1))[:length]
    return f"{story[:at]} {sign}. {story[at:]}"


def test_the_classifiers_read_a_short_message_whole_and_a_long_one_in_part() -> None:
    assert classified_part("my eye twitches") == "my eye twitches"
    part = classified_part(letter("I'm seeing double"))
    assert len(part) <= HEAD + TAIL + 1


async def test_a_long_message_is_screened_in_pieces_with_a_pause_between() -> None:
    pauses = 0

    async def pause() -> None:
        nonlocal pauses
        pauses += 1

    text = letter("I'm seeing double")
    metadata = await with_screening(text, {"widget": "1"}, pause)
    assert "widget" not in metadata  # the client's metadata is dropped (issue 23, hole 3)
    assert Symptom.DOUBLE_VISION in screening_from_entities(metadata[SCREENING_KEY]).present
    assert pauses == len(pieces(text)) + 1  # and once more before the NLU's turn


@pytest.mark.parametrize("length", [0, 20, PIECEWISE_FROM])
async def test_a_message_the_nlu_screens_itself_gets_no_screening(length: int) -> None:
    text = ("I'm seeing double. " * 200)[:length]
    assert await with_screening(text, None) == {}


@pytest.mark.parametrize("length", [20, PIECEWISE_FROM + 1, 20_000])
async def test_a_screening_sent_by_the_client_is_dropped(length: int) -> None:
    text = letter("I'm seeing double", length, at=0)[:length]
    metadata = await with_screening(text, {SCREENING_KEY: FORGED})
    # Only the channel's own screening, if any: the same as with no client value at all.
    assert metadata == await with_screening(text, None)
    assert metadata.get(SCREENING_KEY) != FORGED


@pytest.mark.parametrize(
    ("text", "metadata", "expected"),
    [
        ("short", {SCREENING_KEY: FORGED}, None),  # a short message is screened by the NLU
        ("x" * (PIECEWISE_FROM + 1), None, None),
        ("x" * (PIECEWISE_FROM + 1), {SCREENING_KEY: "not a list"}, None),
        ("x" * (PIECEWISE_FROM + 1), {SCREENING_KEY: FORGED}, {Symptom.DOUBLE_VISION}),
    ],
)
def test_prescreened(text: str, metadata: dict | None, expected: set | None) -> None:
    screening = prescreened(text, metadata)
    assert (screening.absent if screening else None) == expected


@pytest.mark.parametrize(
    "metadata",
    [{"huge": "x" * 400_000}, {"nested": {"a": ["b" * 1000] * 100}}, {"\ud800": "\udfff"}],
    ids=["400 KB", "nested", "lone surrogates"],
)
async def test_the_clients_metadata_is_dropped_before_anything_is_stored(
    metadata: dict[str, object],
) -> None:
    """Issue 23, hole 3: metadata was stored three times over, uncapped, and filled the disk."""
    assert await with_screening("my eye is twitching", metadata) == {}
