"""Live alerts for the staff view: every new referral, pushed to every open page.

The referrals are written by the action servers, one beside each Rasa server, never by the
staff view; so a new referral reaches the staff view through the database, never through one
process's memory:

* **PostgreSQL**: ``record_referral`` sends ``NOTIFY aftercare_referrals, '<id>'`` in the
  transaction that stores the referral (delivered when it commits). :class:`ReferralFeed`
  holds one connection with ``LISTEN`` on that channel, woken by the socket, and reads the
  new rows. It also looks every ``SAFETY_POLL`` seconds, and at once after a reconnection,
  so a notification lost while the connection was down loses no referral.
* **SQLite** (one machine): no notifications exist, so the feed watches the database: it
  looks for referrals numbered above the last one seen every ``SQLITE_POLL`` seconds (one
  indexed query).

Either way the feed then hands each new referral to every open page's server-sent event
stream (:func:`stream`), in this process. A page that connects names the last referral it
shows (``?after=``, or the browser's ``Last-Event-ID`` when it reconnects), and first gets
what came after it: nothing is missed between loading the page and the stream starting.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from aiohttp import web

from aftercare import clinic
from handover.store import MAX_ID, NOTIFY_CHANNEL, Handover, Referral

logger = logging.getLogger(__name__)

SQLITE_POLL = 1.0
"""Seconds between two looks at an SQLite database for new referrals."""
SAFETY_POLL = 15.0
"""Seconds between two looks at PostgreSQL when no notification came."""
RECONNECT = 2.0
"""Seconds before the ``LISTEN`` connection is made again after it failed."""
HEARTBEAT = 15.0
"""Seconds between two comments on an idle event stream (proxies close silent ones)."""
CATCH_UP = 50
"""At most this many earlier referrals are sent to a page that (re)connects."""
ALERT_LEVELS = frozenset({"emergency", "crisis", "urgent"})
"""The levels that come with a visible and an audible alert (a routine one is only added)."""


class ReferralFeed:
    """Finds new referrals in the database and hands them to the subscribed streams."""

    def __init__(self, store: Handover) -> None:
        """Watches ``store``'s database; nothing runs before :meth:`start`."""
        self.store = store
        self.last_id = 0
        self.subscribers: set[asyncio.Queue[Referral]] = set()
        self.streams: set[asyncio.Task[Any]] = set()
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._failing = False

    @property
    def postgresql(self) -> bool:
        """True when the referrals are in PostgreSQL (notifications), else watched (SQLite)."""
        return self.store.engine.dialect.name == "postgresql"

    async def start(self) -> None:
        """Starts watching from the newest referral stored now."""
        with contextlib.suppress(sa.exc.SQLAlchemyError):  # the database may come back later
            self.last_id = await asyncio.to_thread(self.store.latest_id)
        self._task = asyncio.create_task(self._run(), name="referral-feed")

    async def stop(self) -> None:
        """Stops watching."""
        if self._task is not None:
            self._task.cancel()
            await asyncio.wait({self._task})  # the caller's own cancellation still counts

    def end_streams(self) -> None:
        """Ends every open event stream (the server is stopping: pages reconnect later)."""
        for task in list(self.streams):
            task.cancel()

    def wake(self) -> None:
        """Looks for new referrals at once, not at the next poll."""
        self._wake.set()

    def subscribe(self) -> asyncio.Queue[Referral]:
        """A queue that gets every new referral from now on."""
        queue: asyncio.Queue[Referral] = asyncio.Queue(maxsize=1000)
        self.subscribers.add(queue)
        return queue

    def unsubscribe(self, queue: asyncio.Queue[Referral]) -> None:
        """Stops handing referrals to ``queue``."""
        self.subscribers.discard(queue)

    async def check(self) -> None:
        """Reads the referrals numbered above the last one seen and hands them out."""
        try:
            found = await asyncio.to_thread(self.store.referrals_after, self.last_id)
        except sa.exc.SQLAlchemyError:
            if not self._failing:
                logger.error("Live alerts cannot read the referrals: retrying")
            self._failing = True
            return
        if self._failing:
            logger.warning("Live alerts read the referrals again")
            self._failing = False
        for referral in found:
            self.last_id = max(self.last_id, referral.id)
            for queue in list(self.subscribers):
                with contextlib.suppress(asyncio.QueueFull):  # a stuck page loses alerts only
                    queue.put_nowait(referral)
        if len(found) >= 100:
            self.wake()  # more to read

    async def _run(self) -> None:
        if self.postgresql:
            await self._listen()
        else:
            while True:
                await self.check()
                await self._sleep(SQLITE_POLL)

    async def _sleep(self, seconds: float) -> None:
        # asyncio.timeout, never wait_for: on Python 3.11, wait_for swallows a cancellation
        # that comes as the wait ends, and stop() then waited for ever.
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(seconds):
                await self._wake.wait()
        self._wake.clear()

    async def _listen(self) -> None:
        """``LISTEN`` on a connection of its own; made again when it fails."""
        loop = asyncio.get_running_loop()
        while True:
            connection: Any = None
            lost = asyncio.Event()
            try:
                connection = await asyncio.to_thread(self._listening_connection)
                loop.add_reader(connection.fileno(), self._readable(connection, lost))
                while not lost.is_set():
                    await self.check()  # at once after (re)connecting, then when woken
                    await self._sleep(SAFETY_POLL)
            except Exception:  # a database that cannot be reached now: try again soon
                if not self._failing:
                    logger.exception("Live alerts cannot listen to PostgreSQL: retrying")
                self._failing = True
            finally:
                if connection is not None:
                    with contextlib.suppress(Exception):
                        loop.remove_reader(connection.fileno())
                    with contextlib.suppress(Exception):
                        connection.close()
            await asyncio.sleep(RECONNECT)

    def _listening_connection(self) -> Any:
        raw = self.store.engine.raw_connection()
        raw.detach()  # its own connection, never handed back to the pool
        connection = raw.dbapi_connection  # psycopg2's own
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute(f"LISTEN {NOTIFY_CHANNEL}")
        return connection

    def _readable(self, connection: Any, lost: asyncio.Event) -> Callable[[], None]:
        def on_readable() -> None:
            try:
                connection.poll()
            except Exception:
                lost.set()
                self.wake()
                return
            if connection.notifies:
                connection.notifies.clear()
                self.wake()

        return on_readable


def event_data(referral: Referral) -> dict[str, Any]:
    """What a page is told of a new referral: no patient's words, no contact details."""
    return {
        "id": referral.id,
        "level": referral.level,
        "alert": referral.level in ALERT_LEVELS,
        "summary": referral.summary,
        "created_at": referral.created_at.isoformat(),
        "created_at_text": clinic.load().local_time(referral.created_at),
        "callback": referral.callback_status,
        "url": f"/referrals/{referral.id}",
    }


def _after(request: web.Request) -> int:
    for value in (request.headers.get("Last-Event-ID"), request.query.get("after")):
        if value and value.isdigit():
            return min(int(value), MAX_ID)
    return -1


async def stream(request: web.Request, feed: ReferralFeed) -> web.StreamResponse:
    """``GET /events``: server-sent events, one ``referral`` event per new referral."""
    response = web.StreamResponse(
        headers={
            "Content-Type": "text/event-stream",
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
            "X-Accel-Buffering": "no",  # nginx passes each event on at once
        }
    )
    await response.prepare(request)
    queue = feed.subscribe()
    task = asyncio.current_task()
    if task is not None:
        feed.streams.add(task)
    try:
        await response.write(b"retry: 2000\n\n")
        sent = _after(request)
        if sent >= 0:  # what came after the page was made, or during a reconnection
            earlier = await asyncio.to_thread(feed.store.referrals_after, sent, CATCH_UP)
            for referral in earlier:
                await response.write(_event(referral))
                sent = referral.id
        else:
            sent = feed.last_id
        while True:
            try:
                async with asyncio.timeout(HEARTBEAT):  # as in ReferralFeed._sleep
                    referral = await queue.get()
            except TimeoutError:
                await response.write(b": still here\n\n")
                continue
            if referral.id > sent:
                await response.write(_event(referral))
                sent = referral.id
    except (ConnectionResetError, asyncio.CancelledError):
        pass
    finally:
        feed.unsubscribe(queue)
        if task is not None:
            feed.streams.discard(task)
    return response


def _event(referral: Referral) -> bytes:
    data = json.dumps(event_data(referral), ensure_ascii=False)
    return f"id: {referral.id}\nevent: referral\ndata: {data}\n\n".encode()
