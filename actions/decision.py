"""``action_triage``: decides the triage level and tells the patient what to do."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import clinic, slots
from actions.triage import Decision, Level, decide


def response_name(decision: Decision) -> str:
    """The domain response for a decision: one per level, self-care one per reason."""
    if decision.level is Level.SELF_CARE:
        return f"triage_self_care_{decision.reasons[0]}"
    return f"triage_{decision.level.value}"


def describe(codes: Iterable[str], domain: dict[str, Any]) -> str:
    """Patient-facing names of symptom codes, from the ``symptom_<code>`` responses."""
    responses = domain.get("responses", {})
    names = [
        responses[f"symptom_{code}"][0]["text"]
        for code in codes
        if responses.get(f"symptom_{code}")
    ]
    return ", ".join(names)


class ActionTriage(Action):
    """Applies the triage rules to what the patient reported."""

    def name(self) -> str:
        """Run by a rule when the triage form is complete."""
        return "action_triage"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: dict[str, Any],
    ) -> list[EventType]:
        """Decides, answers with the level's response and records the decision in slots."""
        report = slots.report_from_slots(tracker.slots)
        decision = decide(report, clinic.today())
        shown = (
            decision.reasons
            if decision.level in (Level.EMERGENCY, Level.URGENT)
            else sorted(s.value for s in report.symptoms)
        )
        dispatcher.utter_message(
            response=response_name(decision),
            findings=describe(shown, domain),
            days=decision.days_since_treatment,
            review_date=decision.review_on.strftime("%A %-d %B") if decision.review_on else None,
        )
        if decision.level is Level.SELF_CARE and report.symptoms:
            dispatcher.utter_message(response="aftercare_advice")
        return [
            SlotSet(slots.TRIAGE_LEVEL, decision.level.value),
            SlotSet(slots.TRIAGE_REASONS, list(decision.reasons)),
            SlotSet(slots.DAYS_SINCE_TREATMENT, decision.days_since_treatment),
        ]
