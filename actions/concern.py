"""``action_concern``: after a crisis or distress reply, the clinic told and the body checked.

The reply itself (``utter_crisis``, ``utter_crisis_check``, ``utter_distress``) is a response
from ``domain.yml`` that a rule gives before this action (``data/rules/concern.yml``), so a
patient in crisis gets the help lines even when the action server is down. This action then:

* records a crisis for the clinic's staff, once a conversation, as a referral of its own
  level, ``crisis``, with its reason only: the patient's words are never stored with it, nor
  logged;
* sets aside a callback offered before, so that the next "yes" or "no" answers the
  patient's safety (a sign's check that follows offers it again);
* has a red flag or an emergency sign told in the same message checked next: the triage
  form decides at once, and its advice follows the help lines;
* in the middle of the callback questions, has the question asked again: the clinic calling
  back is help too, and nothing the patient gave is lost.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import SQLAlchemyError

from actions.callback import CALLBACK_OFFERED, log_failure
from aftercare import intents, slots
from aftercare.concern import Concern
from aftercare.config import ConfigError
from aftercare.summary import summarise
from handover.store import Handover

CONCERN_SLOT = "concern"
"""The gravest concern for the patient's safety in this conversation (``domain.yml``)."""
CONCERN_OF_INTENT = {
    intents.CRISIS: Concern.CRISIS,
    intents.CRISIS_CHECK: Concern.UNCLEAR,
    intents.DISTRESS: Concern.DISTRESS,
    intents.DISTRESS_WITH_SIGN: Concern.DISTRESS,
    intents.DISTRESS_WITH_QUESTION: Concern.DISTRESS,
}
CRISIS_INTENTS = frozenset({intents.CRISIS})
"""The latest message tells of a crisis in so many words."""
YES_INTENTS = frozenset({intents.AFFIRM, intents.DONT_KNOW})
"""A yes, or doubt, to "are you having thoughts of harming yourself?" (the rules run this
action after one only when it answered that question)."""


class ActionConcern(Action):
    """Tells the clinic of a crisis; has a sign that decides the check checked next."""

    def name(self) -> str:
        """Run by the rules after a crisis, a gentle question or a distress reply."""
        return "action_concern"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        """Records a crisis and the concern; then the form under way, or a check a sign decides."""
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        crisis = intent in CRISIS_INTENTS or intent in YES_INTENTS
        known = Concern(tracker.get_slot(CONCERN_SLOT) or Concern.NONE.value)
        if crisis and known is not Concern.CRISIS:  # once a conversation, not every message
            record_crisis(tracker, domain)
        concern = Concern.CRISIS if crisis else CONCERN_OF_INTENT.get(intent or "", Concern.NONE)
        events: list[EventType] = [
            SlotSet(CONCERN_SLOT, max(concern, known, key=lambda c: c.rank).value)
        ]
        if tracker.active_loop_name:
            return [*events, FollowupAction(tracker.active_loop_name)]
        # A "yes" or "no" now answers the patient's safety, not a callback offered before.
        events.append(SlotSet(CALLBACK_OFFERED, False))
        latest = slots.screening_from_entities(tracker.latest_message.get("entities") or [])
        decided = tracker.get_slot(slots.TRIAGE_LEVEL) is not None
        with_sign = intent == intents.DISTRESS_WITH_SIGN  # its reply says the check is next
        if (latest.severity.decides or with_sign) and not decided:
            return [*events, FollowupAction("triage_form")]
        return events


def record_crisis(tracker: Tracker, domain: dict[str, Any]) -> bool:
    """Writes the crisis referral the staff see; False if the database failed."""
    someone_else = tracker.get_slot(slots.CRISIS_OF) == "someone_else"
    name = "concern_crisis_someone_else" if someone_else else "concern_crisis"
    findings = domain.get("responses", {}).get(name, [{}])[0].get("text", "")
    try:
        Handover.configured().record_referral(
            conversation_id=tracker.sender_id,
            level=Concern.CRISIS.value,
            reasons=[Concern.CRISIS.value],
            findings=findings,
            days_since_treatment=None,
            patient_words="",
            summary=summarise(Concern.CRISIS.value, [findings] if findings else [], None),
            now=datetime.now(UTC),
        )
    except (SQLAlchemyError, ConfigError) as error:
        log_failure("Could not store a crisis record", error)
        return False
    return True
