"""The line in front of Rasa: how many messages are let in at once, and whose goes next.

Deterministic: a message is "worked on" until the test lets it finish, so the order in which
messages go in is exactly the line's.
"""

from __future__ import annotations

import asyncio

import pytest

from components.admission import MessageLine


class Messages:
    """Messages sent through a line, each held inside until the test finishes it."""

    def __init__(self, line: MessageLine) -> None:
        self.line = line
        self.entered: list[str] = []
        """The names of the messages let in, in order ("anna1", "ben1", ...)."""
        self.inside: dict[str, asyncio.Event] = {}
        self.tasks: dict[str, asyncio.Task[None]] = {}
        self.most_inside = 0

    async def send(self, sender: str, name: str) -> None:
        """Sends a message named ``name`` and lets the line take it in, if it will."""
        self.tasks[name] = asyncio.create_task(self._message(sender, name))
        await _settle()

    async def finish(self, name: str) -> None:
        """The message's reply is sent: it leaves the line."""
        self.inside.pop(name).set()
        await self.tasks.pop(name)
        await _settle()

    async def _message(self, sender: str, name: str) -> None:
        async with self.line.turn(sender):
            done = self.inside[name] = asyncio.Event()
            self.entered.append(name)
            self.most_inside = max(self.most_inside, len(self.inside))
            await done.wait()


async def _settle() -> None:
    for _ in range(5):
        await asyncio.sleep(0)


async def test_a_burst_of_one_sender_holds_up_nobody_else() -> None:
    messages = Messages(MessageLine(2))
    for number in range(1, 11):
        await messages.send("anna", f"anna{number}")
    await messages.send("ben", "ben1")
    # Anna has one message inside; Ben's goes in at once, beside it.
    assert messages.entered == ["anna1", "ben1"]
    assert messages.line.waiting == 9


async def test_with_one_place_another_sender_waits_for_one_message_only() -> None:
    messages = Messages(MessageLine(1))
    for number in range(1, 11):
        await messages.send("anna", f"anna{number}")
    await messages.send("ben", "ben1")
    await messages.finish("anna1")
    assert messages.entered == ["anna1", "ben1"]
    await messages.finish("ben1")
    assert messages.entered == ["anna1", "ben1", "anna2"]


async def test_senders_take_turns_and_keep_their_own_order() -> None:
    messages = Messages(MessageLine(1))
    for sender in ("anna", "ben", "carl"):
        for number in range(1, 4):
            await messages.send(sender, f"{sender}{number}")
    for _ in range(9):
        await messages.finish(messages.entered[-1])
    assert messages.entered == [
        "anna1", "ben1", "carl1", "anna2", "ben2", "carl2", "anna3", "ben3", "carl3"
    ]  # fmt: skip
    assert messages.line.waiting == 0


async def test_a_few_at_once_and_never_two_of_one_sender() -> None:
    messages = Messages(MessageLine(2))
    for number in range(1, 4):
        for sender in ("anna", "ben", "carl"):
            await messages.send(sender, f"{sender}{number}")
    assert sorted(messages.inside) == ["anna1", "ben1"]
    while messages.inside:
        senders = [name[:-1] for name in messages.inside]
        assert len(senders) == len(set(senders)) <= 2
        await messages.finish(sorted(messages.inside)[0])
    assert messages.most_inside == 2
    assert len(messages.entered) == 9


async def test_a_message_given_up_while_waiting_leaves_the_line() -> None:
    messages = Messages(MessageLine(1))
    await messages.send("anna", "anna1")
    await messages.send("ben", "ben1")
    await messages.send("carl", "carl1")
    messages.tasks.pop("ben1").cancel()  # Ben's client went away
    await _settle()
    assert messages.line.waiting == 1
    await messages.finish("anna1")
    assert messages.entered == ["anna1", "carl1"]


async def test_a_message_given_up_just_as_it_was_let_in_passes_its_turn_on() -> None:
    line = MessageLine(1)
    messages = Messages(line)
    await messages.send("anna", "anna1")
    await messages.send("ben", "ben1")
    await messages.send("carl", "carl1")
    messages.inside.pop("anna1").set()
    await asyncio.sleep(0)  # Anna's message leaves, and Ben's turn is given to him ...
    assert messages.tasks["anna1"].done() and messages.entered == ["anna1"]
    messages.tasks.pop("ben1").cancel()  # ... but his client goes away before it runs
    await _settle()
    assert messages.entered == ["anna1", "carl1"]


async def test_a_message_given_up_as_another_leaves_is_passed_over() -> None:
    messages = Messages(MessageLine(1))
    await messages.send("anna", "anna1")
    await messages.send("ben", "ben1")
    await messages.send("ben", "ben2")
    await messages.send("carl", "carl1")
    messages.inside.pop("anna1").set()  # Anna's message leaves ...
    messages.tasks.pop("ben1").cancel()  # ... as Ben's first is given up, in one step
    await messages.tasks.pop("anna1")
    await _settle()
    assert messages.entered == ["anna1", "ben2"]
    await messages.finish("ben2")
    assert messages.entered == ["anna1", "ben2", "carl1"]
    assert messages.line.waiting == 0


async def test_a_failed_message_gives_up_its_turn() -> None:
    line = MessageLine(1)
    with pytest.raises(RuntimeError):
        async with line.turn("anna"):
            raise RuntimeError("the message could not be handled")
    async with asyncio.timeout(1):
        async with line.turn("anna"):
            pass


async def test_zero_lets_every_message_in_at_once() -> None:
    messages = Messages(MessageLine(0))
    for number in range(1, 9):
        await messages.send("anna", f"anna{number}")
    assert messages.most_inside == 8


def test_a_negative_line_is_refused() -> None:
    with pytest.raises(ValueError):
        MessageLine(-1)


# --- Work that can wait gives way --------------------------------------------------------


async def test_work_that_can_wait_goes_on_at_once_when_nobody_else_is_inside() -> None:
    line = MessageLine(2)
    async with line.turn("anna"), asyncio.timeout(0.01):
        await line.give_way("anna", longest=1.0)


async def test_work_that_can_wait_waits_until_the_other_senders_message_is_answered() -> None:
    messages = Messages(MessageLine(2))
    await messages.send("ben", "ben1")
    async with messages.line.turn("anna"):
        waiting = asyncio.create_task(messages.line.give_way("anna", longest=10.0))
        await _settle()
        assert not waiting.done()
        await messages.finish("ben1")
        async with asyncio.timeout(1):
            await waiting


async def test_work_that_can_wait_is_never_starved() -> None:
    messages = Messages(MessageLine(2))
    await messages.send("ben", "ben1")  # never answered
    async with messages.line.turn("anna"), asyncio.timeout(1):
        await messages.line.give_way("anna", longest=0.01)
    await messages.finish("ben1")


async def test_a_senders_own_waiting_message_does_not_hold_up_its_work() -> None:
    messages = Messages(MessageLine(2))
    await messages.send("anna", "anna1")
    await messages.send("anna", "anna2")  # waits behind anna1
    async with asyncio.timeout(0.5):
        await messages.line.give_way("anna", longest=10.0)
    await messages.finish("anna1")
    await messages.finish("anna2")


async def test_two_senders_giving_way_do_not_both_wait() -> None:
    line = MessageLine(2)
    async with line.turn("anna"), line.turn("ben"):
        anna = asyncio.create_task(line.give_way("anna", 10.0))
        await _settle()  # anna waits: ben is at work
        assert not anna.done()
        async with asyncio.timeout(0.5):
            await line.give_way("ben", 10.0)  # anna gives way: ben goes on
        anna.cancel()


async def test_a_sender_waiting_for_a_place_does_not_hold_up_work_that_can_wait() -> None:
    messages = Messages(MessageLine(1))
    async with messages.line.turn("anna"):
        await messages.send("ben", "ben1")  # waits for anna's place
        assert messages.entered == []
        async with asyncio.timeout(0.5):
            await messages.line.give_way("anna", longest=10.0)
    await _settle()
    await messages.finish("ben1")
