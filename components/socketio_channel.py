"""Rasa's socket.io channel, accepting browsers from the clinic's website only.

Rasa 3.6 builds its socket.io server with ``cors_allowed_origins=[]``, which switches the
socket.io origin check off: a page on any site could chat with the bot in a patient's name, and
CORS headers alone would not stop it (websockets know no CORS). This subclass keeps everything
of Rasa's channel (events, session persistence, output channel, the name ``socketio``) and
refuses a connection whose browser ``Origin`` is not one of the clinic's website origins
(``website_origin`` in ``clinic.yml`` or ``CLINIC_WEBSITE_ORIGIN``). Clients that send no
``Origin`` (not a browser page) are let through, as socket.io itself does. It also hands Rasa's
message handler what it can digest when a client sends a number, null or no object at all.

The CORS headers that let the allowed page read the replies come from Rasa's own ``--cors``
option (``scripts/run.sh`` passes the same origins), which covers the REST channel too.

Configured in ``credentials.yml`` under ``components.socketio_channel.SocketIOInput``.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels import socketio
from rasa.core.channels.channel import UserMessage
from sanic import Blueprint

from actions import clinic

logger = logging.getLogger(__name__)

ConnectHandler = Callable[[str, dict[str, Any], Any], Awaitable[bool]]
MessageHandler = Callable[[str, dict[str, Any]], Awaitable[None]]


class SocketIOInput(socketio.SocketIOInput):
    """Rasa's socket.io input channel with an origin check on connect."""

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """Rasa's socket.io blueprint; connections from other sites' pages are refused."""
        blueprint = super().blueprint(on_new_message)
        if self.sio is None:  # pragma: no cover - super().blueprint always sets it
            raise RuntimeError("Rasa's socket.io channel did not create its server")
        namespace = self.namespace or "/"
        rasa_connect: ConnectHandler = self.sio.handlers[namespace]["connect"]
        rasa_handle_message: MessageHandler = self.sio.handlers[namespace][self.user_message_evt]
        origins = clinic.load().website_origins()

        async def connect(sid: str, environ: dict[str, Any], auth: Any = None) -> bool:
            origin = environ.get("HTTP_ORIGIN")
            if origin is not None and origin.rstrip("/") not in origins:
                logger.warning("Refused a socket.io connection from origin %s", origin)
                return False
            return await rasa_connect(sid, environ, auth)

        async def handle_message(sid: str, data: Any = None) -> None:
            # A client can send anything: Rasa's handler needs a dict and its UserMessage
            # text (a number or null crashes it). What the patient sent is kept, as text.
            data = dict(data) if isinstance(data, dict) else {}
            message = data.get("message")
            if not isinstance(message, str):
                data["message"] = "" if message is None else str(message)
            await rasa_handle_message(sid, data)

        self.sio.on("connect", connect, namespace=self.namespace)
        self.sio.on(self.user_message_evt, handle_message, namespace=self.namespace)
        logger.info("socket.io channel accepts the origins %s", ", ".join(origins))
        return blueprint
