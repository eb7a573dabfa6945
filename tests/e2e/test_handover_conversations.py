"""The hand-over in whole conversations over REST, with the real servers, on both databases.

The servers start once per database: an SQLite file of their own, and a throwaway database on
the PostgreSQL server. Conversations and referrals share it (``AFTERCARE_DATABASE_URL``).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import pytest
import requests
import sqlalchemy as sa

from handover.store import Handover, Referral
from tests.support.servers import servers_on_database
from tests.support.staff import sign_in, staff_account
from tools.servers import Bot, Servers

pytestmark = pytest.mark.servers

SCREENING_NO = ["no", "no", "no", "no"]
_senders = itertools.count()


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def servers(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Servers]:
    with servers_on_database(request, tmp_path_factory, "handover") as running:
        yield running


@pytest.fixture
def bot(servers: Servers) -> Bot:
    return servers.bot


@pytest.fixture
def handover(servers: Servers) -> Iterator[Handover]:
    engine = sa.create_engine(servers.env["AFTERCARE_DATABASE_URL"])
    yield Handover(engine)
    engine.dispose()


@pytest.fixture
def sender(servers: Servers) -> str:
    return f"handover-{next(_senders)}"


def talk(bot: Bot, sender: str, *messages: str) -> list[str]:
    said: list[str] = []
    for message in messages:
        replies = [r["text"] for r in bot.say(sender, message) if "text" in r]
        assert replies, f"no reply to {message!r}"
        said += replies
    return said


def only_referral(handover: Handover, sender: str) -> Referral:
    found = handover.for_conversation(sender)
    assert len(found) == 1, found
    return found[0]


def test_a_red_flag_writes_a_referral_a_nurse_can_read(
    bot: Bot, handover: Handover, sender: str
) -> None:
    said = talk(bot, sender, "my vision is blurry since my botox")
    assert "call you back" in said[-1]
    referral = only_referral(handover, sender)
    assert referral.level == "urgent" and referral.reasons == ["blurred_vision"]
    assert "my vision is blurry" in referral.patient_words
    assert referral.summary == (
        "URGENT: red flag, told to return to the clinic today. Blurred vision. "
        "Treatment date unknown."
    )
    assert referral.callback_phone is None


def test_a_date_given_with_a_red_flag_goes_on_the_record(
    bot: Bot, handover: Handover, sender: str
) -> None:
    talk(bot, sender, "I had botox 4 days ago and now I have double vision")
    referral = only_referral(handover, sender)
    assert referral.level == "urgent" and referral.days_since_treatment == 4
    assert referral.summary.endswith("Double vision. Day 4 after treatment.")


def test_a_consented_callback_stores_normalised_details(
    bot: Bot, handover: Handover, sender: str
) -> None:
    talk(bot, sender, "my vision is blurry since my botox")
    said = talk(bot, sender, "yes", "Zoë O'Brien", "0207-946-0958", "after 4pm")
    assert "Zoë O'Brien, on +44 20 7946 0958, after 4pm" in said[-1]
    assert only_referral(handover, sender).callback_phone is None  # not before the read-back
    said = talk(bot, sender, "yes")
    assert "the clinic has your details" in said[-1]
    referral = only_referral(handover, sender)
    assert (referral.callback_name, referral.callback_phone, referral.callback_time) == (
        "Zoë O'Brien",
        "+442079460958",
        "after 4pm",
    )


def test_bad_contact_details_are_asked_again_and_nothing_is_stored_unconfirmed(
    bot: Bot, handover: Handover, sender: str
) -> None:
    talk(bot, sender, "I had botox 16 days ago and the twitching is not getting better")
    talk(bot, sender, *SCREENING_NO)
    assert only_referral(handover, sender).level == "routine"
    assert "What name" in talk(bot, sender, "yes")[-1]
    said = talk(bot, sender, "x" * 10_000)
    assert "couldn't take that as a name" in said[0]
    said = talk(bot, sender, "Robert'); DROP TABLE referrals;--")
    assert "couldn't take that as a name" in said[0]
    assert "Which phone number" in talk(bot, sender, "Anna")[-1]
    said = talk(bot, sender, "call me maybe")
    assert "doesn't look like a phone number" in said[0]
    said = talk(bot, sender, "12")
    assert "doesn't look like a phone number" in said[0]
    said = talk(bot, sender, "+44 20 7946 0958", "any time", "no")
    print("SAID", said)
    assert "haven't kept any contact details" in said[-1]
    assert only_referral(handover, sender).callback_phone is None
    slots = bot.tracker(sender)["slots"]
    assert slots["callback_name"] is None and slots["callback_phone"] is None


@pytest.mark.parametrize("refusal", [["no"], ["yes", "Anna", "stop"]], ids=["no", "stop"])
def test_a_refused_or_abandoned_callback_stores_nothing(
    bot: Bot, handover: Handover, sender: str, refusal: list[str]
) -> None:
    talk(bot, sender, "my eyelid droops so I can't open my eye fully")
    said = talk(bot, sender, *refusal)
    assert "haven't kept any contact details" in said[-1]
    assert only_referral(handover, sender).callback_phone is None
    assert bot.tracker(sender)["slots"]["callback_name"] is None


WHEN_SAFE = "When you are safe, would you like the clinic to call you?"


def test_an_emergency_is_recorded_and_a_callback_offered_when_safe(
    bot: Bot, handover: Handover, sender: str
) -> None:
    replies = [r for r in bot.say(sender, "since my botox I can't breathe properly") if "text" in r]
    # The advice first and alone in its message, then the offer with its buttons.
    assert len(replies) == 2 and replies[0]["text"].startswith("🚨 Call 999 now.")
    assert "call you" not in replies[0]["text"] and "buttons" not in replies[0]
    assert replies[1]["text"] == WHEN_SAFE
    assert [b["payload"] for b in replies[1]["buttons"]] == ["/affirm", "/deny"]
    assert only_referral(handover, sender).level == "emergency"
    # A yes goes to the callback form, and the details reach the emergency referral.
    said = talk(bot, sender, "/affirm", "Anna Smith", "07911 123456", "this evening")
    assert "Anna Smith, on +44 7911 123456, this evening" in said[-1]
    assert "the clinic has your details" in talk(bot, sender, "yes")[-1]
    referral = only_referral(handover, sender)
    assert (referral.level, referral.callback_phone) == ("emergency", "+447911123456")
    assert referral.callback_status == "confirmed"


@pytest.mark.parametrize(
    ("message", "level", "told"),
    [
        ("since my botox I can't breathe properly", "emergency", "call 999 now"),
        ("my vision is blurry since my botox", "urgent", "whenever you like"),
    ],
)
def test_a_declined_callback_tells_how_to_reach_the_clinic_and_the_nurse_sees_declined(
    servers: Servers, handover: Handover, sender: str, message: str, level: str, told: str
) -> None:
    bot = servers.bot
    talk(bot, sender, message)
    said = talk(bot, sender, "/deny")
    assert "haven't kept any contact details" in said[-1] and told in said[-1]
    assert "+44 20 7946 0000" in said[-1]  # the clinic's number, from clinic.yml
    referral = only_referral(handover, sender)
    assert (referral.level, referral.callback_status) == (level, "declined")
    # The nurse's view, from the staff server on the same database.
    url = servers.staff_url or servers.start_staff()
    staff_account(handover, "Nurse Joy")
    nurse = requests.Session()
    sign_in(nurse, url, "Nurse Joy")
    page = nurse.get(url, timeout=30).text
    row = next(part for part in page.split("<tr") if f'/referrals/{referral.id}"' in part)
    assert "Declined: the patient chose not to be called" in row
    assert sender not in row  # not a bare conversation id


@pytest.mark.parametrize(
    ("answers", "sign", "expected"),
    [
        (["yes"], "I can't breathe properly and my throat feels tight", ("🚨 Call", "emergency")),
        (
            ["yes", "Anna Smith"],
            "now I'm seeing double as well",
            ("return to the clinic", "urgent"),
        ),
    ],
    ids=["emergency-for-a-name", "red-flag-for-a-phone"],
)
def test_a_sign_typed_in_the_callback_form_is_answered_not_taken_as_a_detail(
    bot: Bot,
    handover: Handover,
    sender: str,
    answers: list[str],
    sign: str,
    expected: tuple[str, str],
) -> None:
    talk(bot, sender, "my eyelid droops so I can't open my eye fully", *answers)
    said = talk(bot, sender, sign)
    assert expected[0] in said[0], said
    tracker = bot.tracker(sender)
    assert tracker["active_loop"] == {} or tracker["active_loop"].get("name") is None
    assert tracker["slots"]["callback_name"] is None
    assert tracker["slots"]["triage_level"] == expected[1]
    assert [r.level for r in handover.for_conversation(sender)].count(expected[1]) >= 1
    assert "Anna" not in str(tracker["events"])  # the name given so far is not kept
    # The conversation goes on.
    assert any("coffee" in text for text in talk(bot, sender, "can I drink coffee?"))


def test_self_care_writes_no_referral(bot: Bot, handover: Handover, sender: str) -> None:
    talk(bot, sender, "my eye is twitching", "5 days ago", *SCREENING_NO)
    assert bot.tracker(sender)["slots"]["triage_level"] == "self_care"
    assert handover.for_conversation(sender) == []


def test_delete_my_data_erases_the_conversation_and_its_referral(
    bot: Bot, handover: Handover, sender: str
) -> None:
    talk(bot, sender, "my vision is blurry since my botox", "no")
    assert handover.for_conversation(sender) and handover.transcript(sender)
    said = talk(bot, sender, "please delete my data")
    assert "Shall I delete it?" in said[-1]
    said = talk(bot, sender, "yes")
    assert "deleted" in said[-1]
    assert handover.for_conversation(sender) == [] and handover.transcript(sender) == []
    said = talk(bot, sender, "can I drink coffee?")
    assert any("coffee" in text for text in said)
    user_said = [e["text"] for e in bot.tracker(sender)["events"] if e["event"] == "user"]
    assert user_said == ["can I drink coffee?"]


def test_delete_my_data_can_be_called_off(bot: Bot, handover: Handover, sender: str) -> None:
    talk(bot, sender, "my vision is blurry since my botox", "no", "delete my data")
    said = talk(bot, sender, "no")
    assert "nothing has been deleted" in said[-1]
    assert handover.for_conversation(sender) != []


def test_delete_my_data_can_be_called_off_while_a_callback_is_offered(
    bot: Bot, handover: Handover, sender: str
) -> None:
    assert "call you back" in talk(bot, sender, "my vision is blurry since my botox")[-1]
    talk(bot, sender, "delete my data")
    assert "nothing has been deleted" in talk(bot, sender, "no")[-1]
    assert handover.for_conversation(sender) != []


def test_a_restart_in_the_middle_of_the_callback_loses_nothing(
    servers: Servers, handover: Handover, sender: str
) -> None:
    talk(servers.bot, sender, "my vision is blurry since my botox", "yes", "Anna Smith")
    servers.stop_rasa()
    servers.stop_actions()
    servers.start_actions()
    servers.start_rasa()
    said = talk(servers.bot, sender, "020 7946 0958", "tomorrow morning")
    assert "Anna Smith, on +44 20 7946 0958, tomorrow morning" in said[-1]
    talk(servers.bot, sender, "yes")
    referral = only_referral(handover, sender)
    assert (referral.callback_name, referral.callback_phone) == ("Anna Smith", "+442079460958")
