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

import contextlib
import functools
import itertools
import json
import os
import weakref
from collections.abc import Iterator
from typing import Any, NamedTuple

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActiveLoop,
    Event,
    Restarted,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.exceptions import RasaException
from rasa.shared.nlu.constants import INTENT_NAME_KEY

from aftercare.config import ConfigError
from speedups.events import deserialise
from speedups.json_text import dumps
from storage import database, faults

CHECKPOINT_MARK = {"tracker_store": "checkpoint"}
"""Metadata of the synthetic events that restore a conversation's state."""


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


def _sets(events: list[Event], slot: str) -> bool:
    """Whether one of the events sets ``slot`` to a true value."""
    return any(isinstance(e, SlotSet) and e.key == slot and e.value for e in events)


class _Loaded(NamedTuple):
    """What ``retrieve`` read for a tracker: the ids of its stored events, the checkpoint before."""

    ids: list[int]
    checkpoint: Any


class _Statements(NamedTuple):
    """The store's SQL, built once per store; the values are bound at each use."""

    checkpoint: Any  # event_id, state of :sender_id's checkpoint
    window: Any  # id, data of :sender_id's events after id :after, in the latest session
    window_size: Any  # how many events the window holds
    window_id: Any  # the id of the window's event at :offset (0: the first)
    insert_event: Any
    insert_checkpoint: Any
    update_checkpoint: Any  # of :conversation (an update binds each column to its name)


class BoundedSQLTrackerStore(SQLTrackerStore):
    """``SQLTrackerStore`` that gives Rasa the recent turns of a conversation and its state."""

    class SQLCheckpoint(SQLTrackerStore.Base):
        """Where a conversation's window starts, and the state before it."""

        __tablename__ = database.CHECKPOINTS

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
        self._schema_checked = False
        url = os.environ.get(database.URL_VARIABLE)
        try:
            if url:
                kwargs.update(database.tracker_store_arguments(url))
            elif kwargs.get("dialect", "sqlite") == "sqlite" and kwargs.get("db"):
                url = f"sqlite:///{kwargs['db']}"
            if url:
                database.check_folder(url)
        except ConfigError as error:  # Rasa prints its own errors without a traceback
            raise RasaException(str(error)) from error
        super().__init__(domain, **kwargs)
        engine: sa.engine.Engine = self.engine  # type: ignore[has-type]
        # Both databases: no SQL values (a patient's words) in error messages, and a dropped
        # connection replaced (storage/faults.py); PostgreSQL keeps Rasa's pool settings.
        options = create_engine_kwargs(engine.url)
        if engine.dialect.name == "sqlite":
            # SQLAlchemy 1.4 opens a new SQLite connection for every session (NullPool), 4 %
            # of the server's time under load. A pool keeps them open; the server uses them
            # from one thread at a time, and look at the file first (storage/faults.py).
            options = faults.sqlite_pool(engine.url)
        engine.dispose()
        pooled = sa.create_engine(engine.url, **faults.engine_options(engine.url, **options))
        if engine.dialect.name == "sqlite":
            sa.event.listen(pooled, "connect", database.sqlite_pragmas)
        self.engine = pooled
        self.sessionmaker.configure(bind=pooled)

    # Reads and writes below go through SQLAlchemy Core (plain rows, one INSERT for a turn's
    # events), on statements built once (``_statements``): building them for each message
    # and ORM bookkeeping had been most of the store's time.

    @functools.cached_property
    def _statements(self) -> _Statements:
        """The store's statements; the window is the events Rasa's ``_event_query`` selects.

        That is, the events from the latest ``session_started`` on (all of them if there is
        none), here only those after the checkpoint's event (``:after``; 0 before any
        checkpoint, as ids start at 1).
        """
        events = self.SQLEvent.__table__
        checkpoints = self.SQLCheckpoint.__table__
        sender = sa.bindparam("sender_id")
        session_start = (
            sa.select(sa.func.max(events.c.timestamp))
            .where(events.c.sender_id == sender, events.c.type_name == SessionStarted.type_name)
            .scalar_subquery()
        )
        in_window = (
            events.c.sender_id == sender,
            sa.or_(events.c.timestamp >= session_start, session_start.is_(None)),
            events.c.id > sa.bindparam("after"),
        )
        window_ids = sa.select(events.c.id).where(*in_window).order_by(events.c.id)
        return _Statements(
            checkpoint=sa.select(checkpoints.c.event_id, checkpoints.c.state).where(
                checkpoints.c.sender_id == sender
            ),
            window=sa.select(events.c.id, events.c.data).where(*in_window).order_by(events.c.id),
            window_size=sa.select(sa.func.count()).select_from(window_ids.subquery()),
            window_id=window_ids.limit(1).offset(sa.bindparam("offset")),
            insert_event=events.insert(),
            insert_checkpoint=checkpoints.insert(),
            update_checkpoint=checkpoints.update().where(
                checkpoints.c.sender_id == sa.bindparam("conversation")
            ),
        )

    @contextlib.contextmanager
    def _connection(self) -> Iterator[Any]:
        """A connection in a transaction, committed on leaving (rolled back on an error).

        The first one runs Rasa's check that a configured PostgreSQL schema exists
        (``session_scope`` runs it for every session).
        """
        if not self._schema_checked:
            with self.session_scope():
                self._schema_checked = True
        with self.engine.begin() as connection:
            yield connection

    def _checkpoint(self, connection: Any, sender_id: str) -> Any:
        """The conversation's checkpoint row (``event_id``, ``state``), or None."""
        return connection.execute(self._statements.checkpoint, {"sender_id": sender_id}).first()

    @staticmethod
    def _after(checkpoint: Any) -> int:
        return int(checkpoint.event_id) if checkpoint is not None else 0

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        """The conversation's last turns, after the checkpoint that restores its state."""
        with self._connection() as connection:
            checkpoint = self._checkpoint(connection, sender_id)
            window = {"sender_id": sender_id, "after": self._after(checkpoint)}
            stored = connection.execute(self._statements.window, window).all()
        if self.domain is None or not stored:
            return None
        prefix = json.loads(checkpoint.state) if checkpoint is not None else []
        events = [deserialise(data) for data in prefix + [json.loads(row.data) for row in stored]]
        tracker = DialogueStateTracker.from_events(sender_id, events, self.domain.slots)
        self._remember(tracker, _Loaded([row.id for row in stored], checkpoint))
        return tracker

    def _remember(self, tracker: DialogueStateTracker, loaded: _Loaded) -> None:
        """Keeps what ``save`` needs to know of this tracker while it is being answered.

        Rasa saves the very tracker it retrieved, under the conversation's lock, so ``save``
        need not read the stored events again. Forgotten when the tracker is.
        """
        key = id(tracker)
        self._loaded[key] = loaded
        weakref.finalize(tracker, self._loaded.pop, key, None)

    def _recall(self, connection: Any, tracker: DialogueStateTracker) -> tuple[int, Any]:
        """How many of the tracker's events are stored, and the checkpoint they follow."""
        loaded = self._loaded.get(id(tracker))
        if loaded is not None:
            return len(loaded.ids), loaded.checkpoint
        checkpoint = self._checkpoint(connection, tracker.sender_id)
        window = {"sender_id": tracker.sender_id, "after": self._after(checkpoint)}
        return connection.execute(self._statements.window_size, window).scalar_one(), checkpoint

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Stores the tracker's new events, and moves the checkpoint forward when due.

        A turn that sets ``erase_conversation`` ("delete my data") erases the conversation
        instead: its events and checkpoint are deleted and nothing of the turn is stored. A
        turn that sets ``forget_contact_details`` (a callback refused, stopped, or left in the
        last session), or that restarts the conversation ("/restart"), is stored, then the
        events and checkpoint that hold contact details never confirmed are rewritten without
        them. Either way no old copy stays in SQLite's files.
        """
        await self.stream_events(tracker)
        with self._connection() as connection:
            stored, checkpoint = self._recall(connection, tracker)
            skip = checkpoint_length(tracker) + stored
            new_events = list(itertools.islice(tracker.events, skip, None))
            erase, rewritten = _sets(new_events, database.ERASE_SLOT), 0
            if erase:
                database.erase_conversation(connection, tracker.sender_id)
            else:
                if new_events:
                    rows = [self._row(tracker.sender_id, event) for event in new_events]
                    connection.execute(self._statements.insert_event, rows)
                self._advance_checkpoint(connection, tracker, checkpoint, new_events)
                restarted = any(isinstance(event, Restarted) for event in new_events)
                if restarted or _sets(new_events, database.FORGET_SLOT):
                    rewritten = database.forget_unconfirmed_contact(connection, tracker.sender_id)
        if erase or rewritten:
            database.drop_old_copies(self.engine)
        # Saved again (Rasa saves a new conversation twice), it is counted anew.
        self._loaded.pop(id(tracker), None)

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
            "data": dumps(data),
        }

    def _window_id(
        self, connection: Any, tracker: DialogueStateTracker, checkpoint: Any, index: int
    ) -> int:
        """The id of the window's event at ``index``: known from ``retrieve``, or read."""
        loaded = self._loaded.get(id(tracker))
        if loaded is not None and index < len(loaded.ids):
            return loaded.ids[index]
        values = {"sender_id": tracker.sender_id, "after": self._after(checkpoint), "offset": index}
        return int(connection.execute(self._statements.window_id, values).scalar_one())

    def _advance_checkpoint(
        self,
        connection: Any,
        tracker: DialogueStateTracker,
        checkpoint: Any,
        new_events: list[Event],
    ) -> None:
        """Moves the checkpoint to before the last ``max_turns`` turns when there are 2x that."""
        if self.domain is None or any(isinstance(e, SessionStarted) for e in new_events):
            # A new session started in this save: Rasa's window is already short.
            return
        events = list(tracker.events)
        prefix = checkpoint_length(tracker)
        stored = events[prefix:]
        turns = [i for i, event in enumerate(stored) if isinstance(event, UserUttered)]
        if len(turns) <= 2 * self.max_turns:
            return
        start = turns[-self.max_turns]
        before = DialogueStateTracker.from_events(
            tracker.sender_id, events[: prefix + start], self.domain.slots
        )
        values = {
            "event_id": self._window_id(connection, tracker, checkpoint, start - 1),
            "state": dumps([event.as_dict() for event in state_as_events(before)]),
        }
        if checkpoint is None:
            connection.execute(
                self._statements.insert_checkpoint, {"sender_id": tracker.sender_id, **values}
            )
        else:
            connection.execute(
                self._statements.update_checkpoint, {"conversation": tracker.sender_id, **values}
            )
