"""The fail-safe when the action server cannot answer: the pure rule, the policy, the NLG."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import rasa.core.actions.action
from rasa.core.actions.action import RemoteAction
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActiveLoop,
    BotUttered,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.importers.importer import TrainingDataImporter

from aftercare import clinic
from aftercare.fallback_advice import severity_without_actions
from aftercare.screen import screen
from aftercare.severity import Severity
from aftercare.slots import screening_entities
from components.failsafe_policy import ActionServerFailSafe
from components.nlg import ClinicResponses
from tests.support.pinned import ROOT, TEST_CLINIC

EMERGENCY, RED_FLAG, EXPECTED = Severity.EMERGENCY, Severity.RED_FLAG, Severity.EXPECTED


def entities_of(text: str) -> list[dict[str, Any]]:
    return screening_entities(screen(text), len(text))


# --- The rule (aftercare/fallback_advice.py) ------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "intent", "slots", "expected"),
    [
        ("my vision is blurry", "report_symptom", {}, RED_FLAG),
        ("I see double", "report_symptom", {}, RED_FLAG),
        ("my lid covers my eye", "report_symptom", {}, RED_FLAG),
        ("the injection site still hurts and won't stop", "report_symptom", {}, RED_FLAG),
        ("I can't breathe", "report_symptom", {}, EMERGENCY),
        ("blurry vision and I can't swallow", "report_symptom", {}, EMERGENCY),
        ("no blurred vision, just a twitch", "report_symptom", {}, EXPECTED),
        ("my eye is twitching", "report_symptom", {}, EXPECTED),
        ("5 days ago", "inform", {"requested_slot": "treatment_date"}, EXPECTED),
        # A "yes" to the red-flag question being asked.
        ("yes", "affirm", {"requested_slot": "screen_eyelid"}, RED_FLAG),
        ("yes", "affirm", {"requested_slot": "screen_vision"}, RED_FLAG),
        ("yes", "affirm", {"requested_slot": "screen_injection_site"}, RED_FLAG),
        ("yes", "affirm", {"requested_slot": "screen_emergency"}, EMERGENCY),
        ("no", "deny", {"requested_slot": "screen_vision"}, EXPECTED),
        ("yes", "affirm", {"requested_slot": "callback_name"}, EXPECTED),
        # What earlier turns established, before a decision answered it ...
        ("ok", "affirm", {"symptoms": ["blurred_vision"]}, RED_FLAG),
        ("ok", "affirm", {"screen_eyelid": True}, RED_FLAG),
        ("ok", "affirm", {"screen_emergency": True}, EMERGENCY),
        ("ok", "affirm", {"screen_vision": False}, EXPECTED),
        # ... and after it: the patient has had the advice already.
        ("Anna", "inform", {"symptoms": ["blurred_vision"], "triage_level": "urgent"}, EXPECTED),
        ("I can't breathe", "report_symptom", {"triage_level": "urgent"}, EMERGENCY),
    ],
)
def test_what_the_rasa_server_knows_without_the_action_server(
    text: str, intent: str, slots: dict[str, Any], expected: Severity
) -> None:
    assert severity_without_actions(slots, entities_of(text), intent) is expected


# --- The policy (components/failsafe_policy.py) ---------------------------------------------------


@pytest.fixture(scope="module")
def rasa_domain() -> Domain:
    # As the model has it: with the retrieval intent's own action, ``utter_faq``.
    importer = TrainingDataImporter.load_from_dict(
        domain_path=str(ROOT / "domain.yml"), training_data_paths=[str(ROOT / "data")]
    )
    return importer.get_domain()


@pytest.fixture
def policy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ActionServerFailSafe:
    monkeypatch.setattr(rasa.core.actions.action, "DEFAULT_REQUEST_TIMEOUT", 300)
    monkeypatch.setattr(
        RemoteAction, "_validate_action_result", RemoteAction._validate_action_result
    )
    config = {**ActionServerFailSafe.get_default_config(), "action_timeout": 2.5}
    return ActionServerFailSafe.create(
        config,
        LocalModelStorage(tmp_path),
        Resource("failsafe"),
        ExecutionContext(GraphSchema({}), "test"),
    )


def tracker_of(*events: Any) -> DialogueStateTracker:
    return DialogueStateTracker.from_events("patient", [ActionExecuted("action_listen"), *events])


def said(text: str, intent: str = "report_symptom") -> UserUttered:
    return UserUttered(text, {"name": intent, "confidence": 1.0}, entities_of(text))


def predicted(policy: ActionServerFailSafe, tracker: DialogueStateTracker, domain: Domain) -> str:
    prediction = policy.predict_action_probabilities(tracker, domain)
    if prediction.max_confidence == 0:
        return "(abstains)"
    assert prediction.is_no_user_prediction
    return domain.action_names_or_texts[prediction.max_confidence_index]


def test_it_bounds_rasas_wait_for_the_action_server(policy: ActionServerFailSafe) -> None:
    assert rasa.core.actions.action.DEFAULT_REQUEST_TIMEOUT == 2.5


@pytest.mark.parametrize(
    ("message", "failed", "expected"),
    [
        ("my vision is blurry", "triage_form", "utter_unavailable_red_flag"),
        ("I can't breathe", "triage_form", "utter_unavailable_emergency"),
        ("my eye is twitching", "triage_form", "utter_unavailable"),
        ("my vision is blurry", "action_triage", "utter_unavailable_red_flag"),
        # A request in so many words: what became of it, and that "yes" tries again.
        ("yes", "action_delete_my_data", "utter_delete_unavailable"),
        ("yes", "action_save_callback", "utter_callback_unavailable"),
        # A question about the article: Rasa's own retrieval action answers it ...
        ("can I drink coffee?", "action_answer_question", "utter_faq"),
        # ... unless it tells a sign.
        (
            "can I drink coffee? my lips are swelling",
            "action_answer_question",
            "utter_unavailable_emergency",
        ),
        ("no", "action_discard_callback", "utter_unavailable"),
        # A sign in the same message comes first.
        ("yes, and I can't swallow", "action_delete_my_data", "utter_unavailable_emergency"),
        ("yes but my vision is blurry", "action_save_callback", "utter_unavailable_red_flag"),
    ],
)
def test_a_custom_action_that_left_nothing_gets_the_fail_safe(
    policy: ActionServerFailSafe, rasa_domain: Domain, message: str, failed: str, expected: str
) -> None:
    tracker = tracker_of(said(message), ActionExecuted(failed))
    assert predicted(policy, tracker, rasa_domain) == expected


@pytest.mark.parametrize(
    "events",
    [
        # The action answered: it left a reply or slots behind it.
        [said("my eye is twitching"), ActionExecuted("triage_form"), ActiveLoop("triage_form")],
        [said("my vision is blurry"), ActionExecuted("action_triage"), BotUttered("Please ...")],
        # Rasa's own actions never fail for want of the action server.
        [
            said("can I drink coffee?", "faq"),
            ActionExecuted("action_answer_question"),
            BotUttered("It's best to avoid coffee ..."),
        ],
        [said("hello", "greet"), ActionExecuted("utter_greet")],
        [said("hello", "greet")],
    ],
)
def test_otherwise_it_leaves_the_decision_to_the_other_policies(
    policy: ActionServerFailSafe, rasa_domain: Domain, events: list[Any]
) -> None:
    assert predicted(policy, tracker_of(*events), rasa_domain) == "(abstains)"


@pytest.mark.parametrize(
    ("message", "intent", "expected"),
    [
        (
            "I can't breathe properly since my botox",
            "report_symptom",
            "utter_unavailable_emergency",
        ),
        (
            "my vision has been blurry since my botox",
            "report_symptom",
            "utter_unavailable_red_flag",
        ),
        # Replies the rules give from the domain: the same as always.
        ("hello", "greet", "utter_greet"),
        ("are you a bot?", "bot_challenge", "utter_iamabot"),
        ("can I talk to a person?", "ask_human", "utter_contact_clinic"),
        ("asdfgh", "nlu_fallback", "utter_default"),
        # Anything else: the plain fail-safe.
        ("5 days ago", "inform", "utter_unavailable"),
    ],
)
def test_a_first_message_after_a_failed_session_start_gets_the_fail_safe(
    policy: ActionServerFailSafe, rasa_domain: Domain, message: str, intent: str, expected: str
) -> None:
    # action_session_start failed: Rasa logged it without SessionStarted and action_listen.
    tracker = DialogueStateTracker.from_events(
        "patient", [ActionExecuted("action_session_start"), said(message, intent)]
    )
    assert predicted(policy, tracker, rasa_domain) == expected
    tracker.update(ActionExecuted(expected))
    assert predicted(policy, tracker, rasa_domain) == "action_listen"


@pytest.mark.parametrize("response", ["utter_delete_unavailable", "utter_callback_unavailable"])
def test_after_a_request_could_not_be_done_it_listens_for_the_yes(
    policy: ActionServerFailSafe, rasa_domain: Domain, response: str
) -> None:
    tracker = tracker_of(said("yes", "affirm"), ActionExecuted(response))
    assert predicted(policy, tracker, rasa_domain) == "action_listen"


def test_a_first_question_after_a_failed_session_start_gets_the_articles_answer(
    policy: ActionServerFailSafe, rasa_domain: Domain
) -> None:
    tracker = DialogueStateTracker.from_events(
        "patient", [ActionExecuted("action_session_start"), said("can I drink coffee?", "faq")]
    )
    assert predicted(policy, tracker, rasa_domain) == "utter_faq"
    tracker.update(ActionExecuted("utter_faq"))
    tracker.update(BotUttered("It's best to avoid coffee ..."))
    assert predicted(policy, tracker, rasa_domain) == "action_listen"


def test_a_session_that_started_well_is_left_to_the_other_policies(
    policy: ActionServerFailSafe, rasa_domain: Domain
) -> None:
    tracker = DialogueStateTracker.from_events(
        "patient",
        [
            ActionExecuted("action_session_start"),
            SessionStarted(),
            ActionExecuted("action_listen"),
            said("hello", "greet"),
        ],
    )
    assert predicted(policy, tracker, rasa_domain) == "(abstains)"


def test_after_a_red_flag_the_form_is_closed_then_it_listens(
    policy: ActionServerFailSafe, rasa_domain: Domain
) -> None:
    events: list[Any] = [
        ActionExecuted("triage_form"),
        ActiveLoop("triage_form"),
        SlotSet("requested_slot", "screen_vision"),
        ActionExecuted("action_listen"),
        said("yes", "affirm"),
        ActionExecuted("triage_form"),
    ]
    tracker = tracker_of(*events)
    assert predicted(policy, tracker, rasa_domain) == "utter_unavailable_red_flag"
    tracker.update(ActionExecuted("utter_unavailable_red_flag"))
    assert predicted(policy, tracker, rasa_domain) == "action_deactivate_loop"
    tracker.update_with_events(
        [ActionExecuted("action_deactivate_loop"), ActiveLoop(None)], rasa_domain
    )
    assert predicted(policy, tracker, rasa_domain) == "action_listen"


def test_after_the_plain_fail_safe_the_form_stays_where_it_was(
    policy: ActionServerFailSafe, rasa_domain: Domain
) -> None:
    tracker = tracker_of(
        ActionExecuted("triage_form"),
        ActiveLoop("triage_form"),
        SlotSet("requested_slot", "treatment_date"),
        ActionExecuted("action_listen"),
        said("5 days ago", "inform"),
        ActionExecuted("triage_form"),
    )
    assert predicted(policy, tracker, rasa_domain) == "utter_unavailable"
    tracker.update(ActionExecuted("utter_unavailable"))
    assert predicted(policy, tracker, rasa_domain) == "action_listen"
    assert tracker.active_loop_name == "triage_form"


@pytest.mark.parametrize(
    ("in_the_check", "answered", "expected"),
    [
        (False, True, "action_listen"),
        # In the middle of the check: the answer, then the notice that it cannot go on now.
        (True, True, "utter_unavailable"),
        # Rasa's retrieval action said nothing (no prediction to answer with): the notice.
        (False, False, "utter_unavailable"),
    ],
)
def test_after_the_fail_safes_answer_it_listens_or_gives_the_notice(
    policy: ActionServerFailSafe,
    rasa_domain: Domain,
    in_the_check: bool,
    answered: bool,
    expected: str,
) -> None:
    check = [
        ActionExecuted("triage_form"),
        ActiveLoop("triage_form"),
        ActionExecuted("action_listen"),
    ]
    tracker = tracker_of(
        *(check if in_the_check else []),
        said("can I drink coffee?", "faq"),
        ActionExecuted("action_answer_question"),
        ActionExecuted("utter_faq"),
        *([BotUttered("It's best to avoid coffee ...")] if answered else []),
    )
    assert predicted(policy, tracker, rasa_domain) == expected
    tracker.update(ActionExecuted(expected))
    if expected != "action_listen":
        assert predicted(policy, tracker, rasa_domain) == "action_listen"


# --- A patient's safety first, whatever failed ---------------------------------------------


@pytest.mark.parametrize(
    ("intent", "expected"),
    [
        ("crisis", "utter_crisis"),
        ("crisis_check", "utter_crisis_check"),
        ("distress", "utter_distress"),
        ("distress_with_sign", "utter_distress_sign"),
    ],
)
@pytest.mark.parametrize("failed", ["triage_form", "callback_form", "action_answer_question"])
@pytest.mark.parametrize(
    ("text", "then"),
    [
        # The concern's reply first; a sign in the same message still gets its advice.
        ("I want to end it all and I can't breathe", ["utter_unavailable_emergency"]),
        ("I want to end it all, my vision is blurry", ["utter_unavailable_red_flag"]),
        ("I want to end it all", []),
    ],
)
def test_a_concern_gets_its_own_reply_whatever_failed_then_a_signs_advice(
    policy: ActionServerFailSafe,
    rasa_domain: Domain,
    intent: str,
    expected: str,
    failed: str,
    text: str,
    then: list[str],
) -> None:
    tracker = tracker_of(said(text, intent), ActionExecuted(failed))
    for action in [expected, *then, "action_listen"]:
        assert predicted(policy, tracker, rasa_domain) == action
        tracker.update(ActionExecuted(action))


def test_a_sign_told_with_a_crisis_gets_its_advice_when_the_check_after_it_fails(
    policy: ActionServerFailSafe, rasa_domain: Domain
) -> None:
    # The rule gave the help lines, action_concern ran, the check it called for failed.
    tracker = tracker_of(
        said("I want to end it all and I can't breathe", "crisis"),
        ActionExecuted("utter_crisis"),
        BotUttered("I'm so sorry you're feeling like this ..."),
        ActionExecuted("action_concern"),
        SlotSet("concern", "crisis"),
        ActionExecuted("triage_form"),
    )
    assert predicted(policy, tracker, rasa_domain) == "utter_unavailable_emergency"
    tracker.update(ActionExecuted("utter_unavailable_emergency"))
    assert predicted(policy, tracker, rasa_domain) == "action_listen"


@pytest.mark.parametrize(
    "filled",
    # The slots a message's entities fill follow it (whose crisis it is).
    [[], [SlotSet("crisis_of", "writer")]],
)
def test_a_first_message_in_crisis_after_a_failed_session_start_gets_the_help_lines(
    policy: ActionServerFailSafe, rasa_domain: Domain, filled: list[SlotSet]
) -> None:
    tracker = DialogueStateTracker.from_events(
        "patient",
        [ActionExecuted("action_session_start"), said("I want to end it all", "crisis"), *filled],
    )
    assert predicted(policy, tracker, rasa_domain) == "utter_crisis"
    tracker.update(ActionExecuted("utter_crisis"))
    assert predicted(policy, tracker, rasa_domain) == "action_listen"


def test_the_rules_reply_to_a_concern_is_followed_by_its_action(
    policy: ActionServerFailSafe, rasa_domain: Domain
) -> None:
    tracker = tracker_of(said("I want to end it all", "crisis"), ActionExecuted("utter_crisis"))
    assert predicted(policy, tracker, rasa_domain) == "(abstains)"


def test_the_rules_reply_after_the_articles_answer_is_followed_by_its_action(
    policy: ActionServerFailSafe, rasa_domain: Domain
) -> None:
    # distress_with_question: the article's answer, then the distress reply, by the rules.
    tracker = tracker_of(
        said("Good morning, how many days does it take to settle?", "distress_with_question"),
        ActionExecuted("action_answer_question"),
        BotUttered("Botox usually takes about 10 to 14 days ..."),
        ActionExecuted("utter_distress"),
    )
    assert predicted(policy, tracker, rasa_domain) == "(abstains)"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I want to end it all", "action_listen"),
        ("I want to end it all and I can't swallow", "utter_unavailable_emergency"),
    ],
)
def test_when_the_clinic_cannot_be_told_of_a_crisis_the_patient_has_had_the_help_lines(
    policy: ActionServerFailSafe, rasa_domain: Domain, text: str, expected: str
) -> None:
    # action_concern left nothing behind it: the action server is down.
    tracker = tracker_of(
        said(text, "crisis"),
        ActionExecuted("utter_crisis"),
        BotUttered("I'm so sorry you're feeling like this ..."),
        ActionExecuted("action_concern"),
    )
    assert predicted(policy, tracker, rasa_domain) == expected


# --- The clinic's details in every response (components/nlg.py) -------------------------


def test_the_responses_variables_are_the_clinics_details() -> None:
    assert TEST_CLINIC.response_values() == {
        "clinic_name": "Test Clinic",
        "clinic_phone": "+44 20 7946 0123",
        "clinic_booking_link": "https://clinic.test/book",
        "clinic_hours": "9 to 5",
        "emergency_number": "999",
        "crisis_line_name": "Samaritans",
        "crisis_line": "116 123",
        "advice_line": "111",
    }


async def test_responses_get_the_clinics_details_without_any_slot(rasa_domain: Domain) -> None:
    nlg = ClinicResponses(domain=rasa_domain)
    reply = await nlg.generate("utter_unavailable", tracker_of(), "rest")
    assert reply is not None
    assert TEST_CLINIC.phone in reply["text"] and TEST_CLINIC.emergency_number in reply["text"]
    assert "{" not in reply["text"]


async def test_an_actions_values_fill_the_response_too(rasa_domain: Domain) -> None:
    nlg = ClinicResponses(domain=rasa_domain)
    reply = await nlg.generate("triage_urgent", tracker_of(), "rest", findings="blurred vision")
    assert reply is not None
    assert "You told me about blurred vision" in reply["text"]
    assert TEST_CLINIC.booking_link in reply["text"]
    assert reply["custom"] == {"data": {"urgency": "urgent"}}


@pytest.mark.parametrize(
    ("response", "open_now", "says"),
    [
        ("triage_urgent", True, "Please return to the clinic today"),
        ("triage_urgent", False, "is closed now"),
        ("utter_unavailable_red_flag", True, "Please return to the clinic today"),
        ("utter_unavailable_red_flag", False, "call NHS 111 for advice now"),
        ("safety_net", True, "call Test Clinic now on +44 20 7946 0123"),
        ("safety_net", False, "call NHS 111 now"),
        ("triage_emergency_filler", True, "Call Test Clinic now"),
        ("triage_emergency_filler", False, "Call 999 now, or go to A&E"),
    ],
)
async def test_a_reply_knows_whether_the_clinic_is_open_now(
    rasa_domain: Domain,
    monkeypatch: pytest.MonkeyPatch,
    response: str,
    open_now: bool,
    says: str,
) -> None:
    monkeypatch.setattr(clinic, "is_open_now", lambda: open_now)
    nlg = ClinicResponses(domain=rasa_domain)
    reply = await nlg.generate(response, tracker_of(), "rest", findings="a fever")
    assert reply is not None
    assert says in " ".join(reply["text"].split())
    assert "{" not in reply["text"]


@pytest.mark.parametrize(
    ("open_now", "says"),
    [(True, "Please bring them back to the clinic today"), (False, "is closed now")],
)
async def test_a_carer_is_answered_in_words_for_them_open_or_closed(
    rasa_domain: Domain, monkeypatch: pytest.MonkeyPatch, open_now: bool, says: str
) -> None:
    monkeypatch.setattr(clinic, "is_open_now", lambda: open_now)
    nlg = ClinicResponses(domain=rasa_domain)
    tracker = tracker_of(SlotSet("for_someone_treated", True))
    reply = await nlg.generate("triage_urgent", tracker, "rest", findings="double vision")
    assert reply is not None
    text = " ".join(reply["text"].split())
    assert says in text and "see them immediately" in text
