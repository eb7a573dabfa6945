"""The action server down or frozen in the middle of a conversation, over REST.

The Rasa server must still answer every message: a red flag with "return to the clinic
today", an emergency sign with the emergency number, anything else with "I can't check that
right now, call the clinic" (components/failsafe_policy.py, responses in domain.yml, the clinic's
details from configuration through components/nlg.py). Once the action server is back, the
conversation goes on where it was.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from tests.support.faults import pause_actions, resume_actions
from tests.support.servers import servers_for_test_clinic
from tools.servers import Bot, Servers

pytestmark = pytest.mark.servers

TEST_PHONE = "+44 20 7946 0777"
UNAVAILABLE = "can't check that right now"
EMERGENCY_QUESTION = "Do you have any trouble breathing, swallowing or speaking"
RED_FLAG = "return to the clinic today"
_senders = itertools.count()


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    with servers_for_test_clinic(tmp_path_factory, "failsafe", TEST_PHONE) as running:
        yield running


@pytest.fixture
def servers_up(servers: Servers) -> Iterator[Servers]:
    """The servers, with the action server running again after the test whatever it did."""
    yield servers
    resume_actions(servers)
    if servers.actions is None or servers.actions.poll() is not None:
        servers.start_actions()


@pytest.fixture
def sender() -> str:
    return f"failsafe-{next(_senders)}"


def say(bot: Bot, sender: str, message: str) -> list[str]:
    """The bot's text replies to one message; there must be at least one."""
    replies = [reply["text"] for reply in bot.say(sender, message) if "text" in reply]
    assert replies, f"no reply to {message!r}"
    return replies


def user_texts(bot: Bot, sender: str) -> list[str]:
    events = bot.tracker(sender)["events"]
    return [e["text"] for e in events if e["event"] == "user"]


def test_with_the_action_server_down_every_message_gets_an_answer_then_the_form_goes_on(
    servers_up: Servers, sender: str
) -> None:
    bot = servers_up.bot
    assert EMERGENCY_QUESTION in say(bot, sender, "my eye is twitching")[-1]
    assert "When did you have your Botox" in say(bot, sender, "no")[-1]
    servers_up.stop_actions()

    reply = say(bot, sender, "5 days ago")
    assert UNAVAILABLE in reply[-1] and TEST_PHONE in reply[-1] and "112" in reply[-1]
    # In the form, every message goes through its (remote) validation first.
    assert UNAVAILABLE in say(bot, sender, "can I drink coffee?")[-1]
    tracker = bot.tracker(sender)
    assert tracker["slots"]["triage_level"] is None
    assert tracker["active_loop"]["name"] == "triage_form"

    servers_up.start_actions()
    assert "eyelid drooping" in say(bot, sender, "5 days ago")[-1]  # where it was
    assert bot.tracker(sender)["slots"]["treatment_date"] is not None
    assert user_texts(bot, sender).count("5 days ago") == 2


@pytest.mark.parametrize(
    "message",
    ["my vision has gone blurry", "my lid covers my eye and I can't open it"],
)
def test_a_red_flag_with_the_action_server_down_is_sent_back_to_the_clinic(
    servers_up: Servers, sender: str, message: str
) -> None:
    bot = servers_up.bot
    say(bot, sender, "my eye is twitching")
    servers_up.stop_actions()

    reply = say(bot, sender, message)[-1]
    assert RED_FLAG in reply and TEST_PHONE in reply and "https://clinic.test/book" in reply
    # The form is closed: nothing said later can turn this into "wait and see".
    assert bot.tracker(sender)["active_loop"] == {}

    servers_up.start_actions()
    said = say(bot, sender, "my vision is still blurry")
    assert RED_FLAG in said[0]
    assert bot.tracker(sender)["slots"]["triage_level"] == "urgent"


def test_yes_to_a_red_flag_question_with_the_action_server_down(
    servers_up: Servers, sender: str
) -> None:
    bot = servers_up.bot
    say(bot, sender, "my eye is twitching")
    say(bot, sender, "no")
    assert "eyelid drooping" in say(bot, sender, "5 days ago")[-1]
    servers_up.stop_actions()

    reply = say(bot, sender, "yes")[-1]
    assert RED_FLAG in reply and TEST_PHONE in reply


def test_an_emergency_sign_in_a_new_conversation_with_the_action_server_down(
    servers_up: Servers, sender: str
) -> None:
    bot = servers_up.bot
    servers_up.stop_actions()  # also no action_session_start: the clinic's details still show

    assert "Test Clinic" in say(bot, sender, "hello")[0]
    assert "coffee" in say(bot, sender, "can I drink coffee?")[0]  # needs no action
    reply = say(bot, sender, "I can't breathe properly since my injections")[0]
    assert reply.startswith("🚨 Call 112 now")
    assert TEST_PHONE in reply
    assert user_texts(bot, sender)[-1] == "I can't breathe properly since my injections"


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("I can't breathe properly since my botox", "🚨 Call 112 now"),
        ("my vision has been blurry since my botox", RED_FLAG),
    ],
)
def test_the_first_message_of_a_new_conversation_gets_the_fail_safe(
    servers_up: Servers, sender: str, message: str, expected: str
) -> None:
    bot = servers_up.bot
    servers_up.stop_actions()  # action_session_start fails too
    reply = say(bot, sender, message)[0]
    assert expected in reply and TEST_PHONE in reply
    assert user_texts(bot, sender) == [message]
    # The conversation goes on.
    assert "coffee" in say(bot, sender, "can I drink coffee?")[0]


@pytest.mark.parametrize(
    ("message", "expected"),
    [("hello", "Test Clinic's aftercare assistant"), ("can I drink coffee?", "coffee")],
)
def test_a_first_greeting_or_question_is_answered_as_usual_with_the_action_server_down(
    servers_up: Servers, sender: str, message: str, expected: str
) -> None:
    bot = servers_up.bot
    servers_up.stop_actions()  # action_session_start fails too
    [reply] = say(bot, sender, message)
    assert expected in reply and UNAVAILABLE not in reply


def test_a_frozen_action_server_gets_the_fail_safe_within_seconds(
    servers_up: Servers, sender: str
) -> None:
    bot = servers_up.bot
    say(bot, sender, "hello")
    pause_actions(servers_up)
    started = time.monotonic()
    reply = say(bot, sender, "my eye is twitching")[-1]
    waited = time.monotonic() - started
    assert UNAVAILABLE in reply
    assert waited < 10, f"the patient waited {waited:.1f} s"

    resume_actions(servers_up)
    assert EMERGENCY_QUESTION in say(bot, sender, "my eye is twitching")[-1]


# --- In the middle of the callback and of "delete my data" ------------------------------------


def referral_rows(servers: Servers, sender: str) -> list[dict[str, object]]:
    """The conversation's referrals, read from the database itself."""
    engine = sa.create_engine(servers.env["AFTERCARE_DATABASE_URL"])
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                sa.text(
                    "SELECT callback_name, callback_phone FROM referrals WHERE conversation_id = :c"
                ),
                {"c": sender},
            )
            return [dict(row._mapping) for row in rows]
    finally:
        engine.dispose()


def test_signs_in_the_middle_of_the_callback_with_the_action_server_down(
    servers_up: Servers, sender: str
) -> None:
    bot = servers_up.bot
    say(bot, sender, "my vision is blurry since my botox")
    assert "What name" in say(bot, sender, "yes")[-1]
    servers_up.stop_actions()

    reply = say(bot, sender, "Anna Smith")[-1]
    assert UNAVAILABLE in reply and TEST_PHONE in reply
    reply = say(bot, sender, "now my throat feels tight and I can't swallow")[-1]
    assert reply.startswith("🚨 Call 112 now")


def test_a_callback_confirmed_during_an_outage_is_passed_on_when_the_patient_says_yes(
    servers_up: Servers, sender: str
) -> None:
    bot = servers_up.bot
    say(bot, sender, "my vision is blurry since my botox")
    for answer in ("yes", "Anna Smith", "020 7946 0958", "any time"):
        said = say(bot, sender, answer)
    assert "Let me read that back" in said[-1]
    servers_up.stop_actions()

    reply = say(bot, sender, "yes")[-1]
    assert "couldn't pass your details on" in reply and TEST_PHONE in reply
    assert referral_rows(servers_up, sender) == [{"callback_name": None, "callback_phone": None}]

    servers_up.start_actions()
    assert "the clinic has your details" in say(bot, sender, "yes")[-1]
    assert referral_rows(servers_up, sender) == [
        {"callback_name": "Anna Smith", "callback_phone": "+442079460958"}
    ]


def test_a_deletion_confirmed_during_an_outage_is_carried_out_when_the_patient_says_yes(
    servers_up: Servers, sender: str
) -> None:
    bot = servers_up.bot
    say(bot, sender, "my vision is blurry since my botox")
    assert "Shall I delete it?" in say(bot, sender, "delete my data")[-1]
    servers_up.stop_actions()

    reply = say(bot, sender, "yes")[-1]
    assert "couldn't delete your data" in reply and "nothing has been deleted" in reply
    assert TEST_PHONE in reply
    assert len(referral_rows(servers_up, sender)) == 1  # told so: nothing done yet

    servers_up.start_actions()
    assert "Done: this conversation" in say(bot, sender, "yes")[-1]
    assert referral_rows(servers_up, sender) == []
    assert user_texts(bot, sender) == []


def test_a_deletion_that_failed_can_be_refused(servers_up: Servers, sender: str) -> None:
    bot = servers_up.bot
    say(bot, sender, "my vision is blurry since my botox")
    say(bot, sender, "delete my data")
    servers_up.stop_actions()
    assert "couldn't delete your data" in say(bot, sender, "yes")[-1]
    servers_up.start_actions()
    assert "nothing has been deleted" in say(bot, sender, "no")[-1]
    assert len(referral_rows(servers_up, sender)) == 1
