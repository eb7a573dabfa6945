"""action_concern (actions/concern.py) and the safety net after "not covered"
(actions/article.py), on trackers built from events."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.article import ActionAnswerQuestion
from actions.concern import ActionConcern
from handover.store import Handover
from tests.support.trackers import TrackerFactory
from tests.unit.test_actions import responses, slots_set


def followup(events: list[dict[str, Any]]) -> str | None:
    return next((e["name"] for e in events if e["event"] == "followup"), None)


@pytest.mark.parametrize(
    ("text", "intent", "recorded", "concern"),
    [
        ("I want to end it all", "crisis", True, "crisis"),
        # "yes" to "are you having thoughts of harming yourself?", or doubt: a crisis.
        ("yes", "affirm", True, "crisis"),
        ("not sure", "dont_know", True, "crisis"),
        ("I just want to disappear", "crisis_check", False, "unclear"),
        ("I feel so low since the botox", "distress", False, "distress"),
    ],
)
async def test_a_crisis_is_recorded_for_the_clinic_without_the_patients_words(
    tracker_for: TrackerFactory,
    dispatcher: CollectingDispatcher,
    domain: DomainDict,
    text: str,
    intent: str,
    recorded: bool,
    concern: str,
) -> None:
    tracker = tracker_for(text, intent=intent, active_loop=None)
    events = await ActionConcern().run(dispatcher, tracker, domain)
    found = Handover.configured().for_conversation("patient-1")
    assert slots_set(events) == {"concern": concern, "callback_offered": False}
    assert dispatcher.messages == []  # the rule has already given the reply
    if not recorded:
        assert found == []
        return
    [referral] = found
    assert referral.level == "crisis"
    assert referral.summary.startswith("CRISIS")
    assert referral.findings == "thoughts of suicide or self-harm"
    assert referral.patient_words == ""
    assert text not in referral.summary + referral.findings


async def test_a_crisis_told_of_someone_else_is_recorded_as_theirs(
    tracker_for: TrackerFactory, dispatcher: CollectingDispatcher, domain: DomainDict
) -> None:
    text = "my son says he wants to hurt himself"
    tracker = tracker_for(
        text, intent="crisis", slots={"crisis_of": "someone_else"}, active_loop=None
    )
    await ActionConcern().run(dispatcher, tracker, domain)
    [referral] = Handover.configured().for_conversation("patient-1")
    assert (
        referral.findings
        == "thoughts of suicide or self-harm, told of someone else by the person writing"
    )
    assert text not in referral.summary + referral.findings


async def test_a_crisis_is_recorded_once_a_conversation(
    tracker_for: TrackerFactory, dispatcher: CollectingDispatcher, domain: DomainDict
) -> None:
    first = tracker_for("I want to end it all", intent="crisis", active_loop=None)
    events = await ActionConcern().run(dispatcher, first, domain)
    again = tracker_for(
        "I really can't go on", intent="crisis", slots=slots_set(events), active_loop=None
    )
    await ActionConcern().run(dispatcher, again, domain)
    assert len(Handover.configured().for_conversation("patient-1")) == 1


async def test_a_concern_never_lowers_what_the_conversation_knew(
    tracker_for: TrackerFactory, dispatcher: CollectingDispatcher, domain: DomainDict
) -> None:
    tracker = tracker_for(
        "I feel low", intent="distress", slots={"concern": "crisis"}, active_loop=None
    )
    events = await ActionConcern().run(dispatcher, tracker, domain)
    assert slots_set(events)["concern"] == "crisis"


@pytest.mark.parametrize(
    ("text", "slots", "expected"),
    [
        # A sign that decides the check, in the same message: the check decides next.
        ("I want to end it all and I can't breathe", {}, "triage_form"),
        ("I want to end it all, my vision is blurry", {}, "triage_form"),
        # Already decided, or nothing that decides: nothing follows.
        ("I want to end it all and I can't breathe", {"triage_level": "emergency"}, None),
        ("I want to end it all, my eye twitches", {}, None),
    ],
)
async def test_a_sign_told_with_a_crisis_is_checked_next(
    tracker_for: TrackerFactory,
    dispatcher: CollectingDispatcher,
    domain: DomainDict,
    text: str,
    slots: dict[str, Any],
    expected: str | None,
) -> None:
    tracker = tracker_for(text, intent="crisis", slots=slots, active_loop=None)
    assert followup(await ActionConcern().run(dispatcher, tracker, domain)) == expected


async def test_a_red_flag_told_in_distress_is_checked_next(
    tracker_for: TrackerFactory, dispatcher: CollectingDispatcher, domain: DomainDict
) -> None:
    text = "I feel so hopeless, my vision is blurry"
    tracker = tracker_for(text, intent="distress_with_sign", slots={}, active_loop=None)
    events = await ActionConcern().run(dispatcher, tracker, domain)
    assert followup(events) == "triage_form"
    assert {"event": "slot", "name": "concern", "value": "distress"} in [
        {k: e.get(k) for k in ("event", "name", "value")} for e in events
    ]


async def test_the_callback_questions_go_on_after_the_help_lines(
    tracker_for: TrackerFactory, dispatcher: CollectingDispatcher, domain: DomainDict
) -> None:
    tracker = tracker_for(
        "I can't go on",
        intent="crisis",
        slots={"callback_name": "Anna"},
        requested_slot="callback_phone",
        active_loop="callback_form",
    )
    events = await ActionConcern().run(dispatcher, tracker, domain)
    assert followup(events) == "callback_form"
    assert "callback_name" not in slots_set(events)  # nothing the patient gave is lost


def ranking(*answers: tuple[str, float]) -> dict[str, Any]:
    return {
        "faq": {
            "ranking": [
                {"intent_response_key": key, "confidence": confidence}
                for key, confidence in answers
            ]
        }
    }


@pytest.mark.parametrize(
    ("text", "answer", "net"),
    [
        # "Not covered" about the body, and not.
        ("I've had a headache since my botox, is that normal?", "faq/not_covered", True),
        ("my cheek feels numb, what should I do?", "faq/not_covered", True),
        ("can I fly after botox?", "faq/not_covered", False),
        ("can I wear make-up tomorrow?", "faq/not_covered", False),
        # A change the article says nothing about: the net, whatever the answer.
        ("feeling a bit sick since my appointment this morning", "faq/facial_expressions", True),
        ("a small itchy rash near where they injected", "faq/swelling_bruising", True),
        # One it names, or a question it answers: its answer alone.
        ("a little bruise near my eye, how long will it last?", "faq/swelling_bruising", False),
        ("my eye is twitching, can I drink coffee?", "faq/caffeine", False),
    ],
)
async def test_the_safety_net_follows_where_the_article_cannot_be_enough(
    tracker_for: TrackerFactory,
    dispatcher: CollectingDispatcher,
    domain: DomainDict,
    text: str,
    answer: str,
    net: bool,
) -> None:
    tracker = tracker_for(text, intent="faq", active_loop=None)
    tracker.latest_message["response_selector"] = ranking((answer, 0.9))
    await ActionAnswerQuestion().run(dispatcher, tracker, domain)
    expected = [f"utter_{answer}", *(["safety_net"] if net else [])]
    assert responses(dispatcher) == expected
    assert all(name in domain["responses"] for name in expected)
