"""Fixtures shared by the tests: a pinned calendar and clinic, and trackers built from events."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import clinic
from actions.slots import screening_entities
from actions.symptoms import screen

ROOT = Path(__file__).resolve().parent.parent
TODAY = date(2026, 11, 24)
TEST_CLINIC = clinic.Clinic(
    name="Test Clinic",
    phone="+44 20 7946 0123",
    booking_link="https://clinic.test/book",
    hours="9 to 5",
    emergency_number="999",
)

TrackerFactory = Callable[..., Tracker]


@pytest.fixture(autouse=True)
def pinned_clinic(monkeypatch: pytest.MonkeyPatch) -> clinic.Clinic:
    """Every test runs on 24 November 2026 at the test clinic."""
    monkeypatch.setattr(clinic, "load", lambda: TEST_CLINIC)
    monkeypatch.setattr(clinic, "today", lambda: TODAY)
    return TEST_CLINIC


@pytest.fixture
def dispatcher() -> CollectingDispatcher:
    """Collects what an action says."""
    return CollectingDispatcher()


@pytest.fixture(scope="session")
def domain() -> DomainDict:
    """The bot's domain, as Rasa sends it to an action that asks for it."""
    return yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))


def user_event(
    text: str, intent: str, entities: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    """A user message as Rasa records it, with the symptom screen's entities by default."""
    if entities is None:
        entities = screening_entities(screen(text), len(text))
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


@pytest.fixture
def tracker_for() -> TrackerFactory:
    """Builds a tracker from events: slots set earlier, then the patient's latest message.

    ``tracker_for("5 days ago", intent="inform", requested_slot="treatment_date",
    slots={"symptoms": ["twitching"]})`` is the tracker the triage form's validation action
    gets when the patient answers the date question.
    """

    def build(
        text: str = "",
        intent: str = "report_symptom",
        slots: dict[str, Any] | None = None,
        requested_slot: str | None = None,
        active_loop: str | None = "triage_form",
        entities: list[dict[str, Any]] | None = None,
    ) -> Tracker:
        earlier = dict(slots or {})
        if requested_slot is not None:
            earlier["requested_slot"] = requested_slot
        events = [slot_event(k, v) for k, v in earlier.items()]
        latest = user_event(text, intent, entities)
        events.append(latest)
        return Tracker.from_dict(
            {
                "sender_id": "patient-1",
                "slots": earlier,
                "latest_message": latest["parse_data"],
                "events": events,
                "paused": False,
                "followup_action": None,
                "active_loop": {"name": active_loop} if active_loop else {},
                "latest_action_name": "action_listen",
            }
        )

    return build
