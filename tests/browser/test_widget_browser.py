"""The chat widget on the clinic page, in a real browser (Debian's Chromium, headless).

Playwright drives the Chromium that `scripts/apt-install.sh` installs from Debian's packages
(no browser download), against the real Rasa, action and page servers. Every step leaves a
screenshot in results/browser/ (a CI artefact; docs/widget.png in docs/operations.md is one of them).
"""

from __future__ import annotations

import contextlib
import re
import sqlite3
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest
import yaml
from playwright.sync_api import Browser, BrowserContext, Page, expect

from aftercare import clinic
from aftercare.config import retention_days
from tests.support.browser import SHOTS
from tests.support.staff import servers_store, sign_in_page, staff_account
from tools.servers import ROOT, Servers, free_port, running_bot

pytestmark = pytest.mark.browser

REPLY_TIMEOUT_MS = 30_000
PHONE = {"width": 375, "height": 740}
DESKTOP = {"width": 1280, "height": 800}
VIEWPORTS = {"phone": PHONE, "desktop": DESKTOP}
HOSTILE = '<img src=x onerror="window.pwned=1"><script>window.pwned=2</script><b>bold</b>'


EMBEDDING_PORT = free_port()
EMBEDDING_SITE = f"http://localhost:{EMBEDDING_PORT}"
"""Another local site, which the bot accepts, whose page embeds the widget with /embed.js."""


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    with running_bot(
        tmp_path_factory.mktemp("browser"), page=True, more_origins=(EMBEDDING_SITE,)
    ) as running:
        yield running


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    """A fresh browser profile: a new patient, with nothing in localStorage."""
    fresh = browser.new_context(viewport=DESKTOP)
    fresh.set_default_timeout(REPLY_TIMEOUT_MS)
    yield fresh
    fresh.close()


@pytest.fixture(params=sorted(VIEWPORTS))
def screen(request: pytest.FixtureRequest, browser: Browser) -> Iterator[BrowserContext]:
    """A fresh browser profile on a 375 x 740 phone, then on a 1280 x 800 desktop."""
    phone = request.param == "phone"
    fresh = browser.new_context(viewport=VIEWPORTS[request.param], is_mobile=phone, has_touch=phone)
    fresh.set_default_timeout(REPLY_TIMEOUT_MS)
    yield fresh
    fresh.close()


def open_chat(context: BrowserContext, servers: Servers) -> Page:
    """Opens the clinic page and the widget, agrees to the privacy notice, waits for the
    bot's greeting."""
    page = context.new_page()
    page.goto(servers.page_url)
    page.get_by_role("button", name="Aftercare chat").click()
    page.get_by_role("button", name="I agree, start the chat").click()
    expect(page.locator(".chat-message--bot")).to_have_count(1)
    expect(page.locator(".chat-status--typing")).to_have_count(0)
    return page


def bot_messages(page: Page) -> list[str]:
    return [text.strip() for text in page.locator(".chat-message--bot p").all_inner_texts()]


def all_messages(page: Page) -> list[str]:
    return [text.strip() for text in page.locator(".chat-message p").all_inner_texts()]


def say(page: Page, text: str) -> None:
    """Types a message and sends it with Enter; waits for the bot's answer."""
    before = page.locator(".chat-message--bot").count()
    page.get_by_label("Your message to the assistant").fill(text)
    page.keyboard.press("Enter")
    expect(page.locator(".chat-message--bot")).not_to_have_count(before)
    page.wait_for_timeout(300)  # replies of one turn arrive as several messages


def click_reply(page: Page, title: str) -> None:
    """Clicks one of the bot's quick-reply buttons and waits for the answer."""
    before = page.locator(".chat-message--bot").count()
    page.locator(".chat-replies").get_by_role("button", name=title, exact=True).click()
    expect(page.locator(".chat-message--bot")).not_to_have_count(before)
    page.wait_for_timeout(300)


def answer_with_buttons(page: Page, choose: dict[str, str], until: str) -> None:
    """Answers each question that comes with buttons by clicking one, until ``until`` shows."""
    for _ in range(10):
        if any(until in text for text in bot_messages(page)):
            return
        titles = page.locator(".chat-replies button").all_inner_texts()
        assert titles, f"no buttons to click and no {until!r}: {bot_messages(page)[-1]!r}"
        click_reply(page, next((t for t in titles if t in choose.values()), titles[-1]))
    raise AssertionError(f"{until!r} never came: {bot_messages(page)}")


def session_id(page: Page) -> str:
    return str(page.evaluate("JSON.parse(localStorage.getItem('aftercare-chat')).sessionId"))


def triage_level(servers: Servers, sender: str) -> str | None:
    slots = servers.bot.tracker(sender)["slots"]
    return slots.get("triage_level")  # type: ignore[no-any-return]


def shot(page: Page, name: str) -> None:
    page.screenshot(path=str(SHOTS / f"{name}.png"))


def test_the_disclaimer_shows_before_the_first_message(
    context: BrowserContext, servers: Servers
) -> None:
    page = context.new_page()
    page.goto(servers.page_url)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Clinic")
    page.get_by_role("button", name="Aftercare chat").click()

    disclaimer = page.locator("#chat-disclaimer")
    expect(disclaimer).to_be_visible()
    expect(disclaimer).to_contain_text("not a diagnosis")
    expect(disclaimer.get_by_role("link", name="999")).to_have_attribute("href", "tel:999")
    expect(page.get_by_role("dialog", name=re.compile("Aftercare assistant"))).to_be_visible()
    shot(page, "1-disclaimer")


def test_blurred_vision_is_referred_and_survives_reload_and_a_closed_tab(
    context: BrowserContext, servers: Servers
) -> None:
    page = open_chat(context, servers)
    say(page, "my vision is blurry since my botox")
    answer_with_buttons(page, {"any": "No"}, until="return to the clinic")

    referral = page.locator(".chat-message--urgent").last
    expect(referral.locator("a[href^='tel:']").first).to_be_visible()
    expect(referral.get_by_role("link", name="Book an appointment")).to_have_attribute(
        "href", re.compile(r"^https?://")
    )
    sender = session_id(page)
    assert triage_level(servers, sender) == "urgent"
    shot(page, "2-urgent-referral")

    conversation = all_messages(page)
    page.reload()
    expect(page.locator(".chat-message")).to_have_count(len(conversation))
    assert all_messages(page) == conversation
    say(page, "thank you")
    assert session_id(page) == sender
    shot(page, "3-after-reload")

    conversation = all_messages(page)
    page.close()
    reopened = context.new_page()
    reopened.goto(servers.page_url)
    expect(reopened.locator(".chat-message")).to_have_count(len(conversation))
    say(reopened, "is drooping normal?")
    assert session_id(reopened) == sender
    events = servers.bot.tracker(sender)["events"]
    said = [event["text"] for event in events if event["event"] == "user"]
    assert said[-3:] == ["my vision is blurry since my botox", "thank you", "is drooping normal?"]


def test_a_twitch_on_day_four_gets_the_aftercare_advice(
    context: BrowserContext, servers: Servers
) -> None:
    page = open_chat(context, servers)
    say(page, "my eye has been twitching")
    answer_with_buttons(
        page,
        {"date": "Less than a week ago", "improving": "Yes, it's improving", "screen": "No"},
        until="don't rub or massage",
    )
    assert triage_level(servers, session_id(page)) == "self_care"
    expect(page.locator(".chat-message--urgent, .chat-message--emergency")).to_have_count(0)
    shot(page, "4-self-care")


def test_an_emergency_sign_is_an_alarm_with_a_call_button(
    context: BrowserContext, servers: Servers
) -> None:
    page = open_chat(context, servers)
    say(page, "since my botox I have trouble swallowing")
    alarm = page.locator(".chat-message--emergency[role='alert']")
    expect(alarm.first).to_be_visible()
    expect(alarm.get_by_role("link", name="Call 999 now")).to_have_attribute("href", "tel:999")
    assert triage_level(servers, session_id(page)) == "emergency"
    shot(page, "emergency")


def test_a_crisis_gets_call_buttons_for_the_help_lines_kept_in_view(
    context: BrowserContext, servers: Servers
) -> None:
    page = open_chat(context, servers)
    helpline = page.locator(".chat-helpline")
    expect(helpline).to_be_hidden()
    say(page, "my face looks so wrong since the botox, I want to end it all")
    card = page.locator(".chat-message--crisis").first
    expect(
        card.get_by_role("link", name="Call Samaritans 116 123 (free, day and night)")
    ).to_have_attribute("href", "tel:116123")
    expect(card.get_by_role("link", name="In immediate danger: 999")).to_have_attribute(
        "href", "tel:999"
    )
    # What comes next is answered as usual, and the help line stays in view above it.
    say(page, "can I drink coffee?")
    expect(helpline).to_be_visible()
    expect(helpline.get_by_role("link", name="116 123")).to_have_attribute("href", "tel:116123")
    page.reload()  # the chat opens again where it was
    expect(page.locator(".chat-helpline")).to_be_visible()
    shot(page, "crisis")


def test_on_a_phone_the_widget_fits_and_works_with_the_keyboard(
    browser: Browser, servers: Servers
) -> None:
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    context.set_default_timeout(REPLY_TIMEOUT_MS)
    page = context.new_page()
    page.goto(servers.page_url)
    page.get_by_role("button", name="Aftercare chat").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="I agree, start the chat")).to_be_focused()
    page.keyboard.press("Enter")
    message_box = page.get_by_label("Your message to the assistant")
    expect(message_box).to_be_focused()

    expect(page.locator(".chat-message--bot")).to_have_count(1)
    expect(page.locator(".chat-status--typing")).to_have_count(0)
    page.keyboard.type("can I drink coffee?")
    page.keyboard.press("Enter")
    expect(page.locator(".chat-message--bot")).to_have_count(2)
    assert "coffee" in bot_messages(page)[-1] or "caffeine" in bot_messages(page)[-1]

    box = page.get_by_role("dialog").bounding_box()
    assert box is not None
    assert box["x"] >= 0 and box["y"] >= 0
    assert box["x"] + box["width"] <= PHONE["width"]
    assert box["y"] + box["height"] <= PHONE["height"]
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(page, "5-phone")

    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog")).to_be_hidden()
    expect(page.get_by_role("button", name="Aftercare chat")).to_be_focused()
    context.close()


def test_html_from_the_patient_is_shown_as_text_and_never_run(
    context: BrowserContext, servers: Servers
) -> None:
    page = open_chat(context, servers)
    say(page, HOSTILE)
    patient = page.locator(".chat-message--patient p").last
    expect(patient).to_have_text(HOSTILE)
    assert page.locator(".chat-log img, .chat-log script, .chat-log b").count() == 0
    assert page.evaluate("window.pwned") is None
    before = len(bot_messages(page))
    say(page, "my eye is twitching")
    assert len(bot_messages(page)) > before


def test_delete_my_data_clears_the_conversation_in_the_browser_too(
    context: BrowserContext, servers: Servers
) -> None:
    page = open_chat(context, servers)
    say(page, "can I drink coffee?")
    say(page, "delete my data")
    click_reply(page, "Yes, delete it")
    expect(page.locator(".chat-message")).to_have_count(1)
    assert "deleted" in bot_messages(page)[0]
    erased = session_id(page)
    page.reload()
    expect(page.locator(".chat-message")).to_have_count(1)
    # The erased conversation keeps nothing; the widget's session after it (its token ended
    # with the erasure) may already hold the widget's own greeting request, nothing else.
    for sender in (erased, session_id(page)):
        events = servers.bot.tracker(sender)["events"]
        said = [event.get("text") for event in events if event["event"] == "user"]
        assert not {"can I drink coffee?", "delete my data"} & set(said), sender
    said = [e.get("text") for e in servers.bot.tracker(erased)["events"] if e["event"] == "user"]
    assert said == []


@pytest.fixture
def staff_url(servers: Servers) -> Iterator[str]:
    """The staff view on the run's database, with Nurse Joy's account."""
    staff_account(servers_store(servers), "Nurse Joy")
    try:
        yield servers.start_staff()
    finally:
        servers.stop_staff()


def test_a_nurse_sees_the_patients_referral_and_marks_it_handled(
    context: BrowserContext, browser: Browser, servers: Servers, staff_url: str
) -> None:
    patient = open_chat(context, servers)
    say(patient, "my eyelid droops so I can't open my eye fully")
    click_reply(patient, "Yes, call me back")
    say(patient, "Zoë O'Brien")
    say(patient, "020 7946 0958")
    say(patient, "tomorrow morning")
    click_reply(patient, "Yes, that's right")
    assert "the clinic has your details" in bot_messages(patient)[-1]

    nurse = browser.new_context(viewport=DESKTOP)
    page = nurse.new_page()
    sign_in_page(page, staff_url, "Nurse Joy")
    # The number as the clinic dials it, a tel: link (handover/workflow.py).
    row = page.get_by_role("row").filter(has_text="Zoë O'Brien, 020 7946 0958, tomorrow morning")
    expect(row.get_by_role("link", name="020 7946 0958")).to_have_attribute(
        "href", "tel:+442079460958"
    )
    row.get_by_role("link", name=re.compile(r"^URGENT")).click()
    expect(page.locator("ol.transcript")).to_contain_text(
        "my eyelid droops so I can't open my eye fully"
    )
    shot(page, "6-staff-referral")
    page.get_by_role("button", name="Closed (handled)").click()
    expect(page.get_by_text("Handled by Nurse Joy")).to_be_visible()
    nurse.close()


# --- Issue 27: consent first, visible controls, the key line in view -------------------------


def served_clinic(servers: Servers) -> clinic.Clinic:
    """The clinic the servers run for (clinic.yml and the run's CLINIC_* variables)."""
    values = yaml.safe_load(clinic.DEFAULT_PATH.read_text(encoding="utf-8"))
    return clinic.from_mapping(values, servers.env)


def viewport_name(page: Page) -> str:
    size = page.viewport_size
    return "phone" if size and size["width"] <= PHONE["width"] else "desktop"


def watch_the_bot(page: Page) -> list[str]:
    """Every request and websocket the page opens to the bot (socket.io), as they happen."""
    seen: list[str] = []
    page.on(
        "request",
        lambda request: seen.append(request.url) if "socket.io/?" in request.url else None,
    )
    page.on("websocket", lambda socket: seen.append(socket.url))
    return seen


def stored_events(servers: Servers, sender: str) -> int:
    """How many events of the conversation are in the run's database, read with SQL."""
    with contextlib.closing(sqlite3.connect(servers.workdir / "conversations.db")) as db:
        return int(
            db.execute("SELECT count(*) FROM events WHERE sender_id = ?", (sender,)).fetchone()[0]
        )


def choose_from_menu(page: Page, item: str) -> None:
    page.get_by_role("button", name="Chat options").click()
    page.locator("#chat-menu").get_by_role("button", name=item).click()


def test_the_privacy_notice_comes_first_and_the_consent_is_stored(
    screen: BrowserContext, servers: Servers
) -> None:
    page = screen.new_page()
    to_the_bot = watch_the_bot(page)
    page.goto(servers.page_url)
    page.get_by_role("button", name="Aftercare chat").click()
    notice = page.get_by_role("region", name="Before you start: your privacy")
    expect(notice).to_be_visible()
    days = retention_days(servers.env)
    expect(notice).to_contain_text(f"for up to {days} days")
    expect(notice).to_contain_text("the clinic's staff read the conversation")
    expect(notice.get_by_role("link", name=re.compile("privacy policy"))).to_have_attribute(
        "href", served_clinic(servers).privacy_policy_link
    )
    expect(page.get_by_label("Your message to the assistant")).to_be_hidden()
    page.wait_for_timeout(500)
    assert to_the_bot == [], "the widget reached the bot before the patient agreed"
    shot(page, f"consent-{viewport_name(page)}")

    agreed = datetime.now(UTC).replace(microsecond=0)
    page.get_by_role("button", name="I agree, start the chat").click()
    expect(page.locator(".chat-message--bot")).to_have_count(1)
    # The short greeting: two lines and three quick replies.
    replies = page.locator(".chat-replies button").all_inner_texts()
    assert replies == ["My eye is twitching", "Is drooping normal?", "Something else"]
    assert bot_messages(page)[0].count("\n") <= 1
    say(page, "can I drink coffee?")
    events = servers.bot.tracker(session_id(page))["events"]
    consents = [
        event["metadata"]["aftercare_consent"]
        for event in events
        if event["event"] == "user" and "aftercare_consent" in (event.get("metadata") or {})
    ]
    assert len(consents) == 1, consents
    assert consents[0]["version"] == served_clinic(servers).privacy_notice_version
    assert agreed <= datetime.fromisoformat(consents[0]["at"]) <= datetime.now(UTC)
    assert to_the_bot


def test_declining_gives_the_phone_numbers_and_sends_nothing(
    screen: BrowserContext, servers: Servers
) -> None:
    page = screen.new_page()
    to_the_bot = watch_the_bot(page)
    page.goto(servers.page_url)
    page.get_by_role("button", name="Aftercare chat").click()
    page.get_by_role("button", name="No, thanks").click()
    declined = page.locator(".chat-declined")
    expect(declined).to_contain_text("Nothing has been sent")
    phone = served_clinic(servers).phone
    expect(declined.get_by_role("link", name=phone)).to_have_attribute(
        "href", "tel:" + re.sub(r"[^\d+]", "", phone)
    )
    expect(declined.get_by_role("link", name="999")).to_have_attribute("href", "tel:999")
    expect(page.get_by_label("Your message to the assistant")).to_be_hidden()
    shot(page, f"declined-{viewport_name(page)}")
    page.wait_for_timeout(1000)
    assert to_the_bot == []
    assert page.evaluate("localStorage.getItem('aftercare-chat')") is None
    # The notice can be read again and agreed to.
    page.get_by_role("button", name="Read the privacy notice again").click()
    expect(page.get_by_role("button", name="I agree, start the chat")).to_be_focused()


def assert_first_line_at_the_top(page: Page, message: object) -> None:
    """The message's top is at the top of the conversation's view (its first line in view)."""
    view = page.locator(".chat-log").bounding_box()
    box = message.bounding_box()  # type: ignore[attr-defined]
    assert view is not None and box is not None
    assert view["y"] - 1 <= box["y"] <= view["y"] + 24, (view, box)


def test_an_urgent_reply_is_not_scrolled_past_by_the_callback_question(
    screen: BrowserContext, servers: Servers
) -> None:
    page = open_chat(screen, servers)
    say(page, "my vision is blurry since my botox")
    answer_with_buttons(page, {"any": "No"}, until="return to the clinic")
    expect(page.locator(".chat-message--bot").last).to_contain_text("call you back")
    urgent = page.locator(".chat-message--urgent").filter(has_text="return to the clinic").last
    assert_first_line_at_the_top(page, urgent)
    expect(urgent.get_by_role("link", name="Call the clinic")).to_be_in_viewport()
    shot(page, f"urgent-in-view-{viewport_name(page)}")


def test_a_routine_referral_has_call_and_book_and_stays_in_view(
    screen: BrowserContext, servers: Servers
) -> None:
    page = open_chat(screen, servers)
    say(page, "my eye has been twitching")
    answer_with_buttons(
        page,
        {"date": "More than 2 weeks ago", "improving": "No, not improving", "screen": "No"},
        until="would like to see you",
    )
    routine = page.locator(".chat-message--routine").filter(has_text="would like to see you")
    expect(routine.get_by_role("link", name="Call the clinic")).to_have_attribute(
        "href", re.compile(r"^tel:")
    )
    expect(routine.get_by_role("link", name="Book an appointment")).to_have_attribute(
        "href", served_clinic(servers).booking_link
    )
    assert triage_level(servers, session_id(page)) == "routine"
    assert_first_line_at_the_top(page, routine)
    shot(page, f"routine-{viewport_name(page)}")


def test_start_over_in_the_middle_of_the_check(screen: BrowserContext, servers: Servers) -> None:
    page = open_chat(screen, servers)
    say(page, "my eye has been twitching")
    expect(page.locator(".chat-replies button").first).to_be_visible()
    sender = session_id(page)
    assert servers.bot.tracker(sender)["active_loop"].get("name") == "triage_form"

    choose_from_menu(page, "Start over")
    confirm = page.get_by_role("alertdialog")
    expect(confirm).to_contain_text("Start over?")
    confirm.get_by_role("button", name="Yes, start over").click()
    expect(page.locator(".chat-notice")).to_contain_text("Started over")
    expect(page.locator(".chat-message")).to_have_count(1)
    expect(page.locator(".chat-message--bot p")).to_contain_text("start again")
    tracker = servers.bot.tracker(sender)
    assert not tracker["active_loop"].get("name")
    assert not tracker["slots"].get("symptoms")
    say(page, "can I drink coffee?")
    answer = bot_messages(page)[-1]
    assert "coffee" in answer or "caffeine" in answer, answer
    shot(page, f"start-over-{viewport_name(page)}")


def test_delete_my_data_through_the_menu_erases_the_database_rows(
    screen: BrowserContext, servers: Servers
) -> None:
    page = open_chat(screen, servers)
    say(page, "can I drink coffee?")
    sender = session_id(page)
    assert stored_events(servers, sender) > 0
    before = page.locator(".chat-message--bot").count()
    choose_from_menu(page, "Delete my data")
    expect(page.locator(".chat-message--bot")).not_to_have_count(before)
    expect(page.locator(".chat-message--bot").last).to_contain_text("Shall I delete it?")
    click_reply(page, "Yes, delete it")
    expect(page.locator(".chat-message")).to_have_count(1)
    assert "deleted" in bot_messages(page)[0]
    assert stored_events(servers, sender) == 0
    shot(page, f"deleted-{viewport_name(page)}")


def test_clear_from_this_device_leaves_nothing_in_local_storage(
    screen: BrowserContext, servers: Servers
) -> None:
    page = open_chat(screen, servers)
    say(page, "can I drink coffee?")
    assert "coffee" in (page.evaluate("localStorage.getItem('aftercare-chat')") or "")
    sender = session_id(page)

    choose_from_menu(page, "Clear from this device")
    page.get_by_role("alertdialog").get_by_role("button", name="Cancel").click()
    expect(page.locator(".chat-notice")).to_contain_text("Nothing was changed")
    assert page.evaluate("localStorage.getItem('aftercare-chat')") is not None

    choose_from_menu(page, "Clear from this device")
    page.get_by_role("alertdialog").get_by_role("button", name="Yes, clear it").click()
    expect(page.locator(".chat-notice")).to_contain_text("nothing of the conversation is left")
    expect(page.locator(".chat-message")).to_have_count(0)
    expect(page.get_by_role("button", name="I agree, start the chat")).to_be_visible()
    assert page.evaluate("localStorage.getItem('aftercare-chat')") is None
    page.reload()
    assert page.evaluate("localStorage.getItem('aftercare-chat')") is None
    # As the notice says: the clinic's server still keeps it (until "Delete my data").
    assert stored_events(servers, sender) > 0
    shot(page, f"cleared-{viewport_name(page)}")


def test_the_typing_indicator_shows_for_a_while_and_times_are_local(
    browser: Browser, servers: Servers
) -> None:
    zone = "Pacific/Auckland"
    context = browser.new_context(viewport=PHONE, timezone_id=zone, locale="en-GB")
    context.set_default_timeout(REPLY_TIMEOUT_MS)
    page = open_chat(context, servers)
    page.evaluate(
        """() => {
          window.typing = [];
          const status = document.querySelector('.chat-status');
          new MutationObserver(() => window.typing.push(
            [status.classList.contains('chat-status--typing'), performance.now()]
          )).observe(status, {attributes: true, attributeFilter: ['class']});
        }"""
    )
    page.get_by_label("Your message to the assistant").fill("can I drink coffee?")
    page.keyboard.press("Enter")
    expect(page.locator(".chat-status--typing")).to_be_visible()
    expect(page.locator(".chat-status")).to_contain_text("typing")
    expect(page.locator(".chat-message--bot")).to_have_count(2)
    expect(page.locator(".chat-status--typing")).to_have_count(0)
    changes = page.evaluate("window.typing")
    shown = next(at for typing, at in changes if typing)
    hidden = next(at for typing, at in changes if not typing and at > shown)
    assert hidden - shown >= 650, changes

    for time_element in page.locator(".chat-message time").all():
        stamp = datetime.fromisoformat(
            str(time_element.get_attribute("datetime")).replace("Z", "+00:00")
        )
        assert abs(datetime.now(UTC) - stamp) < timedelta(minutes=2)
        assert time_element.inner_text() == stamp.astimezone(ZoneInfo(zone)).strftime("%H:%M")
    context.close()


def test_the_live_region_only_grows_and_focus_returns_to_the_input(
    screen: BrowserContext, servers: Servers
) -> None:
    page = open_chat(screen, servers)
    page.evaluate(
        """() => {
          window.changes = {added: 0, removed: 0};
          new MutationObserver(records => records.forEach(record => {
            const message = n => n.classList && n.classList.contains('chat-message');
            record.addedNodes.forEach(n => { if (message(n)) window.changes.added++; });
            record.removedNodes.forEach(n => { if (message(n)) window.changes.removed++; });
          })).observe(document.querySelector('.chat-log'), {childList: true, subtree: true});
        }"""
    )
    box = page.get_by_label("Your message to the assistant")
    before = page.locator(".chat-message").count()
    page.locator(".chat-replies").get_by_role("button", name="Something else").click()
    expect(box).to_be_focused()
    assert page.locator(".chat-message").count() == before  # nothing sent
    click_reply(page, "Is drooping normal?")
    expect(box).to_be_focused()
    say(page, "can I drink coffee?")
    after = page.locator(".chat-message").count()
    assert page.evaluate("window.changes") == {"added": after - before, "removed": 0}
    # Every control has a name a screen reader reads.
    for control in page.locator(
        "#chat-panel button:visible, #chat-panel a:visible, #chat-panel input:visible"
    ).all():
        name = control.evaluate(
            "e => e.getAttribute('aria-label') || e.labels?.[0]?.textContent || e.textContent"
        )
        assert str(name).strip(), control.evaluate("e => e.outerHTML")


def test_the_phone_dialog_keeps_the_keyboard_inside(browser: Browser, servers: Servers) -> None:
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    context.set_default_timeout(REPLY_TIMEOUT_MS)
    page = open_chat(context, servers)
    expect(page.get_by_role("dialog")).to_have_attribute("aria-modal", "true")
    inside = "document.getElementById('chat-panel').contains(document.activeElement)"
    for key in ["Tab"] * 15 + ["Shift+Tab"] * 15:
        page.keyboard.press(key)
        assert page.evaluate(inside), page.evaluate("document.activeElement.outerHTML")
    context.close()


def test_a_self_care_answer_offers_a_calendar_reminder_without_symptoms(
    screen: BrowserContext, servers: Servers
) -> None:
    page = open_chat(screen, servers)
    say(page, "my eye has been twitching")
    answer_with_buttons(
        page,
        {"date": "Less than a week ago", "improving": "Yes, it's improving", "screen": "No"},
        until="don't rub or massage",
    )
    answer = next(text for text in bot_messages(page) if "Keep an eye on it until" in text)
    with page.expect_download() as download:
        page.get_by_role("link", name="Add a reminder to my calendar").click()
    ics = Path(download.value.path()).read_bytes()
    (event,) = icalendar.Calendar.from_ical(ics).walk("VEVENT")
    day = event.decoded("dtstart")
    assert f"until {day.strftime('%A')} {day.day} {day.strftime('%B')}" in answer, answer
    details = served_clinic(servers)
    text = ics.decode().replace(details.name, "")
    assert "twitch" not in text.lower()
    assert not re.search(
        r"twitch|eyelid|droop|vision|blur|swell|bruis|pain|redness|breath|swallow|eye",
        text,
        re.IGNORECASE,
    ), text
    assert details.phone in ics.decode()
    shot(page, f"reminder-{viewport_name(page)}")


def serve_html(port: int, html: str) -> ThreadingHTTPServer:
    """A page on another local site: ``html`` at /, nothing else."""

    class Page(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = html.encode() if self.path == "/" else b""
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("localhost", port), Page)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd


def snippet(servers: Servers) -> str:
    """The one tag a clinic pastes into its site (docs/operations.md)."""
    return (
        f'<script src="{servers.page_url}/embed.js" async data-bot-url="{servers.bot.url}" '
        'data-clinic-name="Embedded Clinic"></script>'
    )


def test_the_snippet_embeds_the_widget_on_another_allowed_site(
    screen: BrowserContext, servers: Servers
) -> None:
    site = serve_html(
        EMBEDDING_PORT,
        '<!doctype html><html lang="en"><head><title>Our clinic</title></head><body>'
        f"<main><h1>Our clinic's own page</h1></main>{snippet(servers)}</body></html>",
    )
    try:
        page = screen.new_page()
        page.goto(EMBEDDING_SITE)
        page.get_by_role("button", name="Aftercare chat").click()
        expect(page.locator(".chat-clinic-name")).to_have_text("Embedded Clinic")
        page.get_by_role("button", name="I agree, start the chat").click()
        expect(page.locator(".chat-message--bot")).to_have_count(1)
        say(page, "can I drink coffee?")
        answer = bot_messages(page)[-1]
        assert "coffee" in answer or "caffeine" in answer, answer
        # The conversation is the bot's, from the embedding site's page.
        said = [e.get("text") for e in servers.bot.tracker(session_id(page))["events"]]
        assert "can I drink coffee?" in said
        # The embedding page keeps its own look: the widget's rules are scoped to the widget.
        assert page.evaluate("getComputedStyle(document.body).margin") == "8px"
        shot(page, f"embedded-{viewport_name(page)}")
    finally:
        site.shutdown()
        site.server_close()


def test_the_snippet_on_a_site_the_bot_does_not_accept_says_so(
    screen: BrowserContext, servers: Servers
) -> None:
    port = free_port()
    site = serve_html(
        port, f"<!doctype html><html lang='en'><body>{snippet(servers)}</body></html>"
    )
    try:
        page = screen.new_page()
        page.goto(f"http://localhost:{port}")
        page.get_by_role("button", name="Aftercare chat").click()
        page.get_by_role("button", name="I agree, start the chat").click()
        expect(page.locator(".chat-status")).to_contain_text("can't be reached")
        expect(page.locator(".chat-message")).to_have_count(0)
    finally:
        site.shutdown()
        site.server_close()


AXE = ROOT / "web" / "node_modules" / "axe-core" / "axe.min.js"
"""axe-core from npm (web/package.json), injected from the local file: nothing fetched."""


def serious_violations(page: Page) -> list[str]:
    """axe-core's serious and critical findings in the widget (and the page around it)."""
    page.add_script_tag(path=str(AXE))
    found = page.evaluate(
        """async () => (await axe.run(document, {resultTypes: ['violations']})).violations
              .filter(v => v.impact === 'serious' || v.impact === 'critical')
              .map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '))"""
    )
    return list(found)


@pytest.mark.parametrize("size", sorted(VIEWPORTS))
def test_axe_finds_nothing_serious(browser: Browser, servers: Servers, size: str) -> None:
    # The page's Content-Security-Policy allows its own scripts only: axe comes in beside it.
    context = browser.new_context(viewport=VIEWPORTS[size], bypass_csp=True)
    context.set_default_timeout(REPLY_TIMEOUT_MS)
    try:
        page = context.new_page()
        page.goto(servers.page_url)
        page.get_by_role("button", name="Aftercare chat").click()
        expect(page.locator(".chat-consent")).to_be_visible()
        assert serious_violations(page) == [], "the privacy notice"
        page.get_by_role("button", name="I agree, start the chat").click()
        expect(page.locator(".chat-message--bot")).to_have_count(1)
        say(page, "my vision is blurry since my botox")
        answer_with_buttons(page, {"any": "No"}, until="return to the clinic")
        assert serious_violations(page) == [], "an urgent referral"
        choose_from_menu(page, "Clear from this device")
        expect(page.get_by_role("alertdialog")).to_be_visible()
        assert serious_violations(page) == [], "the menu's confirmation"
    finally:
        context.close()
