"""Rasa trackers built from events, as the actions and policies receive them."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from rasa.core.policies.rule_policy import RulePolicy
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
)
from rasa.shared.core.trackers import DialogueStateTracker
from rasa_sdk import Tracker

from aftercare.body import body_change
from aftercare.screen import screen
from aftercare.slots import body_change_entities, screening_entities

TrackerFactory = Callable[..., Tracker]


def user_event(
    text: str, intent: str, entities: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    """A user message as Rasa records it, with the message screener's entities by default."""
    if entities is None:
        change = body_change(text)
        entities = screening_entities(screen(text), len(text)) + body_change_entities(
            change.about, change.beyond, len(text)
        )
    return {
        "event": "user",
        "text": text,
        "parse_data": {
            "text": text,
            "intent": {"name": intent, "confidence": 1.0},
            "entities": entities,
        },
    }


def slot_event(name: str, value: Any) -> dict[str, Any]:
    """A slot set, as Rasa records it."""
    return {"event": "slot", "name": name, "value": value}


@dataclass(frozen=True)
class CoreTraining:
    """The project's stories and rules as Rasa trains on them, and the rules it learns."""

    domain: Domain
    trackers: list[DialogueStateTracker]
    rule_policy: RulePolicy

    def conversations(self) -> Iterator[DialogueStateTracker]:
        """Every training conversation up to each action in it: a tracker before a prediction."""
        for tracker in self.trackers:
            events = list(tracker.events)
            for index, event in enumerate(events):
                if isinstance(event, ActionExecuted) and index:
                    yield DialogueStateTracker.from_events(
                        tracker.sender_id, events[:index], self.domain.slots
                    )
