"""The hand-over actions (actions/callback.py, action_triage's record) on built trackers."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.callback import (
    ActionDeleteMyData,
    ActionDiscardCallback,
    ActionSaveCallback,
    ValidateCallbackForm,
)
from actions.session import ActionSessionStart
from actions.triage import ActionTriage
from handover.store import Handover
from tests.support.trackers import TrackerFactory
from tests.unit.test_actions import NO_RED_FLAGS, responses, slots_set

BLURRED = {"symptoms": ["blurred_vision"], "symptom_description": "my vision is blurry"}
CALLBACK = {
    "callback_name": "Zoë O'Brien",
    "callback_phone": "+44 20 7946 0958",
    "callback_time": "after 4pm",
}


def stored() -> Handover:
    return Handover.configured()


@pytest.mark.parametrize(
    ("slots", "level", "said"),
    [
        (BLURRED, "urgent", ["triage_urgent", "offer_callback"]),
        (
            {"symptoms": ["breathing_difficulty"]},
            "emergency",
            # The emergency advice first and alone, then the offer in a message of its own.
            ["triage_emergency", "offer_callback_when_safe"],
        ),
        (
            {"symptoms": ["twitching"], "treatment_date": "2026-11-08", "improving": False},
            "routine",
            ["triage_routine", "offer_callback"],
        ),
    ],
)
async def test_every_referral_is_recorded_and_a_callback_offered(
    tracker_for: TrackerFactory,
    dispatcher: CollectingDispatcher,
    domain: DomainDict,
    slots: dict[str, Any],
    level: str,
    said: list[str],
) -> None:
    tracker = tracker_for(slots={**slots, **NO_RED_FLAGS}, active_loop=None)
    events = await ActionTriage().run(dispatcher, tracker, domain)
    [referral] = stored().for_conversation("patient-1")
    assert referral.level == level
    assert referral.summary.startswith(level.upper())
    assert slots_set(events)["callback_offered"] is True
    assert responses(dispatcher) == said
    # The offer to the patient (a carer's variant speaks of the person treated).
    offer = next(v for v in domain["responses"][said[-1]] if not v.get("condition"))
    if level == "emergency":
        assert offer["text"] == "When you are safe, would you like the clinic to call you?"
    assert [b["payload"] for b in offer["buttons"]] == ["/affirm", "/deny"]


async def test_no_callback_is_offered_when_the_referral_could_not_be_recorded(
    tracker_for: TrackerFactory,
    dispatcher: CollectingDispatcher,
    domain: DomainDict,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Nowhere to put the details: the patient is told to call instead (the advice says so).
    monkeypatch.setenv("AFTERCARE_DATABASE_URL", "postgres://nowhere")
    tracker = tracker_for(slots={"symptoms": ["breathing_difficulty"]}, active_loop=None)
    events = await ActionTriage().run(dispatcher, tracker, domain)
    assert responses(dispatcher) == ["triage_emergency"]
    assert slots_set(events)["callback_offered"] is False


@pytest.mark.parametrize("level", ["emergency", "urgent"])
async def test_a_declined_callback_is_marked_declined_for_the_nurse(
    tracker_for: TrackerFactory, dispatcher: CollectingDispatcher, domain: DomainDict, level: str
) -> None:
    symptoms = ["breathing_difficulty"] if level == "emergency" else ["blurred_vision"]
    await ActionTriage().run(
        CollectingDispatcher(),
        tracker_for(slots={"symptoms": symptoms, **NO_RED_FLAGS}, active_loop=None),
        domain,
    )
    events = await ActionDiscardCallback().run(
        dispatcher, tracker_for("no thanks", intent="deny", active_loop=None), domain
    )
    [referral] = stored().for_conversation("patient-1")
    assert referral.level == level and referral.callback_status == "declined"
    assert responses(dispatcher) == ["callback_discarded"]
    assert slots_set(events)["callback_offered"] is False


def test_a_declining_patient_is_told_how_to_reach_the_clinic(domain: DomainDict) -> None:
    variants = domain["responses"]["callback_discarded"]
    assert len(variants) == 2
    for variant in variants:
        assert "{clinic_phone}" in variant["text"] and "{clinic_name}" in variant["text"]
    [emergency] = [v for v in variants if v.get("condition")]
    assert emergency["condition"] == [
        {"type": "slot", "name": "triage_level", "value": "emergency"}
    ]
    assert "{emergency_number}" in emergency["text"]


async def test_self_care_records_nothing(
    tracker_for: TrackerFactory, dispatcher: CollectingDispatcher, domain: DomainDict
) -> None:
    slots = {"symptoms": ["twitching"], "treatment_date": "2026-11-19", **NO_RED_FLAGS}
    events = await ActionTriage().run(dispatcher, tracker_for(slots=slots), domain)
    assert stored().for_conversation("patient-1") == []
    assert slots_set(events)["callback_offered"] is False


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("0207-946-0958", "+44 20 7946 0958"),
        ("+44 20 7946 0958", "+44 20 7946 0958"),
        ("seven", None),
        ("0207", None),
    ],
)
async def test_the_phone_number_is_checked_and_read_back_in_full(
    tracker_for: TrackerFactory,
    dispatcher: CollectingDispatcher,
    domain: DomainDict,
    typed: str,
    kept: str | None,
) -> None:
    result = ValidateCallbackForm().validate_callback_phone(
        typed, dispatcher, tracker_for(typed, intent="inform"), domain
    )
    assert result == {"callback_phone": kept}
    assert responses(dispatcher) == ([] if kept else ["callback_phone_invalid"])


async def test_a_name_that_is_not_a_name_is_asked_again(
    tracker_for: TrackerFactory, dispatcher: CollectingDispatcher, domain: DomainDict
) -> None:
    validate = ValidateCallbackForm().validate_callback_name
    assert validate("1=1; --", dispatcher, tracker_for(), domain) == {"callback_name": None}
    assert responses(dispatcher) == ["callback_name_invalid"]


async def test_a_confirmed_callback_is_stored_and_forgotten_in_the_slots(
    tracker_for: TrackerFactory, dispatcher: CollectingDispatcher, domain: DomainDict
) -> None:
    await ActionTriage().run(
        CollectingDispatcher(), tracker_for(slots=BLURRED, active_loop=None), domain
    )
    events = await ActionSaveCallback().run(
        dispatcher, tracker_for(slots=CALLBACK, active_loop=None), domain
    )
    [referral] = stored().for_conversation("patient-1")
    assert (referral.callback_name, referral.callback_phone, referral.callback_time) == (
        "Zoë O'Brien",
        "+442079460958",
        "after 4pm",
    )
    assert responses(dispatcher) == ["callback_saved"]
    assert slots_set(events)["callback_phone"] is None


async def test_a_callback_without_a_referral_is_not_claimed_as_passed_on(
    tracker_for: TrackerFactory, dispatcher: CollectingDispatcher, domain: DomainDict
) -> None:
    await ActionSaveCallback().run(dispatcher, tracker_for(slots=CALLBACK), domain)
    assert responses(dispatcher) == ["callback_unavailable"]


async def test_a_discarded_callback_clears_every_detail(
    tracker_for: TrackerFactory, dispatcher: CollectingDispatcher, domain: DomainDict
) -> None:
    events = await ActionDiscardCallback().run(dispatcher, tracker_for(slots=CALLBACK), domain)
    assert slots_set(events) == {
        "callback_name": None,
        "callback_phone": None,
        "callback_time": None,
        "callback_offered": False,
        "forget_contact_details": True,  # the tracker store rewrites the stored details
    }
    assert responses(dispatcher) == ["callback_discarded"]


@pytest.mark.parametrize(
    ("slots", "active_loop", "forget"),
    [
        ({"callback_name": "Zoë O'Brien"}, "callback_form", True),  # left half way
        ({}, "callback_form", True),  # left at the first question
        (CALLBACK, None, True),  # "delete my data", called off, in the middle of the form
        ({"symptoms": ["twitching"]}, None, False),
        ({"symptoms": ["twitching"]}, "triage_form", False),
    ],
)
async def test_a_new_session_forgets_a_callback_left_half_way(
    tracker_for: TrackerFactory,
    dispatcher: CollectingDispatcher,
    domain: DomainDict,
    slots: dict[str, Any],
    active_loop: str | None,
    forget: bool,
) -> None:
    tracker = tracker_for(slots=slots, active_loop=active_loop)
    events = await ActionSessionStart().run(dispatcher, tracker, domain)
    assert slots_set(events).get("forget_contact_details", False) is forget
    assert not any(name.startswith("callback_") for name in slots_set(events))


async def test_delete_my_data_erases_the_referrals_and_asks_the_store_to_erase_the_rest(
    tracker_for: TrackerFactory, dispatcher: CollectingDispatcher, domain: DomainDict
) -> None:
    await ActionTriage().run(
        CollectingDispatcher(), tracker_for(slots=BLURRED, active_loop=None), domain
    )
    events = await ActionDeleteMyData().run(dispatcher, tracker_for(), domain)
    assert stored().for_conversation("patient-1") == []
    assert slots_set(events) == {"erase_conversation": True}
    assert responses(dispatcher) == ["data_deleted"]


async def test_a_date_in_the_patients_words_reaches_the_record_of_a_red_flag(
    tracker_for: TrackerFactory, dispatcher: CollectingDispatcher, domain: DomainDict
) -> None:
    slots = {"symptoms": ["double_vision"], "symptom_description": "had botox 4 days ago"}
    events = await ActionTriage().run(dispatcher, tracker_for(slots=slots), domain)
    assert slots_set(events)["days_since_treatment"] == 4
    [referral] = stored().for_conversation("patient-1")
    assert referral.days_since_treatment == 4
