"""Rasa's socket.io channel, accepting browsers from the clinic's website only.

Rasa 3.6 builds its socket.io server with ``cors_allowed_origins=[]``, which switches the
socket.io origin check off: a page on any site could chat with the bot in a patient's name, and
CORS headers alone would not stop it (websockets know no CORS). This subclass keeps everything
of Rasa's channel (events, session persistence, output channel, the name ``socketio``) and
refuses a connection whose browser ``Origin`` is not one of the clinic's website origins
(``website_origin`` in ``clinic.yml`` or ``CLINIC_WEBSITE_ORIGIN``). Clients that send no
``Origin`` (not a browser page) are let through, as socket.io itself does. Beside that:

* A connection talks in the session it asked for with ``session_request``, or in its own when
  it asked for none. Rasa's handler takes whatever ``session_id`` a message names, so a client
  could write into another patient's conversation, and it drops a message without one unanswered.
* A conversation's id is in the socket.io channel's namespace (``socketio-...``), which the
  REST channel refuses: a REST client cannot address it (``components/session_tokens.py``).
* A session is joined with its token only (``components/session_tokens.py``): the
  ``session_confirm`` of a new session carries ``{"session_id": ..., "session_token": ...}``,
  and a ``session_request`` naming an id without its token gets a new session. Rasa would put
  the client into the named conversation, to see its replies live and write into it. A token
  lasts 24 hours, and ends with its conversation: once it is erased ("delete my data", the
  retention) the id and token get a new session.
* A message too large to read gets the domain's ``utter_default`` ("a sentence or two works
  best", the message screener's answer to a long message), and the connection stays up.
  Rasa's server dropped the connection without a word at engine.io's and Sanic's 1 MB; now a
  message of up to Sanic's ``REQUEST_MAX_SIZE`` (100 MB, as for any HTTP request) arrives, and
  one longer than ``MAX_PACKET_LENGTH`` (1 MB) is answered without being decoded.
* Rasa's handler is handed what it can digest when a client sends a number, null, no object
  at all or metadata that is not an object, and at most ``max_characters`` of a message, a
  lone surrogate in it replaced by U+FFFD (no database or UTF-8 encoder takes one).
* The patient's consent to the widget's privacy notice: a ``session_request`` may carry
  ``{"consent": {"version": ...}}``. When the version is the one configured
  (``privacy_notice_version`` in ``clinic.yml``), the next message of that connection is
  stored with ``{"aftercare_consent": {"version": ..., "at": <the server's time>}}`` in its
  metadata, so the consent is kept with the conversation (and erased with it). Nothing else of
  what a client sends is stored as metadata: the client's own metadata is dropped
  (``components/long_messages.py``), so a client cannot forge a consent or its time.
* No traceback in the log when a widget's websocket closes (:func:`quiet_on_websocket_close`).
* The same rate limits as the REST channel, per sender and per address, by messages and by
  bytes (``messages_per_minute``, ``bytes_per_minute``, ``address_...``; the reply is the
  domain's ``utter_rate_limited``).

The CORS headers that let the allowed page read the replies come from Rasa's own ``--cors``
option (``scripts/run.sh`` passes the same origins), which covers the REST channel too.

Configured in ``credentials.yml`` under ``components.socketio_channel.SocketIOInput``.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from rasa.core.channels import socketio
from rasa.core.channels.channel import UserMessage
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.exceptions import RasaException
from sanic import Blueprint, Sanic

from aftercare import clinic
from aftercare.text import mended
from components import log_privacy, session_tokens
from components.admission import MESSAGES_AT_ONCE, MessageLine
from components.long_messages import with_screening
from components.rest_channel import (
    ADDRESS_BYTES_PER_MINUTE,
    ADDRESS_MESSAGES_PER_MINUTE,
    BYTES_PER_MINUTE,
    MAX_CHARACTERS,
    MESSAGES_PER_MINUTE,
    RATE_LIMITED_RESPONSE,
    checked,
    rate_limit,
    text_bytes,
)

logger = logging.getLogger(__name__)

ConnectHandler = Callable[[str, dict[str, Any], Any], Awaitable[bool]]
MAX_SESSION_ID = 200
MAX_PACKET_LENGTH = 1_000_000
"""The longest socket.io packet decoded, in characters (engine.io's default limit, in bytes)."""
MessageHandler = Callable[[str, dict[str, Any]], Awaitable[None]]
CONSENT_KEY = "aftercare_consent"
"""The metadata key of the consent stored with a message (the server's own, never a client's)."""
TOO_LONG_RESPONSE = "utter_default"
"""The answer to a message too large to read: the one to any message over 1,000 characters."""


LIMITS = {
    "max_characters": MAX_CHARACTERS,
    "messages_per_minute": MESSAGES_PER_MINUTE,
    "messages_at_once": MESSAGES_AT_ONCE,
    "bytes_per_minute": BYTES_PER_MINUTE,
    "address_messages_per_minute": ADDRESS_MESSAGES_PER_MINUTE,
    "address_bytes_per_minute": ADDRESS_BYTES_PER_MINUTE,
}
"""The channel's own settings in ``credentials.yml``, and their defaults (as REST's)."""


def own_conversation(sid: str) -> str:
    """The conversation of a connection that asked for no session: its own, in the namespace."""
    return session_tokens.CONVERSATION_PREFIX + sid


def consent_given(sent: Any, version: str) -> dict[str, str] | None:
    """The consent to store for what a client sent: the configured version, the server's time.

    Anything but ``{"version": <the configured version>}`` (another version, another type) is
    no consent: the widget asks again when the notice changes.
    """
    if not isinstance(sent, dict) or sent.get("version") != version:
        return None
    return {"version": version, "at": datetime.now(UTC).isoformat(timespec="seconds")}


def quiet_on_websocket_close(engine: Any) -> None:
    """No Sanic traceback when a widget's websocket closes.

    engine.io's request handler returns nothing once a websocket connection ends, and Sanic
    logs "Invalid response type None (need HTTPResponse)" with a traceback for every widget
    that leaves, unless the route's handler is marked as a websocket one. The route is added
    when the blueprint is registered, with whatever ``engine.handle_request`` is then.
    """
    handle_request = engine.handle_request

    async def handle(*args: Any, **kwargs: Any) -> Any:
        return await handle_request(*args, **kwargs)

    handle.__name__ = "handle_request"
    setattr(handle, "is_websocket", True)  # noqa: B010 - Sanic looks the attribute up
    engine.handle_request = handle


class SocketIOInput(socketio.SocketIOInput):
    """Rasa's socket.io input channel with an origin check on connect."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        """Rasa's settings; the limits are Rasa's defaults until ``limit`` sets them."""
        super().__init__(*args, **kwargs)
        self.limit(**LIMITS)
        self._app: Sanic | None = None
        self._sessions: dict[str, str] = {}
        """The session id each connected client asked for, by socket.io connection id."""
        self._addresses: dict[str, str] = {}
        """The address of each connected client, by socket.io connection id."""
        self._consents: dict[str, dict[str, str]] = {}
        """A consent given with a session request, until the connection's next message."""

    def limit(
        self,
        max_characters: int,
        messages_per_minute: int,
        messages_at_once: int,
        bytes_per_minute: int,
        address_messages_per_minute: int,
        address_bytes_per_minute: int,
    ) -> None:
        """Message length cap, rate limits, messages Rasa works on at once (admission.py)."""
        self.max_characters = int(max_characters)
        self.rate_limit = rate_limit(
            messages_per_minute,
            bytes_per_minute,
            address_messages_per_minute,
            address_bytes_per_minute,
        )
        self.line = MessageLine(int(messages_at_once))

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> SocketIOInput:
        """Rasa's keys, plus ``max_characters``, ``messages_per_minute``, ``messages_at_once``."""
        settings = checked(credentials, f"{cls.__module__}.{cls.__name__}")
        limits = {key: settings.pop(key, default) for key, default in LIMITS.items()}
        try:  # the session key, read (or made) at start: a short one is one line, not a traceback
            session_tokens.configured()
        except ValueError as error:
            raise RasaException(
                f"The socket.io session key ({session_tokens.KEY_VARIABLE}, or the file "
                f"{session_tokens.FILE_VARIABLE}): {error}"
            ) from error
        channel = super().from_credentials(settings)
        assert isinstance(channel, SocketIOInput)
        channel.limit(**limits)
        return channel

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """Rasa's socket.io blueprint; connections from other sites' pages are refused."""
        blueprint = super().blueprint(on_new_message)
        log_privacy.install()  # whatever started the server (components/log_privacy.py)
        if self.sio is None:  # pragma: no cover - super().blueprint always sets it
            raise RuntimeError("Rasa's socket.io channel did not create its server")
        namespace = self.namespace or "/"
        rasa_connect: ConnectHandler = self.sio.handlers[namespace]["connect"]
        rasa_handle_message: MessageHandler = self.sio.handlers[namespace][self.user_message_evt]
        origins = clinic.load().website_origins()
        tokens = session_tokens.configured()
        sio = self.sio
        quiet_on_websocket_close(sio.eio)

        async def connect(sid: str, environ: dict[str, Any], auth: Any = None) -> bool:
            origin = environ.get("HTTP_ORIGIN")
            if origin is not None and origin.rstrip("/") not in origins:
                logger.warning("Refused a socket.io connection from origin %s", origin)
                return False
            request = environ.get("sanic.request")  # engine.io's REMOTE_ADDR is always loopback
            address = request.remote_addr or request.ip if request is not None else None
            self._addresses[sid] = str(address or environ.get("REMOTE_ADDR", ""))
            return await rasa_connect(sid, environ, auth)

        async def session_request(sid: str, data: Any = None) -> None:
            # Rasa's, plus: the session is bound to this connection, joined with its token
            # only, and odd data is tolerated.
            data = data if isinstance(data, dict) else {}
            requested = data.get("session_id")
            session_id = (
                requested
                if isinstance(requested, str)
                and len(requested) <= MAX_SESSION_ID
                and session_tokens.is_socketio_conversation(requested)
                and tokens.check(requested, data.get("session_token"))
                else session_tokens.new_conversation_id()
            )
            if session_id == requested and not await self._kept(session_id):
                # Erased ("delete my data", the retention): its token ends with it.
                session_id = session_tokens.new_conversation_id()
            if requested and session_id != requested:
                logger.info("A socket.io session was asked for without its token: a new one")
            previous = self._sessions.get(sid)
            if previous is not None and previous != session_id:
                sio.leave_room(sid, previous)
            if self.session_persistence:
                sio.enter_room(sid, session_id)
            self._sessions[sid] = session_id
            consent = consent_given(data.get("consent"), clinic.load().privacy_notice_version)
            if consent is not None:
                self._consents[sid] = consent
            confirmation = {"session_id": session_id, "session_token": tokens.issue(session_id)}
            await sio.emit("session_confirm", confirmation, room=sid)

        async def disconnect(sid: str) -> None:
            self._sessions.pop(sid, None)
            self._addresses.pop(sid, None)
            self._consents.pop(sid, None)

        async def handle_message(sid: str, data: Any = None) -> None:
            # A client can send anything: Rasa's handler needs a dict, a text (a number or
            # null crashes it) and metadata that is an object. What the patient sent is kept,
            # as text, up to max_characters.
            data = dict(data) if isinstance(data, dict) else {}
            message = data.get("message")
            if not isinstance(message, str):
                message = "" if message is None else str(message)
            # A lone surrogate, which nothing can store, becomes U+FFFD: the rest is read.
            data["message"] = mended(message[: self.max_characters])
            if not isinstance(data.get(self.metadata_key), dict):
                data[self.metadata_key] = {}
            # The conversation is the one this connection asked for (Rasa would take any
            # session_id the client names, or drop a message without one); else its own.
            sender = self._sessions.get(sid, own_conversation(sid))
            data["session_id"] = sender
            address = self._addresses.get(sid, "")
            if not self.rate_limit.allow(sender, address, text_bytes(data["message"])):
                logger.warning("Rate limit: a message from one sender was not processed")
                await self._say(sid, sender, RATE_LIMITED_RESPONSE)
                return
            async with self.line.turn(sender):
                data[self.metadata_key] = await with_screening(
                    data["message"],
                    data[self.metadata_key],
                    functools.partial(self.line.give_way, sender),
                )
                consent = self._consents.pop(sid, None)
                if consent is not None:
                    data[self.metadata_key][CONSENT_KEY] = consent
                await rasa_handle_message(sid, data)

        async def engineio_message(eio_sid: str, data: str | bytes) -> None:
            # Every socket.io packet, before it is decoded: one too large is answered instead.
            if len(data) <= MAX_PACKET_LENGTH:
                await sio._handle_eio_message(eio_sid, data)
                return
            sid = sio.manager.sid_from_eio_sid(eio_sid, namespace)
            if sid is None:
                return
            sender = self._sessions.get(sid, own_conversation(sid))
            logger.warning("A socket.io message of %d characters was not read", len(data))
            if self.rate_limit.allow(sender, self._addresses.get(sid, "")):
                await self._say(sid, sender, TOO_LONG_RESPONSE)
            else:
                await self._say(sid, sender, RATE_LIMITED_RESPONSE)

        @blueprint.listener("main_process_start")
        async def take_large_messages(app: Sanic, _loop: Any) -> None:
            # Read before the server starts: a websocket frame over this closes the connection.
            app.config.WEBSOCKET_MAX_SIZE = app.config.REQUEST_MAX_SIZE
            sio.eio.max_http_buffer_size = app.config.REQUEST_MAX_SIZE

        @blueprint.listener("after_server_start")
        async def remember_app(app: Sanic, _loop: Any) -> None:
            self._app = app

        self.sio.on("connect", connect, namespace=self.namespace)
        self.sio.on("session_request", session_request, namespace=self.namespace)
        self.sio.on("disconnect", disconnect, namespace=self.namespace)
        self.sio.on(self.user_message_evt, handle_message, namespace=self.namespace)
        self.sio.eio.on("message", engineio_message)
        logger.info("socket.io channel accepts the origins %s", ", ".join(origins))
        return blueprint

    async def _kept(self, conversation_id: str) -> bool:
        """Whether the conversation is still stored (or the store cannot tell: then yes)."""
        if self._app is None:  # pragma: no cover - set at server start
            return True
        return bool(await self._app.ctx.agent.tracker_store.exists(conversation_id))

    async def _say(self, sid: str, sender: str, response: str) -> None:
        """A response of the domain, filled in by the server's NLG, to one client."""
        if self._app is None or self.sio is None:  # pragma: no cover - set at server start
            return
        reply = await self._app.ctx.agent.nlg.generate(
            response, DialogueStateTracker(sender, []), self.name()
        )
        await self.sio.emit(self.bot_message_evt, {"text": (reply or {}).get("text", "")}, room=sid)
