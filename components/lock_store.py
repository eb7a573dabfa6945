"""A Redis lock store that several Rasa servers can share safely.

Rasa 3.6's ``RedisLockStore`` keeps a conversation's queue of tickets as one Redis value that
each server reads, changes and writes back. Two servers taking messages of one conversation at
the same moment overwrite each other's tickets, and one of them fails with "Could not acquire
lock" (RasaHQ/rasa#9213; its fix, ``ConcurrentRedisLockStore``, was reverted from Rasa Open
Source). ``tests/e2e/test_scale_out.py`` shows it: 12 messages of one conversation sent at once
to two servers gave HTTP 500s and a lost message.

This one relies on Redis's atomic operations instead: a conversation is locked with
``SET key token NX PX lifetime`` and unlocked by a script that deletes the key only if it
still holds this server's token. At most one server handles a conversation at a time; a server
that dies holding the lock loses it after ``lock_lifetime`` seconds (Rasa's 60 by default).
A waiting server tries again every ``poll_seconds`` (5 ms) for up to ``wait_seconds``; messages
that arrive while one is being handled are taken in turn, in no guaranteed order (a patient
waits for the reply before writing again).

Configured in ``endpoints.yml`` (``tools/cluster.py`` writes it)::

    lock_store:
      type: components.lock_store.RedisConversationLockStore
      url: 127.0.0.1      # the Redis host, as in Rasa's own Redis lock store
      port: 6379
      db: 1
      key_prefix: aftercare
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncGenerator
from contextlib import asynccontextmanager
from typing import Any

import redis.asyncio
from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, LockStore
from rasa.utils.endpoints import EndpointConfig

# Deletes the lock only if this server still holds it (it may have expired and been taken).
RELEASE = """
if redis.call("get", KEYS[1]) == ARGV[1] then
    return redis.call("del", KEYS[1])
end
return 0
"""


class RedisConversationLockStore(LockStore):
    """One Redis key per conversation being handled, set and deleted atomically."""

    def __init__(
        self,
        endpoint_config: EndpointConfig | None = None,
        host: str = "localhost",
        port: int = 6379,
        db: int = 1,
        password: str | None = None,
        key_prefix: str = "aftercare",
        poll_seconds: float = 0.005,
        wait_seconds: float = 60.0,
    ) -> None:
        """Settings from ``endpoints.yml`` (``url`` is the host) or from the arguments."""
        settings: dict[str, Any] = {}
        if endpoint_config is not None:
            settings = {**endpoint_config.kwargs, "host": endpoint_config.url or host}
        self.prefix = str(settings.get("key_prefix", key_prefix))
        self.poll_seconds = float(settings.get("poll_seconds", poll_seconds))
        self.wait_seconds = float(settings.get("wait_seconds", wait_seconds))
        # The client connects on first use, in the server's event loop.
        self.redis = redis.asyncio.Redis(
            host=settings.get("host", host),
            port=int(settings.get("port", port)),
            db=int(settings.get("db", db)),
            password=settings.get("password", password),
        )

    def key(self, conversation_id: str) -> str:
        """The Redis key that is set while ``conversation_id`` is being handled."""
        return f"{self.prefix}:conversation-lock:{conversation_id}"

    @asynccontextmanager
    async def lock(
        self,
        conversation_id: str,
        lock_lifetime: float = LOCK_LIFETIME,
        wait_time_in_seconds: float = 1,
    ) -> AsyncGenerator[TicketLock, None]:
        """Holds the conversation's lock while the ``async with`` block runs.

        Raises ``LockError`` after ``wait_seconds`` without getting it.
        """
        key, token = self.key(conversation_id), uuid.uuid4().hex
        deadline = time.monotonic() + self.wait_seconds
        while not await self.redis.set(key, token, nx=True, px=int(lock_lifetime * 1000)):
            if time.monotonic() > deadline:
                raise LockError(f"Could not acquire lock for conversation_id '{conversation_id}'.")
            await asyncio.sleep(self.poll_seconds)
        try:
            yield self.create_lock(conversation_id)
        finally:
            await self.redis.eval(RELEASE, 1, key, token)
