"""Staff accounts: one per nurse or lead, an argon2 password hash, a lockout per account.

The staff view (``handover/auth.py``) signs people in with these; ``python -m handover user``
adds, disables, enables and resets them. Plain SQL on the ``staff_accounts`` table of
``handover/store.py``; the time is passed in.

* **Names** are what staff are known by in the audit log and on a handled referral: 1 to
  ``MAX_NAME`` characters of any script, at least one of them a letter, spaces collapsed,
  no control characters. Two names that differ only in case or width ("Zoë", "ZOË") are
  the same account: the ``name_key`` column holds the name case-folded (NFKC), unique.
* **Passwords** have at least ``MIN_PASSWORD`` characters; they are kept as argon2id hashes
  (argon2-cffi's defaults, made stronger when those change: a hash is renewed at the next
  sign-in).
* **Lockout**, per account, never per address (a clinic's network is one address): after
  ``FREE_FAILURES`` wrong passwords in a row the account is locked for ``FIRST_LOCK``, each
  further wrong password doubles that, up to ``LONGEST_LOCK``; while locked every attempt is
  refused without looking at the password, and a right password afterwards starts the count
  again. A name with no account is refused in the same time as a wrong password.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

import argon2
import sqlalchemy as sa

from handover.store import staff_accounts, staff_secrets

ROLES = ("nurse", "lead")
"""A nurse sees and works the referrals; a lead also reads the audit log (``/audit``)."""
MAX_NAME = 80
MIN_PASSWORD = 12
MAX_PASSWORD = 1024
FREE_FAILURES = 5
FIRST_LOCK = timedelta(minutes=1)
LONGEST_LOCK = timedelta(minutes=15)
_JOINERS = {"\u200c", "\u200d"}  # zero-width (non-)joiners: part of how Persian and others write

_hasher = argon2.PasswordHasher()


class AccountError(ValueError):
    """Something the accounts refuse, in words for the person who asked."""


@dataclass(frozen=True)
class Account:
    """One staff member's account (never the password's hash)."""

    id: int
    name: str
    role: str
    created_at: datetime
    password_set_at: datetime
    disabled_at: datetime | None
    failed_logins: int
    locked_until: datetime | None
    signed_out_at: datetime | None = None

    @classmethod
    def from_row(cls, row: Any) -> Account:
        """From a ``staff_accounts`` row."""
        values = {k: v for k, v in row._mapping.items() if k in cls.__dataclass_fields__}
        for key in (
            "created_at",
            "password_set_at",
            "disabled_at",
            "locked_until",
            "signed_out_at",
        ):
            values[key] = _utc(values[key])
        return cls(**values)

    def session_identity(self, signed_in: datetime) -> str:
        """What a session signed in at ``signed_in`` remembers (``accepts`` reads it).

        The account's number, when its password was set, and when the session signed in.
        """
        return f"{self.id}:{_micros(self.password_set_at)}:{_micros(signed_in)}"

    def accepts(self, identity: str) -> bool:
        """Whether a session with ``identity`` is still signed in to this account.

        Not once the account is disabled, its password set again, or it signed out later.
        """
        parts = re.fullmatch(r"([0-9]{1,10}):([0-9]{1,20}):([0-9]{1,20})", identity)
        return (
            parts is not None
            and self.disabled_at is None
            and int(parts[1]) == self.id
            and int(parts[2]) == _micros(self.password_set_at)
            and (self.signed_out_at is None or int(parts[3]) > _micros(self.signed_out_at))
        )

    def locked(self, now: datetime) -> bool:
        """Whether the account refuses every password at ``now``."""
        return self.locked_until is not None and self.locked_until > now


@dataclass(frozen=True)
class Refused:
    """Why a sign-in was refused: a wrong name or password, a locked or a disabled account."""

    reason: Literal["wrong", "locked", "disabled"]
    until: datetime | None = None  # when a locked account opens again


def _micros(value: datetime) -> int:
    return round(value.timestamp() * 1_000_000)


def _utc(value: datetime | None) -> datetime | None:
    # SQLite hands back naive datetimes (stored in UTC); PostgreSQL the session's zone.
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def clean_name(name: str) -> str:
    """The name as it is kept: NFC, spaces collapsed; AccountError if it cannot be a name."""
    text = " ".join(unicodedata.normalize("NFC", name).split())
    if not text:
        raise AccountError("A name cannot be empty.")
    if len(text) > MAX_NAME:
        raise AccountError(f"A name has at most {MAX_NAME} characters, not {len(text)}.")
    if any(unicodedata.category(c).startswith("C") and c not in _JOINERS for c in text):
        raise AccountError("A name cannot hold control or invisible characters.")
    if not any(c.isalpha() for c in text):
        raise AccountError("A name needs at least one letter.")
    return text


def name_key(name: str) -> str:
    """The name as names are compared: "ZOË", "Zoë" and "zoe\u0308" are one account."""
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", name).casefold())


def check_password(password: str) -> None:
    """AccountError unless ``password`` may be an account's password."""
    if len(password) < MIN_PASSWORD:
        raise AccountError(
            f"A password needs at least {MIN_PASSWORD} characters (this one has {len(password)})."
        )
    if len(password) > MAX_PASSWORD:
        raise AccountError(f"A password has at most {MAX_PASSWORD} characters.")


def lock_for(failures: int) -> timedelta | None:
    """How long an account is locked after ``failures`` wrong passwords in a row (None: not)."""
    if failures < FREE_FAILURES:
        return None
    doublings = min(failures - FREE_FAILURES, 16)  # far beyond LONGEST_LOCK already
    return min(FIRST_LOCK * 2**doublings, LONGEST_LOCK)


class Accounts:
    """The staff accounts of one database."""

    def __init__(self, engine: sa.engine.Engine) -> None:
        """Uses ``engine`` (``handover.store.engine_for``)."""
        self.engine = engine
        self._unknown_hash: str | None = None

    def add(self, name: str, role: str, password: str, *, now: datetime) -> Account:
        """A new account; AccountError for a bad name, role or password, or a name taken."""
        name = self.free_name(name)
        if role not in ROLES:
            raise AccountError(f"A role is {' or '.join(ROLES)}, not {role!r}.")
        check_password(password)
        try:
            with self.engine.begin() as connection:
                connection.execute(
                    staff_accounts.insert().values(
                        name=name,
                        name_key=name_key(name),
                        role=role,
                        password_hash=_hasher.hash(password),
                        created_at=now,
                        password_set_at=now,
                    )
                )
        except sa.exc.IntegrityError as error:  # added by someone else just now
            raise AccountError(f"There is already an account named {name}.") from error
        return self._named(name)

    def free_name(self, name: str) -> str:
        """``name`` cleaned (``clean_name``); AccountError if it is no name or an account's."""
        name = clean_name(name)
        taken = self.find(name)
        if taken is not None:
            raise AccountError(f"There is already an account named {taken.name}.")
        return name

    def find(self, name: str) -> Account | None:
        """The account of ``name`` (in any case), or None."""
        row = self._row(name)
        return Account.from_row(row) if row is not None else None

    def named(self, name: str) -> Account:
        """The account of ``name``; AccountError if there is none."""
        account = self.find(name)
        if account is None:
            raise AccountError(f"There is no account named {' '.join(name.split())}.")
        return account

    def get(self, account_id: int) -> Account | None:
        """The account numbered ``account_id``, or None (asked on every request: one row)."""
        with self.engine.connect() as connection:
            row = connection.execute(
                sa.select(staff_accounts).where(staff_accounts.c.id == account_id)
            ).first()
        return Account.from_row(row) if row is not None else None

    def list(self) -> list[Account]:
        """Every account, by name."""
        with self.engine.connect() as connection:
            rows = connection.execute(sa.select(staff_accounts).order_by(staff_accounts.c.name_key))
            return [Account.from_row(row) for row in rows]

    def count(self) -> int:
        """How many accounts there are, disabled ones included."""
        with self.engine.connect() as connection:
            return int(connection.execute(sa.select(sa.func.count(staff_accounts.c.id))).scalar())

    def authenticate(self, name: str, password: str, *, now: datetime) -> Account | Refused:
        """The account if ``password`` is its password and it may sign in, else why not.

        A wrong password counts towards the account's lockout (``lock_for``); the one that
        locks it is answered "locked" with the time it opens. A disabled account is named
        so only to someone who gave its password.
        """
        try:
            row = self._row(name)
        except AccountError:
            row = None
        if row is None or len(password) > MAX_PASSWORD:
            self._verify(self._unknown(), password)  # as long as for a real account
            return Refused("wrong")
        account = Account.from_row(row)
        if account.locked(now):
            return Refused("locked", account.locked_until)
        if not self._verify(row.password_hash, password):
            return self._failed(account, now)
        if account.disabled_at is not None:
            return Refused("disabled")
        values: dict[str, object] = {"failed_logins": 0, "locked_until": None}
        if _hasher.check_needs_rehash(row.password_hash):
            values["password_hash"] = _hasher.hash(password)
        with self.engine.begin() as connection:
            connection.execute(
                staff_accounts.update().where(staff_accounts.c.id == account.id).values(**values)
            )
        return self._named(account.name)

    def disable(self, name: str, *, now: datetime) -> Account:
        """Disables an account: it cannot sign in, its sessions end at their next request."""
        account = self.named(name)
        if account.disabled_at is None:
            self._update(account, disabled_at=now)
        return self._named(account.name)

    def enable(self, name: str) -> Account:
        """Lets a disabled account sign in again (with its password as it was)."""
        account = self.named(name)
        self._update(account, disabled_at=None, failed_logins=0, locked_until=None)
        return self._named(account.name)

    def reset(self, name: str, password: str, *, now: datetime) -> Account:
        """A new password: the account's other sessions end, its lockout is lifted."""
        account = self.named(name)
        check_password(password)
        self._update(
            account,
            password_hash=_hasher.hash(password),
            password_set_at=now,
            failed_logins=0,
            locked_until=None,
        )
        return self._named(account.name)

    def sign_out(self, account: Account, *, now: datetime) -> None:
        """Ends every session of ``account`` signed in before ``now``."""
        self._update(account, signed_out_at=now)

    def session_key(self, new_key: str, *, now: datetime) -> str:
        """The session cookies' key kept in the database; ``new_key`` becomes it if none is.

        Every staff view on the database reads the same key, so that each accepts the
        others' cookies, after a restart too.
        """
        query = sa.select(staff_secrets.c.value).where(staff_secrets.c.name == "session_key")
        with self.engine.connect() as connection:
            stored = connection.execute(query).scalar()
        if stored is not None:
            return str(stored)
        try:
            with self.engine.begin() as connection:
                connection.execute(
                    staff_secrets.insert().values(name="session_key", value=new_key, created_at=now)
                )
        except sa.exc.IntegrityError:  # another staff view stored one first: that one
            pass
        with self.engine.connect() as connection:
            return str(connection.execute(query).scalar_one())

    # --- Inside -------------------------------------------------------------------------------

    def _row(self, name: str) -> Any:
        with self.engine.connect() as connection:
            return connection.execute(
                sa.select(staff_accounts).where(
                    staff_accounts.c.name_key == name_key(clean_name(name))
                )
            ).first()

    def _named(self, name: str) -> Account:
        account = self.find(name)
        assert account is not None, name
        return account

    def _update(self, account: Account, **values: object) -> None:
        with self.engine.begin() as connection:
            connection.execute(
                staff_accounts.update().where(staff_accounts.c.id == account.id).values(**values)
            )

    def _failed(self, account: Account, now: datetime) -> Refused:
        with self.engine.begin() as connection:
            # Counted in SQL: two wrong passwords at once are two.
            connection.execute(
                staff_accounts.update()
                .where(staff_accounts.c.id == account.id)
                .values(failed_logins=staff_accounts.c.failed_logins + 1)
            )
            failures = connection.execute(
                sa.select(staff_accounts.c.failed_logins).where(staff_accounts.c.id == account.id)
            ).scalar_one()
            lock = lock_for(failures)
            if lock is None:
                return Refused("wrong")
            connection.execute(
                staff_accounts.update()
                .where(staff_accounts.c.id == account.id)
                .values(locked_until=now + lock)
            )
        return Refused("locked", now + lock)

    def _unknown(self) -> str:
        if self._unknown_hash is None:
            self._unknown_hash = _hasher.hash("no account has this password")
        return self._unknown_hash

    @staticmethod
    def _verify(password_hash: str, password: str) -> bool:
        try:
            return _hasher.verify(password_hash, password)
        except (argon2.exceptions.VerificationError, argon2.exceptions.InvalidHashError):
            return False
