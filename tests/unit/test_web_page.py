"""The clinic page server (web/server.py): what it fills in, what it serves, what it refuses."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from functools import partial
from http.server import ThreadingHTTPServer

import icalendar
import pytest
import requests

from aftercare import clinic
from tests.support.pinned import TEST_CLINIC
from web import reminder, server

BOT_URL = "http://localhost:5005"


def settings_of(page: str) -> dict[str, object]:
    match = re.search(r'<script type="application/json" id="chat-settings">(.*?)</script>', page)
    assert match, "no widget settings in the page"
    return dict(json.loads(match.group(1)))


def test_the_page_carries_the_clinic_details_and_the_widget_settings() -> None:
    page = server.render_page(TEST_CLINIC, BOT_URL)
    assert "<h1>Test Clinic</h1>" in page
    assert 'href="tel:999"' in page
    assert settings_of(page) == {
        "botUrl": BOT_URL,
        "socketPath": "/socket.io/",
        "sessionMinutes": server.SESSION_MINUTES,
        "phone": TEST_CLINIC.phone,
        "emergencyNumber": "999",
        "crisisLine": "116 123",
        "adviceLine": "111",
        "bookingLink": TEST_CLINIC.booking_link,
        "privacyNoticeVersion": TEST_CLINIC.privacy_notice_version,
        "reminderUrl": "/reminder.ics",
    }
    # The help line kept in view after a crisis reply (web/static/widget.js), hidden until then.
    assert '<p class="chat-helpline" hidden>' in page
    assert 'href="tel:116123"' in page


def test_the_privacy_notice_says_how_long_and_links_the_clinics_policy() -> None:
    details = replace(TEST_CLINIC, privacy_policy_link="https://clinic.test/privacy?a=1&b=2")
    page = server.render_page(details, BOT_URL, keep_days=30)
    notice = page[page.index('<section class="chat-consent"') :]
    notice = notice[: notice.index("</section>")]
    assert "for up to 30 days" in " ".join(notice.split())
    assert "clinic's staff read the" in notice
    assert 'href="https://clinic.test/privacy?a=1&amp;b=2"' in notice
    # Declining: the clinic's phone and the emergency number, as links.
    assert 'href="tel:+442079460123"' in page
    assert server.render_page(TEST_CLINIC, BOT_URL, keep_days=7).count("up to 7 days") >= 2


def test_the_header_names_the_clinic_with_its_logo_when_one_is_set() -> None:
    assert "chat-logo" not in server.render_page(TEST_CLINIC, BOT_URL)
    page = server.render_page(replace(TEST_CLINIC, logo='https://cdn.test/l.png"x'), BOT_URL)
    assert '<img class="chat-logo" src="https://cdn.test/l.png&quot;x" alt="">' in page
    assert '<span class="chat-clinic-name">Test Clinic</span>' in page
    policy = server.content_security_policy(BOT_URL, "https://cdn.test/l.png")
    assert "img-src 'self' data: https://cdn.test;" in policy
    assert "img-src 'self' data:;" in server.content_security_policy(BOT_URL, "/static/l.png")


@pytest.mark.parametrize(
    ("page_origin", "allowed", "warned"),
    [
        ("http://localhost:8080", ["http://localhost:8080"], False),
        ("http://localhost:9000", ["http://localhost:8080"], True),
        ("http://localhost:9000", [], True),
    ],
)
def test_a_page_the_bot_would_refuse_is_said_at_start(
    page_origin: str, allowed: list[str], warned: bool
) -> None:
    warning = server.origin_warning(page_origin, allowed)
    assert (warning is not None) == warned
    if warning:
        assert f"CLINIC_WEBSITE_ORIGIN={page_origin}" in warning


def test_configuration_cannot_inject_markup_into_the_page() -> None:
    hostile = replace(TEST_CLINIC, name="<script>alert(1)</script>", phone="</script><b>0</b>")
    page = server.render_page(hostile, BOT_URL)
    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert settings_of(page)["phone"] == "</script><b>0</b>"


def test_the_content_security_policy_allows_only_this_page_and_the_bot() -> None:
    policy = server.content_security_policy("https://bot.clinic.test")
    assert "script-src 'self'" in policy
    assert "connect-src 'self' https://bot.clinic.test wss://bot.clinic.test" in policy


@pytest.fixture
def page_url() -> Iterator[str]:
    handler = partial(
        server.PageHandler,
        page=server.render_page(TEST_CLINIC, BOT_URL),
        csp=server.content_security_policy(BOT_URL),
        details=TEST_CLINIC,
        embed=server.render_embed(TEST_CLINIC, BOT_URL),
    )
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.mark.parametrize(
    ("path", "status", "content_type"),
    [
        ("/", 200, "text/html"),
        ("/static/widget.js", 200, "text/javascript"),
        ("/static/widget.css", 200, "text/css"),
        ("/static/page.css", 200, "text/css"),
        ("/embed.js", 200, "text/javascript"),
        ("/static/embed.js", 404, "text/plain"),
        ("/favicon.ico", 204, "image/x-icon"),
        ("/static/../server.py", 404, "text/plain"),
        ("/clinic.yml", 404, "text/plain"),
        ("/static/", 404, "text/plain"),
    ],
)
def test_only_the_page_and_its_files_are_served(
    page_url: str, path: str, status: int, content_type: str
) -> None:
    response = requests.get(page_url + path, timeout=5)
    assert response.status_code == status
    assert response.headers["Content-Type"].startswith(content_type)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]


@pytest.mark.parametrize(
    ("setting", "origins"),
    [
        ("http://localhost:8080", ["http://localhost:8080"]),
        (
            "https://clinic.example/, https://www.clinic.example",
            ["https://clinic.example", "https://www.clinic.example"],
        ),
        ("", []),
    ],
)
def test_website_origins_are_read_from_one_setting(setting: str, origins: list[str]) -> None:
    assert replace(TEST_CLINIC, website_origin=setting).website_origins() == origins


def test_the_website_origin_can_come_from_the_environment() -> None:
    details = clinic.from_mapping(
        {"name": "N", "phone": "1", "booking_link": "b", "hours": "h", "emergency_number": "9"},
        {"CLINIC_WEBSITE_ORIGIN": "https://clinic.example"},
    )
    assert details.website_origins() == ["https://clinic.example"]


SYMPTOM_WORDS = re.compile(
    r"twitch|eyelid|droop|vision|blur|double|swell|bruis|pain|red|fever|breath|swallow|"
    r"speak|rash|itch|headache|eye|symptom",
    re.IGNORECASE,
)


def test_the_day_14_reminder_is_an_ics_with_the_clinic_and_no_symptom(page_url: str) -> None:
    day = TEST_CLINIC.today() + timedelta(days=9)
    response = requests.get(f"{page_url}/reminder.ics", params={"date": day.isoformat()}, timeout=5)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/calendar")
    assert response.headers["Content-Disposition"].startswith("attachment;")
    calendar = icalendar.Calendar.from_ical(response.content)
    (event,) = calendar.walk("VEVENT")
    assert event.decoded("dtstart") == day
    assert event.decoded("dtend") == day + timedelta(days=1)
    summary, description = str(event["summary"]), str(event["description"])
    assert "Test Clinic" in summary
    assert TEST_CLINIC.phone in description and "999" in description
    (alarm,) = event.walk("VALARM")
    assert alarm.decoded("trigger") == timedelta(hours=9)
    text = response.content.decode()
    assert not SYMPTOM_WORDS.search(text.replace("Test Clinic", "")), text


@pytest.mark.parametrize("asked", ["", "tomorrow", "2026-13-01", "../x", "2026-1-1", None])
def test_a_reminder_for_no_day_is_refused(page_url: str, asked: str | None) -> None:
    params = {} if asked is None else {"date": asked}
    response = requests.get(f"{page_url}/reminder.ics", params=params, timeout=5)
    assert response.status_code == 400


def test_a_reminder_is_for_the_days_ahead_only() -> None:
    today = TEST_CLINIC.today()
    assert reminder.reminder_day((today - timedelta(days=2)).isoformat(), today) is None
    assert reminder.reminder_day((today + timedelta(days=61)).isoformat(), today) is None
    assert reminder.reminder_day(today.isoformat(), today) == today


def test_a_reminder_keeps_a_name_it_does_not_know_as_written() -> None:
    odd = replace(TEST_CLINIC, reminder_title="{clinic_name} {nope}")
    ics = reminder.reminder(odd, TEST_CLINIC.today()).decode()
    assert "SUMMARY:Test Clinic {nope}" in ics


def test_the_embed_script_carries_the_widget_markup_safely() -> None:
    hostile = replace(TEST_CLINIC, name="</script><script>alert(1)</script>")
    code = server.render_embed(hostile, BOT_URL, keep_days=30)
    assert "WIDGET_MARKUP" not in code
    start = code.index("var markup = ") + len("var markup = ")
    literal = code[start : code.index(";\n", start)]
    assert "</" not in literal  # the markup cannot end a <script> element early
    markup = json.loads(literal)
    assert markup == server.render_widget(hostile, BOT_URL, keep_days=30)
    assert "&lt;/script&gt;&lt;script&gt;alert(1)" in markup
    assert 'id="chat-panel"' in markup and "for up to 30 days" in " ".join(markup.split())
