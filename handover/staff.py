"""The staff view: the app, its sign-in, its live alerts and its static files.

The pages (the list of referrals with its filters, a referral with its transcript and the
clinic's workflow, the CSV export, the week at a glance) are in ``handover/workflow.py``.

New referrals appear on every open page without a reload, emergencies, crises and urgent
ones with a visible and an audible alert: ``GET /events`` is a stream of server-sent events
fed through the database (``handover/live.py``), and ``/static/staff.js`` shows them. The
nurse on duty is also told by e-mail or webhook, when configured: the staff view delivers the
notifications' outbox (``handover/notify.py``).

A small aiohttp app behind HTTP Basic authentication: the user name is the staff member's
name (recorded as who handled a referral), the password is ``STAFF_PASSWORD`` from the
environment. Without a password the app refuses to start. Wrong passwords are counted per
client address: after ``MAX_FAILURES`` within ``LOCKOUT`` that address is refused (429) until
the window has passed.

Run: ``STAFF_PASSWORD=... python -m handover.staff`` (port 8081); ``make run`` starts it when
the variable is set.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import hmac
import logging
import os
import time
from collections import defaultdict, deque
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import datetime
from pathlib import Path

import aiohttp_jinja2
import jinja2
import sqlalchemy as sa
from aiohttp import web

from aftercare import clinic, config
from handover import live, notify, workflow
from handover.pages import HANDOVER, render
from handover.store import Handover
from storage.faults import problem_of

logger = logging.getLogger(__name__)

MAX_FAILURES = 5
LOCKOUT = 15 * 60.0
MIN_PASSWORD = 12
REALM = 'Basic realm="Clinic staff", charset="UTF-8"'

PASSWORD = web.AppKey("password", str)
FAILURES = web.AppKey("failures", dict)
FEED = web.AppKey("feed", live.ReferralFeed)
NOTIFIER = web.AppKey("notifier", notify.Notifier)
STATIC = Path(__file__).resolve().parent / "static"
TEMPLATES = Path(__file__).resolve().parent / "templates"
STATIC_TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def _credentials(request: web.Request) -> tuple[str, str] | None:
    header = request.headers.get("Authorization", "")
    if not header.startswith("Basic "):
        return None
    try:
        user, _, password = base64.b64decode(header[6:]).decode("utf-8").partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return user.strip(), password


@web.middleware
async def require_login(request: web.Request, handler: Handler) -> web.StreamResponse:
    """401 without the password, 429 after too many wrong ones; the user name is kept."""
    failures: dict[str, deque[float]] = request.app[FAILURES]
    client = request.remote or "unknown"
    now = time.monotonic()
    recent = failures[client]
    while recent and now - recent[0] > LOCKOUT:
        recent.popleft()
    if len(recent) >= MAX_FAILURES:
        return web.Response(status=429, text="Too many wrong passwords: try again later.")
    credentials = _credentials(request)
    if credentials is None or not credentials[0]:
        return _unauthorised()
    user, password = credentials
    if not hmac.compare_digest(password.encode(), request.app[PASSWORD].encode()):
        recent.append(now)
        return _unauthorised()
    request["staff"] = user[:80]
    if request.method == "POST" and not _same_origin(request):
        return web.Response(status=403, text="Cross-site request refused.")
    return await handler(request)


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


def _unauthorised() -> web.Response:
    return web.Response(status=401, text="Clinic staff only.", headers={"WWW-Authenticate": REALM})


def _same_origin(request: web.Request) -> bool:
    # Browsers send Origin with a form POST: another site's page must not mark referrals.
    origin = request.headers.get("Origin")
    return origin is None or origin == f"{request.scheme}://{request.host}"


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


def create_app(store: Handover, password: str | None) -> web.Application:
    """The staff app; refuses to exist without a password of ``MIN_PASSWORD`` characters."""
    if not password or len(password) < MIN_PASSWORD:
        raise ValueError(
            f"Set STAFF_PASSWORD (at least {MIN_PASSWORD} characters) to start the staff view."
        )
    app = web.Application(middlewares=[require_login, database_unavailable])
    app[HANDOVER] = store
    environment = aiohttp_jinja2.setup(
        app,
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    environment.globals.update(when=_when, clock=_clock, CALLBACK_WORDS=CALLBACK_WORDS)
    app[PASSWORD] = password
    app[FAILURES] = defaultdict(deque)
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
        app = create_app(Handover.configured(), os.environ.get("STAFF_PASSWORD"))
    except ValueError as error:  # a ConfigError too: one line, exit status 1
        raise SystemExit(str(error)) from error
    args.port = port
    print(f"Staff view: http://{args.host}:{args.port}/", flush=True)
    web.run_app(app, host=args.host, port=args.port, print=None)


if __name__ == "__main__":
    main()
