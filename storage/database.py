"""The one database: where it is, how SQLite is set up, its tables, erasing and forgetting.

Plain SQLAlchemy, no Rasa import. The Rasa server's tracker store
(``components/tracker_store.py``) keeps conversations here, and the hand-over store
(``handover/store.py``) keeps referrals beside them, so that the staff view can show a
referral's transcript and "delete my data" and the retention command erase both.

The database is ``AFTERCARE_DATABASE_URL`` (e.g. ``postgresql://user@127.0.0.1/aftercare``),
default ``sqlite:///conversations.db``: the file beside ``endpoints.yml``, relative to the
repo root where the servers run.

Forgetting: contact details a patient gave for a callback and did not confirm are rewritten
out of the stored conversation (:func:`forget_unconfirmed_contact`, the rules in
``aftercare/privacy.py``), and after an erasure no old copy stays in SQLite's files
(:func:`drop_old_copies`).
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa

from aftercare import privacy
from aftercare.config import ConfigError

logger = logging.getLogger(__name__)

URL_VARIABLE = "AFTERCARE_DATABASE_URL"
"""When set, the database for conversations and referrals."""

DEFAULT_URL = "sqlite:///conversations.db"
BACKENDS = ("sqlite", "postgresql")
"""The databases the project runs on (and is tested on)."""

EVENTS = "events"
"""Rasa's ``SQLTrackerStore`` table: every event of every conversation, one row each."""

CHECKPOINTS = "tracker_checkpoints"
"""The tracker store's table: where a conversation's window starts, and the state before it."""

ERASE_SLOT = "erase_conversation"
"""Set by action_delete_my_data (``actions/callback.py``): the tracker store then erases the
conversation's events and checkpoint, and stores nothing of that turn."""

FORGET_SLOT = "forget_contact_details"
"""Set by action_discard_callback, and at a new session when the last one left contact details
unconfirmed (``actions/``): the tracker store then rewrites the stored events that hold them
(:func:`forget_unconfirmed_contact`)."""

events = sa.table(
    EVENTS,
    sa.column("id", sa.Integer),
    sa.column("sender_id", sa.String),
    sa.column("type_name", sa.String),
    sa.column("action_name", sa.String),  # the name of an action, loop or slot
    sa.column("timestamp", sa.Float),
    sa.column("data", sa.Text),
)
checkpoints = sa.table(
    CHECKPOINTS,
    sa.column("sender_id", sa.String),
    sa.column("event_id", sa.Integer),
    sa.column("state", sa.Text),
)


def database_url(environ: Mapping[str, str] = os.environ) -> str:
    """The configured database: ``AFTERCARE_DATABASE_URL`` (checked) or the SQLite default."""
    return check_url(environ.get(URL_VARIABLE) or DEFAULT_URL)


def check_url(url: str) -> str:
    """``url`` if the project can keep its data there; else a ConfigError that says why.

    The message never repeats the URL: it may hold a password.
    """
    try:
        parsed = sa.engine.make_url(url)
    except (sa.exc.ArgumentError, ValueError):
        # Not chained: SQLAlchemy's message quotes the URL, password and all, and a traceback
        # (Rasa's, Sanic's) would print it.
        raise ConfigError(
            f"{URL_VARIABLE} is not a database URL: write it as "
            "postgresql://user@host:5432/aftercare or sqlite:///conversations.db"
        ) from None
    if parsed.get_backend_name() not in BACKENDS:
        raise ConfigError(
            f"{URL_VARIABLE} starts with {parsed.drivername}://; it must start with "
            "postgresql:// or sqlite:///"
        )
    try:
        parsed.get_dialect().dbapi()
    except (sa.exc.NoSuchModuleError, ImportError) as error:
        raise ConfigError(
            f"{URL_VARIABLE} asks for the driver {parsed.drivername}, which is not installed; "
            "write postgresql:// (psycopg2) or sqlite:///"
        ) from error
    if not parsed.database:
        raise ConfigError(
            f"{URL_VARIABLE} names no database: the SQLite file after sqlite:///, or the "
            "PostgreSQL database after the host's /"
        )
    if parsed.port is not None and not 0 < parsed.port < 65536:
        raise ConfigError(f"{URL_VARIABLE} has the port {parsed.port}; a port is 1 to 65535")
    return url


def check_folder(url: str) -> str:
    """``url`` if its SQLite file's folder exists (or it is not SQLite); else a ConfigError.

    SQLite makes a missing file, never a missing folder: without this the Rasa server started
    and answered every patient with the fail-safe. Read at a program's start, not by
    :func:`check_url`, which judges the URL alone.
    """
    parsed = sa.engine.make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        folder = os.path.dirname(os.path.abspath(parsed.database))
        if not os.path.isdir(folder):
            raise ConfigError(
                f"{URL_VARIABLE} names an SQLite file in a folder that does not exist: {folder}"
            )
    return url


def tracker_store_arguments(url: str) -> dict[str, Any]:
    """Rasa ``SQLTrackerStore`` keyword arguments for a database URL (checked)."""
    parsed = sa.engine.make_url(check_url(url))
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
    not block the writer), and a writer waits up to 5 s for another process's write. What is
    deleted or rewritten is overwritten with zeros in the file (``secure_delete``), so that an
    erased conversation cannot be read back from free space (:func:`drop_old_copies` does the
    same for the log).
    """
    cursor = connection.cursor()
    cursor.execute("PRAGMA secure_delete=ON")
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


def forget_unconfirmed_contact(
    connection: sa.engine.Connection, conversation_id: str, idle_before: float | None = None
) -> int:
    """Rewrites the conversation's stored events that hold contact details never confirmed.

    Every callback form that ended without the patient's yes (``aftercare/privacy.py``), and
    the one still going on too when the conversation's last event is older than
    ``idle_before`` (a Unix time: the patient has left). Its messages, slots and read-back are
    rewritten, and so is the checkpoint when it was taken in the middle of it. Rows already
    rewritten are left alone. Returns how many rows were rewritten.
    """
    if not sa.inspect(connection).has_table(EVENTS):
        return 0
    rows = connection.execute(
        sa.select(events.c.id, events.c.type_name, events.c.action_name, events.c.timestamp)
        .where(events.c.sender_id == conversation_id)
        .order_by(events.c.id)
    ).all()
    left = bool(rows) and idle_before is not None and (rows[-1].timestamp or 0) < idle_before
    kinds = [{"event": row.type_name, "name": row.action_name} for row in rows]
    spans = [span for span in privacy.unconfirmed(kinds) if left or not span.open]
    ids = [
        rows[index].id
        for span in spans
        for index in range(span.start, span.end + 1)
        if rows[index].type_name in ("user", "bot", "slot")
    ]
    rewritten = 0
    for start in range(0, len(ids), 500):
        chosen = connection.execute(
            sa.select(events.c.id, events.c.data).where(events.c.id.in_(ids[start : start + 500]))
        ).all()
        for event_id, data in chosen:
            event = privacy.redact(json.loads(data))
            if event is not None:
                connection.execute(
                    events.update().where(events.c.id == event_id).values(data=_json(event))
                )
                rewritten += 1
    ranges = [(rows[span.start].id, rows[span.end].id) for span in spans]
    if ranges and sa.inspect(connection).has_table(CHECKPOINTS):
        point = connection.execute(
            sa.select(checkpoints.c.event_id, checkpoints.c.state).where(
                checkpoints.c.sender_id == conversation_id
            )
        ).first()
        if point is not None and any(low <= point.event_id <= high for low, high in ranges):
            state = privacy.redact_state(json.loads(point.state))
            if state is not None:
                connection.execute(
                    checkpoints.update()
                    .where(checkpoints.c.sender_id == conversation_id)
                    .values(state=_json(state))
                )
                rewritten += 1
    return rewritten


def conversations_with_callbacks(connection: sa.engine.Connection) -> list[str]:
    """The conversations in which the callback form was ever started."""
    if not sa.inspect(connection).has_table(EVENTS):
        return []
    return list(
        connection.execute(
            sa.select(events.c.sender_id)
            .where(events.c.type_name == "active_loop", events.c.action_name == privacy.FORM)
            .distinct()
        ).scalars()
    )


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def drop_old_copies(engine: sa.engine.Engine) -> bool:
    """After an erasure, leaves no copy of what was erased in SQLite's files; False if it could not.

    ``secure_delete`` zeroes the freed space in the database file, but the write-ahead log (the
    ``-wal`` file) holds every page as it was written, the erased rows too, until a checkpoint
    copies the pages back, and its old frames stay in the file after that. A ``TRUNCATE``
    checkpoint copies them back and empties the file. It waits (``busy_timeout``) for other
    connections' reads; if one is still reading, the log is emptied at the next erasure. On
    PostgreSQL there is nothing to do here: docs/operations.md says what VACUUM does.
    """
    if engine.dialect.name != "sqlite":
        return True
    try:
        with engine.connect() as connection:
            busy, _, _ = connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").one()
    except sa.exc.OperationalError as error:  # a full disk: the log is emptied next time
        logger.warning("The SQLite write-ahead log could not be emptied now: %s", type(error))
        return False
    if busy:
        logger.warning("The SQLite write-ahead log could not be emptied now: a reader was busy")
    return not busy
