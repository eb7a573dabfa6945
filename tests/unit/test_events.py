"""Event classes found by name in a table are the ones Rasa's walk over subclasses finds."""

from __future__ import annotations

import pytest
from rasa.shared.core.events import (
    ActionExecuted,
    ActiveLoop,
    BotUttered,
    Event,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.utils.common import all_subclasses

from speedups import events
from speedups.events import RASA_RESOLVE_BY_TYPE, deserialise, event_class

TYPE_NAMES = sorted({cls.type_name for cls in all_subclasses(Event)})


@pytest.mark.parametrize("type_name", TYPE_NAMES)
def test_each_event_name_finds_rasas_class(type_name: str) -> None:
    assert event_class(type_name) is RASA_RESOLVE_BY_TYPE(type_name)


def test_names_it_does_not_know_go_to_rasa() -> None:
    assert event_class("topic") is None  # Rasa's old TopicSet events
    assert event_class("no_such_event", default=SlotSet) is SlotSet
    with pytest.raises(ValueError, match="Unknown event name"):
        event_class("no_such_event")


@pytest.mark.parametrize(
    "event",
    [
        UserUttered("hi", {"name": "greet", "confidence": 1.0}),
        BotUttered("hello", metadata={"utter_action": "utter_greet"}),
        SlotSet("symptoms", ["twitching"]),
        ActiveLoop("triage_form"),
        ActionExecuted("action_listen"),
        SessionStarted(),
    ],
    ids=lambda event: event.type_name,
)
def test_events_are_read_back_as_rasa_reads_them(event: Event) -> None:
    data = event.as_dict()
    assert deserialise(data) == Event.from_parameters(data)


def test_an_unreadable_event_is_refused() -> None:
    with pytest.raises(ValueError):
        deserialise({"event": "no_such_event"})
    with pytest.raises(ValueError):
        deserialise({"event": "topic"})


def test_use_event_lookup_makes_rasa_use_the_table(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Event, "resolve_by_type", staticmethod(RASA_RESOLVE_BY_TYPE))
    events.use_event_lookup()
    assert Event.resolve_by_type is event_class
    assert Event.from_parameters(SlotSet("a", 1).as_dict()) == SlotSet("a", 1)
