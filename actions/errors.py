"""The action server's answer to an action that raised: the error's kind, never the conversation.

rasa-sdk's own handler logs the error with its message, which may quote what the patient wrote
("could not read 'my name is ...'"), and sends the Rasa server the whole request back: the
conversation with every slot, name and phone number included, which the Rasa server then
logs as the error's body. This handler takes its place, through rasa-sdk's plugin hook
``attach_sanic_app_extensions`` (called when the action server starts):

* the log gets, at ERROR, the action, the error's type and where it was raised (files, lines
  and functions: no values); the message and the full traceback only at DEBUG;
* the Rasa server gets 500 with the action's name and the error's type, and its fail-safe
  policy answers the patient (``components/failsafe_policy.py``).

Sanic's own errors (404, a body that is not JSON) keep Sanic's answer.
"""

from __future__ import annotations

import logging
import sys
import traceback
from typing import Any

import pluggy
from rasa_sdk.plugin import plugin_manager
from sanic import Sanic, response
from sanic.exceptions import SanicException
from sanic.request import Request
from sanic.response import HTTPResponse

logger = logging.getLogger(__name__)

hookimpl = pluggy.HookimplMarker("rasa_sdk")


def action_name(request: Request) -> str:
    """The name of the action the request asked for ("unknown" if it cannot be read)."""
    try:
        body: Any = request.json
    except Exception:  # a body rasa-sdk decompresses itself, or not JSON
        body = None
    name = body.get("next_action") if isinstance(body, dict) else None
    return name[:100] if isinstance(name, str) else "unknown"


def where(error: BaseException) -> str:
    """The error's traceback without any message: types, files, lines, functions."""
    parts: list[str] = []
    cause: BaseException | None = error
    while cause is not None and len(parts) < 10:
        frames = "".join(traceback.format_tb(cause.__traceback__))
        parts.insert(0, f"Traceback (most recent call last):\n{frames}{type(cause).__name__}")
        cause = cause.__cause__ or cause.__context__
    return "\nwhich led to\n".join(parts)


async def action_failed(request: Request, error: Exception) -> HTTPResponse:
    """Logs the failure without what the patient wrote; 500 with the action and the error type."""
    if isinstance(error, SanicException):
        return request.app.error_handler.default(request, error)
    name = action_name(request)
    kind = type(error).__name__
    logger.error("Action %s failed: %s (its message at DEBUG only)\n%s", name, kind, where(error))
    logger.debug("Action %s failed", name, exc_info=error)
    return response.json({"error": f"{kind} in {name}", "action_name": name}, status=500)


@hookimpl
def attach_sanic_app_extensions(app: Sanic) -> None:
    """rasa-sdk's hook, when the action server starts: :func:`action_failed` handles errors."""
    app.error_handler.add(Exception, action_failed)


def use_for_action_server() -> None:
    """Registers this module's hook with rasa-sdk (once)."""
    manager = plugin_manager()
    module = sys.modules[__name__]
    if not manager.is_registered(module):
        manager.register(module)
