"""``python -m handover``: referrals and retention from the command line.

    python -m handover list [--all]              open referrals, most urgent first
    python -m handover export [--all] [-o FILE]  CSV (all referrals with --all)
    python -m handover handled ID --by NAME      mark a referral handled
    python -m handover retention [--days N]      delete what is older than N days
    python -m handover erase CONVERSATION_ID     delete one conversation and its referrals

The database is AFTERCARE_DATABASE_URL (default: conversations.db, as the bot's); the
retention is --days or AFTERCARE_RETENTION_DAYS (default 90). ``retention`` also forgets
contact details given for a callback and never confirmed, in conversations idle for
--unconfirmed-hours (default 24). A setting that cannot work is one line on standard error
and exit status 2, before anything is done.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy.exc import SQLAlchemyError

from aftercare import config
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
    args = parser.parse_args(argv)
    try:
        days = config.retention_days(os.environ)
        store = Handover.configured()
    except config.ConfigError as error:
        print(f"{parser.prog}: {error}", file=sys.stderr)
        return 2

    now = datetime.now(UTC)
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


if __name__ == "__main__":
    raise SystemExit(main())
