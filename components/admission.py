"""First come, first served: a channel hands Rasa a few messages at once; the rest wait in line.

Rasa's server answers every message that arrives at once, interleaved, on one core. Each
time a message waits for the action server, it goes to the back of the line behind every
other message's next step, so a message with three custom actions waits three times: with
8 patients typing, such a message took 2.5 times the median (docs/performance.md). With only
``at_once`` messages inside Rasa, and the others waiting in arrival order, a message waits
its turn once and is then answered almost as fast as on an idle server; the server is no
slower, because ``at_once`` (2) messages still fill its core while one of them waits for the
action server.

Plain asyncio, no Rasa import; each channel has its own line (``messages_at_once`` in
``credentials.yml``; 0 lets every message in at once, as Rasa does).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

MESSAGES_AT_ONCE = 2
"""How many messages of a channel Rasa works on at once, by default."""


class MessageLine:
    """At most ``at_once`` messages inside at a time; the others wait in arrival order."""

    def __init__(self, at_once: int = MESSAGES_AT_ONCE) -> None:
        """``at_once`` 0 (or less) lets every message in at once."""
        if at_once < 0:
            raise ValueError("at_once must be 0 (no line) or more")
        self.at_once = at_once
        self._semaphore: asyncio.Semaphore | None = None

    @asynccontextmanager
    async def turn(self) -> AsyncIterator[None]:
        """Waits for the message's turn, and gives it up when the message is answered."""
        if self.at_once == 0:
            yield
            return
        if self._semaphore is None:
            # Made on first use, inside the server's event loop.
            self._semaphore = asyncio.Semaphore(self.at_once)
        async with self._semaphore:
            yield

    @property
    def waiting(self) -> int:
        """How many messages are waiting for their turn."""
        if self._semaphore is None or self._semaphore._waiters is None:
            return 0
        return len(self._semaphore._waiters)
