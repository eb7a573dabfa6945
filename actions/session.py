"""Session start: what a returning patient already told us is carried over, and what not.

Contact details given for a callback and never confirmed are not carried over, and are
forgotten in the stored conversation too (``forget_contact_details``, ``aftercare/privacy.py``):
the patient left half way.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, EventType, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from aftercare import slots
from aftercare.privacy import CALLBACK_SLOTS, FORM
from storage import database

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
        """Carries over the patient's earlier answers; forgets a callback left half way."""
        events: list[EventType] = [SessionStarted()]
        events += [
            SlotSet(key, tracker.get_slot(key))
            for key in CARRIED_OVER
            if tracker.get_slot(key) is not None
        ]
        if left_half_way(tracker):
            events.append(SlotSet(database.FORGET_SLOT, True))
        events.append(ActionExecuted("action_listen"))
        return events


def left_half_way(tracker: Tracker) -> bool:
    """Whether the last session ended in the callback form, or with its details unconfirmed."""
    return tracker.active_loop_name == FORM or any(
        tracker.get_slot(slot) is not None for slot in CALLBACK_SLOTS
    )
