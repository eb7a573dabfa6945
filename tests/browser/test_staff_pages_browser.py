"""The staff pages in real Chromium (handover/workflow.py): a phone's 375 px, the week's charts.

The real staff view (``python -m handover.staff``) on an SQLite file filled with referrals
whose words are long and unbroken, notes with markup, and weeks of history. On a 375 px
phone no page scrolls sideways and the list is a stack of cards; the workflow's buttons work;
the week at a glance draws its two charts with the Chart.js that npm installed (no request
leaves the staff view, no Content-Security-Policy violation) and shows the same numbers in
its tables. Screenshots land in results/browser/.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import requests
from playwright.sync_api import Browser, BrowserContext, Page, expect

from handover.store import Handover, engine_for
from tests.support.browser import SHOTS
from tests.support.staff import sign_in_page, staff_account
from tools.servers import PYTHON, ROOT, free_port, stop_process

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}
LONG_WORD = "blurryblurryblurry" * 12  # no place to break it but anywhere
# Every Content-Security-Policy violation and every request the page makes, kept for the test.
WATCH = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`);
});
"""


@pytest.fixture(scope="module")
def staff(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, int]]]:
    """The staff view on a database of referrals; its URL and referral numbers by name."""
    workdir = tmp_path_factory.mktemp("staff-pages")
    url = f"sqlite:///{workdir / 'staff.db'}"
    store = Handover(engine_for(url))
    now = datetime.now(UTC)
    ids: dict[str, int] = {}
    levels = ["emergency", "urgent", "urgent", "routine", "crisis"]
    reasons = {
        "emergency": ["breathing_difficulty"],
        "urgent": ["blurred_vision", "double_vision"],
        "routine": ["not_improving_after_14_days"],
        "crisis": ["crisis"],
    }
    for n in range(32):  # two pages, over six weeks
        level = levels[n % len(levels)]
        name = f"patient-{n}"
        ids[name] = store.record_referral(
            conversation_id=f"{name}-{LONG_WORD}",
            level=level,
            reasons=reasons[level],
            findings="blurred vision",
            days_since_treatment=4,
            patient_words=f"my vision is {LONG_WORD} since my botox <b>today</b>",
            summary=f"{level.upper()}: red flag, told to return to the clinic today. {LONG_WORD}.",
            now=now - timedelta(days=n + 1),
        )
        if n % 2 == 0:
            store.save_callback(
                f"{name}-{LONG_WORD}",
                name="Zoë O'Brien-Łukasz Featherstonehaugh",
                phone="+442079460958",
                time="any time after 4pm on a weekday, or Saturday morning",
                now=now,
            )
    worked = ids["patient-1"]
    store.add_note(worked, f"Left a message <img src=x onerror=alert(1)> {LONG_WORD}",
                   by="Nurse Ada", now=now)  # fmt: skip
    store.assign(worked, "Nurse Ada Lovelace-Byron of the Night Shift", by="Nurse Ada", now=now)
    store.set_status(worked, "no answer", by="Nurse Ada", now=now)
    port = free_port()
    staff_account(store, "Nurse Joy")
    env = {**os.environ, "AFTERCARE_DATABASE_URL": url}
    log = (workdir / "staff.log").open("wb")
    process = subprocess.Popen(
        [str(PYTHON), "-m", "handover.staff", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://localhost:{port}"
    try:
        for _ in range(150):
            with contextlib.suppress(requests.RequestException):
                if requests.get(f"{base}/login", timeout=1).status_code == 200:
                    break
            assert process.poll() is None, (workdir / "staff.log").read_text()
            time.sleep(0.2)
        yield base, ids
    finally:
        stop_process(process)
        log.close()


def open_page(
    browser: Browser, base: str, path: str, viewport: dict[str, int]
) -> tuple[BrowserContext, Page, list[str]]:
    """A signed-in nurse's page at ``path``; the addresses of every request it made."""
    context = browser.new_context(viewport=viewport)  # type: ignore[arg-type]
    context.add_init_script(WATCH)
    requested: list[str] = []
    context.on("request", lambda request: requested.append(request.url))
    page = context.new_page()
    sign_in_page(page, base, "Nurse Joy")
    response = page.goto(base + path)
    assert response is not None and response.status in (200, 400)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    return context, page, requested


def page_width(page: Page) -> int:
    return int(page.evaluate("document.documentElement.scrollWidth"))


@pytest.mark.parametrize(
    ("name", "path"),
    [
        ("list", "/"),
        ("list-page-2", "/?page=2"),
        ("list-filtered", "/?level=urgent&status=no+answer&q=blurry"),
        ("referral", "/referrals/{worked}"),
        ("week", "/week"),
        ("refused", "/?status=done"),  # a 400 page, in words
    ],
)
def test_no_page_scrolls_sideways_on_a_375_px_phone(
    browser: Browser, staff: tuple[str, dict[str, int]], name: str, path: str
) -> None:
    base, ids = staff
    context, page, _ = open_page(browser, base, path.format(worked=ids["patient-1"]), PHONE)
    page.screenshot(path=str(SHOTS / f"staff-{name}-375.png"), full_page=True)
    assert page_width(page) <= PHONE["width"], page_width(page)
    assert page.evaluate("window.__violations") == []
    context.close()


def test_the_list_is_a_stack_of_cards_on_a_phone_and_a_table_on_a_desktop(
    browser: Browser, staff: tuple[str, dict[str, int]]
) -> None:
    base, _ = staff
    for viewport, display, header in [(PHONE, "block", False), (DESKTOP, "table-row", True)]:
        context, page, _ = open_page(browser, base, "/", viewport)
        rows = page.locator("#referrals tr")
        expect(rows).to_have_count(25)
        assert rows.first.evaluate("row => getComputedStyle(row).display") == display
        box = page.locator("table.referrals thead").bounding_box()  # kept for screen readers
        assert box is not None and (box["height"] > 1) == header
        # Each value says what it is where there is no header to say it.
        label = (
            rows.first.locator("td")
            .nth(1)
            .evaluate("cell => getComputedStyle(cell, '::before').content")
        )
        assert (label == '"Received: "') == (not header), label
        expect(page.locator('.pages [aria-current="page"]')).to_have_text("1")
        context.close()


def test_a_nurse_works_a_referral_on_a_phone(
    browser: Browser, staff: tuple[str, dict[str, int]]
) -> None:
    base, ids = staff
    referral_id = ids["patient-3"]
    context, page, _ = open_page(browser, base, f"/referrals/{referral_id}", PHONE)
    page.get_by_role("button", name="Called").click()
    expect(page.get_by_role("heading", level=2, name="Status: called")).to_be_visible()
    page.get_by_role("button", name="Assign to me").click()
    expect(page.get_by_role("heading", name="Assigned to: Nurse Joy")).to_be_visible()
    page.get_by_label("Add a note").fill("Rang twice <script>alert(1)</script>")
    page.get_by_role("button", name="Add the note").click()
    expect(page.locator(".notes .note")).to_have_text("Rang twice <script>alert(1)</script>")
    page.get_by_role("button", name="Undo: note added").click()
    expect(page.locator(".notes")).to_have_count(0)
    # The callback number, in national form, is a link the phone can dial.
    page.goto(f"{base}/referrals/{ids['patient-2']}")
    expect(page.get_by_role("link", name="020 7946 0958")).to_have_attribute(
        "href", "tel:+442079460958"
    )
    assert page_width(page) <= PHONE["width"]
    assert page.evaluate("window.__violations") == []
    context.close()


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_week_at_a_glance_draws_its_charts_from_its_own_numbers(
    browser: Browser, staff: tuple[str, dict[str, int]], viewport: dict[str, int]
) -> None:
    base, _ = staff
    context, page, requested = open_page(browser, base, "/week?weeks=12", viewport)
    for chart in ("by-level", "by-reason"):
        canvas = page.locator(f"canvas#{chart}")
        expect(canvas).to_have_attribute("data-drawn", "true")
        box = canvas.bounding_box()
        assert box is not None and box["width"] > 200 and box["height"] > 150
        assert box["x"] + box["width"] <= viewport["width"]
        # Something is painted: not every pixel of the canvas is blank.
        painted = canvas.evaluate(
            """canvas => {
              const pixels = canvas.getContext("2d")
                .getImageData(0, 0, canvas.width, canvas.height).data;
              return pixels.some((value, n) => n % 4 === 3 && value !== 0);
            }"""
        )
        assert painted
    # The chart's bars are the table's numbers, week by week.
    drawn = page.evaluate(
        """() => Chart.getChart("by-level").data.datasets.map(
             (set) => [set.label, set.data.reduce((a, b) => a + b, 0)])"""
    )
    table = page.locator("table.numbers").first
    expect(table.locator("caption")).to_have_text("Referrals per week by level")
    expect(table.locator("tbody tr")).to_have_count(12)
    columns = table.locator("thead th").all_inner_texts()[1:-1]
    totals = dict.fromkeys(columns, 0)
    for row in table.locator("tbody tr").all():
        for column, cell in zip(columns, row.locator("td").all_inner_texts(), strict=False):
            totals[column] += int(cell)
    assert dict(drawn) == totals and sum(totals.values()) > 0
    reasons = page.locator("table.numbers").nth(1).locator("thead th").all_inner_texts()
    assert "not improving after 2 weeks (the 2-week rule)" in reasons
    assert "thoughts of suicide or self-harm" in reasons
    assert all(url.startswith(base) for url in requested), requested  # nothing from outside
    assert f"{base}/static/chart.umd.js" in requested
    assert page.evaluate("window.__violations") == []
    page.screenshot(path=str(SHOTS / f"staff-week-{viewport['width']}.png"), full_page=True)
    context.close()
