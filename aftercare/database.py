"""The one database: where it is, how SQLite is set up, its tables, and erasing a conversation.

Plain SQLAlchemy, no Rasa import. The Rasa server's tracker store
(``components/tracker_store.py``) keeps conversations here, and the hand-over store
(``handover/store.py``) keeps referrals beside them, so that the staff view can show a
referral's transcript and "delete my data" and the retention command erase both.

The database is ``AFTERCARE_DATABASE_URL`` (e.g. ``postgresql://user@127.0.0.1/aftercare``),
default ``sqlite:///conversations.db``: the file beside ``endpoints.yml``, relative to the
repo root where the servers run.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa

URL_VARIABLE = "AFTERCARE_DATABASE_URL"
"""When set, the database for conversations and referrals."""

DEFAULT_URL = "sqlite:///conversations.db"

EVENTS = "events"
"""Rasa's ``SQLTrackerStore`` table: every event of every conversation, one row each."""

CHECKPOINTS = "tracker_checkpoints"
"""The tracker store's table: where a conversation's window starts, and the state before it."""

ERASE_SLOT = "erase_conversation"
"""Set by action_delete_my_data (``actions/callback.py``): the tracker store then erases the
conversation's events and checkpoint, and stores nothing of that turn."""

events = sa.table(
    EVENTS,
    sa.column("id", sa.Integer),
    sa.column("sender_id", sa.String),
    sa.column("type_name", sa.String),
    sa.column("timestamp", sa.Float),
    sa.column("data", sa.Text),
)
checkpoints = sa.table(CHECKPOINTS, sa.column("sender_id", sa.String))


def database_url(environ: Mapping[str, str] = os.environ) -> str:
    """The configured database: ``AFTERCARE_DATABASE_URL`` or the SQLite default."""
    return environ.get(URL_VARIABLE) or DEFAULT_URL


def tracker_store_arguments(url: str) -> dict[str, Any]:
    """Rasa ``SQLTrackerStore`` keyword arguments for a database URL."""
    parsed = sa.engine.make_url(url)
    return {
        "dialect": parsed.drivername,
        "host": parsed.host,
        "port": parsed.port,
        "db": parsed.database,
        "username": parsed.username,
        "password": parsed.password,
    }


def sqlite_pragmas(connection: Any, _record: Any) -> None:
    """How every SQLite connection is set up (an SQLAlchemy ``connect`` listener).

    A write-ahead log synced at checkpoints (a crash of a server loses nothing; readers do
    not block the writer), and a writer waits up to 5 s for another process's write.
    """
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def erase_conversation(connection: sa.engine.Connection, conversation_id: str) -> int:
    """Deletes a conversation's events and checkpoint; how many rows.

    The tables are Rasa's: either may not exist yet, then it holds nothing to erase.
    """
    deleted = 0
    inspector = sa.inspect(connection)
    for table in (events, checkpoints):
        if inspector.has_table(table.name):
            result = connection.execute(table.delete().where(table.c.sender_id == conversation_id))
            deleted += int(result.rowcount)
    return deleted
