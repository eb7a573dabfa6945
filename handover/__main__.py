"""``python -m handover``: referrals and retention from the command line.

    python -m handover list [--all]              open referrals, most urgent first
    python -m handover export [--all] [-o FILE]  CSV (all referrals with --all)
    python -m handover handled ID --by NAME      mark a referral handled
    python -m handover retention [--days N]      delete what is older than N days
    python -m handover erase CONVERSATION_ID     delete one conversation and its referrals
    python -m handover user add NAME [--role lead]   a staff account (password on stdin)
    python -m handover user disable|enable NAME  stop (or allow again) an account's sign-in
    python -m handover user reset NAME           a new password (on stdin); sessions end
    python -m handover user list                 every account, its role and state

The database is AFTERCARE_DATABASE_URL (default: conversations.db, as the bot's); the
retention is --days or AFTERCARE_RETENTION_DAYS (default 90). ``retention`` also forgets
contact details given for a callback and never confirmed, in conversations idle for
--unconfirmed-hours (default 24). A setting that cannot work is one line on standard error
and exit status 2, before anything is done.

``user add`` and ``user reset`` read the password from standard input: one line (piped), or
typed twice at a terminal without being shown. A refused name or password, or an unknown
account, is one line on standard error and exit status 1. Every change to an account goes
to the audit log, by "command line".
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy.exc import SQLAlchemyError

from aftercare import config
from handover.accounts import ROLES, Account, AccountError, Accounts
from handover.store import Handover, to_csv
from storage.faults import problem_of

UNCONFIRMED_HOURS = 24
"""How long a patient may leave a callback form half way before the details are forgotten.

Longer than a session (``session_expiration_time``, 60 minutes): by then a patient who comes
back starts a new session, which forgets them anyway.
"""


def main(argv: Sequence[str] | None = None) -> int:
    """Runs one command; returns the exit status."""
    parser = argparse.ArgumentParser(
        prog="python -m handover", description="Referrals handed over to the clinic."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    listing = commands.add_parser("list", help="open referrals, most urgent first")
    listing.add_argument("--all", action="store_true", help="handled ones too")
    export = commands.add_parser("export", help="referrals as CSV")
    export.add_argument("--all", action="store_true", help="handled ones too")
    export.add_argument("-o", "--output", help="file to write (default: standard output)")
    handled = commands.add_parser("handled", help="mark a referral handled")
    handled.add_argument("id", type=int)
    handled.add_argument("--by", required=True, help="who handled it")
    retention = commands.add_parser("retention", help="delete what is older than N days")
    retention.add_argument("--days", type=int, help=f"default: {config.RETENTION_VARIABLE}")
    retention.add_argument("--unconfirmed-hours", type=int, default=UNCONFIRMED_HOURS)
    erase = commands.add_parser("erase", help="delete one conversation and its referrals")
    erase.add_argument("conversation_id")
    user = commands.add_parser("user", help="staff accounts of the staff view")
    user_commands = user.add_subparsers(dest="user_command", required=True)
    add = user_commands.add_parser("add", help="a new account (password on standard input)")
    add.add_argument("name")
    add.add_argument("--role", choices=ROLES, default="nurse")
    for name, says in [
        ("disable", "stop an account signing in (its sessions end)"),
        ("enable", "let a disabled account sign in again"),
        ("reset", "a new password (on standard input); the account's sessions end"),
    ]:
        user_commands.add_parser(name, help=says).add_argument("name")
    user_commands.add_parser("list", help="every account, its role and state")
    args = parser.parse_args(argv)
    try:
        days = config.retention_days(os.environ)
        store = Handover.configured()
    except config.ConfigError as error:
        print(f"{parser.prog}: {error}", file=sys.stderr)
        return 2

    now = datetime.now(UTC)
    if args.command == "user":
        try:
            return _user(args, store, now)
        except AccountError as error:
            print(f"{parser.prog} user: {error}", file=sys.stderr)
            return 1
    if args.command == "list":
        rows = store.referrals(include_handled=args.all)
        for r in rows:
            contact = f" | call {r.callback_name} {r.callback_phone} ({r.callback_time})"
            handled_note = f" | handled by {r.handled_by}" if r.handled_by else ""
            print(
                f"#{r.id} {r.created_at:%Y-%m-%d %H:%M} {r.level.upper():9} {r.summary}"
                f"{contact if r.callback_phone else ''}{handled_note}"
            )
        print(f"{len(rows)} referral(s)", file=sys.stderr)
    elif args.command == "export":
        text = to_csv(store.referrals(include_handled=args.all), store.notes())
        if args.output:
            with open(args.output, "w", encoding="utf-8", newline="") as out:
                out.write(text)
        else:
            sys.stdout.write(text)
    elif args.command == "handled":
        if not store.mark_handled(args.id, by=args.by, now=now):
            print(f"No open referral #{args.id}", file=sys.stderr)
            return 1
        print(f"Referral #{args.id} handled by {args.by}")
    elif args.command == "retention":
        days = days if args.days is None else args.days
        if days < 1:
            parser.error("--days must be at least 1")
        if args.unconfirmed_hours <= 0:
            parser.error("--unconfirmed-hours must be more than 0")
        referrals, conversations = store.apply_retention(days, now)
        print(
            f"Deleted {referrals} referral(s) and {conversations} conversation(s) "
            f"older than {days} days"
        )
        forgotten = store.forget_unconfirmed_contact(now, args.unconfirmed_hours)
        print(f"Forgot unconfirmed contact details in {forgotten} conversation(s)")
    elif args.command == "erase":
        try:
            deleted, zeroed = store.erase(args.conversation_id)
        except SQLAlchemyError as error:
            print(
                f"{parser.prog}: conversation {args.conversation_id} was not erased: the "
                f"database is {problem_of(error)}",
                file=sys.stderr,
            )
            return 1
        print(f"Deleted {deleted} row(s) of conversation {args.conversation_id}")
        if not zeroed:
            print(
                "The disk is full: old copies stay in the database's free space and log; "
                "once there is room, run `sqlite3 <file> VACUUM` with the servers stopped",
                file=sys.stderr,
            )
    return 0


def _user(args: argparse.Namespace, store: Handover, now: datetime) -> int:
    """``python -m handover user ...``: one change to the staff accounts, audited."""
    accounts = Accounts(store.engine)
    command = args.user_command
    if command == "list":
        every = accounts.list()
        for account in every:
            print(f"{account.name}\t{account.role}\t{_state(account, now)}")
        print(f"{len(every)} account(s)", file=sys.stderr)
        return 0
    if command == "add":
        name = accounts.free_name(args.name)  # refused before the password is asked for
        account = accounts.add(name, args.role, _password(), now=now)
        detail = f"{account.name} ({account.role})"
        store.audit("command line", "account added", now=now, detail=detail)
        print(f"Added {account.name} ({account.role})")
    elif command == "disable":
        account = accounts.disable(args.name, now=now)
        store.audit("command line", "account disabled", now=now, detail=account.name)
        print(f"Disabled {account.name}: their sessions end at their next request")
    elif command == "enable":
        account = accounts.enable(args.name)
        store.audit("command line", "account enabled", now=now, detail=account.name)
        print(f"Enabled {account.name}")
    else:
        account = accounts.reset(accounts.named(args.name).name, _password(), now=now)
        store.audit("command line", "password reset", now=now, detail=account.name)
        print(f"New password for {account.name}: their other sessions have ended")
    return 0


def _state(account: Account, now: datetime) -> str:
    if account.disabled_at is not None:
        return "disabled"
    if account.locked(now) and account.locked_until is not None:
        return f"locked until {account.locked_until:%Y-%m-%d %H:%M} UTC"
    return "active"


def _password() -> str:
    """The password from standard input: typed twice unseen at a terminal, else one line."""
    if sys.stdin.isatty():
        password = getpass.getpass("Password: ")
        if getpass.getpass("The same again: ") != password:
            raise AccountError("The two passwords differ.")
        return password
    line = sys.stdin.readline()
    if not line:
        raise AccountError("No password on standard input (one line is read).")
    return line.removesuffix("\n").removesuffix("\r")


if __name__ == "__main__":
    raise SystemExit(main())
