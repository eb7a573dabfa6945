"""Whole conversations over REST, against the real Rasa server and action server.

The servers start once for this module, on free ports, with their own SQLite conversation
store (tools/servers.py). They need the trained model: `make test` trains it first.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.support.servers import servers_for_test_clinic
from tools.servers import Bot, Servers

pytestmark = pytest.mark.servers

TEST_PHONE = "+44 20 7946 0999"
SCREENING_NO = ["no", "no", "no", "no"]
EMERGENCY_QUESTION = "Do you have any trouble breathing, swallowing or speaking"
THEIR_EMERGENCY_QUESTION = "Do they have any trouble breathing, swallowing or speaking"
_senders = itertools.count()


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    with servers_for_test_clinic(tmp_path_factory, "servers", TEST_PHONE) as running:
        yield running


@pytest.fixture
def bot(servers: Servers) -> Bot:
    return servers.bot


@pytest.fixture
def sender() -> str:
    return f"patient-{next(_senders)}"


def texts(replies: list[dict]) -> list[str]:
    """The text replies (an urgent or emergency reply also sends a custom payload)."""
    return [reply["text"] for reply in replies if "text" in reply]


def talk(bot: Bot, sender: str, *messages: str) -> list[str]:
    """Sends the messages in turn; returns everything the bot said, in order."""
    said: list[str] = []
    for message in messages:
        replies = texts(bot.say(sender, message))
        assert replies, f"no reply to {message!r}"
        said += replies
    return said


def level(bot: Bot, sender: str) -> str | None:
    return bot.tracker(sender)["slots"]["triage_level"]


def test_blurred_vision_is_urgent_with_the_clinics_phone_and_booking_link(
    bot: Bot, sender: str
) -> None:
    said = talk(bot, sender, "my vision is blurry since my botox")
    assert level(bot, sender) == "urgent"
    assert "return to the clinic today" in said[-2]
    assert TEST_PHONE in said[-2] and "https://clinic.test/book" in said[-2]
    assert "call you back" in said[-1]
    assert bot.tracker(sender)["slots"]["triage_reasons"] == ["blurred_vision"]


WHEN_SAFE = "When you are safe, would you like the clinic to call you?"


def test_an_emergency_sign_gives_the_emergency_number_first(bot: Bot, sender: str) -> None:
    talk(bot, sender, "hi")
    replies = bot.say(sender, "I had botox yesterday and now I can't breathe properly")
    assert level(bot, sender) == "emergency"
    # The advice alone in its message, then the callback offered for when the patient is safe.
    assert texts(replies)[-2].startswith("🚨 Call 112 now")
    assert texts(replies)[-1] == WHEN_SAFE
    # The widget shows this reply as an alarm: the level comes as data, not from the wording.
    assert replies[-2]["custom"] == {"data": {"urgency": "emergency"}}


def test_a_twitch_on_day_5_is_self_care_until_day_14(bot: Bot, sender: str) -> None:
    said = talk(bot, sender, "my eye is twitching", "5 days ago", *SCREENING_NO)
    assert level(bot, sender) == "self_care"
    today = datetime.now(ZoneInfo("Europe/London")).date()
    review = (today - timedelta(days=5) + timedelta(days=14)).strftime("%A %-d %B")
    assert review in said[-2]
    assert any("coffee and strong tea for 3 to 5 days" in s for s in said[-2:])
    slots = bot.tracker(sender)["slots"]
    assert slots["symptoms"] == ["twitching"] and slots["days_since_treatment"] == 5


def test_not_improving_at_day_16_is_routine(bot: Bot, sender: str) -> None:
    said = talk(
        bot,
        sender,
        "I had botox 16 days ago and the twitching is not getting better",
        *SCREENING_NO,
    )
    assert level(bot, sender) == "routine"
    assert "16 days since your treatment" in said[-2]
    assert TEST_PHONE in said[-2]


def test_improving_at_day_15_is_self_care(bot: Bot, sender: str) -> None:
    said = talk(bot, sender, "my eyelid is a bit droopy", "no", "15 days ago")
    assert said[-1] == "Is it getting better?"
    talk(bot, sender, "yes", "no", "no", "no")
    assert level(bot, sender) == "self_care"


def test_a_date_and_a_trend_told_instead_of_a_yes_or_no_are_kept_never_an_emergency(
    bot: Bot, sender: str
) -> None:
    # Issue 25: this conversation about a bruise once ended in "call 999".
    talk(bot, sender, "how long does bruising last after botox?")
    said = talk(bot, sender, "I had my botox 16 days ago")
    assert "noted that your treatment was on" in said[0]
    assert EMERGENCY_QUESTION in said[-1]
    said = talk(bot, sender, "it's still there")
    assert "isn't getting better" in said[0]
    assert EMERGENCY_QUESTION in said[-1]
    talk(bot, sender, *SCREENING_NO)
    assert level(bot, sender) == "routine"
    slots = bot.tracker(sender)["slots"]
    assert slots["days_since_treatment"] == 16 and slots["improving"] is False


def test_an_answer_in_words_of_its_own_is_read_as_the_answer(bot: Bot, sender: str) -> None:
    # Fresh blind set 25: "meh. same" met the distress reply, and "they open fine" the
    # clinic's phone number, again and again, with no decision.
    talk(bot, sender, "my eyes have felt gritty and dry since the botox", "no", "20 days ago")
    said = talk(bot, sender, "meh. same")
    assert "feeling" not in " ".join(said).lower()  # no distress reply
    talk(bot, sender, "both lids open normally", "nope", "nope")
    assert level(bot, sender) == "routine"
    assert bot.tracker(sender)["slots"]["improving"] is False


def test_a_carers_long_post_about_the_person_treated_starts_the_check(
    bot: Bot, sender: str
) -> None:
    said = talk(
        bot,
        sender,
        "Writing for my husband (58). He had his forehead done about three weeks ago and his "
        "left cheek has felt numb ever since. He is too embarrassed to message himself.",
    )
    assert THEIR_EMERGENCY_QUESTION in said[-1]  # in words for the carer
    talk(bot, sender, "no", "3 weeks ago", "no better", *SCREENING_NO[:3])
    assert level(bot, sender) == "routine"


def test_a_general_question_in_other_words_is_no_emergency(bot: Bot, sender: str) -> None:
    said = talk(bot, sender, "is possible that botox make you blind? I have only a little twitch")
    assert said[0].startswith("Rarely, yes.")  # the warning signs, and what to do
    assert not any(line.startswith("🚨") for line in said)
    assert EMERGENCY_QUESTION in said[-1]  # the check, for the twitch
    assert level(bot, sender) is None


WHOSE = "Is this about you, or someone who had the treatment?"


def test_someone_closes_sign_is_asked_about_then_weighed(bot: Bot, sender: str) -> None:
    said = talk(bot, sender, "my sister can't keep her eyelid up, it covers half her eye")
    assert said[-1] == WHOSE
    said = talk(bot, sender, "my sister, she had it on Monday")
    assert level(bot, sender) == "urgent"
    assert "bring them back to the clinic today" in said[-2]  # in words for the carer


def test_a_carers_report_is_checked_and_advised_in_words_for_them(bot: Bot, sender: str) -> None:
    said = talk(bot, sender, "my husband had his crow's feet done and his eye keeps twitching")
    assert said[-1].startswith(THEIR_EMERGENCY_QUESTION)
    said = talk(bot, sender, "no", "about 3 weeks ago")
    assert said[-1] == "Is it getting better?"
    said = talk(bot, sender, "no", "no, he can open it fine")
    assert said[-1] == "Is their vision blurred, or are they seeing double?"
    said = talk(bot, sender, "no", "no")
    assert level(bot, sender) == "routine"
    assert "since their treatment" in said[-2] or "since their treatment" in said[-1]


def test_a_carers_emergency_says_call_for_them(bot: Bot, sender: str) -> None:
    said = talk(bot, sender, "my wife had botox on Monday and now she can't swallow properly")
    assert level(bot, sender) == "emergency"
    assert any(line.startswith("🚨 Call") and "for them now" in line for line in said)


def test_whose_it_is_answered_with_the_button_for_someone_treated(bot: Bot, sender: str) -> None:
    talk(bot, sender, "my mum's eyelid is really low, it covers half her eye")
    said = talk(bot, sender, '/affirm{"for_someone_treated": true}')
    assert level(bot, sender) == "urgent"
    assert "bring them back to the clinic today" in said[-2]


def test_someone_who_had_no_treatment_gets_the_nhs_not_the_clinic(bot: Bot, sender: str) -> None:
    said = talk(bot, sender, "my husband is seeing two of everything since this morning")
    assert said[-1] == WHOSE
    said = talk(bot, sender, "he didn't have any treatment, just wondering")
    assert "NHS" in said[-1] and level(bot, sender) is None


HAPPENING = "Is this happening to you now?"


def test_a_question_that_says_nothing_of_whose_asks_whether_it_is_happening(
    bot: Bot, sender: str
) -> None:
    said = talk(bot, sender, "is drooping normal?")
    assert "droop" in said[0] and said[-1] == HAPPENING
    said = talk(bot, sender, "no, I'm just asking")
    assert "If it does happen" in said[-1]
    slots = bot.tracker(sender)["slots"]
    assert slots["symptoms"] is None and slots["triage_level"] is None
    # Later, a symptom of the patient's own starts the check as usual.
    said = talk(bot, sender, "my eye is twitching")
    assert said[-1].startswith(EMERGENCY_QUESTION)


def test_yes_it_is_happening_goes_on_with_the_check(bot: Bot, sender: str) -> None:
    said = talk(bot, sender, "how long does swelling last after botox?", "yes it is")
    assert said[-1].startswith(EMERGENCY_QUESTION)
    talk(bot, sender, "no", "3 days ago", "no", "no", "no")
    assert level(bot, sender) == "self_care"


def test_a_red_flag_in_the_middle_of_the_form_ends_it(bot: Bot, sender: str) -> None:
    talk(bot, sender, "my eyelid keeps twitching", "a week ago", "no")
    said = talk(bot, sender, "actually my vision has gone blurry")
    assert level(bot, sender) == "urgent"
    assert "return to the clinic today" in said[-2]


def test_a_denied_red_flag_is_not_asked_again(bot: Bot, sender: str) -> None:
    said = talk(bot, sender, "no blurred vision, just a twitch", "5 days ago", "no", "no", "no")
    assert not any("Is your vision blurred" in s for s in said)
    assert level(bot, sender) == "self_care"


def test_a_red_flag_inside_a_question_is_triaged(bot: Bot, sender: str) -> None:
    talk(bot, sender, "is blurry vision normal after botox?")
    assert level(bot, sender) == "urgent"


def test_an_article_question_gets_the_articles_answer(bot: Bot, sender: str) -> None:
    said = talk(bot, sender, "can I drink coffee?")
    assert "3 to 5 days" in said[-1]
    # A twitch of the patient's own: the article's answer, then the check, emergency first.
    said = talk(bot, sender, "why is my eyelid twitching after botox?")
    assert "3 to 7 days" in said[-2]
    assert said[-1].startswith(EMERGENCY_QUESTION)
    assert level(bot, sender) is None


def test_a_question_in_the_middle_of_the_form_is_answered_then_the_form_goes_on(
    bot: Bot, sender: str
) -> None:
    talk(bot, sender, "my eye is twitching")
    said = talk(bot, sender, "should I massage it?")
    assert "massage" in said[0]
    assert said[-1].startswith(EMERGENCY_QUESTION)
    talk(bot, sender, "no", "4 days ago", "no", "no", "no")
    assert level(bot, sender) == "self_care"


def test_a_patient_can_ask_for_a_person(bot: Bot, sender: str) -> None:
    said = talk(bot, sender, "can I speak to a human?")
    assert TEST_PHONE in said[-1]


def test_a_patient_can_stop_the_check(bot: Bot, sender: str) -> None:
    talk(bot, sender, "my eye is twitching")
    said = talk(bot, sender, "stop")
    assert "stopped the symptom check" in said[-1]
    said = talk(bot, sender, "can I drink coffee?")
    assert "3 to 5 days" in said[-1]


@pytest.mark.parametrize(
    "message",
    [
        "",
        "   ",
        "x" * 10_000,
        "🙂🙂🙂",
        "hola, tengo un problema con mi ojo",
        "我的眼睛在跳",
        "<script>alert(1)</script>",
    ],
    ids=["empty", "blank", "10k", "emoji", "spanish", "chinese", "html"],
)
def test_bad_input_gets_a_clear_answer_and_the_conversation_goes_on(
    bot: Bot, sender: str, message: str
) -> None:
    said = talk(bot, sender, message)
    assert all(s.strip() for s in said)
    # The next question is answered (then, if a symptom check began, its question is re-asked).
    said = talk(bot, sender, "can I drink coffee?")
    assert any("3 to 5 days" in s for s in said)


def test_an_unknown_date_is_asked_once_more_then_the_safe_advice(bot: Bot, sender: str) -> None:
    said = talk(bot, sender, "my eye is twitching", "no", "400 days ago")
    assert "more than a year ago" in said[-2]
    said = talk(bot, sender, "I don't remember")
    assert "more than 2 weeks" in said[0]
    talk(bot, sender, "no", "no", "no")
    slots = bot.tracker(sender)["slots"]
    assert slots["triage_level"] == "self_care"
    assert slots["triage_reasons"] == ["treatment_date_unknown"]


def test_tomorrow_is_not_a_treatment_date(bot: Bot, sender: str) -> None:
    said = talk(bot, sender, "my eye is twitching", "no", "tomorrow")
    assert "in the future" in said[-2]


def test_every_message_a_patient_sent_is_kept(bot: Bot, sender: str) -> None:
    messages = ["hello", "my eye is twitching", "🙂", "5 days ago", "x" * 10_000]
    talk(bot, sender, *messages)
    kept = [e["text"] for e in bot.tracker(sender)["events"] if e["event"] == "user"]
    assert kept == messages


def test_a_restart_of_both_servers_loses_nothing(servers: Servers, sender: str) -> None:
    talk(servers.bot, sender, "my eye is twitching", "no", "5 days ago", "no")
    servers.stop_rasa()
    servers.stop_actions()
    servers.start_actions()
    servers.start_rasa()
    said = talk(servers.bot, sender, "no")
    assert said[-1] == "Is there pain or redness at an injection site that isn't going away?"
    talk(servers.bot, sender, "no")
    assert level(servers.bot, sender) == "self_care"


@pytest.mark.parametrize("at", [100, 6_000, 19_800], ids=["head", "middle", "tail"])
def test_an_emergency_in_a_20000_character_letter_gets_the_emergency_number(
    bot: Bot, sender: str, at: int
) -> None:
    # The channel screens a letter this long in pieces, and hands the screening to the NLU.
    story = ("We went to the seaside at the weekend and the weather was lovely. " * 400)[:20_000]
    letter = f"{story[:at]} Since my botox I can't breathe properly. {story[at:]}"
    assert texts(bot.say(sender, letter))[-2:][0].startswith("🚨 Call 112 now")
    assert level(bot, sender) == "emergency"


@pytest.mark.parametrize("padding", [0, 200], ids=["short", "long"])
def test_a_screening_sent_by_the_client_is_not_believed(
    bot: Bot, sender: str, padding: int
) -> None:
    forged = [{"entity": "denied_symptom", "value": "breathing_difficulty", "start": 0, "end": 1}]
    message = "I can't breathe properly since my botox. " + "All else is well. " * padding
    replies = bot.say(sender, message, metadata={"aftercare_screening": forged, "page": "faq"})
    assert texts(replies)[-2].startswith("🚨 Call 112 now")
    # What the channel handed Rasa: none of the client's metadata (issue 23: it filled the
    # disk), its screening least of all.
    stored = [e["metadata"] for e in bot.tracker(sender)["events"] if e["event"] == "user"][-1]
    assert "page" not in stored
    assert forged != stored.get("aftercare_screening")
    if padding:  # the channel's own screening of the long letter
        assert {"entity": "symptom", "value": "breathing_difficulty"}.items() <= next(
            e for e in stored["aftercare_screening"] if e["entity"] == "symptom"
        ).items()
    else:
        assert "aftercare_screening" not in stored


def test_a_symptom_told_after_an_answer_starts_the_check_though_unplaced(
    bot: Bot, sender: str
) -> None:
    # The classifier cannot place the follow-up: the check asks, never "I didn't understand".
    talk(bot, sender, "can I drink coffee after botox?")
    said = talk(bot, sender, "left brow dropped and doesn't move")
    assert not any(line.startswith("Sorry, I didn't understand") for line in said)
    assert EMERGENCY_QUESTION in said[-1]


def test_an_answer_in_words_of_its_own_is_read_not_asked_again(bot: Bot, sender: str) -> None:
    talk(bot, sender, "my forehead feels heavy since my botox", "no", "4 days ago")
    said = talk(bot, sender, "it feels heavy but it opens fine")
    assert said[-1] == "Is your vision blurred, or are you seeing double?"
    talk(bot, sender, "no", "no")
    assert level(bot, sender) == "self_care"


def test_a_headache_heard_as_distress_is_still_checked(bot: Bot, sender: str) -> None:
    said = talk(bot, sender, "I had botox a week ago and I've had a horrible headache ever since.")
    assert EMERGENCY_QUESTION in said[-1]


def test_a_smile_that_wont_lift_meets_the_two_week_rule(bot: Bot, sender: str) -> None:
    said = talk(
        bot,
        sender,
        "Can botox in my crow's feet affect my cheeks? I had it done 5 weeks ago and my smile "
        "looks lopsided, the right side doesn't lift as high as it used to",
    )
    assert not any(line.startswith("🚨") for line in said)
    talk(bot, sender, "no", "no, it's the same", *SCREENING_NO[:3])
    assert level(bot, sender) == "routine"


def test_a_sore_spot_that_is_settling_answers_the_injection_site_question(
    bot: Bot, sender: str
) -> None:
    # Set 31: "it was sore but it's settling" was kept as a trend and the question asked
    # again, for ever. Pain that is going away is no "pain that isn't going away".
    talk(bot, sender, "my eyelid has been twitching since my botox", "no", "4 days ago", "no")
    said = talk(bot, sender, "no")
    assert said[-1] == "Is there pain or redness at an injection site that isn't going away?"
    said = talk(bot, sender, "it was sore but it's settling, much better now")
    assert not any("isn't going away?" in line for line in said)
    assert level(bot, sender) == "self_care"


def test_a_trend_told_to_the_eyelid_question_is_asked_again_then_read_safely(
    bot: Bot, sender: str
) -> None:
    # Set 31: "it's getting a bit better" to the eyelid question got "I didn't understand",
    # and so for ever. It is asked again; the same again is unclear, then read the safe way.
    talk(bot, sender, "my eyelid is droopy since my botox", "no", "4 days ago")
    said = talk(bot, sender, "it's getting a bit better")
    assert said == ["Is your eyelid drooping so much that you can't open your eye fully?"]
    said = talk(bot, sender, "it's getting a bit better")
    assert said[0].startswith("Sorry, I need a yes or a no")
    talk(bot, sender, "it's getting a bit better")
    assert level(bot, sender) == "urgent"


def test_a_carer_saying_all_is_as_usual_is_no_emergency(bot: Bot, sender: str) -> None:
    # Set 32: neither a yes nor a no, twice, was read as a yes: "call 999" for a mother who
    # was eating and chatting as normal.
    said = talk(bot, sender, "my mum had botox round her eyes and her eyelid keeps twitching")
    assert THEIR_EMERGENCY_QUESTION in said[-1]
    said = talk(bot, sender, "She's eating and chatting as normal.")
    assert not any(line.startswith(("🚨", "Sorry, I need a yes or a no")) for line in said)


def test_i_can_eat_drink_and_talk_fine_is_a_no_to_the_emergency_question(
    bot: Bot, sender: str
) -> None:
    # Set 32: the classifier read a sign into "eat, drink and talk"; the words deny it.
    said = talk(bot, sender, "Botox 10 days ago and now I can't smile properly on the left side")
    assert EMERGENCY_QUESTION in said[-1]
    said = talk(bot, sender, "I can eat, drink and talk fine.")
    assert not any(line.startswith("🚨") for line in said)


def test_an_answer_read_as_an_article_question_is_not_asked_again_for_ever(
    bot: Bot, sender: str
) -> None:
    # Set 32: "Injection points look normal." got the bruising answer and the same question,
    # twelve times over.
    talk(bot, sender, "my eyelid has been twitching since my botox", "no", "4 days ago", "no")
    said = talk(bot, sender, "I see fine.")
    assert said[-1] == "Is there pain or redness at an injection site that isn't going away?"
    talk(bot, sender, "Injection points look normal.")
    assert level(bot, sender) == "self_care"


def test_swallowing_described_in_a_question_is_an_emergency_at_once(bot: Bot, sender: str) -> None:
    # Set 33: food "sticking halfway down" and a swallow "worn out" by the end of a meal, asked
    # as "is that a known side effect?", got the article's answers and the check.
    said = talk(
        bot,
        sender,
        "Had botox 4 days ago. Since last night food keeps sticking halfway down and by the end "
        "of a meal my swallowing feels worn out. Is that a known side effect?",
    )
    assert level(bot, sender) == "emergency"
    assert said[0].startswith("🚨 Call 112 now")
