"""A per-sender message rate limit, so that one client cannot starve the others.

Plain Python, no Rasa import; used by the REST and socket.io channels. A sliding window:
a sender may send ``per_minute`` messages in any 60 seconds. Memory stays bounded with
thousands of senders: senders idle for a whole window are forgotten.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable

WINDOW_SECONDS = 60.0


class SenderRateLimit:
    """Counts each sender's messages over the last minute."""

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        """``per_minute`` of 0 or less means no limit."""
        self.per_minute = per_minute
        self._clock = clock
        self._sent: dict[str, deque[float]] = {}
        self._next_sweep = clock() + WINDOW_SECONDS

    def allow(self, sender: str) -> bool:
        """Whether ``sender`` may send a message now; if so, the message is counted."""
        if self.per_minute <= 0:
            return True
        now = self._clock()
        self._sweep(now)
        sent = self._sent.setdefault(sender, deque())
        while sent and sent[0] <= now - WINDOW_SECONDS:
            sent.popleft()
        if len(sent) >= self.per_minute:
            return False
        sent.append(now)
        return True

    def retry_after(self, sender: str) -> int:
        """Whole seconds until ``sender`` may send again (0 if it may now)."""
        sent = self._sent.get(sender)
        if self.per_minute <= 0 or not sent or len(sent) < self.per_minute:
            return 0
        return max(1, int(sent[0] + WINDOW_SECONDS - self._clock() + 0.999))

    def __len__(self) -> int:
        """How many senders are remembered."""
        return len(self._sent)

    def _sweep(self, now: float) -> None:
        """Forgets the senders with nothing in the window, once a window."""
        if now < self._next_sweep:
            return
        self._next_sweep = now + WINDOW_SECONDS
        idle = [s for s, sent in self._sent.items() if not sent or sent[-1] <= now - WINDOW_SECONDS]
        for sender in idle:
            del self._sent[sender]
