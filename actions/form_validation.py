"""``validate_triage_form``: what the triage form asks, and how answers are read.

The questions still needed come from :func:`actions.triage.questions_needed`; the
reading of dates and symptoms from ``actions/dates.py`` and the NLU component's entities.
A question the patient asks in the middle of the form (an FAQ, "talk to a person", "stop")
is not taken for an answer: nothing is extracted, the form is rejected and a rule answers
the question before the form asks again.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker, utils
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import REQUESTED_SLOT, FormValidationAction
from rasa_sdk.types import DomainDict

from actions import clinic, slots
from actions.dates import DateProblem, parse_treatment_date, treatment_date_in_report
from actions.symptoms import ScreeningQuestion
from actions.triage import questions_needed

INTERRUPTING_INTENTS = frozenset(
    {
        "faq",
        "greet",
        "goodbye",
        "thank",
        "bot_challenge",
        "ask_human",
        "out_of_scope",
        "non_english",
        "stop",
        "delete_data",
    }
)
"""Intents that ask something of the bot rather than answer its question."""

DATE_ATTEMPTS_BEFORE_GIVING_UP = 2
"""An unusable treatment date is asked once more, then the triage goes on without it."""


def _intent(tracker: Tracker) -> str | None:
    return (tracker.latest_message.get("intent") or {}).get("name")


def _answers_requested(tracker: Tracker, slot: str) -> bool:
    """Whether the latest message is the patient's answer to the question for ``slot``."""
    return tracker.get_slot(REQUESTED_SLOT) == slot and _intent(tracker) not in INTERRUPTING_INTENTS


def _yes_no(tracker: Tracker) -> bool | None:
    return {"affirm": True, "deny": False}.get(_intent(tracker) or "")


class ValidateTriageForm(FormValidationAction):
    """Collects only what the triage rules still need to decide safely."""

    def name(self) -> str:
        """The validation action of ``triage_form``."""
        return "validate_triage_form"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Records what the message says about symptoms, then asks what is still needed."""
        latest = slots.screening_from_entities(tracker.latest_message.get("entities") or [])
        text = tracker.latest_message.get("text") or ""
        screening = slots.screening_slot_values(tracker.slots, latest, text)
        tracker.slots.update(screening)
        return [SlotSet(key, value) for key, value in screening.items()] + await super().run(
            dispatcher, tracker, domain
        )

    async def get_validation_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Validates every slot this message filled.

        The SDK validates only the slots still required, so it would drop an answer that makes
        the rest unnecessary, such as a "yes" to a red-flag question.
        """
        events: list[EventType] = []
        for name, value in tracker.slots_to_validate().items():
            validate = getattr(self, f"validate_{name}", None)
            result = {name: value}
            if validate is not None:
                result = await utils.call_potential_coroutine(
                    validate(value, dispatcher, tracker, domain)
                )
            tracker.slots.update(result)
            events += [SlotSet(key, val) for key, val in result.items()]
        return events

    async def next_requested_slot(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> EventType | None:
        """The first slot the decision still needs; ``None`` ends the form."""
        needed = await self.required_slots([], dispatcher, tracker, domain)
        missing = (name for name in needed if tracker.get_slot(name) is None)
        return SlotSet(REQUESTED_SLOT, next(missing, None))

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        """The slots the decision needs; the form asks the first one still empty."""
        return questions_needed(
            slots.report_from_slots(tracker.slots),
            clinic.today(),
            date_unknown=bool(tracker.get_slot(slots.TREATMENT_DATE_UNKNOWN)),
        )

    # --- What the patient describes -----------------------------------------------------

    async def extract_symptom_description(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """Their own words, when they answer "what are you noticing?"."""
        if not _answers_requested(tracker, slots.SYMPTOM_DESCRIPTION):
            return {}
        text = tracker.latest_message.get("text") or ""
        return {slots.SYMPTOM_DESCRIPTION: slots.add_description(None, text)}

    def validate_symptom_description(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """A description no symptom was recognised in is kept as "other" (or "none")."""
        if not str(value or "").strip():
            dispatcher.utter_message(response="symptom_description_empty")
            return {slots.SYMPTOM_DESCRIPTION: None}
        if tracker.get_slot(slots.SYMPTOMS) or _intent(tracker) == "deny":
            return {slots.SYMPTOM_DESCRIPTION: value}
        return {slots.SYMPTOM_DESCRIPTION: value, slots.SYMPTOMS: ["other"]}

    # --- When the treatment was -----------------------------------------------------------

    async def extract_treatment_date(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """The patient's answer, or a date they gave with the treatment in a report.

        A date that parses is an answer whatever the intent classifier made of it; anything
        else is an answer unless the patient asked something (then the form is rejected).
        """
        text = tracker.latest_message.get("text") or ""
        if tracker.get_slot(REQUESTED_SLOT) == slots.TREATMENT_DATE:
            parsed = parse_treatment_date(text, clinic.today(), clinic.load().date_order)
            if parsed.treated_on is not None:
                return {slots.TREATMENT_DATE: parsed.treated_on.isoformat()}
            return (
                {slots.TREATMENT_DATE: text}
                if _answers_requested(tracker, slots.TREATMENT_DATE)
                else {}
            )
        found = treatment_date_in_report(text, clinic.today(), clinic.load().date_order)
        return {slots.TREATMENT_DATE: found.isoformat()} if found else {}

    def validate_treatment_date(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """Turns the answer into a date; explains and asks again, once, if it cannot."""
        result = parse_treatment_date(str(value or ""), clinic.today(), clinic.load().date_order)
        if result.treated_on is not None:
            return {slots.TREATMENT_DATE: result.treated_on.isoformat(), slots.DATE_ATTEMPTS: 0}
        attempts = int(tracker.get_slot(slots.DATE_ATTEMPTS) or 0) + 1
        if attempts >= DATE_ATTEMPTS_BEFORE_GIVING_UP:
            dispatcher.utter_message(response="date_unknown_safe_advice")
            return {
                slots.TREATMENT_DATE: None,
                slots.TREATMENT_DATE_UNKNOWN: True,
                slots.DATE_ATTEMPTS: attempts,
            }
        problem = result.problem or DateProblem.NOT_UNDERSTOOD
        dispatcher.utter_message(response=f"date_{problem.value}")
        return {slots.TREATMENT_DATE: None, slots.DATE_ATTEMPTS: attempts}

    # --- Is it getting better ---------------------------------------------------------------

    async def extract_improving(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """Yes or no to "is it getting better?" (a described trend is read in :meth:`run`)."""
        if (
            not _answers_requested(tracker, slots.IMPROVING)
            or tracker.get_slot(slots.IMPROVING) is not None
        ):
            return {}
        return {slots.IMPROVING: _yes_no(tracker)}

    def validate_improving(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """Asks again for a yes or a no."""
        if value is None:
            dispatcher.utter_message(response="please_answer_yes_no")
        return {slots.IMPROVING: value}

    # --- The red-flag questions ---------------------------------------------------------

    def _screening_answer(self, question: ScreeningQuestion, tracker: Tracker) -> dict[str, Any]:
        if (
            not _answers_requested(tracker, question.value)
            or tracker.get_slot(question.value) is not None
        ):
            return {}
        return {question.value: _yes_no(tracker)}

    def _validate_screening(
        self, question: ScreeningQuestion, value: Any, dispatcher: CollectingDispatcher
    ) -> dict[str, Any]:
        if value is None:
            dispatcher.utter_message(response="please_answer_yes_no")
        return {question.value: value}

    async def extract_screen_eyelid(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """Yes or no to "can't you open your eye fully?"."""
        return self._screening_answer(ScreeningQuestion.EYELID, tracker)

    def validate_screen_eyelid(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """Asks again for a yes or a no."""
        return self._validate_screening(ScreeningQuestion.EYELID, value, dispatcher)

    async def extract_screen_vision(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """Yes or no to "blurred or double vision?"."""
        return self._screening_answer(ScreeningQuestion.VISION, tracker)

    def validate_screen_vision(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """Asks again for a yes or a no."""
        return self._validate_screening(ScreeningQuestion.VISION, value, dispatcher)

    async def extract_screen_injection_site(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """Yes or no to "pain or redness at the injection site that isn't going away?"."""
        return self._screening_answer(ScreeningQuestion.INJECTION_SITE, tracker)

    def validate_screen_injection_site(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """Asks again for a yes or a no."""
        return self._validate_screening(ScreeningQuestion.INJECTION_SITE, value, dispatcher)

    async def extract_screen_emergency(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """Yes or no to "trouble breathing, swallowing or speaking ...?"."""
        return self._screening_answer(ScreeningQuestion.EMERGENCY, tracker)

    def validate_screen_emergency(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """Asks again for a yes or a no."""
        return self._validate_screening(ScreeningQuestion.EMERGENCY, value, dispatcher)
