"""TEST ONLY: the bot's real actions, with a fault switch for the fault tests. Never deployed.

Started by ``tests/e2e/test_faults_logs.py`` as the action server's package
(``rasa run actions --actions tests.support.faulty_actions``); the bot itself runs ``actions``. In a
conversation whose id starts with :data:`FAULT_PREFIX`, ``action_triage`` raises an error that
quotes what the patient wrote, the worst case for the logs; every other conversation gets the
real action.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

# Imported so that rasa-sdk registers every real action (it registers all it finds loaded).
from actions import callback, session, triage, triage_form  # noqa: F401

FAULT_PREFIX = "fault-"


class TriageThatFails(triage.ActionTriage):
    """``action_triage``, failing with the patient's words in the error in a fault conversation."""

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        """Raises in a fault conversation; otherwise the real triage."""
        if tracker.sender_id.startswith(FAULT_PREFIX):
            raise ValueError(f"test fault while reading {tracker.latest_message.get('text')!r}")
        return await super().run(dispatcher, tracker, domain)
