"""Live alerts on the staff page (issue 26), in real Chromium against the real servers.

A nurse has the list of referrals open; a patient reports an emergency (in the chat widget,
or over REST); the referral appears on every open staff page within 5 seconds, without a
reload, with a visible alert and a sound made in the page with Web Audio. On an SQLite file
(the staff view watches the database), on PostgreSQL (LISTEN/NOTIFY), and with two Rasa
servers behind nginx (``make run-scaled``), where the referral is written by the action
server of whichever Rasa server took the message: only the database carries it to the staff
view. The seconds from the patient's message to the alert land in results/staff-alerts.json.
"""

from __future__ import annotations

import json
import re
import time
import uuid
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.browser.test_widget_browser import DESKTOP, open_chat
from tests.e2e.test_scale_out import REDIS_URL
from tests.support.browser import SHOTS
from tests.support.staff import servers_store, sign_in_page, staff_account
from tools.cluster import running_cluster
from tools.servers import ROOT, Bot, Servers, running_bot

pytestmark = pytest.mark.browser

WITHIN_MS = 5_000
FIGURES = ROOT / "results" / "staff-alerts.json"
# Counts the tones the page starts, and whether its audio was running: the sound itself.
COUNT_TONES = """
window.__tones = [];
const create = AudioContext.prototype.createOscillator;
AudioContext.prototype.createOscillator = function () {
  const tone = create.call(this);
  const start = tone.start.bind(tone);
  const context = this;
  tone.start = (when) => { window.__tones.push(context.state); start(when); };
  return tone;
};
"""
measured: dict[str, float] = {}


@pytest.fixture(scope="module", autouse=True)
def figures_written() -> Iterator[None]:
    """The seconds measured here, written to results/ once the module's tests have run."""
    yield
    FIGURES.parent.mkdir(parents=True, exist_ok=True)
    FIGURES.write_text(json.dumps(measured, indent=2) + "\n", encoding="utf-8")


def nurse(browser: Browser, servers: Servers, name: str) -> tuple[BrowserContext, Page]:
    """A nurse's browser, signed in, with the list of referrals open and live updates on."""
    staff_account(servers_store(servers), name)
    context = browser.new_context(viewport=DESKTOP)
    context.add_init_script(COUNT_TONES)
    page = context.new_page()
    sign_in_page(page, servers.staff_url, name)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Referrals")
    expect(page.locator("#live-status")).to_have_text("Live updates: on")
    return context, page


def turn_on_sound(page: Page) -> None:
    page.get_by_role("button", name="Turn on sound alerts").click()
    expect(page.get_by_role("button", name="Sound alerts on")).to_be_visible()


def expect_alert(page: Page, sent_at: float, level: str = "emergency") -> float:
    """Waits for the alert of a new ``level`` referral; the seconds since ``sent_at``."""
    alert = page.locator(f".live-alert.{level}").first
    expect(alert).to_be_visible(timeout=WITHIN_MS)
    expect(alert).to_contain_text(f"New {level.upper()} referral")
    shown_at = float(alert.get_attribute("data-shown-at") or 0) / 1000
    seconds = shown_at - sent_at
    assert 0 < seconds < WITHIN_MS / 1000, seconds
    # The referral is in the list too, without a reload, with its level and its summary.
    referral_id = alert.get_attribute("data-id")
    row = page.locator(f"#referrals tr[data-id='{referral_id}']")
    expect(row.locator(f"span.{level}")).to_have_text(level)
    expect(row.get_by_role("link")).to_have_attribute("href", f"/referrals/{referral_id}")
    expect(row.get_by_role("link")).to_contain_text(f"{level.upper()}: ")
    expect(row.locator("td").nth(1)).to_have_text(
        re.compile(r"^\d\d \w{3} \d{4} \d\d:\d\d (?:GMT|BST)$")
    )
    # Emergencies above urgent referrals above routine ones, as the server orders the list.
    levels = page.locator("#referrals tr").evaluate_all("rows => rows.map(r => r.dataset.level)")
    order = {"crisis": 0, "emergency": 0, "urgent": 1, "routine": 2}
    assert [order[x] for x in levels] == sorted(order[x] for x in levels), levels
    return seconds


def heard(page: Page) -> list[str]:
    """The state of the page's audio at each tone it started."""
    return list(page.evaluate("window.__tones"))


def send_emergency(bot: Bot, who: str) -> float:
    """A patient's emergency over REST; the time the message was sent."""
    sent_at = time.time()
    replies = bot.say(who, "since my botox I can't breathe properly")
    assert replies[0]["text"].startswith("🚨 Call 999 now")
    return sent_at


@pytest.fixture(scope="module")
def sqlite_servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    with running_bot(tmp_path_factory.mktemp("alerts-sqlite"), page=True) as running:
        running.start_staff()
        yield running


def test_an_emergency_in_the_widget_alerts_every_open_staff_page_within_5_seconds(
    browser: Browser, sqlite_servers: Servers
) -> None:
    first_context, first = nurse(browser, sqlite_servers, "Nurse Joy")
    second_context, second = nurse(browser, sqlite_servers, "Nurse Ada")
    turn_on_sound(first)
    count = int(first.locator("#count").inner_text())

    patient_context = browser.new_context(viewport=DESKTOP)
    patient = open_chat(patient_context, sqlite_servers)
    patient.get_by_label("Your message to the assistant").fill(
        "since my botox I have trouble swallowing"
    )
    sent_at = time.time()
    patient.keyboard.press("Enter")

    measured["sqlite, widget, first nurse"] = expect_alert(first, sent_at)
    measured["sqlite, widget, second nurse"] = expect_alert(second, sent_at)
    assert first.locator("#count").inner_text() == str(count + 1)
    assert "New EMERGENCY" in first.title()
    # The sound: three tones from a running audio context where sound was turned on.
    expect(first.locator(".live-alert.emergency").first).to_have_attribute("data-sound", "played")
    assert heard(first)[-3:] == ["running"] * 3, heard(first)
    # The patient's own reply: the emergency first and alone, then the offer of a callback.
    expect(patient.locator(".chat-message--emergency[role='alert']").first).to_be_visible()
    expect(patient.locator(".chat-message--bot").last).to_contain_text(
        "When you are safe, would you like the clinic to call you?"
    )
    first.screenshot(path=str(SHOTS / "staff-live-alert.png"))
    # The alert's link opens the referral.
    first.locator(".live-alert a").first.click()
    expect(first.get_by_role("heading", level=1)).to_contain_text("referral")
    for context in (first_context, second_context, patient_context):
        context.close()


def test_an_urgent_referral_alerts_and_a_routine_one_is_only_added(
    browser: Browser, sqlite_servers: Servers
) -> None:
    context, page = nurse(browser, sqlite_servers, "Nurse Joy")
    turn_on_sound(page)
    bot = sqlite_servers.bot
    sent_at = time.time()
    bot.say(f"urgent-{uuid.uuid4().hex[:6]}", "my vision is blurry since my botox")
    measured["sqlite, REST, urgent"] = expect_alert(page, sent_at, "urgent")
    assert heard(page)[-2:] == ["running"] * 2
    tones = len(heard(page))
    who = f"routine-{uuid.uuid4().hex[:6]}"
    bot.say(who, "I had botox 16 days ago and the twitching is not getting better")
    for _ in range(4):
        bot.say(who, "no")
    row = page.locator("#referrals tr[data-level='routine']").first
    expect(row).to_contain_text("ROUTINE: ", timeout=WITHIN_MS)
    expect(page.locator(".live-alert.routine")).to_have_count(0)
    assert len(heard(page)) == tones  # no sound for a routine referral
    context.close()


def test_an_emergency_alerts_the_staff_page_on_postgresql(
    browser: Browser, tmp_path_factory: pytest.TempPathFactory, postgres_url: str
) -> None:
    workdir = tmp_path_factory.mktemp("alerts-postgresql")
    with running_bot(workdir, env={"AFTERCARE_DATABASE_URL": postgres_url}) as servers:
        servers.start_staff()
        context, page = nurse(browser, servers, "Nurse Joy")
        turn_on_sound(page)
        sent_at = send_emergency(servers.bot, f"pg-{uuid.uuid4().hex[:6]}")
        measured["postgresql, one server, REST"] = expect_alert(page, sent_at)
        assert heard(page)[-3:] == ["running"] * 3
        context.close()


@pytest.mark.redis
def test_an_emergency_on_either_of_two_servers_behind_nginx_alerts_the_staff_page(
    browser: Browser, tmp_path_factory: pytest.TempPathFactory, postgres_url: str
) -> None:
    with running_cluster(
        tmp_path_factory.mktemp("alerts-cluster"),
        2,
        postgres_url,
        REDIS_URL,
        key_prefix=f"test{uuid.uuid4().hex}",
    ) as cluster:
        cluster.nodes[0].start_staff()
        try:
            context, page = nurse(browser, cluster.nodes[0], "Nurse Joy")
            turn_on_sound(page)
            # Each Rasa server's own action server writes the referral; then through nginx.
            for name, bot in [
                ("server 1", cluster.nodes[0].bot),
                ("server 2", cluster.nodes[1].bot),
                ("nginx", cluster.bot),
            ]:
                alerts = page.locator(".live-alert.emergency").count()
                sent_at = send_emergency(bot, f"cluster-{uuid.uuid4().hex[:6]}")
                expect(page.locator(".live-alert.emergency")).to_have_count(
                    alerts + 1, timeout=WITHIN_MS
                )
                measured[f"postgresql, two servers behind nginx, {name}"] = expect_alert(
                    page, sent_at
                )
            assert heard(page).count("running") >= 9
            context.close()
        finally:
            cluster.nodes[0].stop_staff()
