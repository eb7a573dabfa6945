"""A fair line in front of Rasa: a few messages at once, one per sender, senders taking turns.

Rasa's server answers every message that arrives at once, interleaved, on one core. Each
time a message waits for the action server, it goes to the back of the line behind every
other message's next step, so a message with three custom actions waits three times: with
8 patients typing, such a message took 2.5 times the median (docs/performance.md). With only
``at_once`` messages inside Rasa, and the others waiting, a message waits its turn once and
is then answered almost as fast as on an idle server; the server is no slower, because
``at_once`` (2) messages still fill its core while one of them waits for the action server.

Who goes next is fair between senders, not first come first served: each sender has a queue
of its own, at most one message of a sender is inside Rasa at a time, and the senders with
messages waiting take turns, one message each. A sender who sends 10 messages at once holds
up only themself: another patient's message waits for at most one message's work. In arrival
order, it waited behind all 10 (3.9 s instead of 0.03 s, a tester measured), and the
messages of one sender inside Rasa together only waited for each other's conversation lock,
which Rasa polls once a second, while they held the places of other patients' messages. A
sender's own messages keep their order.

Work that can wait, such as reading a very long letter a piece at a time, gives way between
its pieces (:meth:`MessageLine.give_way`): it goes on when no other sender's message is inside
at work (one giving way itself does not count), or after ``GIVE_WAY_SECONDS`` at the latest,
so that it is never starved.

Plain asyncio, no Rasa import; each channel has its own line (``messages_at_once`` in
``credentials.yml``; 0 lets every message in at once, as Rasa does).
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

MESSAGES_AT_ONCE = 2
"""How many messages of a channel Rasa works on at once, by default."""
GIVE_WAY_SECONDS = 0.05
"""The longest :meth:`MessageLine.give_way` waits for the other senders."""


class MessageLine:
    """At most ``at_once`` messages inside, one per sender; waiting senders take turns."""

    def __init__(self, at_once: int = MESSAGES_AT_ONCE) -> None:
        """``at_once`` 0 lets every message in at once, as Rasa does."""
        if at_once < 0:
            raise ValueError("at_once must be 0 (no line) or more")
        self.at_once = at_once
        self._inside: set[str] = set()
        """The senders with a message inside."""
        self._queues: dict[str, deque[asyncio.Future[None]]] = {}
        """Each sender's waiting messages, in arrival order."""
        self._turns: dict[str, None] = {}
        """The senders whose next message may go in, in the order of their turns."""
        self._giving_way: dict[asyncio.Future[None], str] = {}
        """Who is giving way (:meth:`give_way`), until the others are done."""

    @asynccontextmanager
    async def turn(self, sender: str) -> AsyncIterator[None]:
        """Waits for the message's turn, and gives it up when the message is answered."""
        if self.at_once == 0:
            yield
            return
        await self._enter(sender)
        try:
            yield
        finally:
            self._leave(sender)

    async def give_way(self, sender: str, longest: float = GIVE_WAY_SECONDS) -> None:
        """Lets ``sender``'s work wait while another sender's message is inside at work.

        Returns as soon as there is none, or after ``longest`` seconds; with none, it still
        lets every other task that is ready run once.
        """
        if not self._others_than(sender):
            await asyncio.sleep(0)
            return
        quiet: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._giving_way[quiet] = sender
        self._wake_those_giving_way()  # who gave way to this sender need not any more
        try:  # asyncio.timeout: on Python 3.11, wait_for can lose a cancellation
            async with asyncio.timeout(longest):
                await asyncio.shield(quiet)
        except TimeoutError:
            pass
        finally:
            self._giving_way.pop(quiet, None)

    def _others_than(self, sender: str) -> bool:
        """Whether another sender's message is inside and at work, not giving way itself.

        The messages waiting for their turn do not count: they wait for a place, which giving
        way does not free.
        """
        giving_way = set(self._giving_way.values())
        return any(s != sender and s not in giving_way for s in self._inside)

    def _wake_those_giving_way(self) -> None:
        for quiet, sender in list(self._giving_way.items()):
            if not quiet.done() and not self._others_than(sender):
                quiet.set_result(None)

    @property
    def waiting(self) -> int:
        """How many messages are waiting for their turn."""
        return sum(len(queue) for queue in self._queues.values())

    async def _enter(self, sender: str) -> None:
        if not self._turns and sender not in self._inside and len(self._inside) < self.at_once:
            self._inside.add(sender)
            return
        entry: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._queues.setdefault(sender, deque()).append(entry)
        if sender not in self._inside:
            self._turns.setdefault(sender)
        try:
            await entry
        except asyncio.CancelledError:
            if entry.done() and not entry.cancelled():
                self._leave(sender)  # let in just as it was given up: pass the turn on
            else:
                self._forget(sender, entry)
            raise

    def _leave(self, sender: str) -> None:
        self._inside.discard(sender)
        if sender in self._queues:
            self._turns.setdefault(sender)  # the sender's next message, at the back
        self._let_in()
        self._wake_those_giving_way()

    def _forget(self, sender: str, entry: asyncio.Future[None]) -> None:
        queue = self._queues.get(sender)
        if queue is None or entry not in queue:
            return  # already passed over by _let_in
        queue.remove(entry)
        if not queue:
            del self._queues[sender]
            self._turns.pop(sender, None)

    def _let_in(self) -> None:
        while self._turns and len(self._inside) < self.at_once:
            sender = next(iter(self._turns))
            queue = self._queues[sender]
            entry = queue.popleft()
            if not queue:
                del self._queues[sender]
            if entry.cancelled():  # given up, its task not yet told: the sender's next one
                if sender not in self._queues:
                    del self._turns[sender]
                continue
            del self._turns[sender]
            self._inside.add(sender)
            entry.set_result(None)
