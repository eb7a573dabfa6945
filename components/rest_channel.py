"""Rasa's REST channel, with its input checked, its length capped and a per-sender rate limit.

Rasa's own channel takes whatever JSON arrives: a body that is a list, or a number as the
message, crashes the handler (HTTP 500), and a missing ``sender`` puts the message into one
shared conversation called "default". This subclass keeps Rasa's route
(``POST /webhooks/rest/webhook``) and reply format, and:

* answers **400** with a short JSON error to a body that is not a JSON object, a missing or
  non-text ``sender`` (at most ``max_sender_length`` characters), a ``message`` that is not
  text, a sender or message that is not valid Unicode (a lone surrogate, which no database
  or UTF-8 encoder takes), or ``metadata`` that is not an object;
* answers **400** to a ``sender`` in the socket.io channel's namespace (``socketio-...``,
  ``components/session_tokens.py``): a conversation belongs to the channel that started it,
  and a widget's conversation is joined with its token only;
* hands Rasa at most ``max_characters`` (20,000) of a message, so that a 1 MB body costs no
  more than a long letter; the NLU's message screener answers anything over 1,000 characters
  by asking for a sentence or two, after screening it for red flags (a long letter is screened
  here, in pieces, so that other patients are answered meanwhile: ``long_messages.py``);
* answers **429**, with ``Retry-After`` and the domain's ``utter_rate_limited`` as the reply,
  to a sender's message beyond ``messages_per_minute`` or ``bytes_per_minute`` (its text's
  UTF-8 bytes), or beyond ``address_messages_per_minute`` or ``address_bytes_per_minute``
  of all senders from its address (0: no such limit; ``components/ratelimit.py``). The
  message is not processed, so a flood costs the server almost nothing.

Rasa's ``?stream=true`` variant of the route is not offered.

Configured in ``credentials.yml`` under ``components.rest_channel.RestInput``.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels import rest
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.exceptions import RasaException
from sanic import Blueprint, response
from sanic.exceptions import InvalidUsage
from sanic.request import Request
from sanic.response import HTTPResponse

from aftercare import config, limits
from aftercare import text as text_check
from components import log_privacy, session_tokens
from components.admission import MESSAGES_AT_ONCE, MessageLine
from components.long_messages import with_screening
from components.ratelimit import ClientRateLimit, SenderRateLimit

logger = logging.getLogger(__name__)

RATE_LIMITED_RESPONSE = "utter_rate_limited"
MAX_CHARACTERS = limits.MESSAGE_CHARACTERS
MESSAGES_PER_MINUTE = 30
"""A sender's rate limit, by default (both channels)."""
BYTES_PER_MINUTE = 100_000
"""A sender's bytes of text a minute, by default (both channels): five letters of 20,000."""
ADDRESS_MESSAGES_PER_MINUTE = 0
"""All senders' messages from one address, by default: none (a clinic's network, a proxy)."""
ADDRESS_BYTES_PER_MINUTE = 1_000_000
"""All senders' bytes of text from one address a minute, by default (both channels)."""


def rate_limit(
    messages_per_minute: int,
    bytes_per_minute: int,
    address_messages_per_minute: int,
    address_bytes_per_minute: int,
) -> ClientRateLimit:
    """A channel's rate limit: per sender and per address, messages and bytes."""
    return ClientRateLimit(
        SenderRateLimit(int(messages_per_minute), bytes_per_minute=int(bytes_per_minute)),
        SenderRateLimit(
            int(address_messages_per_minute), bytes_per_minute=int(address_bytes_per_minute)
        ),
    )


def text_bytes(text: str) -> int:
    """What a message's text weighs for the rate limit: its UTF-8 bytes."""
    return len(text.encode("utf-8", "surrogatepass"))


async def rate_limited_reply(agent: Any, sender: str, channel: str) -> str:
    """The domain's ``utter_rate_limited``, filled in by the server's NLG."""
    reply = await agent.nlg.generate(
        RATE_LIMITED_RESPONSE, DialogueStateTracker(sender, []), channel
    )
    return str((reply or {}).get("text", ""))


def checked(credentials: dict[str, Any] | None, channel: str) -> dict[str, Any]:
    """A channel's settings, its limits checked: a bad one stops the server with one line."""
    settings = dict(credentials or {})
    try:
        config.channel_limits(settings)
    except config.ConfigError as error:  # Rasa prints its own errors without a traceback
        raise RasaException(f"credentials.yml, {channel}: {error}") from error
    return settings


def client_address(request: Request) -> str:
    """The client's address: Sanic's, from a trusted proxy's headers when it is configured so."""
    return str(request.remote_addr or request.ip)


class InvalidMessage(ValueError):
    """A request that is not a message this channel accepts; the text says why."""


class RestInput(rest.RestInput):
    """Rasa's REST input channel, checking what it is sent."""

    def __init__(
        self,
        max_characters: int = MAX_CHARACTERS,
        max_sender_length: int = 200,
        messages_per_minute: int = MESSAGES_PER_MINUTE,
        messages_at_once: int = MESSAGES_AT_ONCE,
        bytes_per_minute: int = BYTES_PER_MINUTE,
        address_messages_per_minute: int = ADDRESS_MESSAGES_PER_MINUTE,
        address_bytes_per_minute: int = ADDRESS_BYTES_PER_MINUTE,
    ) -> None:
        """Message and sender length caps, rate limits, messages Rasa works on at once."""
        self.max_characters = int(max_characters)
        self.max_sender_length = int(max_sender_length)
        self.rate_limit = rate_limit(
            messages_per_minute,
            bytes_per_minute,
            address_messages_per_minute,
            address_bytes_per_minute,
        )
        self.line = MessageLine(int(messages_at_once))

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> RestInput:
        """The channel from its ``credentials.yml`` section (all keys optional)."""
        return cls(**checked(credentials, f"{cls.__module__}.{cls.__name__}"))

    def parse(self, request: Request) -> tuple[str, str, dict[str, Any] | None]:
        """The sender, the text (capped) and the metadata of a request, or InvalidMessage."""
        try:
            body = request.json
        except InvalidUsage as error:
            raise InvalidMessage("the body is not JSON") from error
        if not isinstance(body, dict):
            raise InvalidMessage('the body must be a JSON object: {"sender": ..., "message": ...}')
        sender, text, metadata = body.get("sender"), body.get("message"), body.get("metadata")
        if not isinstance(sender, str) or not sender.strip():
            raise InvalidMessage('"sender" must be a non-empty string')
        if not text_check.is_unicode(sender):
            raise InvalidMessage('"sender" is not valid Unicode text (a lone surrogate)')
        if len(sender) > self.max_sender_length:
            raise InvalidMessage(f'"sender" is longer than {self.max_sender_length} characters')
        if session_tokens.is_socketio_conversation(sender):
            raise InvalidMessage(
                f'"sender" may not start with "{session_tokens.CONVERSATION_PREFIX}": those are '
                "the chat widget's conversations"
            )
        if not isinstance(text, str):
            raise InvalidMessage('"message" must be a string')
        if not text_check.is_unicode(text):
            raise InvalidMessage('"message" is not valid Unicode text (a lone surrogate)')
        if metadata is not None and not isinstance(metadata, dict):
            raise InvalidMessage('"metadata" must be an object')
        return sender, text[: self.max_characters], metadata

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """Rasa's REST routes: ``GET /`` (health) and ``POST /webhook``."""
        webhook = Blueprint(f"custom_webhook_{type(self).__name__}", __name__)
        log_privacy.install()  # whatever started the server (components/log_privacy.py)

        @webhook.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            try:
                sender, text, metadata = self.parse(request)
            except InvalidMessage as error:
                return response.json({"error": str(error)}, status=400)
            address = client_address(request)
            if not self.rate_limit.allow(sender, address, text_bytes(text)):
                logger.warning("Rate limit: a message from one sender was not processed")
                return await self._rate_limited(request, sender, address)
            collector = CollectingOutputChannel()
            try:
                async with self.line.turn(sender):
                    metadata = await with_screening(
                        text, metadata, functools.partial(self.line.give_way, sender)
                    )
                    await on_new_message(
                        UserMessage(
                            text, collector, sender, input_channel=self.name(), metadata=metadata
                        )
                    )
            except Exception:
                # Rasa's channel logs the patient's text here; the log gets the error only.
                logger.exception("Could not handle a message")
                return response.json({"error": "the message could not be handled"}, status=500)
            return response.json(collector.messages)

        return webhook

    async def _rate_limited(self, request: Request, sender: str, address: str) -> HTTPResponse:
        """429, with the domain's reply for it, filled in by the server's NLG."""
        text = await rate_limited_reply(request.app.ctx.agent, sender, self.name())
        retry = self.rate_limit.retry_after(sender, address)
        return response.json(
            [{"recipient_id": sender, "text": text}],
            status=429,
            headers={"Retry-After": str(retry)},
        )
