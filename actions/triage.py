"""``action_triage``: decides the triage level and tells the patient what to do."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import SQLAlchemyError

from actions.callback import CALLBACK_OFFERED, log_failure
from aftercare import clinic, slots
from aftercare.config import ConfigError
from aftercare.dates import treatment_date_in_report
from aftercare.summary import summarise
from aftercare.triage import Decision, Level, Reason, Report, decide
from handover.store import Handover

logger = logging.getLogger(__name__)


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
        report = with_date_from_description(slots.report_from_slots(tracker.slots), tracker)
        decision = decide(report, clinic.today())
        shown = (
            decision.reasons
            if decision.level in (Level.EMERGENCY, Level.URGENT)
            else sorted(s.value for s in report.symptoms)
        )
        findings = describe(shown, domain)
        dispatcher.utter_message(
            response=decision.response,
            findings=findings,
            days=decision.days_since_treatment,
            review_date=decision.review_on.strftime("%A %-d %B") if decision.review_on else None,
            review_day=decision.review_on.isoformat() if decision.review_on else None,
        )
        just_asking = Reason.JUST_ASKING.value in decision.reasons
        if decision.level is Level.SELF_CARE and report.symptoms and not just_asking:
            dispatcher.utter_message(response="aftercare_advice")
        if just_asking:
            # Only asked: nothing of the question is kept as the patient's own.
            return [
                SlotSet(slots.SYMPTOMS, None),
                SlotSet(slots.SYMPTOM_DESCRIPTION, None),
                SlotSet(slots.ONLY_ASKED, False),
                SlotSet(slots.ABOUT_SOMEONE, False),
                SlotSet(slots.HAPPENING_NOW, None),
            ]
        events: list[EventType] = [
            SlotSet(slots.TRIAGE_LEVEL, decision.level.value),
            SlotSet(slots.TRIAGE_REASONS, list(decision.reasons)),
            SlotSet(slots.DAYS_SINCE_TREATMENT, decision.days_since_treatment),
        ]
        offered = False
        if decision.level is not Level.SELF_CARE:
            # Every referral gets a way back to the patient: a callback, offered once the
            # referral is on the clinic's list (the callback is stored on it). After an
            # emergency the advice stays first and alone, and the offer waits until the
            # patient is safe.
            offered = record_referral(tracker, decision, findings)
            if offered:
                dispatcher.utter_message(response=offer_response(decision.level))
        return [*events, SlotSet(CALLBACK_OFFERED, offered)]


def offer_response(level: Level) -> str:
    """The callback offer after a referral of ``level``."""
    return "offer_callback_when_safe" if level is Level.EMERGENCY else "offer_callback"


def with_date_from_description(report: Report, tracker: Tracker) -> Report:
    """The report, with the treatment date the patient gave in their words if none is set.

    A red flag or an emergency sign ends the form before the date is asked; a date that came
    with it ("my vision is blurry since my botox 4 days ago") still counts, for the record.
    """
    if report.treated_on is not None:
        return report
    description = tracker.get_slot(slots.SYMPTOM_DESCRIPTION) or ""
    found = treatment_date_in_report(description, clinic.today(), clinic.load().date_order)
    return replace(report, treated_on=found) if found else report


def record_referral(tracker: Tracker, decision: Decision, findings: str) -> bool:
    """Writes the referral record the clinic's staff see; False if the database failed."""
    try:
        Handover.configured().record_referral(
            conversation_id=tracker.sender_id,
            level=decision.level.value,
            reasons=list(decision.reasons),
            findings=findings,
            days_since_treatment=decision.days_since_treatment,
            patient_words=tracker.get_slot(slots.SYMPTOM_DESCRIPTION) or "",
            summary=summarise(
                decision.level.value,
                [findings] if findings else [],
                decision.days_since_treatment,
            ),
            now=datetime.now(UTC),
        )
    except (SQLAlchemyError, ConfigError) as error:
        log_failure("Could not store a referral record", error)
        return False
    return True
