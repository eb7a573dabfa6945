"""A rate limit by messages and bytes, per sender and per address, so no client starves others.

Plain Python, no Rasa import; used by the REST and socket.io channels. A sliding window: a
key (a sender, or a client's address) may send ``per_minute`` messages, and
``bytes_per_minute`` bytes of text, in any 60 seconds (0: no such limit). Counting bytes
bounds what one client can make the server store: a sender of 20,000-character letters, or
many senders from one address, are held back before the disk fills. A message larger than
the byte budget alone is let through when nothing else is in its window (it was cut to the
channel's ``max_characters`` already), so that no message is refused for ever. Memory stays
bounded with thousands of keys: keys idle for a whole window are forgotten.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable

WINDOW_SECONDS = 60.0


class SenderRateLimit:
    """Counts each key's messages and bytes over the last minute."""

    def __init__(
        self,
        per_minute: int,
        clock: Callable[[], float] = time.monotonic,
        bytes_per_minute: int = 0,
    ) -> None:
        """``per_minute`` and ``bytes_per_minute`` of 0 or less mean no such limit."""
        self.per_minute = per_minute
        self.bytes_per_minute = bytes_per_minute
        self._clock = clock
        self._sent: dict[str, deque[tuple[float, int]]] = {}
        self._bytes: dict[str, int] = {}
        self._next_sweep = clock() + WINDOW_SECONDS

    @property
    def limited(self) -> bool:
        """Whether any limit is set."""
        return self.per_minute > 0 or self.bytes_per_minute > 0

    def allow(self, sender: str, size: int = 0) -> bool:
        """Whether ``sender`` may send a message of ``size`` bytes now; if so, it is counted."""
        if not self.limited:
            return True
        now = self._clock()
        self._sweep(now)
        sent = self._window(sender, now)
        if self.per_minute > 0 and len(sent) >= self.per_minute:
            return False
        used = self._bytes.get(sender, 0)
        if self.bytes_per_minute > 0 and sent and used + size > self.bytes_per_minute:
            return False
        sent.append((now, size))
        self._bytes[sender] = used + size
        return True

    def retry_after(self, sender: str) -> int:
        """Whole seconds until ``sender`` may send again (0 if it may now)."""
        sent = self._sent.get(sender)
        if not self.limited or not sent:
            return 0
        over_count = self.per_minute > 0 and len(sent) >= self.per_minute
        # Asked after a refusal: with bytes counted, the oldest message's end (at the least).
        if not (over_count or self.bytes_per_minute > 0):
            return 0
        return max(1, int(sent[0][0] + WINDOW_SECONDS - self._clock() + 0.999))

    def __len__(self) -> int:
        """How many keys are remembered."""
        return len(self._sent)

    def _window(self, sender: str, now: float) -> deque[tuple[float, int]]:
        sent = self._sent.setdefault(sender, deque())
        while sent and sent[0][0] <= now - WINDOW_SECONDS:
            _, size = sent.popleft()
            self._bytes[sender] = self._bytes.get(sender, 0) - size
        return sent

    def _sweep(self, now: float) -> None:
        """Forgets the keys with nothing in the window, once a window."""
        if now < self._next_sweep:
            return
        self._next_sweep = now + WINDOW_SECONDS
        idle = [
            s for s, sent in self._sent.items() if not sent or sent[-1][0] <= now - WINDOW_SECONDS
        ]
        for sender in idle:
            del self._sent[sender]
            self._bytes.pop(sender, None)

    def undo(self, sender: str) -> None:
        """Takes the latest message counted for ``sender`` back (another limit refused it)."""
        sent = self._sent.get(sender)
        if sent:
            _, size = sent.pop()
            self._bytes[sender] = self._bytes.get(sender, 0) - size


class ClientRateLimit:
    """A sender's limit and its address's: a message must pass both, and counts in both.

    One sender's flood is refused by the sender's limit before it counts for its address, so
    it does not hold back other patients behind the same address (a clinic's network, a
    proxy).
    """

    def __init__(
        self,
        sender: SenderRateLimit,
        address: SenderRateLimit | None = None,
    ) -> None:
        """``sender``'s limits, and ``address``'s (none if None)."""
        self.sender = sender
        self.address = address if address is not None else SenderRateLimit(0)

    def allow(self, sender: str, address: str, size: int = 0) -> bool:
        """Whether the message may be processed now; if so, it is counted in both."""
        if not self.sender.allow(sender, size):
            return False
        if not self.address.allow(address, size):
            self.sender.undo(sender)
            return False
        return True

    def retry_after(self, sender: str, address: str) -> int:
        """Whole seconds until a message of ``sender`` from ``address`` may be sent again."""
        return max(self.sender.retry_after(sender), self.address.retry_after(address))
