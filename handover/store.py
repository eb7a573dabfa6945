"""Referral records and callback requests in SQL (SQLite by default, PostgreSQL by URL).

One table, ``referrals``, in the same database as Rasa's conversations (``storage/database.py``
says which, and erases a conversation), so that the staff view can show a referral's
transcript and "delete my data" and the retention command can erase both. The schema is
created on first use. Plain SQLAlchemy, no Rasa import.

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
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from handover import schema
from storage import database, faults
from storage.database import events

logger = logging.getLogger(__name__)

LEVEL_ORDER = {"crisis": 0, "emergency": 0, "urgent": 1, "routine": 2}

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
    sa.Column("channel", sa.String(16), nullable=False),  # email or webhook
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


def _utc(value: datetime | None) -> datetime | None:
    # SQLite hands back naive datetimes: they were stored in UTC.
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


class Handover:
    """Reads and writes referrals (and erases conversations) in one database."""

    def __init__(self, engine: sa.engine.Engine) -> None:
        """Uses ``engine`` (see :func:`engine_for`)."""
        self.engine = engine

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
            if connection.dialect.name == "postgresql":
                # Sent when the transaction commits, to every staff view listening.
                connection.execute(sa.select(sa.func.pg_notify(NOTIFY_CHANNEL, str(referral_id))))
            return referral_id

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
        """Open referrals (or all), most urgent first, newest first within a level."""
        query = sa.select(referrals)
        if not include_handled:
            query = query.where(referrals.c.handled_at.is_(None))
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
        """Marks an open referral handled by ``by``; False if it is unknown or was handled."""
        if not 0 < referral_id <= MAX_ID:
            return False
        with self._begin() as connection:
            result = connection.execute(
                referrals.update()
                .where(referrals.c.id == referral_id, referrals.c.handled_at.is_(None))
                .values(handled_at=now, handled_by=_text(by)[:80], status="closed")
            )
            return bool(result.rowcount)

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

    # --- Privacy ----------------------------------------------------------------------------

    def erase_referrals(self, conversation_id: str) -> int:
        """Deletes a conversation's referrals (with their contact details); how many."""
        with self._begin() as connection:
            result = connection.execute(
                referrals.delete().where(referrals.c.conversation_id == conversation_id)
            )
        database.drop_old_copies(self.engine)
        return int(result.rowcount)

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
                    result = connection.execute(
                        referrals.delete().where(referrals.c.conversation_id == conversation_id)
                    )
                    erased = database.erase_conversation(connection, conversation_id)
                    return int(result.rowcount) + erased
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
        do its referrals whatever their age. Returns (referrals, conversations) deleted.
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
            removed = connection.execute(
                referrals.delete().where(referrals.c.created_at < cutoff)
            ).rowcount
        for conversation_id in old_conversations:
            self._erase(conversation_id)
        database.drop_old_copies(self.engine)
        return int(removed), len(old_conversations)


CSV_COLUMNS = [
    "id", "created_at", "level", "summary", "reasons", "days_since_treatment", "patient_words",
    "callback_name", "callback_phone", "callback_time", "callback_declined_at",
    "conversation_id", "handled_at", "handled_by",
]  # fmt: skip


def _csv_safe(value: Any) -> str:
    # A cell starting with = + - @ is a formula to a spreadsheet: neutralise it.
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def to_csv(rows: Sequence[Referral]) -> str:
    """The referrals as CSV, one row each (safe to open in a spreadsheet)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        values = {**row.__dict__, "reasons": " ".join(row.reasons)}
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
