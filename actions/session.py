"""Session start: what a returning patient already told us is carried over."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, EventType, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from aftercare import slots

CARRIED_OVER = (
    slots.SYMPTOMS,
    slots.SYMPTOM_DESCRIPTION,
    slots.TREATMENT_DATE,
    slots.TREATMENT_DATE_UNKNOWN,
)
"""What a returning patient does not have to say again. Screening answers and the last
decision are not carried over: they describe how things were, and are asked again."""


class ActionSessionStart(Action):
    """Starts a session with what the patient already told us."""

    def name(self) -> str:
        """The action Rasa runs at the start of every session."""
        return "action_session_start"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: dict[str, Any],
    ) -> list[EventType]:
        """Carries over the patient's earlier answers."""
        events: list[EventType] = [SessionStarted()]
        events += [
            SlotSet(key, tracker.get_slot(key))
            for key in CARRIED_OVER
            if tracker.get_slot(key) is not None
        ]
        events.append(ActionExecuted("action_listen"))
        return events
