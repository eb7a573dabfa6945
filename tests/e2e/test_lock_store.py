"""The Redis lock store several Rasa servers share (components/lock_store.py), on local Redis."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator

import pytest
import redis.asyncio
from rasa.core.lock_store import LockError
from rasa.utils.endpoints import EndpointConfig

from components.lock_store import RedisConversationLockStore

pytestmark = pytest.mark.redis

REDIS_DB = int(os.environ.get("TEST_REDIS_DB", "4"))


@pytest.fixture
async def store() -> AsyncIterator[RedisConversationLockStore]:
    """A lock store on the local Redis, with keys of its own, removed afterwards."""
    prefix = f"test-{uuid.uuid4().hex}"
    lock_store = RedisConversationLockStore(
        EndpointConfig(url="127.0.0.1", port=6379, db=REDIS_DB, key_prefix=prefix)
    )
    try:
        await lock_store.redis.ping()
    except redis.exceptions.ConnectionError as error:
        pytest.fail(f"Redis is needed on 127.0.0.1:6379 for these tests: {error}")
    yield lock_store
    keys = await lock_store.redis.keys(f"{prefix}:*")
    if keys:
        await lock_store.redis.delete(*keys)
    await lock_store.redis.close()


async def test_one_holder_at_a_time_across_stores(store: RedisConversationLockStore) -> None:
    # Two stores stand for two Rasa servers sharing one Redis.
    other = RedisConversationLockStore(
        EndpointConfig(url="127.0.0.1", port=6379, db=REDIS_DB, key_prefix=store.prefix)
    )
    holding = 0
    most = 0
    done: list[int] = []

    async def handle(n: int) -> None:
        nonlocal holding, most
        async with (store if n % 2 else other).lock("anna"):
            holding += 1
            most = max(most, holding)
            await asyncio.sleep(0.01)
            done.append(n)
            holding -= 1

    await asyncio.gather(*(handle(n) for n in range(20)))
    assert most == 1
    assert sorted(done) == list(range(20))
    await other.redis.close()


async def test_other_conversations_are_not_held_up(store: RedisConversationLockStore) -> None:
    async with store.lock("anna"):
        async with asyncio.timeout(1):
            async with store.lock("ben"):
                pass


async def test_the_lock_is_gone_after_the_block(store: RedisConversationLockStore) -> None:
    async with store.lock("anna"):
        assert await store.redis.exists(store.key("anna"))
    assert not await store.redis.exists(store.key("anna"))


async def test_a_lock_left_by_a_dead_server_expires(store: RedisConversationLockStore) -> None:
    await store.redis.set(store.key("anna"), "a server that died", px=200)
    async with asyncio.timeout(2):
        async with store.lock("anna"):
            pass


async def test_an_expired_lock_taken_by_another_is_not_released_by_the_first(
    store: RedisConversationLockStore,
) -> None:
    async with store.lock("anna", lock_lifetime=0.1):
        await asyncio.sleep(0.2)  # expired while held
        await store.redis.set(store.key("anna"), "another server")
    assert await store.redis.get(store.key("anna")) == b"another server"


async def test_waiting_too_long_is_a_lock_error(store: RedisConversationLockStore) -> None:
    store.wait_seconds = 0.1
    await store.redis.set(store.key("anna"), "busy", px=5000)
    with pytest.raises(LockError):
        async with store.lock("anna"):
            pass
