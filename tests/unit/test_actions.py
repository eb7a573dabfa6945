"""The custom actions, on trackers built from events (actions/*.py)."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.article import ActionAnswerQuestion
from actions.session import ActionSessionStart
from actions.triage import ActionTriage
from actions.triage_form import ValidateTriageForm
from aftercare.screen import screen
from aftercare.slots import only_asked_entities, screening_entities
from tests.support.trackers import TrackerFactory

TWITCH = {"symptoms": ["twitching"], "symptom_description": "twitch", "screen_emergency": False}
TWITCH_DATED = {**TWITCH, "treatment_date": "2026-11-20"}
NO_RED_FLAGS = {
    "screen_eyelid": False,
    "screen_vision": False,
    "screen_injection_site": False,
    "screen_emergency": False,
}


def slots_set(events: list[dict[str, Any]]) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e["event"] == "slot"}


def responses(dispatcher: CollectingDispatcher) -> list[str]:
    return [m["response"] for m in dispatcher.messages]


@pytest.fixture
def form(tracker_for: TrackerFactory, dispatcher: CollectingDispatcher, domain: DomainDict):
    """Runs validate_triage_form on a tracker built from the keyword arguments; returns the slots set."""

    async def run(**kwargs: Any) -> dict[str, Any]:
        events = await ValidateTriageForm().run(dispatcher, tracker_for(**kwargs), domain)
        return slots_set(events)

    return run


# --- validate_triage_form ---------------------------------------------------------------


async def test_a_red_flag_in_the_first_message_ends_the_form_at_once(form, dispatcher) -> None:
    slots = await form(text="my vision is blurry since my botox")
    assert slots["symptoms"] == ["blurred_vision"]
    assert slots["screen_vision"] is True
    assert slots["requested_slot"] is None


async def test_a_symptom_is_first_screened_for_emergency_signs(form, dispatcher) -> None:
    slots = await form(text="my eye is twitching")
    assert slots["symptoms"] == ["twitching"]
    assert slots["symptom_description"] == "my eye is twitching"
    assert slots["requested_slot"] == "screen_emergency"


async def test_after_the_emergency_question_the_date_is_asked(form, dispatcher) -> None:
    slots = await form(
        text="no",
        intent="deny",
        requested_slot="screen_emergency",
        slots={"symptoms": ["twitching"], "symptom_description": "twitch"},
    )
    assert slots["screen_emergency"] is False
    assert slots["requested_slot"] == "treatment_date"


def _only_asked(text: str) -> list[dict[str, Any]]:
    """The entities the message screener gives a question that says nothing of whose it is."""
    return screening_entities(screen(text), len(text)) + only_asked_entities(len(text))


async def test_a_question_only_asked_gets_the_answer_then_is_it_happening(form, dispatcher) -> None:
    text = "is drooping normal?"
    slots = await form(text=text, active_loop=None, entities=_only_asked(text))
    assert slots["only_asked"] is True and slots["happening_now"] is None
    assert slots["requested_slot"] == "happening_now"


@pytest.mark.parametrize(
    ("reply", "intent", "happening", "next_slot"),
    [
        ("yes", "affirm", True, "screen_emergency"),
        ("maybe a little", "inform", True, "screen_emergency"),
        ("my left lid is heavy since tuesday", "report_symptom", True, "screen_emergency"),
        ("no, I'm just asking", "deny", False, None),
    ],
)
async def test_is_it_happening_is_answered_by_a_yes_a_no_or_the_symptom_told(
    form, dispatcher, reply: str, intent: str, happening: bool, next_slot: str | None
) -> None:
    slots = await form(
        text=reply,
        intent=intent,
        requested_slot="happening_now",
        slots={
            "only_asked": True,
            "symptoms": ["drooping"],
            "symptom_description": "is drooping normal?",
        },
    )
    assert slots["happening_now"] is happening
    assert slots["requested_slot"] == next_slot


async def test_an_unclear_reply_to_is_it_happening_is_asked_again_then_taken_as_yes(
    form, dispatcher
) -> None:
    earlier = {"only_asked": True, "symptoms": ["drooping"], "symptom_description": "q"}
    slots = await form(text="hmm", intent="nlu_fallback", requested_slot="happening_now",
                       slots=earlier)  # fmt: skip
    assert slots["happening_now"] is None and responses(dispatcher) == ["please_answer_yes_no"]
    slots = await form(text="hmm", intent="nlu_fallback", requested_slot="happening_now",
                       slots={**earlier, "unclear_answers": 1})  # fmt: skip
    assert slots["happening_now"] is True
    assert "unclear_answer_taken_as_yes" in responses(dispatcher)


async def test_a_report_of_ones_own_starts_the_check_without_the_question(form, dispatcher) -> None:
    slots = await form(text="my eyelid is drooping, is that normal?", active_loop=None)
    assert slots["only_asked"] is False
    assert slots["requested_slot"] == "screen_emergency"


async def test_an_unclear_complaint_starts_the_check_with_the_emergency_question(
    form, dispatcher
) -> None:
    slots = await form(
        text="I feel really odd since my injections", intent="report_symptom", active_loop=None
    )
    assert slots["symptoms"] == ["other"]
    assert slots["symptom_description"] == "I feel really odd since my injections"
    assert slots["requested_slot"] == "screen_emergency"


async def test_a_date_given_with_the_treatment_is_not_asked_again(form, dispatcher) -> None:
    slots = await form(text="had botox 5 days ago and my eye twitches, no trouble breathing")
    assert slots["treatment_date"] == "2026-11-19"
    assert slots["screen_emergency"] is False
    assert slots["requested_slot"] == "screen_eyelid"


async def test_the_date_answer_is_read(form, dispatcher) -> None:
    slots = await form(
        text="last Monday",
        intent="inform",
        requested_slot="treatment_date",
        slots=TWITCH,
    )
    assert slots["treatment_date"] == "2026-11-23"
    assert slots["requested_slot"] == "screen_eyelid"
    assert dispatcher.messages == []


async def test_a_parseable_date_counts_whatever_the_intent(form, dispatcher) -> None:
    slots = await form(
        text="a fortnight ago",
        intent="faq",
        requested_slot="treatment_date",
        slots=TWITCH,
    )
    assert slots["treatment_date"] == "2026-11-10"


@pytest.mark.parametrize(
    ("text", "response"),
    [
        ("tomorrow", "date_in_future"),
        ("-3 days", "date_in_future"),
        ("400 days ago", "date_too_long_ago"),
        ("I don't remember", "date_dont_know"),
        ("🙂", "date_not_understood"),
        ("", "date_not_understood"),
    ],
)
async def test_an_unusable_date_is_explained_and_asked_again(
    form, dispatcher, text, response
) -> None:
    slots = await form(
        text=text,
        intent="inform",
        requested_slot="treatment_date",
        slots=TWITCH,
    )
    assert responses(dispatcher) == [response]
    assert slots["treatment_date"] is None
    assert slots["treatment_date_attempts"] == 1
    assert slots["requested_slot"] == "treatment_date"


async def test_a_second_unusable_date_gives_the_safe_advice_and_goes_on(form, dispatcher) -> None:
    slots = await form(
        text="no idea, sorry",
        intent="dont_know",
        requested_slot="treatment_date",
        slots={**TWITCH, "treatment_date_attempts": 1},
    )
    assert responses(dispatcher) == ["date_unknown_safe_advice"]
    assert slots["treatment_date_unknown"] is True
    assert slots["requested_slot"] == "screen_eyelid"


async def test_day_14_asks_whether_it_is_improving(form, dispatcher) -> None:
    slots = await form(
        text="2 weeks ago",
        intent="inform",
        requested_slot="treatment_date",
        slots=TWITCH,
    )
    assert slots["requested_slot"] == "improving"


async def test_a_described_trend_is_not_asked_again(form, dispatcher) -> None:
    slots = await form(
        text="I had botox 16 days ago and the twitching is not getting better",
    )
    assert slots["improving"] is False
    assert slots["requested_slot"] == "screen_emergency"


async def test_an_improvement_told_unasked_is_asked_in_so_many_words(form, dispatcher) -> None:
    slots = await form(
        text="I had botox 16 days ago, no trouble breathing, the twitching is getting better",
    )
    assert "improving" not in slots
    assert slots["requested_slot"] == "improving"


async def test_a_denied_red_flag_answers_its_question(form, dispatcher) -> None:
    slots = await form(text="no blurred vision, just a twitch")
    assert slots["screen_vision"] is False
    assert slots["denied_symptoms"] == ["blurred_vision"]


@pytest.mark.parametrize(("intent", "answer"), [("affirm", True), ("deny", False)])
async def test_yes_and_no_answer_a_screening_question(form, dispatcher, intent, answer) -> None:
    slots = await form(
        text="/" + intent,
        intent=intent,
        requested_slot="screen_vision",
        entities=[],
        slots={**TWITCH_DATED, "screen_eyelid": False},
    )
    assert slots["screen_vision"] is answer
    assert slots["requested_slot"] == (None if answer else "screen_injection_site")


async def test_a_red_flag_in_the_middle_of_the_form_ends_it(form, dispatcher) -> None:
    slots = await form(
        text="no, but now I'm seeing double",
        intent="report_symptom",
        requested_slot="screen_eyelid",
        slots=TWITCH_DATED,
    )
    assert "double_vision" in slots["symptoms"]
    assert slots["requested_slot"] is None


async def test_an_answer_that_is_neither_yes_nor_no_is_asked_again(form, dispatcher) -> None:
    slots = await form(
        text="banana",
        intent="nlu_fallback",
        requested_slot="screen_eyelid",
        slots=TWITCH_DATED,
    )
    assert responses(dispatcher) == ["please_answer_yes_no"]
    assert slots["screen_eyelid"] is None
    assert slots["unclear_answers"] == 1
    assert slots["requested_slot"] == "screen_eyelid"


@pytest.mark.parametrize("question", ["screen_eyelid", "screen_vision", "screen_emergency"])
async def test_a_second_unclear_answer_to_a_red_flag_question_counts_as_yes(
    form, dispatcher, question
) -> None:
    slots = await form(
        text="banana",
        intent="nlu_fallback",
        requested_slot=question,
        slots={**TWITCH_DATED, question: None, "unclear_answers": 1},
    )
    assert responses(dispatcher) == ["unclear_answer_taken_as_yes"]
    assert slots[question] is True
    assert slots["requested_slot"] is None


@pytest.mark.parametrize(
    ("text", "intent", "answer"),
    [
        ("yes, mostly when I look to the side", "nlu_fallback", True),
        ("yeah a bit", "affirm", True),
        ("maybe a little, I think", "out_of_scope", True),
        ("I think so", "inform", True),
        ("not sure", "dont_know", True),
        ("nope, it opens fine", "inform", False),
        ("no not really", "nlu_fallback", False),
        ("not that I've noticed", "nlu_fallback", False),
    ],
)
async def test_a_yes_or_no_with_detail_answers_a_red_flag_question(
    form, dispatcher, text, intent, answer
) -> None:
    slots = await form(
        text=text, intent=intent, requested_slot="screen_eyelid", slots=TWITCH_DATED, entities=[]
    )
    assert slots["screen_eyelid"] is answer
    assert dispatcher.messages == [] or responses(dispatcher) == []


QUESTIONS_IN_ORDER = ("screen_emergency", "screen_eyelid", "screen_vision", "screen_injection_site")


@pytest.mark.parametrize(
    ("text", "intent", "question"),
    [
        # Each was read as unclear, then as a yes (a 999 for "eating and chatting as normal"),
        # or taken for an article question or a goodbye and asked again for ever.
        ("She's eating and chatting as normal.", "inform", "screen_emergency"),
        ("I can eat, drink and talk fine.", "report_symptom", "screen_emergency"),
        ("Chewing and swallowing are fine.", "inform", "screen_emergency"),
        ("They feel heavy but open completely.", "report_symptom", "screen_eyelid"),
        ("Eyes is open normal, only forehead heavy.", "inform", "screen_eyelid"),
        ("I see fine.", "goodbye", "screen_vision"),
        ("Clear, just uncomfortable.", "inform", "screen_vision"),
        ("No, nothing blurry or doubled.", "deny", "screen_vision"),
        ("Injection points look normal.", "faq", "screen_injection_site"),
        (
            "It's just a bruise, tender if I press it but otherwise fine.",
            "report_symptom",
            "screen_injection_site",
        ),
    ],
)
async def test_a_reply_that_all_is_as_usual_answers_no(
    form, dispatcher, text: str, intent: str, question: str
) -> None:
    asked_before = QUESTIONS_IN_ORDER[: QUESTIONS_IN_ORDER.index(question)]
    slots = await form(
        text=text,
        intent=intent,
        requested_slot=question,
        slots={**TWITCH, "screen_emergency": None, "treatment_date": "2026-11-20"}
        | dict.fromkeys(asked_before, False),
    )
    assert slots[question] is False
    assert "please_answer_yes_no" not in responses(dispatcher)


async def test_a_reply_that_cannot_eat_or_talk_normally_is_no_denial(form, dispatcher) -> None:
    slots = await form(
        text="I can't eat and talk normally",
        intent="report_symptom",
        requested_slot="screen_emergency",
        slots={**TWITCH, "screen_emergency": None},
    )
    assert slots.get("screen_emergency") is not False


@pytest.mark.parametrize(
    ("text", "intent", "improving"),
    [
        ("it hasn't stopped", "deny", False),
        ("the swelling still hasn't gone down", "inform", False),
        ("yes it's improving slowly", "affirm", True),
        ("no, about the same", "deny", False),
    ],
)
async def test_the_improvement_answer_is_read_from_its_words(
    form, dispatcher, text, intent, improving
) -> None:
    slots = await form(
        text=text,
        intent=intent,
        requested_slot="improving",
        slots={**TWITCH, "treatment_date": "2026-11-01"},
    )
    assert slots["improving"] is improving


async def test_a_second_unclear_improvement_answer_counts_as_not_improving(
    form, dispatcher
) -> None:
    slots = await form(
        text="hmm",
        intent="nlu_fallback",
        requested_slot="improving",
        slots={**TWITCH, "treatment_date": "2026-11-01", "unclear_answers": 1},
    )
    assert responses(dispatcher) == ["unclear_improving_taken_as_no"]
    assert slots["improving"] is False


def with_ranking(tracker: Any, ranking: list[tuple[str, float]]) -> Any:
    """The tracker, its latest message ranked by the response selector as given."""
    tracker.latest_message["response_selector"] = {
        "faq": {
            "response": {"utter_action": f"utter_{ranking[0][0]}", "confidence": ranking[0][1]}
            if ranking
            else {},
            "ranking": [
                {"intent_response_key": key, "confidence": confidence}
                for key, confidence in ranking
            ],
        }
    }
    return tracker


async def test_a_question_with_a_symptom_gets_the_articles_answer_then_the_check(
    tracker_for, dispatcher, domain
) -> None:
    tracker = tracker_for(
        text="my eyelid is drooping since friday's botox, will it settle?",
        intent="report_symptom",
        active_loop=None,
    )
    with_ranking(tracker, [("faq/drooping", 0.6), ("faq/how_long", 0.1)])
    slots = slots_set(await ValidateTriageForm().run(dispatcher, tracker, domain))
    assert responses(dispatcher) == ["utter_faq/drooping"]
    assert slots["symptoms"] == ["drooping"]
    assert slots["requested_slot"] == "screen_emergency"


@pytest.mark.parametrize(
    ("ranking", "expected"),
    [
        ([("faq/drooping", 0.9), ("faq/how_long", 0.05)], ["utter_faq/drooping"]),
        (
            [("faq/drooping", 0.55), ("faq/when_to_return", 0.39)],
            ["utter_faq/drooping", "utter_faq/when_to_return"],
        ),
        # How long twitching lasts gives way to the droop's own answer (2 to 4 weeks).
        ([("faq/how_long", 0.55), ("faq/drooping", 0.39)], ["utter_faq/drooping"]),
        ([("faq/how_long", 0.15), ("faq/drooping", 0.14)], []),
    ],
)
async def test_a_torn_selector_gives_both_answers_before_the_check(
    tracker_for, dispatcher, domain, ranking, expected
) -> None:
    tracker = tracker_for(
        text="mild droop on the left, day 6. how long will this go on for",
        intent="report_symptom",
        active_loop=None,
    )
    slots = slots_set(
        await ValidateTriageForm().run(dispatcher, with_ranking(tracker, ranking), domain)
    )
    assert responses(dispatcher) == expected
    assert slots["requested_slot"] == "screen_emergency"


@pytest.mark.parametrize(
    ("ranking", "expected"),
    [
        ([("faq/caffeine", 0.95), ("faq/what_to_do", 0.02)], ["utter_faq/caffeine"]),
        (
            [("faq/what_to_do", 0.51), ("faq/when_to_return", 0.41)],
            ["utter_faq/what_to_do", "utter_faq/when_to_return"],
        ),
        # The intent is a question about the article: its surest answer, however unsure.
        ([("faq/caffeine", 0.15), ("faq/massage", 0.05)], ["utter_faq/caffeine"]),
        ([], ["utter_default"]),
    ],
)
async def test_a_question_gets_the_surest_answer_or_the_two_best(
    tracker_for, dispatcher, domain, ranking, expected
) -> None:
    tracker = with_ranking(tracker_for(text="what should i do?", intent="faq"), ranking)
    events = await ActionAnswerQuestion().run(dispatcher, tracker, domain)
    assert responses(dispatcher) == expected
    given = [name.removeprefix("utter_") for name in expected if name.startswith("utter_faq/")]
    assert events == [
        {"event": "slot", "timestamp": None, "name": "article_answers", "value": given}
    ]


async def test_a_question_in_the_middle_of_the_form_is_not_taken_for_an_answer(
    form, dispatcher
) -> None:
    slots = await form(
        text="can I drink coffee?",
        intent="faq",
        requested_slot="screen_eyelid",
        slots=TWITCH_DATED,
    )
    # Only requested_slot: Rasa rejects the form, and the FAQ rule answers first.
    assert set(slots) == {"requested_slot"}
    assert dispatcher.messages == []


async def test_an_unrecognised_description_is_kept_as_other(form, dispatcher) -> None:
    slots = await form(
        text="it feels strange",
        intent="nlu_fallback",
        requested_slot="symptom_description",
        active_loop="triage_form",
    )
    assert slots["symptom_description"] == "it feels strange"
    assert slots["symptoms"] == ["other"]


# --- action_triage ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("slots", "level", "response"),
    [
        ({"symptoms": ["breathing_difficulty"]}, "emergency", "triage_emergency"),
        ({"symptoms": ["twitching"], "screen_emergency": True}, "emergency", "triage_emergency"),
        (
            {"symptoms": ["eyelid_cannot_open"], "treatment_date": "2026-11-23"},
            "urgent",
            "triage_urgent",
        ),
        (
            {
                "symptoms": ["twitching"],
                "treatment_date": "2026-11-08",
                "improving": False,
                **NO_RED_FLAGS,
            },
            "routine",
            "triage_routine",
        ),
        (
            {"symptoms": ["twitching"], "treatment_date": "2026-11-19", **NO_RED_FLAGS},
            "self_care",
            "triage_self_care_within_14_days",
        ),
        (
            {"symptoms": ["twitching"], "treatment_date_unknown": True, **NO_RED_FLAGS},
            "self_care",
            "triage_self_care_treatment_date_unknown",
        ),
        (
            {
                "symptoms": ["twitching"],
                "treatment_date": "2026-11-01",
                "improving": True,
                **NO_RED_FLAGS,
            },
            "self_care",
            "triage_self_care_improving_after_14_days",
        ),
    ],
)
async def test_action_triage_sets_the_level_and_answers(
    tracker_for, dispatcher, domain, slots, level, response
) -> None:
    events = await ActionTriage().run(
        dispatcher, tracker_for(slots=slots, active_loop=None), domain
    )
    assert slots_set(events)["triage_level"] == level
    assert responses(dispatcher)[0] == response
    for name in responses(dispatcher):
        assert name in domain["responses"], f"{name} has no wording in domain.yml"


async def test_action_triage_names_the_red_flag_in_the_patients_words(
    tracker_for, dispatcher, domain
) -> None:
    events = await ActionTriage().run(
        dispatcher,
        tracker_for(slots={"symptoms": ["twitching", "double_vision"]}, active_loop=None),
        domain,
    )
    assert slots_set(events)["triage_reasons"] == ["double_vision"]
    assert dispatcher.messages[0]["findings"] == "double vision"


async def test_self_care_gives_the_day_to_come_back_and_the_aftercare(
    tracker_for, dispatcher, domain
) -> None:
    slots = {"symptoms": ["twitching"], "treatment_date": "2026-11-19", **NO_RED_FLAGS}
    events = await ActionTriage().run(
        dispatcher, tracker_for(slots=slots, active_loop=None), domain
    )
    assert dispatcher.messages[0]["review_date"] == "Thursday 3 December"
    assert dispatcher.messages[0]["review_day"] == "2026-12-03"  # the widget's calendar reminder
    assert responses(dispatcher) == ["triage_self_care_within_14_days", "aftercare_advice"]
    assert slots_set(events)["days_since_treatment"] == 5


async def test_only_asking_ends_with_no_decision_and_keeps_nothing_of_the_question(
    tracker_for, dispatcher, domain
) -> None:
    slots = {
        "symptoms": ["drooping"],
        "symptom_description": "is drooping normal?",
        "only_asked": True,
        "happening_now": False,
    }
    events = await ActionTriage().run(
        dispatcher, tracker_for(slots=slots, active_loop=None), domain
    )
    assert responses(dispatcher) == ["triage_self_care_just_asking"]
    assert slots_set(events) == {
        "symptoms": None,
        "symptom_description": None,
        "only_asked": False,
        "about_someone": False,
        "happening_now": None,
    }


# --- action_session_start -----------------------------------------------------------------


async def test_session_start_keeps_what_the_patient_said(tracker_for, dispatcher, domain) -> None:
    tracker = tracker_for(
        slots={"treatment_date": "2026-11-19", "screen_vision": False, "symptoms": ["twitching"]},
        active_loop=None,
    )
    events = await ActionSessionStart().run(dispatcher, tracker, domain)
    assert events[0]["event"] == "session_started" and events[-1]["name"] == "action_listen"
    slots = slots_set(events)
    assert not any(name.startswith("clinic_") for name in slots)
    assert slots["treatment_date"] == "2026-11-19"
    assert "screen_vision" not in slots


async def test_a_date_given_to_the_emergency_question_is_kept_and_the_question_asked_again(
    form, dispatcher
) -> None:
    slots = await form(
        text="5 days ago",
        intent="inform",
        requested_slot="screen_emergency",
        slots={"symptoms": ["twitching"], "symptom_description": "twitch"},
    )
    assert slots["treatment_date"] == "2026-11-19"
    assert slots["screen_emergency"] is None  # read, and still to be answered
    assert slots["requested_slot"] == "screen_emergency"
    assert responses(dispatcher) == ["noted_treatment_date"]
    assert dispatcher.messages[0]["day"] == "19 November"


@pytest.mark.parametrize(
    ("text", "said"),
    [
        # The same date again: said back, and the pending question asked again.
        ("5 days ago", ["noted_treatment_date"]),
        # Another short date ("since Monday" may be when the symptom began): the treatment's
        # date stays, and the pending question is asked again.
        ("2 days ago", []),
    ],
)
async def test_a_short_date_with_the_date_known_keeps_it_and_asks_again(
    form, dispatcher, text: str, said: list[str]
) -> None:
    slots = await form(
        text=text,
        intent="inform",
        requested_slot="screen_eyelid",
        slots={
            "symptoms": ["pain"],
            "symptom_description": "headache",
            "treatment_date": "2026-11-19",
            "screen_emergency": False,
        },
        entities=[],
    )
    assert slots["treatment_date"] == "2026-11-19"
    assert slots["screen_eyelid"] is None  # read, and still to be answered
    assert slots["requested_slot"] == "screen_eyelid"
    assert responses(dispatcher) == said


@pytest.mark.parametrize(
    ("text", "treated_on"),
    [
        ("I had my botox 16 days ago", "2026-11-08"),
        ("it was two and a half weeks ago", "2026-11-06"),
    ],
)
async def test_a_date_told_in_a_sentence_during_the_check_is_the_date_not_an_unclear_answer(
    form, dispatcher, text: str, treated_on: str
) -> None:
    slots = await form(
        text=text,
        intent="inform",
        requested_slot="screen_emergency",
        slots={"symptoms": ["bruising"], "symptom_description": "bruising"},
        entities=[],
    )
    assert slots["treatment_date"] == treated_on
    assert "unclear_answers" not in slots
    assert responses(dispatcher) == ["noted_treatment_date"]
    assert slots["requested_slot"] == "screen_emergency"


async def test_a_trend_told_during_the_check_is_the_trend_not_an_unclear_answer(
    form, dispatcher
) -> None:
    # The bruising question of issue 25: "it's still there" answered the emergency question,
    # was read as unclear twice, and became "call 999".
    slots = await form(
        text="it's still there",
        intent="report_symptom",
        requested_slot="screen_emergency",
        slots={
            "symptoms": ["bruising"],
            "symptom_description": "bruising",
            "treatment_date": "2026-11-08",
            "unclear_answers": 1,
        },
    )
    assert slots["improving"] is False
    assert slots.get("screen_emergency") is None
    assert responses(dispatcher) == ["noted_not_improving"]
    assert slots["requested_slot"] == "screen_emergency"


async def test_a_sore_spot_settling_answers_no_to_pain_that_is_not_going_away(
    form, dispatcher
) -> None:
    # Set 31: "it was sore but it's settling, much better than last week" was kept as a trend
    # and the question asked again, for ever. It is going away: a no.
    slots = await form(
        text="it was sore but it's settling, much better than last week",
        intent="report_symptom",
        requested_slot="screen_injection_site",
        slots={
            "symptoms": ["swelling"],
            "symptom_description": "a bump",
            "treatment_date": "2026-11-17",
            "screen_eyelid": False,
            "screen_vision": False,
            "screen_emergency": False,
        },
    )
    assert slots["screen_injection_site"] is False
    assert "please_answer_yes_no" not in responses(dispatcher)


@pytest.mark.parametrize(
    ("told_instead", "read_as"),
    [
        # The first reply that tells a trend is kept and the question asked again.
        (None, None),
        # Another question was the one answered with something else: the same.
        ("screen_vision: trend", None),
        # A date told to this question before, now a trend: read as well.
        ("screen_eyelid: date", None),
        # The same kind to the same question again: it is trying to answer, so it is unclear.
        ("screen_eyelid: trend", "please_answer_yes_no"),
    ],
)
async def test_the_same_side_reply_twice_is_unclear_so_the_check_ends(
    form, dispatcher, told_instead: str | None, read_as: str | None
) -> None:
    # Set 31: a reply that only told a trend was kept and the question asked again, for ever;
    # to the eyelid question, with nothing to keep, it got "I didn't understand".
    slots = await form(
        text="it's getting a bit better",
        intent="report_symptom",
        requested_slot="screen_eyelid",
        slots={
            "symptoms": ["drooping"],
            "symptom_description": "droop",
            "screen_emergency": False,
            "told_instead": told_instead,
        },
    )
    if read_as is None:
        assert responses(dispatcher) == []
        assert slots["screen_eyelid"] is None  # read: the form is not rejected
        assert slots["told_instead"] == "screen_eyelid: trend"
    else:
        assert responses(dispatcher) == [read_as]
        assert slots["unclear_answers"] == 1


async def test_a_general_question_about_a_sign_beside_a_common_effect_gets_both(
    form, dispatcher
) -> None:
    # Issue 25: "a friend told me botox can make your throat close up ... I'm fine, just a
    # twitch" got "call 999 now". It gets the warning signs, then the check of the twitch.
    slots = await form(
        text="a friend told me botox can make your throat close up. could that happen with "
        "mine? I'm fine, just a twitch",
    )
    said = responses(dispatcher)
    assert said[0] == "utter_warning_signs"
    assert slots["symptoms"] == ["twitching"]
    assert slots["requested_slot"] == "screen_emergency"
