"""A SQL tracker store whose cost per message does not grow with the conversation.

Rasa rebuilds the whole conversation for every message: it loads and deserialises every event
of the session, replays them, computes a dialogue state for every earlier turn at every
prediction, and sends all of them to the action server. A conversation of 300 turns is answered
several times slower than one of 10.

``BoundedSQLTrackerStore`` keeps every event in Rasa's own ``events`` table, as
``SQLTrackerStore`` does (the HTTP API, ``rasa export`` and the tests read the full history
from it), but hands Rasa only the last ``max_turns`` user turns, preceded by a *checkpoint*:
a few synthetic events that restore the state from before those turns (every slot that is
set, the active form, then ``action_listen``). The policies look at far fewer turns than
that (the RulePolicy's rules and the MemoizationPolicy's ``max_history`` of 5), so their
predictions are the same.

The checkpoint lives in a table of its own, ``tracker_checkpoints``, one row per
conversation, and moves forward once the conversation has ``2 * max_turns`` turns since it:
the state at the new checkpoint is replayed from at most that many turns, so the work stays
bounded and is done once every ``max_turns`` turns.
"""

from __future__ import annotations

import functools
import itertools
import json
import os
import weakref
from typing import Any, NamedTuple

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActiveLoop,
    Event,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY
from rasa.shared.utils.common import all_subclasses

CHECKPOINT_MARK = {"tracker_store": "checkpoint"}
"""Metadata of the synthetic events that restore a conversation's state."""

ERASE_SLOT = "erase_conversation"
"""Set by action_delete_my_data (actions/handover.py): the turn's save erases the conversation."""

DATABASE_URL_VARIABLE = "AFTERCARE_DATABASE_URL"
"""When set, the database for conversations (and referrals, handover/store.py)."""


def connection_from_url(url: str) -> dict[str, Any]:
    """``SQLTrackerStore`` keyword arguments for a database URL (``postgresql://u@h/db``)."""
    parsed = sa.engine.make_url(url)
    return {
        "dialect": parsed.drivername,
        "host": parsed.host,
        "port": parsed.port,
        "db": parsed.database,
        "username": parsed.username,
        "password": parsed.password,
    }


@functools.lru_cache(maxsize=1)
def _event_classes() -> dict[str, type[Event]]:
    """Event classes by type name, first match first, as ``Event.resolve_by_type`` finds them."""
    classes: dict[str, type[Event]] = {}
    for cls in all_subclasses(Event):
        classes.setdefault(cls.type_name, cls)
    return classes


def deserialise(data: dict[str, Any]) -> Event:
    """An event from its stored form.

    Same result as Rasa's ``Event.from_parameters``, which walks every subclass of ``Event``
    for every event (a tenth of the server's time under load); here the lookup is built once.
    """
    event_class = _event_classes().get(data.get("event", ""))
    if event_class is None:
        raise ValueError(f"Unknown event name '{data.get('event')}'.")
    event = event_class._from_parameters(data)
    if event is None:
        raise ValueError(f"Cannot read the event {data!r}.")
    return event


def _sqlite_pragmas(connection: Any, _record: Any) -> None:
    """Write-ahead log, synced at checkpoints: a crash of the server loses nothing."""
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def checkpoint_length(tracker: DialogueStateTracker) -> int:
    """How many events at the start of the tracker are a checkpoint (not stored events)."""
    count = 0
    for event in tracker.events:
        if event.metadata != CHECKPOINT_MARK:
            break
        count += 1
    return count


def state_as_events(tracker: DialogueStateTracker) -> list[Event]:
    """Events that put an empty tracker in this tracker's state, ready for a user message."""
    events: list[Event] = [
        SlotSet(slot.name, slot.value, metadata=CHECKPOINT_MARK)
        for slot in tracker.slots.values()
        if slot.value != slot.initial_value
    ]
    if tracker.active_loop_name:
        events.append(ActiveLoop(tracker.active_loop_name, metadata=CHECKPOINT_MARK))
    events.append(ActionExecuted(ACTION_LISTEN_NAME, metadata=CHECKPOINT_MARK))
    return events


class _Loaded(NamedTuple):
    """What ``retrieve`` read for a tracker: its stored events, and the checkpoint before."""

    stored: int
    checkpoint: Any


class BoundedSQLTrackerStore(SQLTrackerStore):
    """``SQLTrackerStore`` that gives Rasa the recent turns of a conversation and its state."""

    class SQLCheckpoint(SQLTrackerStore.Base):
        """Where a conversation's window starts, and the state before it."""

        __tablename__ = "tracker_checkpoints"

        sender_id = sa.Column(sa.String(255), primary_key=True)
        # The window holds the stored events with an id above this one.
        event_id = sa.Column(sa.Integer, nullable=False)
        # JSON list of events (see `state_as_events`).
        state = sa.Column(sa.Text, nullable=False)

    def __init__(self, domain: Domain | None = None, max_turns: int = 20, **kwargs: Any) -> None:
        """Connects like ``SQLTrackerStore``; ``max_turns`` is how many user turns Rasa gets."""
        if int(max_turns) < 1:
            raise ValueError("max_turns must be at least 1")
        self.max_turns = int(max_turns)
        self._loaded: dict[int, _Loaded] = {}
        url = os.environ.get(DATABASE_URL_VARIABLE)
        if url:
            kwargs.update(connection_from_url(url))
        super().__init__(domain, **kwargs)
        engine: sa.engine.Engine = self.engine  # type: ignore[has-type]
        if engine.dialect.name == "sqlite":
            # SQLAlchemy 1.4 opens a new SQLite connection for every session (NullPool), 4 %
            # of the server's time under load. A pool keeps them open; the server uses them
            # from one thread at a time.
            engine.dispose()
            pooled = sa.create_engine(
                engine.url,
                poolclass=sa.pool.QueuePool,
                connect_args={"check_same_thread": False},
            )
            sa.event.listen(pooled, "connect", _sqlite_pragmas)
            self.engine = pooled
            self.sessionmaker.configure(bind=pooled)

    # Reads and writes below go through SQLAlchemy Core (plain rows, one INSERT for a turn's
    # events) rather than ORM objects: ORM bookkeeping was most of the store's time.

    def _checkpoint(self, session: Any, sender_id: str) -> Any:
        """The conversation's checkpoint row (``event_id``, ``state``), or None."""
        table = self.SQLCheckpoint.__table__
        query = sa.select(table.c.event_id, table.c.state).where(table.c.sender_id == sender_id)
        return session.execute(query).first()

    def _window(self, sender_id: str, checkpoint: Any, *columns: Any) -> Any:
        """``columns`` of the stored events after the checkpoint, in the latest session.

        The events Rasa's ``_event_query`` selects (those from the latest ``session_started``
        on), as a Core statement: building Rasa's ORM query cost more than running it.
        """
        events = self.SQLEvent.__table__
        session_start = (
            sa.select(sa.func.max(events.c.timestamp))
            .where(
                events.c.sender_id == sender_id,
                events.c.type_name == SessionStarted.type_name,
            )
            .scalar_subquery()
        )
        query = sa.select(*columns).where(
            events.c.sender_id == sender_id,
            sa.or_(events.c.timestamp >= session_start, session_start.is_(None)),
        )
        if checkpoint is not None:
            query = query.where(events.c.id > checkpoint.event_id)
        return query.order_by(events.c.id)

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        """The conversation's last turns, after the checkpoint that restores its state."""
        with self.session_scope() as session:
            checkpoint = self._checkpoint(session, sender_id)
            window = self._window(sender_id, checkpoint, self.SQLEvent.__table__.c.data)
            stored = list(session.execute(window).scalars())
        if self.domain is None or not stored:
            return None
        prefix = json.loads(checkpoint.state) if checkpoint is not None else []
        events = [deserialise(data) for data in prefix + [json.loads(data) for data in stored]]
        tracker = DialogueStateTracker.from_events(sender_id, events, self.domain.slots)
        self._remember(tracker, _Loaded(len(stored), checkpoint))
        return tracker

    def _remember(self, tracker: DialogueStateTracker, loaded: _Loaded) -> None:
        """Keeps what ``save`` needs to know of this tracker while it is being answered.

        Rasa saves the very tracker it retrieved, under the conversation's lock, so ``save``
        need not count the stored events again. Forgotten when the tracker is.
        """
        key = id(tracker)
        self._loaded[key] = loaded
        weakref.finalize(tracker, self._loaded.pop, key, None)

    def _recall(self, session: Any, tracker: DialogueStateTracker) -> _Loaded:
        """How many of the tracker's events are stored, and the checkpoint they follow."""
        loaded = self._loaded.get(id(tracker))
        if loaded is not None:
            return loaded
        checkpoint = self._checkpoint(session, tracker.sender_id)
        window = self._window(tracker.sender_id, checkpoint, self.SQLEvent.__table__.c.id)
        count = sa.select(sa.func.count()).select_from(window.subquery())
        return _Loaded(session.execute(count).scalar_one(), checkpoint)

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Stores the tracker's new events, and moves the checkpoint forward when due.

        A turn that sets ``erase_conversation`` ("delete my data") erases the conversation
        instead: its events and checkpoint are deleted and nothing of the turn is stored.
        """
        await self.stream_events(tracker)
        with self.session_scope() as session:
            loaded = self._recall(session, tracker)
            skip = checkpoint_length(tracker) + loaded.stored
            new_events = list(itertools.islice(tracker.events, skip, None))
            if any(isinstance(e, SlotSet) and e.key == ERASE_SLOT and e.value for e in new_events):
                self._erase(session, tracker.sender_id)
                self._loaded.pop(id(tracker), None)
                return
            if new_events:
                rows = [self._row(tracker.sender_id, event) for event in new_events]
                session.execute(self.SQLEvent.__table__.insert(), rows)
            self._advance_checkpoint(session, tracker, loaded.checkpoint)
            session.commit()
            # Saved again (Rasa saves a new conversation twice), it is counted anew.
            self._loaded.pop(id(tracker), None)

    def _erase(self, session: Any, sender_id: str) -> None:
        session.query(self.SQLEvent).filter(self.SQLEvent.sender_id == sender_id).delete()
        session.query(self.SQLCheckpoint).filter(self.SQLCheckpoint.sender_id == sender_id).delete()
        session.commit()

    @staticmethod
    def _row(sender_id: str, event: Event) -> dict[str, Any]:
        """The ``events`` table's columns for one event."""
        data: dict[str, Any] = event.as_dict()
        return {
            "sender_id": sender_id,
            "type_name": event.type_name,
            "timestamp": data.get("timestamp"),
            "intent_name": data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
            "action_name": data.get("name"),
            "data": json.dumps(data),
        }

    def _advance_checkpoint(
        self, session: Any, tracker: DialogueStateTracker, checkpoint: Any
    ) -> None:
        events = list(tracker.events)
        prefix = checkpoint_length(tracker)
        stored = events[prefix:]
        turns = [i for i, event in enumerate(stored) if isinstance(event, UserUttered)]
        if len(turns) <= 2 * self.max_turns or self.domain is None:
            return
        window = self._window(tracker.sender_id, checkpoint, self.SQLEvent.__table__.c.id)
        ids = list(session.execute(window).scalars())
        if len(ids) != len(stored):
            # A new session started in this save: the window is already short.
            return
        start = turns[-self.max_turns]
        before = DialogueStateTracker.from_events(
            tracker.sender_id, events[: prefix + start], self.domain.slots
        )
        values = {
            "event_id": ids[start - 1],
            "state": json.dumps([event.as_dict() for event in state_as_events(before)]),
        }
        table = self.SQLCheckpoint.__table__
        if checkpoint is None:
            session.execute(table.insert().values(sender_id=tracker.sender_id, **values))
        else:
            session.execute(
                table.update().where(table.c.sender_id == tracker.sender_id).values(**values)
            )
