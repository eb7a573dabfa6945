"""The chat widget on the clinic page, in a real browser (Debian's Chromium, headless).

Playwright drives the Chromium that `scripts/apt-install.sh` installs from Debian's packages
(no browser download), against the real Rasa, action and page servers. Every step leaves a
screenshot in results/browser/ (a CI artefact; docs/widget.png in docs/operations.md is one of them).
"""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

from tools.servers import PYTHON, ROOT, Servers, free_port, running_bot

pytestmark = pytest.mark.browser

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
# Headless on a machine without a screen and without outside network (see the env notes).
CHROMIUM_ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
SHOTS = ROOT / "results" / "browser"
REPLY_TIMEOUT_MS = 30_000
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1024, "height": 800}
STAFF_PASSWORD = "browser-test-password"
HOSTILE = '<img src=x onerror="window.pwned=1"><script>window.pwned=2</script><b>bold</b>'


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    with running_bot(tmp_path_factory.mktemp("browser"), page=True) as running:
        yield running


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(f"No Chromium at {CHROMIUM}: run `make browser` (scripts/apt-install.sh).")
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    """A fresh browser profile: a new patient, with nothing in localStorage."""
    fresh = browser.new_context(viewport=DESKTOP)
    fresh.set_default_timeout(REPLY_TIMEOUT_MS)
    yield fresh
    fresh.close()


def open_chat(context: BrowserContext, servers: Servers) -> Page:
    """Opens the clinic page and the widget, and waits for the bot's greeting."""
    page = context.new_page()
    page.goto(servers.page_url)
    page.get_by_role("button", name="Aftercare chat").click()
    expect(page.locator(".chat-message--bot")).to_have_count(1)
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
    expect(page.get_by_role("dialog", name="Aftercare assistant")).to_be_visible()
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
    message_box = page.get_by_label("Your message to the assistant")
    expect(message_box).to_be_focused()

    expect(page.locator(".chat-message--bot")).to_have_count(1)
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
    """The staff view on the run's database, behind the password below."""
    port = free_port()
    env = {**servers.env, "STAFF_PASSWORD": STAFF_PASSWORD}
    log = (servers.workdir / "staff.log").open("ab")
    process = subprocess.Popen(
        [str(PYTHON), "-m", "handover.staff", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://localhost:{port}"
    try:
        for _ in range(100):
            with contextlib.suppress(requests.RequestException):
                if requests.get(url, timeout=1).status_code == 401:
                    break
            time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


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

    nurse = browser.new_context(
        viewport=DESKTOP, http_credentials={"username": "Nurse Joy", "password": STAFF_PASSWORD}
    )
    page = nurse.new_page()
    page.goto(staff_url)
    row = page.get_by_role("row").filter(has_text="Zoë O'Brien, +442079460958, tomorrow morning")
    expect(row).to_contain_text("URGENT")
    row.get_by_role("link").click()
    expect(page.locator("ol")).to_contain_text("my eyelid droops so I can't open my eye fully")
    shot(page, "6-staff-referral")
    page.get_by_role("button", name="Mark as handled").click()
    expect(page.get_by_text("Handled by Nurse Joy")).to_be_visible()
    nurse.close()
