"""Notifications end to end: the real servers and staff view with the nurse's webhook down.

A patient's reply does not wait for the webhook, and the referral's notification is retried
by the staff view until the webhook is back. The pieces are in ``tests/unit/test_notify.py``.
"""

from __future__ import annotations

import json
import time

import pytest

from handover.store import Handover, engine_for
from tests.unit.test_notify import FIGURES, STAFF_URL, receiving
from tools.servers import free_port, running_bot

REPLY_WITHIN = 5.0
"""Seconds: the reply does not wait for the webhook's timeout (10 s here)."""


@pytest.mark.servers
def test_the_webhook_down_delays_no_patient_and_loses_no_referral(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    port = free_port()  # the webhook's receiver: down until the end
    env = {
        "NOTIFY_WEBHOOK_URL": f"http://127.0.0.1:{port}/hook",
        "NOTIFY_STAFF_URL": STAFF_URL,
        "NOTIFY_TIMEOUT_SECONDS": "10",
    }
    with running_bot(tmp_path_factory.mktemp("notify"), env=env) as servers:
        servers.start_staff()  # the worker runs in the staff view
        bot = servers.bot
        bot.say("warm-up", "hi")
        started = time.monotonic()
        replies = bot.say("notify-patient", "since my botox I can't breathe properly")
        seconds = time.monotonic() - started
        assert replies[0]["text"].startswith("🚨 Call 999 now")
        assert seconds < REPLY_WITHIN, seconds
        FIGURES.parent.mkdir(parents=True, exist_ok=True)
        FIGURES.write_text(
            json.dumps({"reply_seconds_with_the_webhook_down": round(seconds, 3)}) + "\n",
            encoding="utf-8",
        )
        store = Handover(engine_for(servers.env["AFTERCARE_DATABASE_URL"]))
        [referral] = store.for_conversation("notify-patient")
        assert referral.level == "emergency"
        [row] = store.notifications(referral.id)
        assert row.channel == "webhook"
        deadline = time.monotonic() + 30
        while not row.attempts and time.monotonic() < deadline:  # the staff view tries
            time.sleep(0.2)
            [row] = store.notifications(referral.id)
        assert row.attempts >= 1 and row.delivered_at is None
        assert row.last_error is not None and "cannot connect" in row.last_error
        with receiving(port) as receiver:
            deadline = time.monotonic() + 60  # the next retry, 5 s to 20 s later
            while not receiver.bodies and time.monotonic() < deadline:
                time.sleep(0.2)
        assert [(body["referral"], body["level"]) for body in receiver.bodies] == [
            (referral.id, "emergency")
        ]
        assert receiver.bodies[0]["link"] == f"{STAFF_URL}/referrals/{referral.id}"
        assert "breathe" not in json.dumps(receiver.bodies)
        log = (servers.workdir / "staff.log").read_text(encoding="utf-8")
    assert "Notifications to the nurse on duty: webhook to 127.0.0.1, for emergency" in log
    assert "(Connection refused)); next attempt at" in log
    assert f"Notification {row.id} (webhook, referral {referral.id}) delivered" in log
    assert "/hook" not in log and "breathe" not in log
