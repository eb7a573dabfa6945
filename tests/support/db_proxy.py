"""A TCP proxy that can cut a database off and bring it back, for the fault tests.

The tests must not stop the machine's shared PostgreSQL. Instead the bot talks to a
throwaway database (``tools/cluster.py``, ``throwaway_postgres``) through this proxy:
:meth:`TcpProxy.cut` drops every open connection and refuses new ones, as a stopped server
or a lost network would; :meth:`TcpProxy.restore` accepts connections again on the same port.

It runs asyncio in a thread of its own, so that a test can cut and restore from plain code::

    with TcpProxy("127.0.0.1", 5432) as proxy:
        url = proxy.url("postgresql://postgres@127.0.0.1:5432/aftercare_test_x")
        ...
        proxy.cut()
        proxy.restore()
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

import sqlalchemy as sa

from tools.servers import free_port

T = TypeVar("T")
CHUNK = 64 * 1024


class TcpProxy:
    """Forwards ``127.0.0.1:port`` to ``host:port`` of the target until cut."""

    def __init__(self, target_host: str, target_port: int, port: int | None = None) -> None:
        """Chooses a free local port unless ``port`` is given; nothing runs before ``start``."""
        self.target = (target_host, target_port)
        self.port = port or free_port()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()

    def url(self, database_url: str) -> str:
        """``database_url`` with its host and port replaced by the proxy's."""
        parsed = sa.engine.make_url(database_url)
        return parsed.set(host="127.0.0.1", port=self.port).render_as_string(hide_password=False)

    def start(self) -> TcpProxy:
        """Starts the thread and accepts connections."""
        self._thread.start()
        self.restore()
        return self

    def cut(self) -> None:
        """Drops every open connection and refuses new ones."""
        self._run(self._cut())

    def restore(self) -> None:
        """Accepts connections again (on the same port)."""
        self._run(self._listen())

    def stop(self) -> None:
        """Cuts, then stops the thread."""
        self.cut()
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)

    def __enter__(self) -> TcpProxy:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    def _run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout=10)

    async def _listen(self) -> None:
        if self._server is None:
            self._server = await asyncio.start_server(self._accept, "127.0.0.1", self.port)

    async def _cut(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server = None
        for writer in list(self._writers):
            writer.transport.abort()
        self._writers.clear()

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            upstream_reader, upstream_writer = await asyncio.open_connection(*self.target)
        except OSError:
            writer.transport.abort()
            return
        self._writers |= {writer, upstream_writer}
        await asyncio.gather(
            self._pipe(reader, upstream_writer),
            self._pipe(upstream_reader, writer),
        )

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(CHUNK):
                writer.write(data)
                await writer.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            self._writers.discard(writer)
            with contextlib.suppress(Exception):
                writer.close()
