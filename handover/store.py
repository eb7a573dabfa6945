"""Referral records and callback requests in SQL (SQLite by default, PostgreSQL by URL).

One table, ``referrals``, in the same database as Rasa's conversations (``storage/database.py``
says which, and erases a conversation), so that the staff view can show a referral's
transcript and "delete my data" and the retention command can erase both. The schema is
created on first use. Plain SQLAlchemy, no Rasa import.

A referral is stored with its notifications to the nurse on duty, in one transaction: the
outbox ``notifications`` gets a row per channel configured for its level, which the staff
view delivers (``handover/notify.py``). They go with the referral when it is erased.

A referral's number is never given again, even after the referral is erased: staff may have
written it down, and it must not come to mean another patient (SQLite's ``AUTOINCREMENT``;
PostgreSQL's sequences never go back). Text goes in without NUL characters, which PostgreSQL
cannot store in text.
"""

from __future__ import annotations

import contextlib
import csv
import functools
import io
import json
import logging
import math
import re
import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from aftercare.config import ConfigError
from handover import notify, schema
from storage import database, faults
from storage.database import events

logger = logging.getLogger(__name__)

LEVEL_ORDER = {"crisis": 0, "emergency": 0, "urgent": 1, "routine": 2}
LEVELS = tuple(LEVEL_ORDER)
"""A referral's levels, most urgent first."""

metadata = sa.MetaData()

referrals = sa.Table(
    "referrals",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, index=True),
    sa.Column("conversation_id", sa.String(255), nullable=False, index=True),
    sa.Column("level", sa.String(16), nullable=False),
    sa.Column("reasons", sa.Text, nullable=False),  # JSON list of codes
    sa.Column("findings", sa.Text, nullable=False),  # the same in words
    sa.Column("days_since_treatment", sa.Integer, nullable=True),
    sa.Column("patient_words", sa.Text, nullable=False),
    sa.Column("summary", sa.Text, nullable=False),
    sa.Column("callback_name", sa.String(80), nullable=True),
    sa.Column("callback_phone", sa.String(20), nullable=True),
    sa.Column("callback_time", sa.String(120), nullable=True),
    sa.Column("callback_confirmed_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("handled_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("handled_by", sa.String(80), nullable=True),
    # The patient said no to the callback (the offer, the read-back, or "stop" half way).
    sa.Column("callback_declined_at", sa.DateTime(timezone=True), nullable=True),
    # The clinic's workflow (STATUSES), and the staff member it is assigned to.
    sa.Column("status", sa.String(16), nullable=False, server_default="new", index=True),
    sa.Column("assigned_to", sa.String(80), nullable=True),
    sqlite_autoincrement=True,
)
STATUSES = ("new", "called", "booked", "no answer", "closed")
"""A referral's status as the clinic works it: ``closed`` is what "handled" means."""
OPEN_STATUSES = frozenset(STATUSES) - {"closed"}
"""The statuses of a referral still to be worked: the list shows these unless told."""

referral_changes = sa.Table(
    "referral_changes",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("referral_id", sa.Integer, nullable=False, index=True),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("by", sa.String(80), nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),  # status, assigned or note
    sa.Column("old_value", sa.Text, nullable=True),
    sa.Column("new_value", sa.Text, nullable=True),
    sa.Column("undone_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("undone_by", sa.String(80), nullable=True),
)
"""Every change staff made to a referral (a note is one too), so that it can be undone."""
CHANGE_KINDS = ("status", "assigned", "note")
MAX_NOTE = 2000
"""The longest note, in characters (a note is for the next nurse, not a letter)."""
MAX_ASSIGNEE = 80
"""The longest name a referral can be assigned to (as long as a staff account's name)."""
MAX_QUERY = 200
"""The longest search text, in characters."""
MAX_PAGE_SIZE = 100
MAX_PAGE = 10_000
MAX_WEEKS = 104
"""The most weeks the week at a glance shows (two years)."""

staff_accounts = sa.Table(
    "staff_accounts",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.String(80), nullable=False, unique=True),
    # The name as it is compared: case and width folded (``handover/accounts.py``).
    sa.Column("name_key", sa.Text, nullable=False, unique=True),
    sa.Column("role", sa.String(8), nullable=False),  # nurse or lead
    sa.Column("password_hash", sa.Text, nullable=False),  # argon2
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("password_set_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("disabled_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("failed_logins", sa.Integer, nullable=False, server_default="0"),
    sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
    # Signing out ends every session signed in before (``handover/auth.py``).
    sa.Column("signed_out_at", sa.DateTime(timezone=True), nullable=True),
)
"""Who may sign in to the staff view (``handover/accounts.py``)."""

staff_secrets = sa.Table(
    "staff_secrets",
    metadata,
    sa.Column("name", sa.String(32), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)
"""Keys every staff view process shares: the session cookies' key (``handover/auth.py``)."""

audit_log = sa.Table(
    "audit_log",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False, index=True),
    sa.Column("actor", sa.String(80), nullable=False),
    sa.Column("action", sa.String(32), nullable=False),
    sa.Column("referral_id", sa.Integer, nullable=True, index=True),
    sa.Column("detail", sa.Text, nullable=False, server_default=""),
)
"""Who viewed, exported, handled or changed what, and when (no words of a patient's)."""

notifications = sa.Table(
    "notifications",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("referral_id", sa.Integer, nullable=False, index=True),
    sa.Column("channel", sa.String(16), nullable=False),  # a notify channel: email or webhook
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
    sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False, index=True),
    sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("given_up_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("last_error", sa.Text, nullable=True),
)
"""The outbox of alerts to the nurse on duty, one row per delivery (``handover/notify.py``)."""
NOTIFY_CHANNEL = "aftercare_referrals"
"""PostgreSQL's ``NOTIFY`` channel on which a new referral's number is sent (the staff
view's live alerts listen on it, ``handover/live.py``)."""
MAX_ID = 2**31 - 1
"""The largest referral number the ``id`` column holds (a 32-bit integer on PostgreSQL)."""


@dataclass(frozen=True)
class Referral:
    """One referral, as staff see it."""

    id: int
    created_at: datetime
    conversation_id: str
    level: str
    reasons: list[str]
    findings: str
    days_since_treatment: int | None
    patient_words: str
    summary: str
    callback_name: str | None
    callback_phone: str | None
    callback_time: str | None
    callback_confirmed_at: datetime | None
    handled_at: datetime | None
    handled_by: str | None
    callback_declined_at: datetime | None = None
    status: str = "new"
    assigned_to: str | None = None

    @property
    def callback_status(self) -> str:
        """``confirmed``, ``declined``, ``not offered`` (a crisis) or ``offered``."""
        if self.callback_confirmed_at is not None and self.callback_phone:
            return "confirmed"
        if self.callback_declined_at is not None:
            return "declined"
        if self.level == "crisis":
            return "not offered"
        return "offered"

    @classmethod
    def from_row(cls, row: Any) -> Referral:
        """From a ``referrals`` row."""
        values = dict(row._mapping)
        values["reasons"] = json.loads(values["reasons"])
        for key in ("created_at", "callback_confirmed_at", "handled_at", "callback_declined_at"):
            values[key] = _utc(values[key])
        return cls(**values)


@dataclass(frozen=True)
class Notification:
    """One row of the outbox, with what its message needs of the referral."""

    id: int
    referral_id: int
    channel: str
    created_at: datetime
    attempts: int
    next_attempt_at: datetime
    delivered_at: datetime | None
    given_up_at: datetime | None
    last_error: str | None
    level: str
    summary: str

    @classmethod
    def from_row(cls, row: Any) -> Notification:
        """From a ``notifications`` row joined with its referral's level and summary."""
        values = dict(row._mapping)
        for key in ("created_at", "next_attempt_at", "delivered_at", "given_up_at"):
            values[key] = _utc(values[key])
        return cls(**values)


@dataclass(frozen=True)
class Line:
    """One message of a transcript."""

    speaker: str  # "patient" or "bot"
    text: str
    at: datetime


@dataclass(frozen=True)
class AuditEntry:
    """One thing a staff member did (``audit_log``)."""

    id: int
    at: datetime
    actor: str
    action: str
    referral_id: int | None
    detail: str


@dataclass(frozen=True)
class Change:
    """One change staff made to a referral (``referral_changes``).

    A status, who it is assigned to, or a note (then ``new_value`` is the note's text).
    """

    id: int
    referral_id: int
    at: datetime
    by: str
    kind: str  # CHANGE_KINDS
    old_value: str | None
    new_value: str | None
    undone_at: datetime | None = None
    undone_by: str | None = None

    @property
    def detail(self) -> str:
        """What changed, as the audit log and the history say it: never a note's words."""
        if self.kind == "note":
            return "note added"
        return f"{self.kind}: {self.new_value or 'nobody'}"

    @classmethod
    def from_row(cls, row: Any) -> Change:
        """From a ``referral_changes`` row."""
        values = dict(row._mapping)
        return cls(**{**values, "at": _utc(values["at"]), "undone_at": _utc(values["undone_at"])})


@dataclass(frozen=True)
class Filters:
    """Which referrals :meth:`Handover.find` returns, and which page of them.

    Empty ``levels``: every level. ``date_from`` and ``date_to`` are days in ``timezone``
    (the clinic's), both included. ``q``: every word of it is in the callback name, the
    summary, the findings, the patient's words or a note; or, when it is a phone number or
    part of one, in the callback phone. Raises ValueError, in words a nurse can act on, for
    a value that cannot be.
    """

    levels: frozenset[str] = frozenset()
    statuses: frozenset[str] = OPEN_STATUSES
    date_from: date | None = None
    date_to: date | None = None
    q: str = ""
    page: int = 1
    page_size: int = 25
    timezone: str = "UTC"

    def __post_init__(self) -> None:
        """Checks every value."""
        if unknown := sorted(set(self.levels) - set(LEVELS)):
            raise ValueError(f"Unknown level {_quoted(unknown[0])}: one of {', '.join(LEVELS)}.")
        if unknown := sorted(set(self.statuses) - set(STATUSES)):
            raise ValueError(f"Unknown status {_quoted(unknown[0])}: one of {', '.join(STATUSES)}.")
        if not self.statuses:
            raise ValueError("Choose at least one status.")
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise ValueError("The first day comes after the last day.")
        if len(self.q) > MAX_QUERY:
            raise ValueError(
                f"A search can be at most {MAX_QUERY} characters (this one has {len(self.q)})."
            )
        if not 1 <= self.page <= MAX_PAGE:
            raise ValueError(f"The page number must be from 1 to {MAX_PAGE}.")
        if not 1 <= self.page_size <= MAX_PAGE_SIZE:
            raise ValueError(f"A page holds from 1 to {MAX_PAGE_SIZE} referrals.")

    def bounds(self) -> tuple[datetime | None, datetime | None]:
        """The first moment and the moment after the last day, in UTC (None: no bound)."""
        zone = ZoneInfo(self.timezone)

        def midnight(day: date) -> datetime:
            return datetime.combine(day, time(), zone).astimezone(UTC)

        try:
            since = midnight(self.date_from) if self.date_from else None
            until = midnight(self.date_to + timedelta(days=1)) if self.date_to else None
        except OverflowError as error:
            raise ValueError("A day must be between the years 1 and 9998.") from error
        return since, until


@dataclass(frozen=True)
class Found:
    """A page of referrals that match :class:`Filters`, and how many match in all."""

    referrals: list[Referral]
    total: int
    page: int
    page_size: int

    @property
    def pages(self) -> int:
        """How many pages the matches fill (1 when there is none)."""
        return max(1, math.ceil(self.total / self.page_size))


@dataclass(frozen=True)
class Counts:
    """Open referrals (not closed) per level and per status, every one named (0 too)."""

    levels: dict[str, int]
    statuses: dict[str, int]

    @property
    def total(self) -> int:
        """All open referrals."""
        return sum(self.levels.values())


@dataclass(frozen=True)
class Week:
    """The referrals made in one week (Monday to Sunday in the clinic's zone)."""

    start: date
    levels: dict[str, int]
    reasons: dict[str, int] = field(default_factory=dict)  # a referral counts in each of its

    @property
    def total(self) -> int:
        """All referrals of the week."""
        return sum(self.levels.values())


AUDIT_ACTIONS = (
    "signed in", "sign-in refused", "signed out", "viewed", "exported", "changed",
    "account added", "account disabled", "account enabled", "password reset",
)  # fmt: skip
"""What the audit log records (``Handover.audit``)."""


@functools.lru_cache(maxsize=4)
def engine_for(url: str) -> sa.engine.Engine:
    """One engine per database, made on first use; the schema is created if missing.

    An SQLite file is made here, at first use, and never again by a connection: deleted while
    the program runs, it stays missing (``storage/faults.py``: ``existing_file``).
    """
    # No SQL values (a patient's words) in error messages; a dropped connection replaced.
    options = faults.engine_options(url)
    path = sa.engine.make_url(url).database
    if sa.engine.make_url(url).get_backend_name() == "sqlite" and path and path != ":memory:":
        with contextlib.suppress(sqlite3.Error):  # else the first use says what is wrong
            sqlite3.connect(path).close()  # the file, if there is none yet
        options["creator"] = faults.existing_file(path)
    engine = sa.create_engine(url, future=True, **options)
    if engine.dialect.name == "sqlite":
        sa.event.listen(engine, "connect", database.sqlite_pragmas)
    # A file made again by an operator gets today's tables, marked as migrated.
    faults.create_missing_tables(engine, metadata, then=schema.stamp_statements())
    schema.upgrade(engine)
    return engine


def _text(value: str) -> str:
    """Text as PostgreSQL can store it: without NUL characters (they carry no meaning)."""
    return value.replace("\x00", "")


def _quoted(value: str, most: int = 40) -> str:
    """A value someone gave, quoted in a message, cut after ``most`` characters."""
    return repr(value if len(value) <= most else value[:most] + "…")


def _utc(value: datetime | None) -> datetime | None:
    # SQLite hands back naive datetimes: they were stored in UTC.
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


class Handover:
    """Reads and writes referrals (and erases conversations) in one database."""

    def __init__(
        self, engine: sa.engine.Engine, notify_settings: notify.Settings | None = None
    ) -> None:
        """Uses ``engine`` (see :func:`engine_for`); notifies as configured, or as given."""
        self.engine = engine
        self.notify_settings = notify_settings

    @classmethod
    def configured(cls) -> Handover:
        """The hand-over store of the configured database."""
        return cls(engine_for(database.check_folder(database.database_url())))

    @contextmanager
    def _begin(self) -> Iterator[sa.engine.Connection]:
        with self.engine.begin() as connection:
            yield connection

    def _has_table(self, name: str) -> bool:
        return sa.inspect(self.engine).has_table(name)

    # --- Written by the action server -------------------------------------------------------

    def record_referral(
        self,
        *,
        conversation_id: str,
        level: str,
        reasons: Sequence[str],
        findings: str,
        days_since_treatment: int | None,
        patient_words: str,
        summary: str,
        now: datetime,
    ) -> int:
        """Stores a referral; returns its id."""
        with self._begin() as connection:
            result = connection.execute(
                referrals.insert().values(
                    created_at=now,
                    conversation_id=conversation_id,
                    level=level,
                    reasons=json.dumps(list(reasons)),
                    findings=_text(findings),
                    days_since_treatment=days_since_treatment,
                    patient_words=_text(patient_words),
                    summary=_text(summary),
                )
            )
            referral_id = int(result.inserted_primary_key[0])
            for channel in self._channels_for(level):
                connection.execute(
                    notifications.insert().values(
                        referral_id=referral_id,
                        channel=channel,
                        created_at=now,
                        next_attempt_at=now,
                    )
                )
            if connection.dialect.name == "postgresql":
                # Sent when the transaction commits, to every staff view listening.
                connection.execute(sa.select(sa.func.pg_notify(NOTIFY_CHANNEL, str(referral_id))))
            return referral_id

    def _channels_for(self, level: str) -> tuple[str, ...]:
        """The notifications a new referral of ``level`` gets (none if the settings are bad)."""
        try:
            settings = notify.load() if self.notify_settings is None else self.notify_settings
        except ConfigError as error:  # the staff view refuses to start: the referral still counts
            logger.error("A referral is stored without its notifications: %s", error)
            return ()
        return settings.channels_for(level)

    def save_callback(
        self, conversation_id: str, *, name: str, phone: str, time: str, now: datetime
    ) -> int | None:
        """Puts confirmed contact details on the conversation's latest referral (its id)."""
        with self._begin() as connection:
            latest = connection.execute(
                sa.select(referrals.c.id)
                .where(referrals.c.conversation_id == conversation_id)
                .order_by(referrals.c.id.desc())
                .limit(1)
            ).scalar()
            if latest is None:
                return None
            connection.execute(
                referrals.update()
                .where(referrals.c.id == latest)
                .values(
                    callback_name=_text(name),
                    callback_phone=_text(phone),
                    callback_time=_text(time),
                    callback_confirmed_at=now,
                )
            )
            return int(latest)

    def decline_callback(self, conversation_id: str, *, now: datetime) -> int | None:
        """Marks the conversation's latest referral "callback declined" (its id).

        Not a referral whose callback was confirmed: a later "no" does not undo it.
        """
        with self._begin() as connection:
            latest = connection.execute(
                sa.select(referrals.c.id, referrals.c.callback_confirmed_at)
                .where(referrals.c.conversation_id == conversation_id)
                .order_by(referrals.c.id.desc())
                .limit(1)
            ).first()
            if latest is None or latest.callback_confirmed_at is not None:
                return None
            connection.execute(
                referrals.update()
                .where(referrals.c.id == latest.id)
                .values(callback_declined_at=now)
            )
            return int(latest.id)

    # --- Read and changed by staff ----------------------------------------------------------

    def latest_id(self) -> int:
        """The highest referral number stored (0 when there is none)."""
        with self.engine.connect() as connection:
            return int(connection.execute(sa.select(sa.func.max(referrals.c.id))).scalar() or 0)

    def referrals_after(self, referral_id: int, limit: int = 100) -> list[Referral]:
        """Referrals numbered above ``referral_id``, oldest first (new ones, for live alerts)."""
        with self.engine.connect() as connection:
            rows = connection.execute(
                sa.select(referrals)
                .where(referrals.c.id > referral_id)
                .order_by(referrals.c.id)
                .limit(limit)
            )
            return [Referral.from_row(row) for row in rows]

    def referrals(self, *, include_handled: bool = False) -> list[Referral]:
        """Open referrals (not closed; or all), most urgent first, newest first in a level."""
        query = sa.select(referrals)
        if not include_handled:
            query = query.where(referrals.c.status != "closed")
        with self.engine.connect() as connection:
            rows = [Referral.from_row(row) for row in connection.execute(query)]
        rows.sort(key=lambda r: r.created_at, reverse=True)
        rows.sort(key=lambda r: LEVEL_ORDER.get(r.level, len(LEVEL_ORDER)))
        return rows

    def referral(self, referral_id: int) -> Referral | None:
        """One referral by id (None for a number no referral can have, as 2**63 or -1)."""
        if not 0 < referral_id <= MAX_ID:
            return None
        with self.engine.connect() as connection:
            row = connection.execute(
                sa.select(referrals).where(referrals.c.id == referral_id)
            ).first()
        return Referral.from_row(row) if row is not None else None

    def for_conversation(self, conversation_id: str) -> list[Referral]:
        """A conversation's referrals, oldest first."""
        with self.engine.connect() as connection:
            rows = connection.execute(
                sa.select(referrals)
                .where(referrals.c.conversation_id == conversation_id)
                .order_by(referrals.c.id)
            )
            return [Referral.from_row(row) for row in rows]

    def mark_handled(self, referral_id: int, *, by: str, now: datetime) -> bool:
        """Closes an open referral (``set_status`` closed); False if unknown or closed."""
        return self.set_status(referral_id, "closed", by=by, now=now) is not None

    # --- The clinic's workflow: status, assignment, notes, undo ---------------------------

    def set_status(self, referral_id: int, status: str, *, by: str, now: datetime) -> Change | None:
        """Sets the referral's status: the change, or None if unknown or already so.

        ``closed`` is "handled": it sets ``handled_at`` and ``handled_by``, and a status
        other than closed clears them. Raises ValueError for a status not in ``STATUSES``.
        """
        if status not in STATUSES:
            raise ValueError(f"Unknown status {_quoted(status)}: one of {', '.join(STATUSES)}.")
        with self._begin() as connection:
            current = self._locked(connection, referral_id)
            if current is None or current.status == status:
                return None
            self._put_status(connection, referral_id, status, by=by, now=now)
            return self._record(connection, referral_id, "status", current.status, status, by, now)

    def assign(self, referral_id: int, to: str | None, *, by: str, now: datetime) -> Change | None:
        """Assigns the referral to ``to`` (None or blank: nobody): the change, or None.

        None when the referral is unknown or already assigned so.

        Raises ValueError for a name over ``MAX_ASSIGNEE`` characters.
        """
        name = " ".join(_text(to or "").split()) or None
        if name is not None and len(name) > MAX_ASSIGNEE:
            raise ValueError(
                f"A name to assign to can be at most {MAX_ASSIGNEE} characters "
                f"(this one has {len(name)})."
            )
        with self._begin() as connection:
            current = self._locked(connection, referral_id)
            if current is None or current.assigned_to == name:
                return None
            connection.execute(
                referrals.update().where(referrals.c.id == referral_id).values(assigned_to=name)
            )
            old = current.assigned_to
            return self._record(connection, referral_id, "assigned", old, name, by, now)

    def add_note(self, referral_id: int, text: str, *, by: str, now: datetime) -> Change | None:
        """Adds a note to the referral: the change, or None if the referral is unknown.

        Raises ValueError for an empty note or one over ``MAX_NOTE`` characters.
        """
        note = _text(text).strip()
        if not note:
            raise ValueError("A note cannot be empty.")
        if len(note) > MAX_NOTE:
            raise ValueError(
                f"A note can be at most {MAX_NOTE} characters (this one has {len(note)})."
            )
        with self._begin() as connection:
            if self._locked(connection, referral_id) is None:
                return None
            return self._record(connection, referral_id, "note", None, note, by, now)

    def undo(self, referral_id: int, *, by: str, now: datetime) -> Change | None:
        """Undoes the referral's newest change not undone yet; that change, or None.

        A status or an assignment goes back to what it was (a referral closed again is
        handled when and by whom it was closed before); a note disappears from the notes.
        The change stays in the history, marked undone.
        """
        with self._begin() as connection:
            if self._locked(connection, referral_id) is None:
                return None
            row = connection.execute(
                sa.select(referral_changes)
                .where(
                    referral_changes.c.referral_id == referral_id,
                    referral_changes.c.undone_at.is_(None),
                )
                .order_by(referral_changes.c.id.desc())
                .limit(1)
            ).first()
            if row is None:
                return None
            change = Change.from_row(row)
            if change.kind == "status":
                closed = self._closing(connection, change) if change.old_value == "closed" else None
                self._put_status(
                    connection,
                    referral_id,
                    change.old_value or "new",
                    by=closed.by if closed else by,
                    now=closed.at if closed else now,
                )
            elif change.kind == "assigned":
                connection.execute(
                    referrals.update()
                    .where(referrals.c.id == referral_id)
                    .values(assigned_to=change.old_value)
                )
            connection.execute(
                referral_changes.update()
                .where(referral_changes.c.id == change.id)
                .values(undone_at=now, undone_by=_text(by)[:80])
            )
            return replace(change, undone_at=now, undone_by=_text(by)[:80])

    def changes(self, referral_id: int) -> list[Change]:
        """Every change made to the referral, undone ones too, oldest first."""
        if not 0 < referral_id <= MAX_ID:
            return []
        with self.engine.connect() as connection:
            rows = connection.execute(
                sa.select(referral_changes)
                .where(referral_changes.c.referral_id == referral_id)
                .order_by(referral_changes.c.id)
            )
            return [Change.from_row(row) for row in rows]

    def notes(self, referral_ids: Iterable[int] | None = None) -> dict[int, list[Change]]:
        """The notes not undone, oldest first, by referral (of ``referral_ids``, or all)."""
        query = (
            sa.select(referral_changes)
            .where(referral_changes.c.kind == "note", referral_changes.c.undone_at.is_(None))
            .order_by(referral_changes.c.id)
        )
        if referral_ids is not None:
            query = query.where(referral_changes.c.referral_id.in_(list(referral_ids)))
        found: dict[int, list[Change]] = {}
        with self.engine.connect() as connection:
            for row in connection.execute(query):
                change = Change.from_row(row)
                found.setdefault(change.referral_id, []).append(change)
        return found

    @staticmethod
    def _locked(connection: sa.engine.Connection, referral_id: int) -> Any:
        # The referral's status and assignee, its row locked until the change is written
        # (PostgreSQL; SQLite writes one transaction at a time anyway).
        if not 0 < referral_id <= MAX_ID:
            return None
        return connection.execute(
            sa.select(referrals.c.status, referrals.c.assigned_to)
            .where(referrals.c.id == referral_id)
            .with_for_update()
        ).first()

    @staticmethod
    def _put_status(
        connection: sa.engine.Connection, referral_id: int, status: str, *, by: str, now: datetime
    ) -> None:
        closed = status == "closed"
        connection.execute(
            referrals.update()
            .where(referrals.c.id == referral_id)
            .values(
                status=status,
                handled_at=now if closed else None,
                handled_by=_text(by)[:80] if closed else None,
            )
        )

    @staticmethod
    def _closing(connection: sa.engine.Connection, reopened: Change) -> Change | None:
        # The change that closed the referral before ``reopened`` opened it again (None when
        # it was closed before the workflow kept changes).
        row = connection.execute(
            sa.select(referral_changes)
            .where(
                referral_changes.c.referral_id == reopened.referral_id,
                referral_changes.c.id < reopened.id,
                referral_changes.c.kind == "status",
                referral_changes.c.new_value == "closed",
                referral_changes.c.undone_at.is_(None),
            )
            .order_by(referral_changes.c.id.desc())
            .limit(1)
        ).first()
        return Change.from_row(row) if row is not None else None

    @staticmethod
    def _record(
        connection: sa.engine.Connection,
        referral_id: int,
        kind: str,
        old: str | None,
        new: str | None,
        by: str,
        now: datetime,
    ) -> Change:
        change = Change(0, referral_id, now, _text(by)[:80], kind, old, new)
        values = {key: value for key, value in change.__dict__.items() if key != "id"}
        result = connection.execute(referral_changes.insert().values(**values))
        return replace(change, id=int(result.inserted_primary_key[0]))

    # --- The list's filters, its counts, the week at a glance ------------------------------

    def find(self, filters: Filters) -> Found:
        """The page of referrals ``filters`` asks for, and how many match in all.

        Most urgent first, newest first within a level (as :meth:`referrals`).
        """
        conditions = [referrals.c.status.in_(sorted(filters.statuses))]
        if filters.levels:
            conditions.append(referrals.c.level.in_(sorted(filters.levels)))
        since, until = filters.bounds()
        if since is not None:
            conditions.append(referrals.c.created_at >= since)
        if until is not None:
            conditions.append(referrals.c.created_at < until)
        conditions.extend(_matching(_text(filters.q)))
        rank = sa.case(LEVEL_ORDER, value=referrals.c.level, else_=len(LEVEL_ORDER))
        query = (
            sa.select(referrals)
            .where(*conditions)
            .order_by(rank, referrals.c.created_at.desc(), referrals.c.id.desc())
            .limit(filters.page_size)
            .offset((filters.page - 1) * filters.page_size)
        )
        with self.engine.connect() as connection:
            rows = [Referral.from_row(row) for row in connection.execute(query)]
            total = connection.execute(
                sa.select(sa.func.count()).select_from(referrals).where(*conditions)
            ).scalar()
        return Found(rows, int(total or 0), filters.page, filters.page_size)

    def counts(self) -> Counts:
        """Open referrals (not closed) per level and per status."""
        open_ = referrals.c.status != "closed"
        with self.engine.connect() as connection:
            levels = dict(
                connection.execute(
                    sa.select(referrals.c.level, sa.func.count())
                    .where(open_)
                    .group_by(referrals.c.level)
                ).all()
            )
            statuses = dict(
                connection.execute(
                    sa.select(referrals.c.status, sa.func.count())
                    .where(open_)
                    .group_by(referrals.c.status)
                ).all()
            )
        return Counts(
            {level: int(levels.get(level, 0)) for level in LEVELS},
            {s: int(statuses.get(s, 0)) for s in STATUSES if s in OPEN_STATUSES},
        )

    def weekly(self, *, weeks: int, now: datetime, timezone: str) -> list[Week]:
        """Referrals per week, by level and by reason code, oldest week first.

        The ``weeks`` weeks up to the one of ``now``, open and closed referrals alike; a
        week starts on Monday in ``timezone`` (the clinic's).
        """
        if not 1 <= weeks <= MAX_WEEKS:
            raise ValueError(f"The chart shows from 1 to {MAX_WEEKS} weeks.")
        zone = ZoneInfo(timezone)
        this_week = now.astimezone(zone).date()
        this_week -= timedelta(days=this_week.weekday())
        starts = [this_week - timedelta(weeks=n) for n in range(weeks - 1, -1, -1)]
        since = datetime.combine(starts[0], time(), zone).astimezone(UTC)
        found = {start: Week(start, dict.fromkeys(LEVELS, 0)) for start in starts}
        with self.engine.connect() as connection:
            rows = connection.execute(
                sa.select(referrals.c.created_at, referrals.c.level, referrals.c.reasons).where(
                    referrals.c.created_at >= since
                )
            )
            for created_at, level, reasons in rows:
                day = _utc(created_at).astimezone(zone).date()  # type: ignore[union-attr]
                week = found.get(day - timedelta(days=day.weekday()))
                if week is None:  # after this week (a clock set wrong)
                    continue
                week.levels[level] = week.levels.get(level, 0) + 1
                for code in json.loads(reasons):
                    week.reasons[code] = week.reasons.get(code, 0) + 1
        return list(found.values())

    def transcript(self, conversation_id: str) -> list[Line]:
        """What the patient and the bot said, from Rasa's ``events`` table."""
        if not self._has_table(database.EVENTS):
            return []
        with self.engine.connect() as connection:
            rows = connection.execute(
                sa.select(events.c.type_name, events.c.timestamp, events.c.data)
                .where(
                    events.c.sender_id == conversation_id,
                    events.c.type_name.in_(["user", "bot"]),
                )
                .order_by(events.c.id)
            )
            lines = []
            titles: dict[str, str] = {}  # the last bot message's buttons: payload → title
            for type_name, timestamp, data in rows:
                event = json.loads(data)
                text = event.get("text") or ""
                if type_name == "bot":
                    buttons = (event.get("data") or {}).get("buttons") or []
                    titles = {
                        str(b["payload"]): str(b.get("title") or "")
                        for b in buttons
                        if isinstance(b, dict) and b.get("payload")
                    }
                else:
                    text = _as_tapped(text, titles)
                at = datetime.fromtimestamp(timestamp or 0, tz=UTC)
                lines.append(Line("patient" if type_name == "user" else "bot", text, at))
            return lines

    # --- The audit log ---------------------------------------------------------------------

    def audit(
        self,
        actor: str,
        action: str,
        *,
        now: datetime,
        referral_id: int | None = None,
        detail: str = "",
    ) -> None:
        """Records that ``actor`` did ``action`` (``AUDIT_ACTIONS``); never a patient's words."""
        if action not in AUDIT_ACTIONS:
            raise ValueError(f"not an audited action: {action!r}")
        with self._begin() as connection:
            connection.execute(
                audit_log.insert().values(
                    at=now,
                    actor=_text(actor)[:80],
                    action=action,
                    referral_id=referral_id,
                    detail=_text(detail)[:500],
                )
            )

    def audit_entries(self, *, limit: int = 100, before: int | None = None) -> list[AuditEntry]:
        """The audit log, newest first: ``limit`` entries numbered below ``before``."""
        query = sa.select(audit_log).order_by(audit_log.c.id.desc()).limit(limit)
        if before is not None:
            query = query.where(audit_log.c.id < before)
        with self.engine.connect() as connection:
            rows = connection.execute(query)
            return [AuditEntry(**{**row._mapping, "at": _utc(row.at)}) for row in rows]

    # --- The outbox of notifications, delivered by the staff view (handover/notify.py) -----

    def claim_notifications(
        self, now: datetime, *, until: datetime, limit: int = 20
    ) -> list[Notification]:
        """Takes up to ``limit`` notifications due at ``now``, oldest first, until ``until``.

        No other staff view takes them before ``until`` (PostgreSQL: ``SKIP LOCKED``, so two
        views never wait on each other nor take the same row). Each comes with its referral's
        level and summary.
        """
        due = (
            notifications.c.delivered_at.is_(None),
            notifications.c.given_up_at.is_(None),
            notifications.c.next_attempt_at <= now,
        )
        with self._begin() as connection:
            ids = list(
                connection.execute(
                    sa.select(notifications.c.id)
                    .where(*due)
                    .order_by(notifications.c.next_attempt_at, notifications.c.id)
                    .limit(limit)
                    .with_for_update(skip_locked=True)
                ).scalars()
            )
            if not ids:
                return []
            # Still due as it is written (SQLite has no row locks: another process's claim).
            claimed = [
                notification_id
                for notification_id in ids
                if connection.execute(
                    notifications.update()
                    .where(notifications.c.id == notification_id, *due)
                    .values(next_attempt_at=until)
                ).rowcount
            ]
            rows = connection.execute(
                sa.select(notifications, referrals.c.level, referrals.c.summary)
                .join(referrals, referrals.c.id == notifications.c.referral_id)
                .where(notifications.c.id.in_(claimed))
                .order_by(notifications.c.id)
            )
            return [Notification.from_row(row) for row in rows]

    def notification_delivered(self, notification_id: int, *, now: datetime) -> None:
        """Records that the notification was delivered at ``now``."""
        with self._begin() as connection:
            connection.execute(
                notifications.update()
                .where(notifications.c.id == notification_id)
                .values(
                    delivered_at=now,
                    attempts=notifications.c.attempts + 1,
                    last_error=None,
                )
            )

    def notification_failed(
        self, notification_id: int, *, now: datetime, error: str, retry_at: datetime | None
    ) -> None:
        """Counts a failed attempt and why (no patient data); next at ``retry_at``, or never."""
        values: dict[str, Any] = {
            "attempts": notifications.c.attempts + 1,
            "last_error": _text(error)[:500],
        }
        if retry_at is None:
            values["given_up_at"] = now
        else:
            values["next_attempt_at"] = retry_at
        with self._begin() as connection:
            connection.execute(
                notifications.update().where(notifications.c.id == notification_id).values(values)
            )

    def notifications(self, referral_id: int | None = None) -> list[Notification]:
        """The outbox (or one referral's part of it), oldest first."""
        query = (
            sa.select(notifications, referrals.c.level, referrals.c.summary)
            .join(referrals, referrals.c.id == notifications.c.referral_id)
            .order_by(notifications.c.id)
        )
        if referral_id is not None:
            query = query.where(notifications.c.referral_id == referral_id)
        with self.engine.connect() as connection:
            return [Notification.from_row(row) for row in connection.execute(query)]

    # --- Privacy ----------------------------------------------------------------------------

    def erase_referrals(self, conversation_id: str) -> int:
        """Deletes a conversation's referrals; how many.

        Their contact details go with them, and their changes, whose notes may name the
        patient.
        """
        with self._begin() as connection:
            deleted = _delete_referrals(connection, referrals.c.conversation_id == conversation_id)
        database.drop_old_copies(self.engine)
        return deleted

    def erase_conversation(self, conversation_id: str) -> int:
        """Deletes a conversation's referrals and its stored events; how many rows in all."""
        return self.erase(conversation_id)[0]

    def erase(self, conversation_id: str) -> tuple[int, bool]:
        """Deletes a conversation's referrals and events: how many rows, and the space zeroed.

        Works on a full disk too (``python -m handover erase`` is how an operator frees
        it): the delete comes first, then the checkpoint that empties SQLite's log. When the
        disk is too full for the delete to zero what it frees (``secure_delete``), the rows
        are deleted without that, which writes a few pages only, and the second value is
        False: old copies stay in the file's free space (and in the log until a checkpoint
        has room; docs/operations.md says what to run). Raises only if even that fails.
        """
        try:
            deleted = self._erase(conversation_id)
        except sa.exc.OperationalError as error:
            if not self._disk_full(error):
                raise
            logger.warning("The disk is full: erasing without overwriting the freed space")
            deleted = self._erase(conversation_id, zero_freed=False)
            database.drop_old_copies(self.engine)
            return deleted, False
        database.drop_old_copies(self.engine)
        return deleted, True

    def _disk_full(self, error: BaseException) -> bool:
        path = faults.sqlite_path(self.engine)
        return faults.problem_of(error) is faults.Problem.FULL or (
            path is not None and faults.file_problem(path) is faults.Problem.FULL
        )

    def _erase(self, conversation_id: str, zero_freed: bool = True) -> int:
        with self.engine.connect() as connection:
            if not zero_freed:
                connection.exec_driver_sql("PRAGMA secure_delete=OFF")
                connection.commit()
            try:
                with connection.begin():
                    which = referrals.c.conversation_id == conversation_id
                    deleted = _delete_referrals(connection, which)
                    return deleted + database.erase_conversation(connection, conversation_id)
            finally:
                if not zero_freed:
                    connection.exec_driver_sql("PRAGMA secure_delete=ON")
                    connection.commit()

    def forget_unconfirmed_contact(self, now: datetime, hours: float) -> int:
        """Forgets contact details never confirmed in conversations idle for ``hours``.

        For the patient who gave a name or a number and left without answering the read-back:
        the next session would forget them, but this patient may never come back. A form
        that ended without a yes is forgotten whatever its age (it already is, unless the
        tracker store failed at the time). Returns how many conversations changed.
        """
        if hours <= 0:
            raise ValueError("the wait before forgetting must be more than 0 hours")
        idle_before = (now - timedelta(hours=hours)).timestamp()
        with self.engine.connect() as connection:
            conversations = database.conversations_with_callbacks(connection)
        changed = 0
        for conversation_id in conversations:
            with self._begin() as connection:
                if database.forget_unconfirmed_contact(connection, conversation_id, idle_before):
                    changed += 1
        if changed:
            database.drop_old_copies(self.engine)
        return changed

    def apply_retention(self, days: int, now: datetime) -> tuple[int, int]:
        """Deletes referrals and conversations older than ``days``.

        A conversation is old when its latest event is; its events and checkpoint go, and so
        do its referrals whatever their age. A referral's changes (its notes) go with it.
        Returns (referrals, conversations) deleted.
        """
        if days < 1:
            raise ValueError("the retention must be at least 1 day")
        cutoff = now - timedelta(days=days)
        old_conversations: list[str] = []
        if self._has_table(database.EVENTS):
            with self.engine.connect() as connection:
                old_conversations = list(
                    connection.execute(
                        sa.select(events.c.sender_id)
                        .group_by(events.c.sender_id)
                        .having(sa.func.max(events.c.timestamp) < cutoff.timestamp())
                    ).scalars()
                )
        with self._begin() as connection:
            removed = _delete_referrals(connection, referrals.c.created_at < cutoff)
        for conversation_id in old_conversations:
            self._erase(conversation_id)
        database.drop_old_copies(self.engine)
        return int(removed), len(old_conversations)


def _delete_referrals(connection: sa.engine.Connection, which: Any) -> int:
    """Deletes the referrals ``which`` selects, and first what hangs on them; how many.

    Their changes (a note may name the patient) and their notifications' outbox rows.
    """
    chosen = sa.select(referrals.c.id).where(which)
    for table in (referral_changes, notifications):
        connection.execute(table.delete().where(table.c.referral_id.in_(chosen)))
    return int(connection.execute(referrals.delete().where(which)).rowcount)


_PHONE_LIKE = re.compile(r"^\+?[0-9\s().\-/]+$")
_MIN_PHONE_DIGITS = 3


def _like(text: str) -> str:
    """A LIKE pattern that finds ``text`` anywhere, its ``%`` and ``_`` taken as they are."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _matching(q: str) -> list[sa.ColumnElement[bool]]:
    """The conditions a search puts on referrals.

    Each word somewhere in the words; or, for a phone number or a part of one, its digits
    (with a leading 0 or 00, or without) in the callback phone.
    """
    text = " ".join(q.split())
    if not text:
        return []
    if _PHONE_LIKE.match(text) and len(digits := re.sub(r"[^0-9]", "", text)) >= _MIN_PHONE_DIGITS:
        # Stored as E.164 (+442079460958): "020 7946 0958" is found by "2079460958".
        forms = {digits, digits.lstrip("0") or digits}
        in_phone = [referrals.c.callback_phone.like(_like(form), escape="\\") for form in forms]
        return [sa.or_(*in_phone, _in_words(text))]
    return [_in_words(word) for word in text.split()]


def _in_words(word: str) -> sa.ColumnElement[bool]:
    pattern = _like(word)
    columns = (
        referrals.c.callback_name, referrals.c.summary, referrals.c.findings,
        referrals.c.patient_words,
    )  # fmt: skip
    in_note = (
        sa.select(referral_changes.c.id)
        .where(
            referral_changes.c.referral_id == referrals.c.id,
            referral_changes.c.kind == "note",
            referral_changes.c.undone_at.is_(None),
            referral_changes.c.new_value.ilike(pattern, escape="\\"),
        )
        .exists()
    )
    return sa.or_(*(column.ilike(pattern, escape="\\") for column in columns), in_note)


CSV_COLUMNS = [
    "id", "created_at", "level", "summary", "reasons", "days_since_treatment", "patient_words",
    "callback_name", "callback_phone", "callback_time", "callback_declined_at",
    "conversation_id", "status", "assigned_to", "handled_at", "handled_by", "notes",
]  # fmt: skip


def _csv_safe(value: Any) -> str:
    # A cell starting with = + - @ is a formula to a spreadsheet: neutralise it.
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def to_csv(rows: Sequence[Referral], notes: Mapping[int, Sequence[Change]] | None = None) -> str:
    """The referrals as CSV, one row each (safe to open in a spreadsheet).

    ``notes`` by referral (:meth:`Handover.notes`) go in one cell, one line each.
    """
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        written = [
            f"[{n.at.isoformat()}] {n.by}: {n.new_value}" for n in (notes or {}).get(row.id, [])
        ]
        values = {**row.__dict__, "reasons": " ".join(row.reasons), "notes": "\n".join(written)}
        writer.writerow(
            [
                values[c].isoformat() if isinstance(values[c], datetime) else _csv_safe(values[c])
                for c in CSV_COLUMNS
            ]
        )
    return out.getvalue()


# What the widget sends with no button behind it, as the staff read it.
_PAYLOAD_WORDS = {"/greet": "(opened the chat)", "/restart": "(started over)"}


def _as_tapped(text: str, titles: dict[str, str]) -> str:
    """A patient's message as they saw it: a button's title for its payload ("/deny" → "No")."""
    if text in titles:
        return f"[{titles[text]}]"
    if text.startswith("/"):
        return _PAYLOAD_WORDS.get(text.split("{", 1)[0], "(a button)")
    return text
