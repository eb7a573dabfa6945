"""A "no" means nothing kept: which stored events hold contact details never confirmed.

The callback form (``actions/callback.py``) asks for a name, a phone number and a time, reads
them back, and passes them on only when the patient says yes. Meanwhile they are in the
conversation's stored events: the patient's answers, the form's slots, the bot's read-back.
They must go when the patient

* refuses the read-back, or says "no" or "stop" (also "cancel", "never mind") in the middle:
  ``action_discard_callback`` runs;
* reports a sign that decides the triage in the middle: the form stops and ``action_triage``
  answers the sign (``actions/callback.py``);
* leaves half way: the conversation goes on in a new session (``session_started``) or is
  restarted, or, for a patient who never comes back, nothing has happened in it for a while
  (``python -m handover retention``).

Such a stretch of events is a :class:`Span`; :func:`redact` rewrites one event of it. The
events stay where they are (the conversation replays the same, the staff view's transcript
shows where something was taken out): the patient's messages and the read-back get
``REDACTED`` as their text, the contact slots are set to null. A form the patient confirmed
(``action_save_callback``) is never touched.

Plain Python over events as Rasa stores them (JSON objects), no Rasa import, and no other
module of ``aftercare``: ``storage/database.py`` applies it to the stored rows, and opening the
database must not load the symptom screen.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

CALLBACK_NAME = "callback_name"
CALLBACK_PHONE = "callback_phone"
CALLBACK_TIME = "callback_time"
CALLBACK_SLOTS = (CALLBACK_NAME, CALLBACK_PHONE, CALLBACK_TIME)
"""The slots of the contact details the callback form collects: what goes when not confirmed."""

REDACTED = "(contact details not kept)"
"""The text of a message that held contact details the patient did not confirm."""

FORM = "callback_form"
CONFIRMED = "action_save_callback"
DISCARDED = "action_discard_callback"
READ_BACK = "utter_confirm_callback"
ABANDONED = frozenset({DISCARDED, "action_triage"})
"""Actions that end a form the patient did not confirm."""
ENDS = frozenset({"session_started", "restart"})
"""Events after which the form's answers are gone from the conversation's state."""


@dataclass(frozen=True)
class Span:
    """Events ``start`` to ``end`` (positions, both included) of a callback form not confirmed.

    ``open``: the form is still going on at the end of the events; the patient may be typing.
    """

    start: int
    end: int
    open: bool = False


def unconfirmed(events: Sequence[Mapping[str, Any]]) -> list[Span]:
    """The spans of unconfirmed contact details in a conversation's events, in order.

    A span starts when the callback form starts (``active_loop`` ``callback_form``) and ends
    with the patient's confirmation (not a span then), with ``action_discard_callback`` or
    ``action_triage`` that ran, or with a new session or a restart. An action that failed
    (the action server down or frozen: nothing follows it but the next action) ends nothing:
    the details are still in the form's slots, and a "no" after it must reach them too. Only
    ``event`` and ``name`` of each event are read.
    """
    spans: list[Span] = []
    start: int | None = None
    for index, event in enumerate(events):
        kind, name = event.get("event"), event.get("name")
        if start is None:
            if kind == "active_loop" and name == FORM:
                start = index
        elif kind == "action" and name == CONFIRMED and _ran(events, index):
            start = None
        elif (kind == "action" and name in ABANDONED and _ran(events, index)) or kind in ENDS:
            spans.append(Span(start, index))
            start = None
    if start is not None:
        spans.append(Span(start, len(events) - 1, open=True))
    return spans


def _ran(events: Sequence[Mapping[str, Any]], index: int) -> bool:
    """Whether the action at ``index`` ran: an action that ran leaves events right after it."""
    following = events[index + 1] if index + 1 < len(events) else None
    return following is not None and following.get("event") != "action"


def redact(event: Mapping[str, Any]) -> dict[str, Any] | None:
    """The event of a span without contact details; None if it holds none (or no more).

    Every message the patient sent during the form goes, whatever intent it was read as: a
    name is often read as another language, a time as a symptom, and a "no, my number is..."
    as a no. Except one in which the message screener found a symptom: the clinic must see
    it (the form takes whatever is typed as an answer, "I can't breathe" as a name too). Of
    the bot's messages only the read-back repeats the details.
    """
    kind = event.get("event")
    if kind == "slot":
        if event.get("name") in CALLBACK_SLOTS and event.get("value") is not None:
            return {**event, "value": None}
    elif kind == "user":
        entities = (event.get("parse_data") or {}).get("entities") or []
        symptom = any(entity.get("entity") == "symptom" for entity in entities)
        if event.get("text") != REDACTED and not symptom:
            parse_data = {**(event.get("parse_data") or {}), "text": REDACTED, "entities": []}
            return {**event, "text": REDACTED, "parse_data": parse_data}
    elif kind == "bot":
        said = (event.get("metadata") or {}).get("utter_action")
        if said == READ_BACK and event.get("text") != REDACTED:
            return {**event, "text": REDACTED}
    return None


def redact_state(state: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]] | None:
    """A checkpoint's state (slot events) without contact details; None if it holds none."""
    changed = [redact(event) if event.get("event") == "slot" else None for event in state]
    if not any(changed):
        return None
    return [new if new is not None else dict(old) for old, new in zip(state, changed, strict=True)]
