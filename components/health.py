"""``GET /webhooks/health/``: whether the Rasa server can use its database, for monitoring.

200 ``{"database": "ok"}``, or 503 with the problem by name: ``{"database": "read-only"}``
(also ``missing``, ``full``, ``unreachable``, ``locked``, ``failing``; ``storage/faults.py``).
Each request looks at the database (for SQLite its file too), so the answer is the state now,
and a database that is back is noticed here even before the next patient writes. While the
answer is 503, patients get the fail-safe advice (``components/failsafe_tracker_store.py``).

A Rasa input channel that takes no messages: the way to add a route to the Rasa server without
its token-protected HTTP API. Configured in ``credentials.yml`` as
``components.health.HealthInput``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from storage import faults


class HealthInput(InputChannel):
    """Reports the health of the databases this server watches."""

    @classmethod
    def name(cls) -> str:
        """The route's prefix: ``/webhooks/health/``."""
        return "health"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """One route, ``GET /``."""
        health = Blueprint("storage_health", __name__)

        @health.route("/", methods=["GET"])
        async def report(request: Request) -> HTTPResponse:
            problems = [found for db in faults.watched() if (found := db.probe()) is not None]
            if problems:
                return response.json({"database": str(problems[0])}, status=503)
            return response.json({"database": "ok"})

        return health
