"""The clinic's workflow in the staff view: the list, a referral's page, the week at a glance.

* ``GET /``: referrals, most urgent first and newest first within a level, ``PAGE_SIZE`` a
  page, filtered by level, status and date (days in the clinic's zone) and searched by
  name, phone or words: ``?level=urgent&status=new&from=2026-11-01&to=2026-11-30&q=anna``
  (``level`` and ``status`` may repeat). Without a status: the open ones (not closed). Above
  it, the open referrals counted per level and per status.
* ``GET /referrals/{id}``: one referral, its reasons in words (``handover/reasons.py``), the
  callback (a ``tel:`` link, the number in national format), the patient's words, the
  status, who it is assigned to, the notes, the history of changes and the transcript.
* ``POST /referrals/{id}/status``, ``/assign``, ``/notes``, ``/undo`` (and ``/handled``:
  closed): a change by the signed-in staff member, kept in ``referral_changes`` so that it
  can be undone, then 303 back to the referral.
* ``GET /referrals.csv``: every referral, with its status, assignee and notes.
* ``GET /week``: referrals per week by level and by reason, as charts drawn by Chart.js
  (``web/package.json``; served from ``web/node_modules``, nothing is fetched from
  elsewhere) with their numbers in tables below.

Viewing a referral, exporting and every change go to the audit log ("viewed", "exported",
"changed" with what changed, never a note's words). Bad input gets a 400 page that says what
is wrong and the limit (``MAX_NOTE``, ``MAX_QUERY``...); a number no referral has, 404.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, date, datetime
from pathlib import Path
from typing import NoReturn
from urllib.parse import urlencode

import aiohttp_jinja2
from aiohttp import web
from multidict import MultiMapping

from aftercare import clinic
from handover import reasons
from handover.contact import national_phone
from handover.pages import HANDOVER, render
from handover.store import (
    LEVELS,
    MAX_ASSIGNEE,
    MAX_NOTE,
    MAX_PAGE,
    MAX_QUERY,
    MAX_WEEKS,
    OPEN_STATUSES,
    STATUSES,
    Change,
    Filters,
    Referral,
    to_csv,
)

PAGE_SIZE = 25
"""Referrals on one page of the list."""
WEEKS = 12
"""The weeks the week at a glance shows unless told (``?weeks=``)."""
WEEK_CHOICES = (4, 12, 26, 52)
CHART_JS = Path(__file__).resolve().parent.parent / "web/node_modules/chart.js/dist/chart.umd.js"
"""Chart.js as npm installs it (``web/package-lock.json``), served as ``/static/chart.umd.js``."""

_DAY = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
_WHOLE = re.compile(r"\d{1,6}", re.ASCII)


def setup(app: web.Application) -> None:
    """Adds the workflow's pages to the staff app, and what their templates use."""
    aiohttp_jinja2.get_env(app).globals.update(
        phone=_phone,
        reason_words=reasons.words_for,
        LEVELS=LEVELS,
        STATUSES=STATUSES,
        MAX_NOTE=MAX_NOTE,
        MAX_ASSIGNEE=MAX_ASSIGNEE,
        MAX_QUERY=MAX_QUERY,
    )
    app.router.add_get("/", list_referrals)
    app.router.add_get("/referrals.csv", export_csv)
    app.router.add_get("/referrals/{referral_id}", show_referral)
    app.router.add_post("/referrals/{referral_id}/status", change_status)
    app.router.add_post("/referrals/{referral_id}/handled", mark_handled)
    app.router.add_post("/referrals/{referral_id}/assign", assign)
    app.router.add_post("/referrals/{referral_id}/notes", add_note)
    app.router.add_post("/referrals/{referral_id}/undo", undo)
    app.router.add_get("/week", week)
    app.router.add_get("/static/chart.umd.js", chart_script)


# --- The list -------------------------------------------------------------------------------


def filters_from(query: MultiMapping[str], timezone: str) -> Filters:
    """The list's filters from its query string; ValueError, in words, for a bad value."""
    return Filters(
        levels=frozenset(value for value in query.getall("level", ()) if value),
        statuses=frozenset(value for value in query.getall("status", ()) if value) or OPEN_STATUSES,
        date_from=_day(query.get("from", ""), "first day"),
        date_to=_day(query.get("to", ""), "last day"),
        q=query.get("q", "").strip(),
        page=_whole(query.get("page", "") or "1", "The page number", MAX_PAGE),
        page_size=PAGE_SIZE,
        timezone=timezone,
    )


def list_url(filters: Filters, page: int = 1) -> str:
    """The address of the list with ``filters``, at ``page``."""
    pairs = [("q", filters.q)] if filters.q else []
    pairs += [("level", level) for level in LEVELS if level in filters.levels]
    if filters.statuses != OPEN_STATUSES:
        pairs += [("status", status) for status in STATUSES if status in filters.statuses]
    for key, day in (("from", filters.date_from), ("to", filters.date_to)):
        if day is not None:
            pairs.append((key, day.isoformat()))
    if page > 1:
        pairs.append(("page", str(page)))
    return f"/?{urlencode(pairs)}" if pairs else "/"


def page_numbers(current: int, last: int, around: int = 2) -> list[int | None]:
    """The pages to link: the first, the last and those near ``current``; None for a gap."""
    current = min(current, last)  # past the last page: the numbers near the last
    near = range(max(1, current - around), min(last, current + around) + 1)
    numbers: list[int | None] = []
    previous = 0
    for number in sorted({1, last, *near}):
        if number - previous > 1:
            numbers.append(None)
        numbers.append(number)
        previous = number
    return numbers


def live_levels(filters: Filters, today: date) -> list[str]:
    """The levels of the new referrals the live alerts add to this list.

    None when a new referral would not be on it: another page, a search, statuses or days
    without it.
    """
    if (
        filters.page != 1
        or "new" not in filters.statuses
        or filters.q
        or (filters.date_from is not None and filters.date_from > today)
        or (filters.date_to is not None and filters.date_to < today)
    ):
        return []
    return [level for level in LEVELS if not filters.levels or level in filters.levels]


async def list_referrals(request: web.Request) -> web.Response:
    """The referrals the query asks for (the open ones unless told), a page at a time."""
    store = request.app[HANDOVER]
    details = clinic.load()
    try:
        filters = filters_from(request.query, details.timezone)
        filters.bounds()
    except ValueError as error:
        return _refused(request, str(error), back="/")
    after = store.latest_id()  # before the list: a referral in between comes live
    found = store.find(filters)
    context = {
        "found": found,
        "filters": filters,
        "counts": store.counts(),
        "pages": [
            (number, list_url(filters, number) if number else "")
            for number in page_numbers(found.page, found.pages)
        ],
        "live": " ".join(live_levels(filters, clinic.today())),
        "level_urls": {level: list_url(Filters(levels=frozenset({level}))) for level in LEVELS},
        "status_urls": {s: list_url(Filters(statuses=frozenset({s}))) for s in STATUSES},
        "open_only": filters.statuses == OPEN_STATUSES,
        "everything_url": list_url(Filters(statuses=frozenset(STATUSES))),
    }
    return render(request, "list.html", context, after=after)


# --- One referral, and its changes ----------------------------------------------------------


async def show_referral(request: web.Request) -> web.Response:
    """One referral: its details, the workflow's forms, its history and its transcript."""
    store = request.app[HANDOVER]
    after = store.latest_id()
    referral = _existing(request)
    store.audit(request["staff"], "viewed", now=datetime.now(UTC), referral_id=referral.id)
    changes = store.changes(referral.id)
    context = {
        "referral": referral,
        "transcript": store.transcript(referral.conversation_id),
        "changes": changes,
        "notes": [c for c in changes if c.kind == "note" and c.undone_at is None],
        "undoable": next((c for c in reversed(changes) if c.undone_at is None), None),
    }
    return render(request, "referral.html", context, after=after)


async def change_status(request: web.Request) -> web.Response:
    """Sets the referral's status (``status``: one of ``STATUSES``)."""
    referral = _existing(request)
    form = await _form(request)
    store = request.app[HANDOVER]
    try:
        change = store.set_status(
            referral.id, form.get("status", ""), by=request["staff"], now=datetime.now(UTC)
        )
    except ValueError as error:
        return _refused(request, str(error), back=_url(referral))
    return _changed(request, referral, change)


async def mark_handled(request: web.Request) -> web.Response:
    """Closes the referral (what "handled" means), by the signed-in staff member."""
    referral = _existing(request)
    now = datetime.now(UTC)
    change = request.app[HANDOVER].set_status(referral.id, "closed", by=request["staff"], now=now)
    return _changed(request, referral, change)


async def assign(request: web.Request) -> web.Response:
    """Assigns the referral to ``to`` (blank: nobody), or to the signed-in member (``me``)."""
    referral = _existing(request)
    form = await _form(request)
    to = request["staff"] if "me" in form else form.get("to", "")
    try:
        change = request.app[HANDOVER].assign(
            referral.id, to, by=request["staff"], now=datetime.now(UTC)
        )
    except ValueError as error:
        return _refused(request, str(error), back=_url(referral))
    return _changed(request, referral, change)


async def add_note(request: web.Request) -> web.Response:
    """Adds the note ``text`` to the referral."""
    referral = _existing(request)
    form = await _form(request)
    try:
        change = request.app[HANDOVER].add_note(
            referral.id, form.get("text", ""), by=request["staff"], now=datetime.now(UTC)
        )
    except ValueError as error:
        return _refused(request, str(error), back=_url(referral))
    return _changed(request, referral, change)


async def undo(request: web.Request) -> web.Response:
    """Undoes the referral's newest change not undone yet (nothing when there is none)."""
    referral = _existing(request)
    store = request.app[HANDOVER]
    now = datetime.now(UTC)
    change = store.undo(referral.id, by=request["staff"], now=now)
    if change is not None:
        store.audit(
            request["staff"],
            "changed",
            now=now,
            referral_id=referral.id,
            detail=f"undone: {change.detail}",
        )
    raise web.HTTPSeeOther(_url(referral))


def _changed(request: web.Request, referral: Referral, change: Change | None) -> NoReturn:
    """Audits the change (if there was one), and sends the browser back to the referral."""
    if change is not None:
        request.app[HANDOVER].audit(
            request["staff"],
            "changed",
            now=change.at,
            referral_id=referral.id,
            detail=change.detail,
        )
    raise web.HTTPSeeOther(_url(referral))


def _existing(request: web.Request) -> Referral:
    """The referral the address names; 404 for a number no referral has (-1, 2**63, abc)."""
    try:
        referral_id = int(request.match_info["referral_id"])
    except ValueError as error:
        raise web.HTTPNotFound() from error
    referral = request.app[HANDOVER].referral(referral_id)
    if referral is None:
        raise web.HTTPNotFound()
    return referral


async def _form(request: web.Request) -> Mapping[str, str]:
    data = await request.post()
    return {key: value for key, value in data.items() if isinstance(value, str)}


def _url(referral: Referral) -> str:
    return f"/referrals/{referral.id}"


# --- The CSV export, the week at a glance ---------------------------------------------------


async def export_csv(request: web.Request) -> web.Response:
    """Every referral (open and closed) as CSV, with its status, assignee and notes."""
    store = request.app[HANDOVER]
    rows = store.referrals(include_handled=True)
    text = to_csv(rows, store.notes())
    store.audit(
        request["staff"], "exported", now=datetime.now(UTC), detail=f"{len(rows)} referral(s)"
    )
    return web.Response(
        text=text,
        content_type="text/csv",
        headers={
            "Content-Disposition": 'attachment; filename="referrals.csv"',
            # Names and phones: kept by no cache, and never read as anything but CSV.
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )


async def week(request: web.Request) -> web.Response:
    """Referrals per week, by level and by reason, as charts and as tables (``?weeks=``)."""
    details = clinic.load()
    try:
        count = _whole(request.query.get("weeks", "") or str(WEEKS), "The weeks", MAX_WEEKS)
    except ValueError as error:
        return _refused(request, str(error), back="/week")
    weeks = request.app[HANDOVER].weekly(
        weeks=count, now=datetime.now(UTC), timezone=details.timezone
    )
    totals: dict[str, int] = {}
    for one in weeks:
        for code, number in one.reasons.items():
            totals[code] = totals.get(code, 0) + number
    codes = sorted(totals, key=lambda code: (-totals[code], code))
    chart = {
        "labels": [one.start.strftime("%d %b") for one in weeks],
        "levels": [
            {"key": level, "label": level, "counts": [one.levels[level] for one in weeks]}
            for level in LEVELS
        ],
        "reasons": [
            {
                "key": code,
                "label": reasons.words_for(code),
                "counts": [one.reasons.get(code, 0) for one in weeks],
            }
            for code in codes
        ],
    }
    context = {"weeks": weeks, "codes": codes, "chart": chart, "count": count}
    context["choices"] = WEEK_CHOICES
    return render(request, "week.html", context, after=request.app[HANDOVER].latest_id())


async def chart_script(request: web.Request) -> web.FileResponse:
    """Chart.js, from ``web/node_modules`` (404 until ``npm ci`` has installed it)."""
    if not CHART_JS.is_file():
        raise web.HTTPNotFound()
    return web.FileResponse(
        CHART_JS,
        headers={
            "Content-Type": "text/javascript; charset=utf-8",
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )


# --- Values from the query and the forms ----------------------------------------------------


def _day(value: str, what: str) -> date | None:
    if not value:
        return None
    if not _DAY.fullmatch(value):
        raise ValueError(f"The {what} must be a date written as YYYY-MM-DD.")
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise ValueError(f"The {what} is not a date of the calendar: {value}.") from error


def _whole(value: str, what: str, most: int) -> int:
    if not _WHOLE.fullmatch(value) or not 1 <= int(value) <= most:
        raise ValueError(f"{what} must be a whole number from 1 to {most}.")
    return int(value)


def _phone(e164: str) -> str:
    """A callback number as the clinic dials it (national format in its own country)."""
    return national_phone(e164, clinic.load().country)


def _refused(request: web.Request, message: str, *, back: str) -> web.Response:
    """400, with a page that says what is wrong and a way back."""
    response = render(request, "refused.html", {"message": message, "back": back})
    response.set_status(400)
    return response
