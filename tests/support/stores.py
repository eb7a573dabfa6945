"""Referrals and conversations written to a test's database, and read back whole."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    BotUttered,
    Event,
    SessionStarted,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from aftercare.summary import summarise
from components.tracker_store import BoundedSQLTrackerStore
from handover.store import Handover
from storage import database
from tests.support.pinned import NOW


def refer(store: Handover, conversation: str, level: str = "urgent", **changes: object) -> int:
    values: dict[str, object] = {
        "conversation_id": conversation,
        "level": level,
        "reasons": ["blurred_vision"],
        "findings": "blurred vision",
        "days_since_treatment": 4,
        "patient_words": "my vision is blurry since my botox",
        "summary": summarise(level, ["blurred vision"], 4),
        "now": NOW,
    }
    values.update(changes)
    return store.record_referral(**values)  # type: ignore[arg-type]


async def stored_events(url: str, sender: str, events: list[Event]) -> BoundedSQLTrackerStore:
    """A conversation of ``events``, saved in the tracker store at ``url``."""
    tracker_store = BoundedSQLTrackerStore(Domain.empty(), **database.tracker_store_arguments(url))
    tracker = DialogueStateTracker(sender, [])
    for event in events:
        tracker.update(event)
    await tracker_store.save(tracker)
    return tracker_store


async def stored_conversation(url: str, sender: str, when: datetime) -> BoundedSQLTrackerStore:
    stamp = when.timestamp()
    return await stored_events(
        url,
        sender,
        [
            SessionStarted(timestamp=stamp),
            ActionExecuted("action_listen", timestamp=stamp),
            UserUttered("my vision is blurry", {"name": "report_symptom"}, timestamp=stamp),
            BotUttered("Please return to the clinic today.", timestamp=stamp),
            ActionExecuted("action_listen", timestamp=stamp),
        ],
    )


def everything_stored(engine: sa.engine.Engine, sender: str) -> str:
    """All the database holds of a conversation: its events, checkpoint and referrals."""
    with engine.connect() as connection:
        events = connection.execute(
            sa.text("SELECT data FROM events WHERE sender_id = :s"), {"s": sender}
        ).scalars()
        checkpoint = connection.execute(
            sa.text("SELECT state FROM tracker_checkpoints WHERE sender_id = :s"), {"s": sender}
        ).scalars()
        referrals = connection.execute(
            sa.text("SELECT * FROM referrals WHERE conversation_id = :s"), {"s": sender}
        ).all()
        return "\n".join([*events, *checkpoint, *(repr(tuple(row)) for row in referrals)])
