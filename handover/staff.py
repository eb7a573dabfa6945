"""The staff view: open referrals, their transcripts, "mark as handled", CSV export.

New referrals appear on every open page without a reload, emergencies, crises and urgent
ones with a visible and an audible alert: ``GET /events`` is a stream of server-sent events
fed through the database (``handover/live.py``), and ``/static/staff.js`` shows them.

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
import html
import logging
import os
import time
from collections import defaultdict, deque
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from aiohttp import web

from aftercare import clinic, config
from handover import live
from handover.store import Handover, Line, Referral, to_csv
from storage.faults import problem_of

logger = logging.getLogger(__name__)

MAX_FAILURES = 5
LOCKOUT = 15 * 60.0
MIN_PASSWORD = 12
REALM = 'Basic realm="Clinic staff", charset="UTF-8"'

HANDOVER = web.AppKey("handover", Handover)
PASSWORD = web.AppKey("password", str)
FAILURES = web.AppKey("failures", dict)
FEED = web.AppKey("feed", live.ReferralFeed)
STATIC = Path(__file__).resolve().parent / "static"

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
    response = _page(
        "Referrals unavailable",
        "<h1>The referrals cannot be shown right now</h1>"
        f"<p>The database is {html.escape(str(problem))}. Patients are told to call the clinic "
        "in the meantime. This page works again by itself once the database is back: "
        "reload it in a minute.</p>",
    )
    response.set_status(503)
    response.headers["Retry-After"] = "60"
    return response


def _unauthorised() -> web.Response:
    return web.Response(status=401, text="Clinic staff only.", headers={"WWW-Authenticate": REALM})


def _same_origin(request: web.Request) -> bool:
    # Browsers send Origin with a form POST: another site's page must not mark referrals.
    origin = request.headers.get("Origin")
    return origin is None or origin == f"{request.scheme}://{request.host}"


def _page(title: str, body: str, after: int | None = None) -> web.Response:
    # The live alerts (static/staff.js) start after the newest referral the page knows of.
    live_after = "" if after is None else f" data-after='{after}'"
    document = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title>
<style>
 body {{ font-family: system-ui, sans-serif; margin: 1.5rem; color: #1b1b1b; }}
 table {{ border-collapse: collapse; width: 100%; }}
 th, td {{ border-bottom: 1px solid #ddd; padding: .5rem; text-align: left; vertical-align: top; }}
 .emergency, .crisis {{ color: #fff; background: #b00020; padding: .1rem .4rem;
   border-radius: .3rem; }}
 .urgent {{ color: #fff; background: #8a4b00; padding: .1rem .4rem; border-radius: .3rem; }}
 .routine {{ background: #e7eef5; padding: .1rem .4rem; border-radius: .3rem; }}
 .patient {{ font-weight: 600; }} ol {{ padding-left: 1.2rem; }} li {{ margin: .3rem 0; }}
 .declined {{ font-weight: 600; }}
 #live {{ margin: 0 0 1rem; }} #live[hidden] {{ display: none; }}
 .live-alert {{ color: #fff; background: #b00020; padding: .75rem 1rem; border-radius: .4rem;
   font-size: 1.1rem; margin: .5rem 0; }}
 .live-alert.urgent {{ background: #8a4b00; }} .live-alert a {{ color: #fff; }}
 tr.new {{ outline: 3px solid #b00020; }}
 #sound {{ margin-left: .5rem; }}
</style><script src="/static/staff.js" defer></script></head>
<body{live_after}>
<div id="live-bar"><button type="button" id="sound">Turn on sound alerts</button>
<span id="live-status" role="status">Live updates: connecting…</span></div>
<div id="live" role="alert" aria-live="assertive"></div>
{body}</body></html>"""
    return web.Response(
        text=document,
        content_type="text/html",
        headers={
            "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; "
            "script-src 'self'; connect-src 'self'; form-action 'self'; "
            "frame-ancestors 'none'",
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )


def _when(value: datetime | None) -> str:
    """A time as the staff read it: in the clinic's zone (``clinic.yml``), with its name."""
    return clinic.load().local_time(value) if value else ""


CALLBACK_WORDS = {
    "declined": "Declined: the patient chose not to be called (told how to reach the clinic)",
    "not offered": "Not offered (crisis: the help lines were given)",
    "offered": "Offered, no answer yet",
}


def _contact(referral: Referral) -> str:
    status = referral.callback_status
    if status != "confirmed":
        return f"<span class='{status.replace(' ', '-')}'>{CALLBACK_WORDS[status]}</span>"
    return html.escape(
        f"{referral.callback_name}, {referral.callback_phone}, {referral.callback_time}"
    )


async def list_referrals(request: web.Request) -> web.Response:
    """Open referrals, most urgent and newest first (``?all=1``: handled ones too)."""
    include_handled = request.query.get("all") == "1"
    store = request.app[HANDOVER]
    after = store.latest_id()  # before the list: a referral in between comes live
    rows = store.referrals(include_handled=include_handled)
    lines = "".join(
        f"<tr data-level='{html.escape(r.level)}' data-id='{r.id}'>"
        f"<td><span class='{html.escape(r.level)}'>{html.escape(r.level)}</span></td>"
        f"<td>{_when(r.created_at)}</td>"
        f"<td><a href='/referrals/{r.id}'>{html.escape(r.summary)}</a></td>"
        f"<td>{_contact(r)}</td>"
        f"<td>{html.escape(r.handled_by or '')} {_when(r.handled_at)}</td></tr>"
        for r in rows
    )
    body = (
        f"<h1>Referrals (<span id='count'>{len(rows)}</span> "
        f"{'in all' if include_handled else 'open'})</h1>"
        f"<p>Signed in as {html.escape(request['staff'])}. "
        "<a href='/?all=1'>Show handled too</a> · <a href='/referrals.csv'>Export CSV</a></p>"
        "<table><thead><tr><th>Level</th><th>When</th><th>Summary</th><th>Callback</th>"
        f"<th>Handled</th></tr></thead><tbody id='referrals'>{lines}</tbody></table>"
    )
    return _page("Referrals", body, after=after)


def _transcript(lines: list[Line]) -> str:
    if not lines:
        return "<p>No transcript (the conversation was erased or has expired).</p>"
    items = "".join(
        f"<li><span class='{line.speaker}'>{'Patient' if line.speaker == 'patient' else 'Bot'}"
        f"</span> ({clinic.load().local(line.at).strftime('%H:%M')}): {html.escape(line.text)}</li>"
        for line in lines
    )
    return f"<ol>{items}</ol>"


def _referral_id(request: web.Request) -> int:
    try:
        return int(request.match_info["referral_id"])
    except ValueError as error:
        raise web.HTTPNotFound() from error


async def show_referral(request: web.Request) -> web.Response:
    """One referral: summary, contact details, the patient's words, the whole transcript."""
    store = request.app[HANDOVER]
    after = store.latest_id()
    referral = store.referral(_referral_id(request))
    if referral is None:
        raise web.HTTPNotFound()
    if referral.handled_at:
        who = html.escape(referral.handled_by or "")
        handled = f"<p>Handled by {who} on {_when(referral.handled_at)}.</p>"
    else:
        handled = (
            f"<form method='post' action='/referrals/{referral.id}/handled'>"
            "<button type='submit'>Mark as handled</button></form>"
        )
    body = (
        "<p><a href='/'>All open referrals</a></p>"
        f"<h1><span class='{html.escape(referral.level)}'>{html.escape(referral.level)}</span> "
        f"referral {referral.id}</h1>"
        f"<p><strong>{html.escape(referral.summary)}</strong></p>"
        f"<p>{_when(referral.created_at)} · conversation "
        f"{html.escape(referral.conversation_id)}</p>"
        f"<p>Callback: {_contact(referral)}</p>"
        f"<p>In the patient's words: {html.escape(referral.patient_words or '(none)')}</p>"
        f"{handled}<h2>Transcript</h2>"
        f"{_transcript(request.app[HANDOVER].transcript(referral.conversation_id))}"
    )
    return _page(f"Referral {referral.id}", body, after=after)


async def mark_handled(request: web.Request) -> web.Response:
    """Marks the referral handled by the signed-in staff member, now."""
    referral_id = _referral_id(request)
    store = request.app[HANDOVER]
    if store.referral(referral_id) is None:
        raise web.HTTPNotFound()
    store.mark_handled(referral_id, by=request["staff"], now=datetime.now(UTC))
    raise web.HTTPSeeOther(f"/referrals/{referral_id}")


async def export_csv(request: web.Request) -> web.Response:
    """All referrals (open and handled) as CSV."""
    rows = request.app[HANDOVER].referrals(include_handled=True)
    return web.Response(
        text=to_csv(rows),
        content_type="text/csv",
        headers={
            "Content-Disposition": 'attachment; filename="referrals.csv"',
            # Names and phones: kept by no cache, and never read as anything but CSV.
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )


async def events(request: web.Request) -> web.StreamResponse:
    """Server-sent events: each new referral as it is stored (``handover/live.py``)."""
    return await live.stream(request, request.app[FEED])


async def script(request: web.Request) -> web.FileResponse:
    """The page's script: live referrals, the alert and its sound."""
    return web.FileResponse(
        STATIC / "staff.js",
        headers={
            "Content-Type": "text/javascript; charset=utf-8",
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


def create_app(store: Handover, password: str | None) -> web.Application:
    """The staff app; refuses to exist without a password of ``MIN_PASSWORD`` characters."""
    if not password or len(password) < MIN_PASSWORD:
        raise ValueError(
            f"Set STAFF_PASSWORD (at least {MIN_PASSWORD} characters) to start the staff view."
        )
    app = web.Application(middlewares=[require_login, database_unavailable])
    app[HANDOVER] = store
    app[PASSWORD] = password
    app[FAILURES] = defaultdict(deque)
    app[FEED] = live.ReferralFeed(store)
    app.cleanup_ctx.append(_run_feed)
    app.on_shutdown.append(_end_streams)  # type: ignore[arg-type]
    app.router.add_get("/", list_referrals)
    app.router.add_get("/referrals.csv", export_csv)
    app.router.add_get("/referrals/{referral_id}", show_referral)
    app.router.add_post("/referrals/{referral_id}/handled", mark_handled)
    app.router.add_get("/events", events)
    app.router.add_get("/static/staff.js", script)
    return app


def main() -> None:
    """``python -m handover.staff [--host H] [--port P]``."""
    parser = argparse.ArgumentParser(description="The clinic staff's view of referrals.")
    parser.add_argument("--host", default="localhost")
    parser.add_argument("--port", type=int)
    args = parser.parse_args()
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
