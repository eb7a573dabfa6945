"""The secret that makes a socket.io session belong to the client that started it.

Rasa's socket.io channel lets any client join any conversation by naming its id in a
``session_request``: it would see that conversation's replies live and could write into it.
The ids are random, but they are not secrets: they are the conversations' names in the
database, the HTTP API and the staff's records. So a session is joined only with its token,
``HMAC-SHA256(key, session id)``, which the server gives the client with the new session and
the widget keeps beside the id (``web/static/widget.js``); a request without the right token
gets a new session instead.

The server keeps no list of tokens: any server with the same key can check one, so several
Rasa servers behind nginx agree if they share the key. The key is, in this order:

* ``AFTERCARE_SESSION_KEY``: the key itself (at least 32 characters), the same on every
  server: the way for several machines;
* else the file ``AFTERCARE_SESSION_KEY_FILE`` (``session.key`` in the working directory by
  default, not committed), made with a random key the first time a server starts and read by
  every later start, so that patients' sessions outlive a restart. Servers started together
  on one machine (``tools/cluster.py``) agree on it: the file is published whole or not at
  all, and the first one wins.

A new key ends every open session: the widgets then start new conversations. A token lasts
:data:`LIFETIME_SECONDS` from when it was given (each new connection gets a fresh one); it
carries its end, ``<end>.<HMAC of the id and the end>``, so nothing needs to be kept.

**The channels' conversations are apart.** A socket.io conversation's id always starts with
:data:`CONVERSATION_PREFIX` (:func:`new_conversation_id`) and the REST channel refuses a
sender that does (``components/rest_channel.py``): the ids are shown to staff and are not
secrets, and without this a REST client naming one read back and erased a widget's
conversation.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import secrets
import tempfile
import time
import uuid
from collections.abc import Mapping
from pathlib import Path

KEY_VARIABLE = "AFTERCARE_SESSION_KEY"
FILE_VARIABLE = "AFTERCARE_SESSION_KEY_FILE"
DEFAULT_FILE = "session.key"
MIN_KEY_CHARACTERS = 32
_PURPOSE = b"aftercare socket.io session\0"
LIFETIME_SECONDS = 24 * 3600
"""How long a token lets its client join its session again."""
CONVERSATION_PREFIX = "socketio-"
"""How every socket.io conversation's id starts; no REST sender may start so."""


def new_conversation_id() -> str:
    """A new socket.io conversation's id: the prefix and 32 random hex digits."""
    return CONVERSATION_PREFIX + uuid.uuid4().hex


def is_socketio_conversation(conversation_id: str) -> bool:
    """Whether the id is in the socket.io channel's namespace."""
    return conversation_id.startswith(CONVERSATION_PREFIX)


class SessionTokens:
    """Tokens for session ids, made and checked with one key."""

    def __init__(self, key: str) -> None:
        """``key``: at least :data:`MIN_KEY_CHARACTERS` characters."""
        if len(key) < MIN_KEY_CHARACTERS:
            raise ValueError(f"the session key must have at least {MIN_KEY_CHARACTERS} characters")
        self._key = key.encode("utf-8")

    def issue(self, session_id: str, now: float | None = None) -> str:
        """The token a client needs to join ``session_id`` again, for :data:`LIFETIME_SECONDS`."""
        end = int(time.time() if now is None else now) + LIFETIME_SECONDS
        return f"{end}.{self._mac(session_id, end)}"

    def check(self, session_id: str, token: object, now: float | None = None) -> bool:
        """Whether ``token`` is the one for ``session_id`` and still lasts (in constant time)."""
        if not isinstance(token, str) or not token.isascii():
            return False
        end, _, mac = token.partition(".")
        if not end.isdigit() or len(end) > 12:
            return False
        if int(end) < (time.time() if now is None else now):
            return False
        return hmac.compare_digest(self._mac(session_id, int(end)), mac)

    def _mac(self, session_id: str, end: int) -> str:
        message = _PURPOSE + session_id.encode("utf-8", "surrogatepass") + b"\0" + str(end).encode()
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()


def configured(environ: Mapping[str, str] = os.environ) -> SessionTokens:
    """The tokens of the configured key (module docstring); makes the key file if needed."""
    key = environ.get(KEY_VARIABLE)
    if key:
        return SessionTokens(key)
    path = Path(environ.get(FILE_VARIABLE) or DEFAULT_FILE)
    if not path.exists():
        _publish(path, secrets.token_hex(32))
    return SessionTokens(path.read_text(encoding="utf-8").strip())


def _publish(path: Path, key: str) -> None:
    """Writes ``key`` to ``path`` unless another process got there first (then keeps theirs).

    Written to a file of its own, readable by this user only, then linked into place: a
    reader never sees half a key, and a link never replaces an existing file.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, draft = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(key + "\n")
        with contextlib.suppress(FileExistsError):  # another server's key came first
            os.link(draft, path)
    finally:
        os.unlink(draft)
