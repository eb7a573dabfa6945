"""``python -m handover``: referrals and retention from the command line.

    python -m handover list [--all]              open referrals, most urgent first
    python -m handover export [--all] [-o FILE]  CSV (all referrals with --all)
    python -m handover handled ID --by NAME      mark a referral handled
    python -m handover retention [--days N]      delete what is older than N days
    python -m handover erase CONVERSATION_ID     delete one conversation and its referrals

The database is AFTERCARE_DATABASE_URL (default: conversations.db, as the bot's); the
retention is --days or AFTERCARE_RETENTION_DAYS (default 90).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from datetime import UTC, datetime

from handover.store import Handover, to_csv

DEFAULT_RETENTION_DAYS = 90


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
    retention.add_argument(
        "--days",
        type=int,
        default=int(os.environ.get("AFTERCARE_RETENTION_DAYS", DEFAULT_RETENTION_DAYS)),
    )
    erase = commands.add_parser("erase", help="delete one conversation and its referrals")
    erase.add_argument("conversation_id")
    args = parser.parse_args(argv)

    store = Handover.configured()
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
        text = to_csv(store.referrals(include_handled=args.all))
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
        if args.days < 1:
            parser.error("--days must be at least 1")
        referrals, conversations = store.apply_retention(args.days, now)
        print(
            f"Deleted {referrals} referral(s) and {conversations} conversation(s) "
            f"older than {args.days} days"
        )
    elif args.command == "erase":
        deleted = store.erase_conversation(args.conversation_id)
        print(f"Deleted {deleted} row(s) of conversation {args.conversation_id}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
