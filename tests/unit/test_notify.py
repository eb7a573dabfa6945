"""Notifications to the nurse on duty (handover/notify.py): e-mail over SMTP and a JSON webhook.

* The pure parts, table-driven: the settings, the backoff, what a message holds.
* The outbox on SQLite and PostgreSQL: rows written with the referral, erased with it.
* Delivery against a real SMTP server (aiosmtpd on loopback) and a local HTTP receiver: down,
  retried with backoff (time driven by passing ``now``), delivered when it comes up; two
  staff views on PostgreSQL send each notification once.
* End to end with the real servers: the webhook down, a patient's emergency is answered as
  fast as ever (the reply's seconds land in results/notify.json), and the notification
  reaches the receiver once it comes up.
"""

from __future__ import annotations

import asyncio
import contextlib
import email
import email.policy
import http.server
import json
import logging
import smtplib
import subprocess
import threading
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import sqlalchemy as sa
import yaml
from aiohttp.test_utils import TestClient, TestServer
from aiosmtpd.controller import Controller

from handover import notify, staff
from handover.notify import (
    DeliveryFailed,
    Notifier,
    Settings,
    failure_text,
    message_for,
    retry_at,
    retry_delay,
    settings_from,
)
from handover.store import Handover, engine_for, notifications, referrals
from tests.support.pinned import NOW, ROOT
from tests.support.stores import refer
from tools.servers import PYTHON, free_port

PATIENT_WORDS = "my vision is blurry since my botox, Zoë at 07700 900123"
STAFF_URL = "https://staff.clinic.test"
FIGURES = ROOT / "results" / "notify.json"


@pytest.fixture(autouse=True)
def fresh_settings() -> Iterator[None]:
    """Each test reads the settings anew (they are cached per process)."""
    notify.load.cache_clear()
    yield
    notify.load.cache_clear()


def webhook_settings(port: int, **changes: Any) -> Settings:
    return replace(
        Settings(webhook_url=f"http://127.0.0.1:{port}/hook", staff_url=STAFF_URL), **changes
    )


def email_settings(port: int, **changes: Any) -> Settings:
    settings = Settings(
        email_to=("nurse@clinic.test", "lead@clinic.test"),
        email_from="aftercare@clinic.test",
        smtp_host="127.0.0.1",
        smtp_port=port,
        smtp_starttls=False,
        staff_url=STAFF_URL,
    )
    return replace(settings, **changes)


@pytest.fixture
def outbox(store: Handover) -> Callable[[Settings], Handover]:
    """The test's store with notifications as ``settings`` say, and an empty outbox."""
    with store.engine.begin() as connection:
        connection.execute(notifications.delete())

    def with_settings(settings: Settings) -> Handover:
        return Handover(store.engine, settings)

    return with_settings


# --- Receivers: an HTTP server in a thread, and aiosmtpd ------------------------------------


class Receiver(http.server.ThreadingHTTPServer):
    """A webhook receiver on loopback: keeps every JSON body; answers ``status``."""

    request_queue_size = 64  # a round sends up to notify.BATCH at once

    def __init__(self, port: int, status: int = 204) -> None:
        self.bodies: list[dict[str, Any]] = []
        self.status = status
        super().__init__(("127.0.0.1", port), _ReceiverHandler)


class _ReceiverHandler(http.server.BaseHTTPRequestHandler):
    server: Receiver

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", 0))
        self.server.bodies.append(json.loads(self.rfile.read(length)))
        self.send_response(self.server.status)
        if 300 <= self.server.status < 400:
            self.send_header("Location", "/elsewhere")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *_args: Any) -> None:
        pass


@contextlib.contextmanager
def receiving(port: int, status: int = 204) -> Iterator[Receiver]:
    server = Receiver(port, status)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


class Mailbox:
    """aiosmtpd's handler: keeps every message the SMTP server accepts."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], Any]] = []

    async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append((list(envelope.rcpt_tos), message))
        return "250 OK"


@contextlib.contextmanager
def smtp_server(port: int) -> Iterator[Mailbox]:
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield mailbox
    finally:
        controller.stop()


def received(channel: str, box: Receiver | Mailbox) -> list[str]:
    """What a receiver got, as text: JSON bodies, or e-mails with their headers."""
    if isinstance(box, Receiver):
        return [json.dumps(body, ensure_ascii=False) for body in box.bodies]
    # Not the Date and Message-ID headers: their digits could hold anything by chance.
    return [
        "\n".join(
            [*(f"{k}: {message[k]}" for k in ("From", "To", "Subject")), message.get_content()]
        )
        for _, message in box.messages
    ]


# --- The settings ----------------------------------------------------------------------------

EMAIL = {
    "email_to": "nurse@clinic.test",
    "email_from": "aftercare@clinic.test",
    "smtp_host": "smtp.clinic.test",
    "staff_url": STAFF_URL,
}
WEBHOOK = {"webhook_url": "https://hooks.example/services/T0/SECRET-TOKEN", "staff_url": STAFF_URL}


@pytest.mark.parametrize(
    ("section", "environ", "expected"),
    [
        (None, {}, {"channels": (), "levels": ("emergency", "crisis", "urgent")}),
        ({}, {}, {"channels": (), "detail": "level"}),
        (EMAIL, {}, {"channels": ("email",), "smtp_port": 587, "smtp_starttls": True}),
        (WEBHOOK, {}, {"channels": ("webhook",), "timeout": 10.0}),
        ({**EMAIL, **WEBHOOK}, {}, {"channels": ("email", "webhook")}),
        (
            {**EMAIL, "email_to": ["a@clinic.test", "b@clinic.test"], "smtp_port": 25},
            {},
            {"email_to": ("a@clinic.test", "b@clinic.test"), "smtp_port": 25},
        ),
        (
            {},
            {"NOTIFY_WEBHOOK_URL": "http://127.0.0.1:9/x", "NOTIFY_STAFF_URL": STAFF_URL + "/"},
            {"channels": ("webhook",), "staff_url": STAFF_URL},
        ),
        (
            WEBHOOK,
            {"NOTIFY_WEBHOOK_URL": "https://other.example/x", "NOTIFY_LEVELS": "routine, urgent"},
            {"webhook_url": "https://other.example/x", "levels": ("routine", "urgent")},
        ),
        (WEBHOOK, {"NOTIFY_DETAIL": " "}, {"detail": "level"}),  # empty: the file's (unset)
        ({**WEBHOOK, "detail": "summary"}, {}, {"detail": "summary"}),
        (
            {**EMAIL, "smtp_user": "aftercare", "smtp_starttls": "yes"},
            {"NOTIFY_SMTP_PASSWORD": "s3cret"},
            {"smtp_user": "aftercare", "smtp_password": "s3cret"},
        ),
        ({**EMAIL, "smtp_starttls": False}, {}, {"smtp_starttls": False}),
        (
            {**WEBHOOK, "give_up_hours": 2, "timeout_seconds": "300"},
            {},
            {"give_up_after": timedelta(hours=2), "timeout": 300.0},
        ),
    ],
)
def test_the_settings_come_from_clinic_yml_and_the_environment(
    section: Any, environ: dict[str, str], expected: dict[str, Any]
) -> None:
    settings = settings_from(section, environ)
    assert {key: getattr(settings, key) for key in expected} == expected


@pytest.mark.parametrize(
    ("section", "environ", "error"),
    [
        ([1, 2], {}, "must be a section"),
        ({"emial_to": "x@y.z"}, {}, "unknown setting 'emial_to'"),
        ({**EMAIL, "smtp_password": "x"}, {}, "NOTIFY_SMTP_PASSWORD, not clinic.yml"),
        ({**WEBHOOK, "levels": ["emergency", "soon"]}, {}, "levels must be some of"),
        ({**WEBHOOK, "levels": []}, {}, "levels must be some of"),
        ({**WEBHOOK}, {"NOTIFY_LEVELS": ","}, "levels must be some of"),
        ({**WEBHOOK, "detail": "everything"}, {}, "detail must be one of level, summary"),
        ({**EMAIL, "smtp_port": 0}, {}, "smtp_port must be a whole number of at least 1"),
        ({**EMAIL, "smtp_port": 70000}, {}, "smtp_port must be a port"),
        ({**EMAIL}, {"NOTIFY_SMTP_PORT": "25x"}, "smtp_port must be a whole number"),
        ({**EMAIL, "smtp_port": True}, {}, "smtp_port must be a whole number"),
        ({**EMAIL, "email_to": "nurse"}, {}, "email_to must be an e-mail address"),
        ({**EMAIL, "email_to": "a@b.c\r\nBcc: x@y.z"}, {}, "email_to must be an e-mail"),
        ({**EMAIL, "email_from": ""}, {}, "email_from must be an e-mail address"),
        ({**EMAIL, "smtp_host": ""}, {}, "e-mail needs smtp_host"),
        ({"smtp_host": "smtp.clinic.test"}, {}, "e-mail needs email_to"),
        ({**EMAIL, "smtp_user": "me"}, {}, "smtp_user and NOTIFY_SMTP_PASSWORD go together"),
        ({**EMAIL}, {"NOTIFY_SMTP_PASSWORD": "x"}, "go together"),
        (
            {**EMAIL, "smtp_user": "me", "smtp_starttls": "off"},
            {"NOTIFY_SMTP_PASSWORD": "x"},
            "smtp_starttls must be on to log in",
        ),
        ({**EMAIL, "smtp_starttls": "maybe"}, {}, "smtp_starttls must be true or false"),
        ({**WEBHOOK, "webhook_url": "ftp://hooks.example/SECRET-TOKEN"}, {}, "webhook_url must"),
        ({**WEBHOOK, "webhook_url": "https://hooks.example/SECRET TOKEN"}, {}, "webhook_url"),
        ({**WEBHOOK, "webhook_url": "https://:99999/SECRET-TOKEN"}, {}, "webhook_url must"),
        ({**WEBHOOK, "webhook_url": "<img src=x onerror=alert(1)>"}, {}, "webhook_url must"),
        ({"webhook_url": WEBHOOK["webhook_url"]}, {}, "staff_url must be the staff view's"),
        ({**WEBHOOK, "staff_url": "staff.clinic.test"}, {}, "staff_url must"),
        ({**WEBHOOK, "give_up_hours": 0}, {}, "give_up_hours must be a whole number"),
        ({**WEBHOOK, "timeout_seconds": 0}, {}, "timeout_seconds must be a whole number"),
        ({**WEBHOOK, "timeout_seconds": 301}, {}, "timeout_seconds must be 300 at most"),
    ],
)
def test_a_setting_that_cannot_work_is_one_clear_line(
    section: Any, environ: dict[str, str], error: str
) -> None:
    with pytest.raises(notify.ConfigError, match=error) as raised:
        settings_from(section, environ)
    message = str(raised.value)
    assert "\n" not in message and "SECRET" not in message
    assert message.startswith(("notify: ", "clinic.yml: notify: "))


@pytest.mark.parametrize(
    ("levels", "level", "channels"),
    [
        (notify.DEFAULT_LEVELS, "emergency", ("webhook",)),
        (notify.DEFAULT_LEVELS, "crisis", ("webhook",)),
        (notify.DEFAULT_LEVELS, "urgent", ("webhook",)),
        (notify.DEFAULT_LEVELS, "routine", ()),
        (("routine",), "routine", ("webhook",)),
        (("routine",), "emergency", ()),
        (notify.LEVELS, "self_care", ()),
    ],
)
def test_which_referrals_are_notified(
    levels: tuple[str, ...], level: str, channels: tuple[str, ...]
) -> None:
    assert webhook_settings(9, levels=levels).channels_for(level) == channels


def test_the_log_line_of_the_settings_keeps_the_secrets_out() -> None:
    settings = settings_from(
        {**EMAIL, **WEBHOOK, "smtp_user": "me"}, {"NOTIFY_SMTP_PASSWORD": "pa55word"}
    )
    line = settings.describe()
    assert "e-mail to nurse@clinic.test via smtp.clinic.test:587" in line
    assert "webhook to hooks.example" in line
    assert "SECRET" not in line and "pa55word" not in line
    assert "SECRET" not in repr(settings) and "pa55word" not in repr(settings)
    assert Settings().describe().startswith("none configured")


def test_clinic_yml_notifies_nobody_until_its_commented_section_is_filled_in() -> None:
    text = (ROOT / "clinic.yml").read_text(encoding="utf-8")
    assert settings_from(yaml.safe_load(text).get("notify"), {}).channels == ()
    commented = text.split("\n# notify:\n", 1)[1].splitlines()
    section = yaml.safe_load("\n".join(line.removeprefix("#   ") for line in commented))
    settings = settings_from(section, {"NOTIFY_SMTP_PASSWORD": "x"})
    assert settings.channels == ("email", "webhook")
    assert (settings.levels, settings.detail) == (notify.DEFAULT_LEVELS, "level")


# --- The backoff -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("attempts", "seconds"),
    [(0, 0), (1, 5), (2, 10), (3, 20), (7, 320), (8, 600), (9, 600), (10**6, 600)],
)
def test_retries_wait_5_seconds_doubling_up_to_10_minutes(attempts: int, seconds: int) -> None:
    assert retry_delay(attempts) == timedelta(seconds=seconds)


DAY = timedelta(hours=24)


@pytest.mark.parametrize(
    ("attempts", "now", "expected"),
    [
        (1, NOW, NOW + timedelta(seconds=5)),
        (2, NOW + timedelta(seconds=5), NOW + timedelta(seconds=15)),
        (9, NOW + timedelta(hours=3), NOW + timedelta(hours=3, minutes=10)),
        (150, NOW + DAY - timedelta(minutes=1), NOW + DAY),  # the last try at the deadline
        (151, NOW + DAY, None),
        (152, NOW + DAY + timedelta(hours=1), None),
    ],
)
def test_a_notification_is_given_up_a_day_after_its_referral(
    attempts: int, now: datetime, expected: datetime | None
) -> None:
    assert retry_at(NOW, attempts, now, DAY) == expected


# --- What is sent ----------------------------------------------------------------------------

SUMMARY = "URGENT: red flag, told to return to the clinic today. Blurred vision. Day 4."


@pytest.mark.parametrize(
    ("detail", "text", "summary"),
    [
        (
            "level",
            "New urgent referral #12 from the aftercare chat. "
            "Open it in the staff view: https://staff.clinic.test/referrals/12",
            None,
        ),
        (
            "summary",
            f"New urgent referral #12 from the aftercare chat: {SUMMARY} "
            "Open it in the staff view: https://staff.clinic.test/referrals/12",
            SUMMARY,
        ),
    ],
)
def test_what_a_message_holds_at_each_detail(detail: str, text: str, summary: str | None) -> None:
    message = message_for(12, "urgent", SUMMARY, webhook_settings(9, detail=detail))
    body = {
        "referral": 12,
        "level": "urgent",
        "link": "https://staff.clinic.test/referrals/12",
        "text": text,
    }
    assert message.as_json() == body | ({"summary": summary} if summary else {})
    mail = message.as_email(email_settings(25, detail=detail))
    assert mail["Subject"] == "New urgent referral #12 from the aftercare chat"
    assert mail["To"] == "nurse@clinic.test, lead@clinic.test"
    assert mail["Auto-Submitted"] == "auto-generated"
    assert mail.get_content() == text + "\n"


@pytest.mark.parametrize(
    ("error", "text"),
    [
        (DeliveryFailed("the webhook answered HTTP 500"), "the webhook answered HTTP 500"),
        (TimeoutError(), "no answer in time"),
        (
            smtplib.SMTPResponseException(554, b"5.7.1 Relay denied"),
            "the SMTP server answered 554 5.7.1 Relay denied",
        ),
        (smtplib.SMTPRecipientsRefused({}), "the SMTP server refused every recipient"),
        (smtplib.SMTPServerDisconnected("closed"), "SMTP: closed"),
        (
            ConnectionRefusedError(111, "Connection refused"),
            "ConnectionRefusedError: Connection refused",
        ),
        (aiohttp.InvalidURL("https://hooks.example/SECRET-TOKEN"), "InvalidURL"),
        (ValueError("my vision is blurry"), "ValueError"),
        (DeliveryFailed("x" * 1000 + "\n"), "x" * notify.MAX_ERROR),
    ],
)
def test_why_a_send_failed_says_no_more_than_it_must(error: BaseException, text: str) -> None:
    assert failure_text(error) == text


# --- The outbox, on SQLite and PostgreSQL ----------------------------------------------------


def test_a_referral_is_stored_with_one_notification_per_channel(
    outbox: Callable[[Settings], Handover],
) -> None:
    store = outbox(replace(email_settings(25), webhook_url="http://127.0.0.1:9/hook"))
    urgent = refer(store, "anna", "urgent")
    routine = refer(store, "bob", "routine")
    rows = store.notifications()
    assert [(n.referral_id, n.channel, n.attempts) for n in rows] == [
        (urgent, "email", 0),
        (urgent, "webhook", 0),
    ]
    assert all(n.next_attempt_at == NOW and n.delivered_at is None for n in rows)
    assert store.notifications(routine) == []
    assert outbox(Settings()).notifications(refer(outbox(Settings()), "carol", "emergency")) == []


def test_bad_settings_lose_no_referral(
    store: Handover, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("NOTIFY_WEBHOOK_URL", "http://127.0.0.1:9/hook")
    monkeypatch.setenv("NOTIFY_DETAIL", "everything")
    with caplog.at_level(logging.ERROR):
        referral_id = refer(store, "anna", "emergency")  # as the action server does
    assert store.referral(referral_id) is not None
    assert store.notifications(referral_id) == []
    assert "stored without its notifications: notify: detail must be" in caplog.text


def test_the_configured_settings_are_read_by_the_store(
    store: Handover, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    path = tmp_path / "clinic.yml"
    path.write_text(
        f"name: Test Clinic\nnotify:\n  webhook_url: http://127.0.0.1:9/hook\n"
        f"  staff_url: {STAFF_URL}\n  levels: [routine]\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("AFTERCARE_CLINIC_CONFIG", str(path))
    assert store.notifications(refer(store, "anna", "urgent")) == []
    assert [n.channel for n in store.notifications(refer(store, "bob", "routine"))] == ["webhook"]


@pytest.mark.parametrize("how", ["erase", "erase_referrals", "erase_conversation", "retention"])
def test_erasing_a_referral_erases_its_notifications(
    outbox: Callable[[Settings], Handover], how: str
) -> None:
    store = outbox(webhook_settings(9))
    gone = refer(store, "anna", "urgent", now=NOW - timedelta(days=100))
    kept = refer(store, "bob", "urgent")
    if how == "retention":
        store.apply_retention(90, NOW)
    else:
        getattr(store, how)("anna")
    assert store.referral(gone) is None
    with store.engine.connect() as connection:
        left = connection.execute(sa.select(notifications.c.referral_id)).scalars().all()
    assert left == [kept]


def test_a_claimed_notification_is_not_claimed_again_before_its_lease_ends(
    outbox: Callable[[Settings], Handover],
) -> None:
    store = outbox(webhook_settings(9))
    first, second = refer(store, "anna"), refer(store, "bob", now=NOW + timedelta(seconds=1))
    assert store.claim_notifications(NOW - timedelta(seconds=1), until=NOW) == []  # not yet due
    lease = NOW + timedelta(minutes=1)
    claimed = store.claim_notifications(NOW + timedelta(seconds=1), until=lease, limit=1)
    assert [(n.referral_id, n.level, n.next_attempt_at) for n in claimed] == [
        (first, "urgent", lease)
    ]
    assert claimed[0].summary.startswith("URGENT")
    later = NOW + timedelta(seconds=2)
    assert [n.referral_id for n in store.claim_notifications(later, until=lease)] == [second]
    assert store.claim_notifications(later, until=lease) == []
    store.notification_delivered(claimed[0].id, now=later)  # never claimed again
    again = store.claim_notifications(lease, until=lease + DAY)
    assert [n.referral_id for n in again] == [second]  # its lease ended: due again
    assert store.claim_notifications(lease + DAY - timedelta(seconds=1), until=lease + DAY) == []


def test_two_claims_at_once_share_nothing(
    outbox: Callable[[Settings], Handover], database_url: str
) -> None:
    store = outbox(webhook_settings(9))
    ids = [refer(store, f"patient-{n}") for n in range(30)]
    other = Handover(sa.create_engine(database_url, future=True))  # another staff view
    barrier = threading.Barrier(2)
    claimed: list[list[int]] = []

    def claim(by: Handover) -> None:
        barrier.wait()
        found = by.claim_notifications(NOW, until=NOW + DAY, limit=20)
        claimed.append([n.referral_id for n in found])

    threads = [threading.Thread(target=claim, args=(s,)) for s in (store, other)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    other.engine.dispose()
    assert set(claimed[0]).isdisjoint(claimed[1])
    if store.engine.dialect.name == "postgresql":  # each skipped what the other held
        assert sorted(claimed[0] + claimed[1]) == ids
    else:  # the second found the first's taken when it came to write
        assert sorted(claimed[0] + claimed[1]) in (ids[:20], ids)


# --- Delivery --------------------------------------------------------------------------------


def serve(channel: str, port: int) -> contextlib.AbstractContextManager[Receiver | Mailbox]:
    return receiving(port) if channel == "webhook" else smtp_server(port)


def settings_for(channel: str, port: int, **changes: Any) -> Settings:
    return (webhook_settings if channel == "webhook" else email_settings)(port, **changes)


@pytest.mark.parametrize("detail", ["level", "summary"])
@pytest.mark.parametrize("channel", ["webhook", "email"])
async def test_a_notification_is_delivered_with_no_words_of_the_patient(
    outbox: Callable[[Settings], Handover], channel: str, detail: str
) -> None:
    port = free_port()
    settings = settings_for(channel, port, detail=detail)
    store = outbox(settings)
    referral_id = refer(store, "conversation-of-zoe", "emergency", patient_words=PATIENT_WORDS)
    store.save_callback(
        "conversation-of-zoe", name="Zoë O'Brien", phone="+447700900123", time="pm", now=NOW
    )
    with serve(channel, port) as box:
        assert await Notifier(store, settings).deliver_due(NOW) == 1
    [sent] = received(channel, box)
    assert f"New emergency referral #{referral_id}" in sent
    assert f"{STAFF_URL}/referrals/{referral_id}" in sent
    assert ("EMERGENCY: told to call the emergency number now" in sent) == (detail == "summary")
    for private in ("blurry", "Zoë", "O'Brien", "7700", "conversation-of-zoe"):
        assert private not in sent
    [row] = store.notifications(referral_id)
    assert (row.delivered_at, row.attempts, row.last_error) == (NOW, 1, None)


async def test_an_email_goes_to_every_address_from_the_clinic(
    outbox: Callable[[Settings], Handover],
) -> None:
    port = free_port()
    store = outbox(email_settings(port))
    referral_id = refer(store, "anna", "crisis")
    with smtp_server(port) as mailbox:
        await Notifier(store, email_settings(port)).deliver_due(NOW)
    [(recipients, message)] = mailbox.messages
    assert recipients == ["nurse@clinic.test", "lead@clinic.test"]
    assert message["From"] == "aftercare@clinic.test"
    assert message["Subject"] == f"New crisis referral #{referral_id} from the aftercare chat"


@pytest.mark.parametrize("channel", ["webhook", "email"])
async def test_a_receiver_down_is_retried_with_backoff_until_it_comes_up(
    outbox: Callable[[Settings], Handover], channel: str, caplog: pytest.LogCaptureFixture
) -> None:
    port = free_port()  # nothing listens there yet
    settings = settings_for(channel, port)
    store = outbox(settings)
    notifier = Notifier(store, settings)
    referral_id = refer(store, "anna", "urgent", patient_words=PATIENT_WORDS)
    with caplog.at_level(logging.INFO, logger="handover.notify"):
        assert await notifier.deliver_due(NOW) == 1
        [row] = store.notifications(referral_id)
        assert (row.attempts, row.next_attempt_at, row.delivered_at) == (
            1,
            NOW + timedelta(seconds=5),
            None,
        )
        assert row.last_error is not None and "refused" in row.last_error.lower()
        assert await notifier.deliver_due(NOW + timedelta(seconds=4)) == 0  # not yet
        assert await notifier.deliver_due(NOW + timedelta(seconds=5)) == 1
        [row] = store.notifications(referral_id)
        assert (row.attempts, row.next_attempt_at) == (2, NOW + timedelta(seconds=15))
        with serve(channel, port) as box:
            assert await notifier.deliver_due(NOW + timedelta(seconds=14)) == 0
            assert await notifier.deliver_due(NOW + timedelta(seconds=15)) == 1
            assert await notifier.deliver_due(NOW + DAY) == 0  # delivered: never again
        assert len(received(channel, box)) == 1
    [row] = store.notifications(referral_id)
    assert (row.attempts, row.delivered_at, row.last_error) == (
        3,
        NOW + timedelta(seconds=15),
        None,
    )
    logged = [(r.levelname, r.getMessage()) for r in caplog.records if r.name == notify.__name__]
    assert [level for level, _ in logged] == ["WARNING", "WARNING", "INFO"]
    assert "next attempt at 2026-11-24T10:00:05+00:00" in logged[0][1]
    assert "blurry" not in caplog.text


async def test_a_webhook_that_answers_no_is_retried_and_given_up_after_a_day(
    outbox: Callable[[Settings], Handover], caplog: pytest.LogCaptureFixture
) -> None:
    port = free_port()
    store = outbox(webhook_settings(port))
    notifier = Notifier(store, webhook_settings(port))
    referral_id = refer(store, "anna", "urgent")
    with receiving(port, status=500) as receiver, caplog.at_level(logging.WARNING):
        await notifier.deliver_due(NOW)
        [row] = store.notifications(referral_id)
        assert row.last_error == "the webhook answered HTTP 500"
        receiver.status = 302  # a redirect is not followed: not delivered
        await notifier.deliver_due(NOW + DAY - timedelta(seconds=1))
        [row] = store.notifications(referral_id)
        assert (row.last_error, row.next_attempt_at) == ("the webhook answered HTTP 302", NOW + DAY)
        await notifier.deliver_due(NOW + DAY)
        receiver.status = 204
        assert await notifier.deliver_due(NOW + 2 * DAY) == 0
    [row] = store.notifications(referral_id)
    assert (row.attempts, row.given_up_at, row.delivered_at) == (3, NOW + DAY, None)
    assert len(receiver.bodies) == 3
    last = [r for r in caplog.records if r.name == notify.__name__][-1]
    assert last.levelname == "ERROR" and "given up after 3 attempts" in last.getMessage()


async def test_a_channel_not_configured_in_the_staff_view_is_not_sent(
    outbox: Callable[[Settings], Handover],
) -> None:
    store = outbox(webhook_settings(9))
    referral_id = refer(store, "anna")
    await Notifier(store, Settings(staff_url=STAFF_URL)).deliver_due(NOW)
    [row] = store.notifications(referral_id)
    assert (row.attempts, row.last_error) == (1, "no webhook channel is configured here")


async def test_two_staff_views_on_postgresql_deliver_each_notification_once(
    postgres_url: str,
) -> None:
    port = free_port()
    settings = webhook_settings(port)
    first = Handover(engine_for(postgres_url), settings)
    with first.engine.begin() as connection:
        connection.execute(notifications.delete())
        connection.execute(referrals.delete())
    second = Handover(sa.create_engine(postgres_url, future=True), settings)
    ids = [refer(first, f"patient-{n}") for n in range(45)]
    with receiving(port) as receiver:
        for step in range(4):
            now = NOW + timedelta(seconds=step)
            await asyncio.gather(
                Notifier(first, settings).deliver_due(now),
                Notifier(second, settings).deliver_due(now),
            )
    second.engine.dispose()
    assert sorted(body["referral"] for body in receiver.bodies) == ids
    assert all(n.delivered_at is not None and n.attempts == 1 for n in first.notifications())


async def test_the_staff_view_delivers_a_new_referral_without_anyone_signed_in(
    outbox: Callable[[Settings], Handover],
) -> None:
    port = free_port()
    store = outbox(webhook_settings(port))
    with receiving(port) as receiver:
        async with TestClient(TestServer(staff.create_app(store))):
            referral_id = refer(store, "anna", "emergency", now=datetime.now(UTC))
            for _ in range(100):  # the live feed wakes the worker: at once, within 10 s
                if receiver.bodies:
                    break
                await asyncio.sleep(0.1)
    assert [body["referral"] for body in receiver.bodies] == [referral_id]


def test_the_staff_view_refuses_to_start_with_a_setting_that_cannot_work(tmp_path: Path) -> None:
    done = subprocess.run(
        [str(PYTHON), "-m", "handover.staff", "--port", str(free_port())],
        cwd=ROOT,
        env={
            "AFTERCARE_DATABASE_URL": f"sqlite:///{tmp_path / 'a.db'}",
            "NOTIFY_WEBHOOK_URL": "https://hooks.example/SECRET-TOKEN",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        "notify: staff_url must be the staff view's http:// or https:// address, as the nurse "
        "opens it (the link in each notification)"
    ]


def test_the_check_command_sends_a_test_on_each_channel(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    port = free_port()
    monkeypatch.setenv("NOTIFY_WEBHOOK_URL", f"http://127.0.0.1:{port}/hook")
    monkeypatch.setenv("NOTIFY_STAFF_URL", STAFF_URL)
    with receiving(port) as receiver:
        assert notify.main(["--send-test"]) == 0
    assert [body["text"] for body in receiver.bodies] == [
        "Test notification from the aftercare staff view: new referrals will reach you here. "
        f"The staff view: {STAFF_URL}/"
    ]
    assert capsys.readouterr().out.splitlines()[-1] == "webhook: sent"
    assert notify.main(["--send-test"]) == 1  # the receiver is down now
    assert "webhook: not sent: cannot connect to 127.0.0.1" in capsys.readouterr().err
    notify.load.cache_clear()
    monkeypatch.setenv("NOTIFY_DETAIL", "all")
    assert notify.main([]) == 2
    assert capsys.readouterr().err.strip() == (
        "python -m handover.notify: notify: detail must be one of level, summary, not 'all'"
    )
