"""The workflow's pages over HTTP (handover/workflow.py), on SQLite and PostgreSQL.

The list with its counts, filters, search and pages; a referral's status, assignee, notes and
undo; the CSV; the week at a glance; the audit of each; and bad input answered in words.
"""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import UTC, datetime, timedelta

import pytest
from aiohttp import ClientResponse
from aiohttp.test_utils import TestClient

from handover.store import MAX_ASSIGNEE, MAX_NOTE, MAX_QUERY, Handover
from handover.workflow import PAGE_SIZE, page_numbers
from tests.support.pinned import NOW, TODAY
from tests.support.stores import refer
from tests.unit.test_staff_view import client, form_post  # noqa: F401  (the app, signed in)

XSS = "<img src=x onerror=alert(1)>"


class Nurse:
    """A signed-in staff member's requests: Nurse Joy, signed in by the ``client`` fixture."""

    def __init__(self, http: TestClient) -> None:
        self.client = http

    async def get(self, path: str) -> ClientResponse:
        return await self.client.get(path, allow_redirects=False)

    async def page(self, path: str) -> str:
        response = await self.get(path)
        assert response.status == 200, await response.text()
        return await response.text()

    async def post(self, path: str, **form: str) -> ClientResponse:
        """A form's POST, with the session's CSRF token (unless the test gives its own)."""
        if "csrf_token" in form:
            return await self.client.post(path, data=form, allow_redirects=False)
        return await form_post(self.client, path, **form)


@pytest.fixture
def nurse(client: TestClient) -> Nurse:  # noqa: F811
    return Nurse(client)


def rows(page: str) -> list[str]:
    """The referrals' ids in the list, in order."""
    body = page.split('<tbody id="referrals"', 1)[1].split("</tbody>", 1)[0]
    return re.findall(r'<tr data-level="\w+" data-id="(\d+)">', body)


# --- The list ------------------------------------------------------------------------------


async def test_the_list_counts_filters_and_searches(nurse: Nurse, store: Handover) -> None:
    urgent = refer(store, "anna", "urgent")
    routine = refer(store, "bob", "routine")
    called = refer(store, "cy", "urgent", now=NOW - timedelta(hours=1))
    closed = refer(store, "dee", "emergency")
    store.set_status(called, "called", by="Nurse Ada", now=NOW)
    store.set_status(closed, "closed", by="Nurse Ada", now=NOW)
    store.save_callback("bob", name="Bob Smith", phone="+442079460958", time="pm", now=NOW)

    page = await nurse.page("/")
    assert rows(page) == [str(urgent), str(called), str(routine)]  # open: not closed
    assert 'Referrals (<span id="count">3</span> open)' in page
    assert "Open referrals: 3" in page
    assert re.search(r'href="/\?level=urgent"><span class="urgent">urgent</span> '
                     r'<span class="number">2</span>', page)  # fmt: skip
    assert re.search(r'href="/\?status=called">.*?<span class="number">1</span>', page)
    assert rows(await nurse.page("/?level=urgent")) == [str(urgent), str(called)]
    assert rows(await nurse.page("/?status=called")) == [str(called)]
    everything = await nurse.page("/?status=new&status=called&status=closed")
    assert rows(everything) == [str(closed), str(urgent), str(called), str(routine)]
    assert '<span id="count">4</span> found' in everything
    assert rows(await nurse.page("/?q=020+7946+0958")) == [str(routine)]
    assert rows(await nurse.page("/?q=bob")) == [str(routine)]
    one_day = f"/?from={NOW.date()}&to={NOW.date()}"
    assert rows(await nurse.page(one_day)) == [str(urgent), str(called), str(routine)]
    day_before = (NOW - timedelta(days=1)).date()
    assert rows(await nurse.page(f"/?to={day_before}")) == []
    assert "No referrals match." in await nurse.page(f"/?to={day_before}")


async def test_the_search_box_and_the_filters_keep_what_was_asked(nurse: Nurse) -> None:
    page = await nurse.page(f"/?q={XSS}&level=urgent&status=booked&from=2026-11-01")
    assert XSS not in page
    assert 'value="&lt;img src=x onerror=alert(1)&gt;"' in page
    assert 'name="level" value="urgent" checked' in page
    assert 'name="level" value="routine">' in page
    assert 'name="status" value="booked" checked' in page
    assert 'name="status" value="new">' in page
    assert 'id="from" name="from" value="2026-11-01"' in page
    for label in ("q", "from", "to"):  # every field has its label
        assert f'<label for="{label}">' in page


async def test_pages_are_linked_and_the_current_one_is_marked(
    nurse: Nurse, store: Handover
) -> None:
    ids = [refer(store, f"p{n}", now=NOW + timedelta(minutes=n)) for n in range(PAGE_SIZE + 2)]
    first = await nurse.page("/?level=urgent")
    assert len(rows(first)) == PAGE_SIZE
    assert f'<span id="count">{PAGE_SIZE + 2}</span>' in first
    assert '<a href="/?level=urgent" aria-current="page">1</a>' in first
    assert '<a href="/?level=urgent&amp;page=2">2</a>' in first
    second = await nurse.page("/?level=urgent&page=2")
    assert rows(second) == [str(i) for i in ids[:2][::-1]]
    assert '<a href="/?level=urgent&amp;page=2" aria-current="page">2</a>' in second
    assert "No referrals on this page." in await nurse.page("/?page=3")


@pytest.mark.parametrize(
    ("current", "last", "numbers"),
    [
        (1, 1, [1]),
        (1, 3, [1, 2, 3]),
        (1, 10, [1, 2, 3, None, 10]),
        (5, 10, [1, None, 3, 4, 5, 6, 7, None, 10]),
        (10, 10, [1, None, 8, 9, 10]),
        (4, 10, [1, 2, 3, 4, 5, 6, None, 10]),
        (20, 3, [1, 2, 3]),  # beyond the last page
    ],
)
def test_the_page_numbers_shown(current: int, last: int, numbers: list[int | None]) -> None:
    assert page_numbers(current, last) == numbers


async def test_new_referrals_come_live_only_where_the_list_would_show_them(nurse: Nurse) -> None:
    today = TODAY  # the pinned clinic's
    for path, live in [
        ("/", "crisis emergency urgent routine"),
        ("/?level=urgent&level=crisis", "crisis urgent"),
        ("/?page=2", ""),
        ("/?q=anna", ""),
        ("/?status=called", ""),
        (f"/?to={today - timedelta(days=1)}", ""),
        (f"/?from={today}", "crisis emergency urgent routine"),
    ]:
        assert f'<tbody id="referrals" data-live="{live}">' in await nurse.page(path), path


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (
            "level=severe",
            "Unknown level &#39;severe&#39;: one of crisis, emergency, urgent, routine.",
        ),
        (
            "status=done",
            "Unknown status &#39;done&#39;: one of new, called, booked, no answer, closed.",
        ),
        (f"status={XSS}", "Unknown status &#39;&lt;img src=x onerror=alert(1)&gt;&#39;"),
        ("from=yesterday", "The first day must be a date written as YYYY-MM-DD."),
        ("to=2026-02-30", "The last day is not a date of the calendar: 2026-02-30."),
        ("from=2026-07-02&to=2026-07-01", "The first day comes after the last day."),
        ("to=9999-12-31", "A day must be between the years 1 and 9998."),
        (
            f"q={'x' * (MAX_QUERY + 1)}",
            f"A search can be at most {MAX_QUERY} characters (this one has {MAX_QUERY + 1}).",
        ),
        ("page=0", "The page number must be a whole number from 1 to 10000."),
        ("page=-1", "The page number must be a whole number from 1 to 10000."),
        ("page=abc", "The page number must be a whole number from 1 to 10000."),
        (f"page={2**63}", "The page number must be a whole number from 1 to 10000."),
    ],
)
async def test_a_filter_that_cannot_be_gets_400_in_words(
    nurse: Nurse, query: str, message: str
) -> None:
    response = await nurse.get(f"/?{query}")
    assert response.status == 400
    page = await response.text()
    assert message in page and XSS not in page
    assert response.headers["Content-Security-Policy"].startswith("default-src 'none'")


# --- A referral's workflow -----------------------------------------------------------------


async def test_a_nurse_works_a_referral_and_undoes_a_step(nurse: Nurse, store: Handover) -> None:
    referral_id = refer(store, "anna")
    url = f"/referrals/{referral_id}"
    page = await nurse.page(url)
    assert "Why: blurred vision" in page
    assert 'Status: <span class="status status-new">new</span>' in page

    for path, form, detail in [
        ("status", {"status": "called"}, "status: called"),
        ("assign", {"to": "Nurse Ada"}, "assigned: Nurse Ada"),
        ("assign", {"to": "", "me": "1"}, "assigned: Nurse Joy"),
        ("notes", {"text": f"Left a message {XSS}"}, "note added"),
        ("status", {"status": "no answer"}, "status: no answer"),
    ]:
        response = await nurse.post(f"{url}/{path}", **form)
        assert response.status == 303 and response.headers["Location"] == url
        assert store.audit_entries(limit=1)[0].detail == detail
    referral = store.referral(referral_id)
    assert referral is not None
    assert (referral.status, referral.assigned_to) == ("no answer", "Nurse Joy")
    page = await nurse.page(url)
    assert "Left a message &lt;img src=x onerror=alert(1)&gt;" in page and XSS not in page
    assert "Assigned to: Nurse Joy" in page
    assert "Undo: status: no answer (Nurse Joy," in page

    assert (await nurse.post(f"{url}/undo")).status == 303  # no answer → called
    assert (await nurse.post(f"{url}/undo")).status == 303  # the note goes
    page = await nurse.page(url)
    assert "Left a message" not in page.split("<h3>History</h3>")[0]
    assert "note added (undone by Nurse Joy" in page
    referral = store.referral(referral_id)
    assert referral is not None and referral.status == "called"
    audited = [e.detail for e in store.audit_entries() if e.action == "changed"][:2]
    assert audited == ["undone: note added", "undone: status: no answer"]
    assert all("Left a message" not in e.detail for e in store.audit_entries())


async def test_closing_is_handling_and_setting_the_same_status_changes_nothing(
    nurse: Nurse, store: Handover
) -> None:
    referral_id = refer(store, "anna")
    url = f"/referrals/{referral_id}"
    await nurse.post(f"{url}/status", status="closed")
    page = await nurse.page(url)
    assert re.search(r"Handled by Nurse Joy on \d\d \w{3} \d{4} \d\d:\d\d (?:GMT|BST)\.", page)
    assert 'value="closed" aria-pressed="true" disabled' in page
    before = len(store.audit_entries())
    assert (await nurse.post(f"{url}/handled")).status == 303  # closed already
    assert len(store.audit_entries()) == before and len(store.changes(referral_id)) == 1
    assert rows(await nurse.page("/")) == []


@pytest.mark.parametrize(
    ("path", "form", "message"),
    [
        (
            "status",
            {"status": "done"},
            "Unknown status &#39;done&#39;: one of new, called, booked, no answer, closed.",
        ),
        ("status", {}, "Unknown status &#39;&#39;: one of new"),
        ("status", {"status": XSS}, "Unknown status &#39;&lt;img src=x onerror=alert(1)&gt;&#39;"),
        ("notes", {"text": ""}, "A note cannot be empty."),
        (
            "notes",
            {"text": "x" * (MAX_NOTE + 1)},
            f"A note can be at most {MAX_NOTE} characters (this one has {MAX_NOTE + 1}).",
        ),
        (
            "notes",
            {"text": "x" * 900_000},
            f"A note can be at most {MAX_NOTE} characters (this one has 900000).",
        ),
        (
            "assign",
            {"to": "x" * (MAX_ASSIGNEE + 1)},
            f"A name to assign to can be at most {MAX_ASSIGNEE} characters",
        ),
    ],
)
async def test_a_change_that_cannot_be_gets_400_in_words(
    nurse: Nurse, store: Handover, path: str, form: dict[str, str], message: str
) -> None:
    referral_id = refer(store, "anna")
    response = await nurse.post(f"/referrals/{referral_id}/{path}", **form)
    assert response.status == 400
    page = await response.text()
    assert message in page and XSS not in page
    assert f'<a href="/referrals/{referral_id}">Go back</a>' in page
    assert store.changes(referral_id) == []


async def test_a_note_bigger_than_a_request_may_be_is_refused_with_the_limit(
    nurse: Nurse, store: Handover
) -> None:
    referral_id = refer(store, "anna")
    response = await nurse.post(f"/referrals/{referral_id}/notes", text="x" * 2_000_000)
    assert response.status == 413
    assert "Maximum request body size 1048576 exceeded" in await response.text()
    assert store.changes(referral_id) == []


@pytest.mark.parametrize("number", ["424242", "-1", "0", str(2**63), str(2**31), "abc"])
@pytest.mark.parametrize("path", ["", "/status", "/assign", "/notes", "/undo", "/handled"])
async def test_a_referral_no_one_has_is_not_found(
    nurse: Nurse, store: Handover, number: str, path: str
) -> None:
    refer(store, "anna")
    url = f"/referrals/{number}{path}"
    response = await (nurse.get(url) if not path else nurse.post(url, status="called", text="hi"))
    assert response.status == 404


async def test_every_form_that_posts_carries_the_csrf_token(nurse: Nurse, store: Handover) -> None:
    referral_id = refer(store, "anna")
    store.add_note(referral_id, "so that undo shows", by="Nurse Joy", now=NOW)
    page = await nurse.page(f"/referrals/{referral_id}")
    forms = re.findall(r'<form method="post".*?</form>', page, flags=re.DOTALL)
    assert len(forms) == 4  # status, assign, note, undo
    assert all('<input type="hidden" name="csrf_token" value="' in form for form in forms)
    for field in ("to", "text"):
        assert f'<label for="{field}">' in page


async def test_viewing_and_exporting_are_audited(nurse: Nurse, store: Handover) -> None:
    referral_id = refer(store, "anna")
    store.add_note(referral_id, '=HYPERLINK("http://evil")', by="Nurse Ada", now=NOW)
    store.assign(referral_id, "Nurse Ada", by="Nurse Ada", now=NOW)
    await nurse.page(f"/referrals/{referral_id}")
    entry = store.audit_entries(limit=1)[0]
    assert (entry.actor, entry.action, entry.referral_id) == ("Nurse Joy", "viewed", referral_id)
    response = await nurse.get("/referrals.csv")
    assert response.status == 200
    exported = list(csv.DictReader(io.StringIO(await response.text())))
    assert exported[0]["status"] == "new" and exported[0]["assigned_to"] == "Nurse Ada"
    assert exported[0]["notes"] == f'[{NOW.isoformat()}] Nurse Ada: =HYPERLINK("http://evil")'
    entry = store.audit_entries(limit=1)[0]
    assert (entry.actor, entry.action, entry.detail) == ("Nurse Joy", "exported", "1 referral(s)")


# --- The week at a glance ------------------------------------------------------------------


async def test_the_week_page_carries_its_numbers_for_the_chart_and_in_tables(
    nurse: Nurse, store: Handover
) -> None:
    now = datetime.now(UTC)  # the page shows the weeks up to today's
    refer(store, "anna", "urgent", now=now, reasons=["blurred_vision", "double_vision"])
    refer(store, "bob", "routine", now=now, reasons=["not_improving_after_14_days"])
    refer(store, "cy", "crisis", now=now - timedelta(weeks=1), reasons=["crisis"])
    page = await nurse.page("/week?weeks=4")
    assert '<script src="/static/chart.umd.js" defer></script>' in page
    assert '<canvas id="by-level" role="img"' in page and '<canvas id="by-reason"' in page
    data = json.loads(page.split('id="week-data">', 1)[1].split("</script>", 1)[0])
    assert len(data["labels"]) == 4
    levels = {one["key"]: one["counts"] for one in data["levels"]}
    assert levels == {"crisis": [0, 0, 1, 0], "emergency": [0] * 4, "urgent": [0, 0, 0, 1],
                      "routine": [0, 0, 0, 1]}  # fmt: skip
    assert {one["label"]: one["counts"][-1] for one in data["reasons"]} == {
        "blurred vision": 1,
        "double vision": 1,
        "not improving after 2 weeks (the 2-week rule)": 1,
        "thoughts of suicide or self-harm": 0,
    }
    assert "<caption>Referrals per week by level</caption>" in page
    assert '<th scope="col">not improving after 2 weeks (the 2-week rule)</th>' in page
    this_week = page.split("<caption>Referrals per week by level</caption>")[1].split("</table>")[0]
    assert this_week.rstrip().endswith(
        "<td>0</td><td>0</td><td>1</td><td>1</td><td>2</td></tr>\n</tbody>"
    )


@pytest.mark.parametrize("weeks", ["0", "105", "-1", "abc", str(2**63)])
async def test_weeks_out_of_range_get_400_in_words(nurse: Nurse, weeks: str) -> None:
    response = await nurse.get(f"/week?weeks={weeks}")
    assert response.status == 400
    assert "The weeks must be a whole number from 1 to 104." in await response.text()


async def test_chart_js_is_served_from_the_npm_install(nurse: Nurse) -> None:
    response = await nurse.get("/static/chart.umd.js")
    assert response.status == 200
    assert response.headers["Content-Type"].startswith("text/javascript")
    assert "Chart.js v4" in (await response.text())[:200]
    script = await nurse.get("/static/week.js")
    assert "new Chart(" in await script.text()
