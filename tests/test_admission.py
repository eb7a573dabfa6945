"""The line in front of Rasa: how many messages are let in at once, and in which order."""

from __future__ import annotations

import asyncio

import pytest

from components.admission import MessageLine


async def test_messages_are_let_in_in_arrival_order_a_few_at_once() -> None:
    line = MessageLine(2)
    inside = 0
    most_inside = 0
    order: list[int] = []

    async def message(number: int) -> None:
        nonlocal inside, most_inside
        async with line.turn():
            inside += 1
            most_inside = max(most_inside, inside)
            order.append(number)
            await asyncio.sleep(0.01)
            inside -= 1

    tasks = []
    for number in range(8):
        tasks.append(asyncio.create_task(message(number)))
        await asyncio.sleep(0)  # each arrives after the one before
    await asyncio.sleep(0)
    assert line.waiting == 6
    await asyncio.gather(*tasks)
    assert most_inside == 2
    assert order == list(range(8))
    assert line.waiting == 0


async def test_a_failed_message_gives_up_its_turn() -> None:
    line = MessageLine(1)
    with pytest.raises(RuntimeError):
        async with line.turn():
            raise RuntimeError("the message could not be handled")
    async with asyncio.timeout(1):
        async with line.turn():
            pass


async def test_zero_lets_every_message_in_at_once() -> None:
    line = MessageLine(0)
    inside = 0
    most_inside = 0

    async def message() -> None:
        nonlocal inside, most_inside
        async with line.turn():
            inside += 1
            most_inside = max(most_inside, inside)
            await asyncio.sleep(0.01)
            inside -= 1

    await asyncio.gather(*(message() for _ in range(8)))
    assert most_inside == 8


def test_a_negative_line_is_refused() -> None:
    with pytest.raises(ValueError):
        MessageLine(-1)
