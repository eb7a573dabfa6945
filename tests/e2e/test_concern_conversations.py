"""A patient's safety over REST, with the real servers: a crisis, distress, the signs beyond
the article, the safety net, and the clinic closed (issues: crisis messages; the safety net).

Every crisis gets the help lines first, in a message of their own, wherever it is said: first,
in the middle of the check or of the callback questions, in a 20,000-character letter, with the
action server down. The clinic sees a crisis record without the patient's words, and no log
holds them.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import pytest

from handover.store import Handover, Referral, engine_for
from tests.e2e.test_failsafe_conversations import say
from tests.support.servers import servers_for_test_clinic
from tools.servers import Servers, running_bot

pytestmark = pytest.mark.servers

TEST_PHONE = "+44 20 7946 0321"
HELP_LINE = "116 123"
_senders = itertools.count()


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    with servers_for_test_clinic(tmp_path_factory, "concern", TEST_PHONE) as running:
        yield running


@pytest.fixture
def servers_up(servers: Servers) -> Iterator[Servers]:
    """The servers, with the action server running again after the test whatever it did."""
    yield servers
    if servers.actions is None or servers.actions.poll() is not None:
        servers.start_actions()


@pytest.fixture
def sender() -> str:
    return f"concern-{next(_senders)}"


def records(servers: Servers, sender: str) -> list[Referral]:
    return Handover(engine_for(servers.env["AFTERCARE_DATABASE_URL"])).for_conversation(sender)


def test_a_crisis_gets_the_help_lines_first_and_alone_and_the_clinic_is_told(
    servers_up: Servers, sender: str
) -> None:
    bot = servers_up.bot
    words = "my face looks so wrong since the botox, I can't face anyone, I want to end it all"
    first, *rest = say(bot, sender, words)
    assert HELP_LINE in first and "112" in first and TEST_PHONE in first
    assert "twitch" not in first.lower() and rest == []
    # What they ask next is answered as usual.
    assert "coffee" in say(bot, sender, "can I drink coffee?")[0].lower()
    [record] = records(servers_up, sender)
    assert (record.level, record.patient_words) == ("crisis", "")
    assert "end it all" not in record.summary + record.findings
    for log in servers_up.workdir.glob("*.log"):
        assert "end it all" not in log.read_text(encoding="utf-8", errors="replace")


def test_a_crisis_told_of_someone_else_gets_the_help_lines_in_words_for_them(
    servers_up: Servers, sender: str
) -> None:
    bot = servers_up.bot
    carer = "My daughter says she wants to hurt herself because of how her face looks now"
    [reply] = say(bot, sender, carer)
    assert HELP_LINE in reply and "If they are in immediate danger" in reply
    assert "you're feeling like this" not in reply
    # Then the writer's own: the reply speaks to them again.
    [own] = say(bot, sender, "honestly I want to end it all too")
    assert HELP_LINE in own and "you're feeling like this" in own
    assert [r.level for r in records(servers_up, sender)] == ["crisis"]


def test_a_crisis_with_a_sign_gets_the_help_lines_then_the_signs_advice(
    servers_up: Servers, sender: str
) -> None:
    replies = say(servers_up.bot, sender, "I want to end it all and I can't breathe properly")
    assert HELP_LINE in replies[0]
    assert replies[1].startswith("🚨 Call 112 now")


def test_a_crisis_in_the_middle_of_the_check_stops_it(servers_up: Servers, sender: str) -> None:
    bot = servers_up.bot
    say(bot, sender, "my eyelid keeps twitching, had the jabs about 10 days ago")
    replies = say(bot, sender, "honestly i want to kill myself")
    assert HELP_LINE in replies[0] and len(replies) == 1
    assert bot.tracker(sender)["active_loop"].get("name") is None


def test_a_crisis_in_the_callback_questions_then_the_question_again(
    servers_up: Servers, sender: str
) -> None:
    bot = servers_up.bot
    say(bot, sender, "my vision is blurry since yesterday")
    say(bot, sender, "yes")
    assert "phone number" in say(bot, sender, "Anna Smith")[-1]
    replies = say(bot, sender, "i can't go on like this")
    assert HELP_LINE in replies[0] and "phone number" in replies[-1]
    # Nothing given before is lost: the name is still there at the read-back.
    say(bot, sender, "020 7946 0958")
    assert "Anna Smith" in say(bot, sender, "any time")[-1]


def test_distress_is_acknowledged_and_asked_about_gently(servers_up: Servers, sender: str) -> None:
    bot = servers_up.bot
    [reply] = say(
        bot, sender, "I've been feeling really low and hopeless since my botox went wrong"
    )
    assert "thoughts of harming yourself" in reply and "dry" not in reply
    assert HELP_LINE in say(bot, sender, "yes")[0]


def test_distress_with_a_red_flag_is_acknowledged_then_the_red_flag_decides(
    servers_up: Servers, sender: str
) -> None:
    words = "I've been in tears every day, my eyelid droops so much I can't open my eye fully"
    first, *rest = say(servers_up.bot, sender, words)
    assert HELP_LINE in first and "?" not in first
    assert rest and rest[0].startswith("Please return to the clinic")


def test_a_figure_of_speech_gets_the_usual_answer(servers_up: Servers, sender: str) -> None:
    replies = say(servers_up.bot, sender, "this twitch is killing me, how long will it last?")
    assert not any(HELP_LINE in reply for reply in replies)
    assert "2 weeks" in replies[0] or "14 days" in replies[0]


def test_a_crisis_in_a_long_letter_is_read(servers_up: Servers, sender: str) -> None:
    story = "My brow has been a little uneven since the treatment and I keep checking it. " * 130
    letter = story[:9_000] + " I don't want to be here any more. " + story[9_000:]
    assert len(letter) > 10_000
    assert HELP_LINE in say(servers_up.bot, sender, letter[:20_000])[0]


def test_another_language_gets_the_emergency_number_and_the_help_line(
    servers_up: Servers, sender: str
) -> None:
    [reply] = say(servers_up.bot, sender, "我想结束这一切")
    assert "112" in reply and HELP_LINE in reply


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("I suddenly can't see anything out of my left eye since my botox", "Call 112 now"),
        ("I fainted twice this afternoon after my botox", "Call 112 now"),
        ("my heart is racing and I feel like I'm going to faint since the injections", "Call 112"),
        (
            "I had filler and botox today and the skin by my nose has gone white",
            "Call Test Clinic now",
        ),
        (
            "I've got a fever and the injection spot is hot, swollen and throbbing",
            "return to the clinic today",
        ),
    ],
)
def test_a_sign_beyond_the_article_gets_its_advice_first(
    servers_up: Servers, sender: str, message: str, expected: str
) -> None:
    assert expected in say(servers_up.bot, sender, message)[0]


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        # Written for the person who had the treatment: her signs are the report, and the
        # advice speaks of them.
        (
            "my wife had botox on monday and tonight her speech is slurred and she's "
            "struggling to swallow",
            "🚨 Call 112 for them now",
        ),
        (
            "My son (19) had his botox yesterday and now he can't open his left eye at all",
            "Please bring them back to the clinic today",
        ),
    ],
)
def test_a_carers_report_gets_the_same_levels(
    servers_up: Servers, sender: str, message: str, expected: str
) -> None:
    assert say(servers_up.bot, sender, message)[0].startswith(expected)


def test_a_general_question_about_a_sign_is_answered_not_sent_to_the_emergency_number(
    servers_up: Servers, sender: str
) -> None:
    [reply] = say(servers_up.bot, sender, "can botox make you slur your words?")
    assert reply.startswith("Rarely, yes") and "🚨" not in reply
    # The patient's own sign after it is a report like any other.
    assert say(servers_up.bot, sender, "mine are slurred since this morning")[0].startswith("🚨")


def test_not_covered_about_the_body_carries_the_safety_net(
    servers_up: Servers, sender: str
) -> None:
    bot = servers_up.bot
    replies = say(bot, sender, "I've had a headache since my botox, is that normal?")
    assert any("getting worse, call Test Clinic now" in " ".join(r.split()) for r in replies)
    replies = say(bot, f"{sender}-fly", "can I fly next week?")
    assert not any("112" in reply for reply in replies)


def test_with_the_action_server_down_a_crisis_still_gets_the_help_lines(
    servers_up: Servers, sender: str
) -> None:
    servers_up.stop_actions()
    # A first message (the session could not start), and one later in the conversation.
    assert HELP_LINE in say(servers_up.bot, sender, "I want to kill myself")[0]
    assert HELP_LINE in say(servers_up.bot, sender, "i cant go on any more")[0]


def test_when_the_clinic_is_closed_an_urgent_reply_says_what_to_do_until_it_opens(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    with running_bot(
        tmp_path_factory.mktemp("closed"), env={"CLINIC_OPENING_HOURS": "closed"}
    ) as closed:
        [reply, *_] = say(closed.bot, "closed-1", "my vision has been blurry since yesterday")
        reply = " ".join(reply.split())
        assert "is closed now" in reply and "call NHS 111 for advice now" in reply
        assert "999" in reply
