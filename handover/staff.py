"""The staff view: the app, its sign-in, its live alerts and its static files.

The pages (the list of referrals with its filters, a referral with its transcript and the
clinic's workflow, the CSV export, the week at a glance) are in ``handover/workflow.py``.

New referrals appear on every open page without a reload, emergencies, crises and urgent
ones with a visible and an audible alert: ``GET /events`` is a stream of server-sent events
fed through the database (``handover/live.py``), and ``/static/staff.js`` shows them. The
nurse on duty is also told by e-mail or webhook, when configured: the staff view delivers the
notifications' outbox (``handover/notify.py``).

Every page needs a staff account, signed in at ``/login``: ``handover/auth.py`` (sessions,
the CSRF token on every form, the audit page), ``handover/accounts.py`` (the accounts, made
with ``python -m handover user add``).

Run: ``python -m handover.staff`` (port 8081); ``make run`` starts it.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path

import aiohttp_jinja2
import jinja2
import sqlalchemy as sa
from aiohttp import web

from aftercare import clinic, config
from handover import auth, live, notify, workflow
from handover.accounts import Accounts
from handover.pages import HANDOVER, render
from handover.store import Handover
from storage.faults import problem_of

logger = logging.getLogger(__name__)

FEED = web.AppKey("feed", live.ReferralFeed)
NOTIFIER = web.AppKey("notifier", notify.Notifier)
STATIC = Path(__file__).resolve().parent / "static"
TEMPLATES = Path(__file__).resolve().parent / "templates"
STATIC_TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@web.middleware
async def database_unavailable(request: web.Request, handler: Handler) -> web.StreamResponse:
    """503 with a page that says what is wrong while the database fails; it recovers by itself."""
    try:
        return await handler(request)
    except sa.exc.SQLAlchemyError as error:
        problem = problem_of(error)
        logger.error("The staff view cannot use the database: it is %s", problem)
    response = render(request, "unavailable.html", {"problem": str(problem)})
    response.set_status(503)
    response.headers["Retry-After"] = "60"
    return response


def _when(value: datetime | None) -> str:
    """A time as the staff read it: in the clinic's zone (``clinic.yml``), with its name."""
    return clinic.load().local_time(value) if value else ""


def _clock(value: datetime) -> str:
    """The hour and minute in the clinic's zone (a transcript's lines)."""
    return clinic.load().local(value).strftime("%H:%M")


CALLBACK_WORDS = {
    "declined": "Declined: the patient chose not to be called (told how to reach the clinic)",
    "not offered": "Not offered (crisis: the help lines were given)",
    "offered": "Offered, no answer yet",
}


async def events(request: web.Request) -> web.StreamResponse:
    """Server-sent events: each new referral as it is stored (``handover/live.py``)."""
    return await live.stream(request, request.app[FEED])


async def static_file(request: web.Request) -> web.FileResponse:
    """The pages' script (live referrals, the alert and its sound) and style sheet."""
    path = STATIC / request.match_info["name"]
    if path.suffix not in STATIC_TYPES or not path.is_file():
        raise web.HTTPNotFound()
    return web.FileResponse(
        path,
        headers={
            "Content-Type": STATIC_TYPES[path.suffix],
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )


async def _end_streams(app: web.Application) -> None:
    # Before the server waits for its handlers to finish: an open stream never would.
    app[FEED].end_streams()


async def _run_feed(app: web.Application) -> AsyncIterator[None]:
    await app[FEED].start()
    yield
    await app[FEED].stop()


async def _start_notifier(app: web.Application) -> None:
    await app[NOTIFIER].start(app[FEED])


async def _stop_notifier(app: web.Application) -> None:
    # On shutdown, not at cleanup: the server first waits (60 s) for every task started since
    # it started, and the worker starts one per round until it is stopped.
    await app[NOTIFIER].stop()


def create_app(store: Handover, *, session_key: bytes | None = None) -> web.Application:
    """The staff app on ``store``'s database.

    ``session_key``: the session cookies' 32-byte key; by default ``STAFF_SESSION_KEY``, else
    the one kept in the database (``auth.session_key``).
    """
    if session_key is None:
        accounts = Accounts(store.engine)
        session_key = auth.session_key(accounts, os.environ, now=datetime.now(UTC))
    app = web.Application(
        middlewares=[auth.sessions(session_key), database_unavailable, auth.require_account]
    )
    app[HANDOVER] = store
    environment = aiohttp_jinja2.setup(
        app,
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    environment.globals.update(when=_when, clock=_clock, CALLBACK_WORDS=CALLBACK_WORDS)
    auth.setup(app, store)  # /login, /logout, /audit
    app[FEED] = live.ReferralFeed(store)
    app.cleanup_ctx.append(_run_feed)
    # The store's settings, or clinic.yml's and NOTIFY_*: a bad one stops the start here.
    settings = notify.load() if store.notify_settings is None else store.notify_settings
    app[NOTIFIER] = notify.Notifier(store, settings)
    app.on_startup.append(_start_notifier)  # type: ignore[arg-type]
    app.on_shutdown.append(_stop_notifier)  # type: ignore[arg-type]
    app.on_shutdown.append(_end_streams)  # type: ignore[arg-type]
    workflow.setup(app)
    app.router.add_get("/events", events)
    app.router.add_get(r"/static/{name:[a-z]+\.(?:js|css)}", static_file)
    return app


def main() -> None:
    """``python -m handover.staff [--host H] [--port P]``."""
    parser = argparse.ArgumentParser(description="The clinic staff's view of referrals.")
    parser.add_argument("--host", default="localhost")
    parser.add_argument("--port", type=int)
    args = parser.parse_args()
    # The log (standard error): notifications configured, delivered, failed, given up.
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)  # not a line per request
    try:
        port = args.port or config.whole_number(
            os.environ.get("STAFF_PORT", "8081"), "STAFF_PORT", 1
        )
        if port > 65535:
            raise config.ConfigError(f"STAFF_PORT must be a port, 1 to 65535, not {port}")
        app = create_app(Handover.configured())
    except ValueError as error:  # a ConfigError too: one line, exit status 1
        raise SystemExit(str(error)) from error
    args.port = port
    if os.environ.get("STAFF_PASSWORD"):
        print(
            "STAFF_PASSWORD is not used any more: each staff member signs in with an account of "
            "their own (python -m handover user add NAME --role lead)",
            file=sys.stderr,
        )
    print(f"Staff view: http://{args.host}:{args.port}/", flush=True)
    web.run_app(app, host=args.host, port=args.port, print=None)


if __name__ == "__main__":
    main()
