"""Rasa's events read back from JSON, with the event classes looked up by name once.

Rasa reads an event (``Event.from_parameters``) by finding its class with
``Event.resolve_by_type``, which walks every subclass of ``Event`` (about 30, recursively)
for every event: for each event the action server sends back, and for each stored event
the tracker store reads. That walk was 2 to 10 % of the server's time under load.

``event_class`` finds the same class (the first subclass with that ``type_name``, in the
walk's order) in a table made once. A name the table lacks goes to Rasa's own walk, which
knows the old ``topic`` events, a default class and the error. ``use_event_lookup`` makes
Rasa's ``Event.resolve_by_type`` use it; ``speedups.install`` calls it when the Rasa
server starts. The tracker store reads its events with
``deserialise`` in any case.
"""

from __future__ import annotations

import functools
from typing import Any

from rasa.shared.core.events import Event
from rasa.shared.utils.common import all_subclasses

RASA_RESOLVE_BY_TYPE = Event.resolve_by_type
"""Rasa's own walk, kept for the names the table lacks and for the tests."""


@functools.lru_cache(maxsize=1)
def _event_classes() -> dict[str, type[Event]]:
    """Event classes by type name, first match first, in the order Rasa's walk finds them."""
    classes: dict[str, type[Event]] = {}
    for cls in all_subclasses(Event):
        classes.setdefault(cls.type_name, cls)
    return classes


def event_class(type_name: str, default: type[Event] | None = None) -> type[Event] | None:
    """``Event.resolve_by_type``: the event class called ``type_name``."""
    found = _event_classes().get(type_name)
    return found if found is not None else RASA_RESOLVE_BY_TYPE(type_name, default)


def deserialise(data: dict[str, Any]) -> Event:
    """An event from its stored form, as ``Event.from_parameters`` reads it; raises if it can't."""
    cls = event_class(data.get("event", ""))
    event = cls._from_parameters(data) if cls is not None else None
    if event is None:
        raise ValueError(f"Cannot read the event {data!r}.")
    return event


def use_event_lookup() -> None:
    """Rasa finds event classes by name in the table."""
    Event.resolve_by_type = staticmethod(event_class)
