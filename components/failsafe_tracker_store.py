"""The conversation store when the database fails: the patient still gets the fail-safe advice.

Rasa wraps every tracker store in its ``FailSafeTrackerStore``, which catches any error: a
conversation it cannot read is started anew, a turn it cannot save is kept in memory where
nothing reads it again, and the error is logged with SQLAlchemy's message. So the channel
never sees the fault, and the policies answer a patient in the middle of the questions as if
they had just arrived: with PostgreSQL down, "yes" to "Do you have any trouble breathing?"
got "What can I help you with?".

``FailSafeSQLTrackerStore`` is ``BoundedSQLTrackerStore`` handling the database's errors
itself (``storage/faults.py`` names them):

* While the database cannot be read or written (read-only, missing, full, unreachable,
  locked), Rasa gets the conversation as last known followed by a *mark*: an
  ``action_listen`` with :data:`UNAVAILABLE` in its metadata. The fail-safe policy
  (``components/failsafe_policy.py``) answers a marked turn as it answers when the action server
  fails: by severity, from the slots and what the message screen found (an emergency sign:
  the emergency number; a red flag: return to the clinic today; else "I can't check that
  right now, call the clinic"), with the clinic's number (``components/nlg.py``). A marked
  turn is not stored.
* "As last known" is the database's copy if it can still be read, else the state the
  conversation's latest turn left (its slots, the question being asked), which the store
  keeps in memory for the latest :data:`MAX_REMEMBERED` conversations: a "yes" to "Do you
  have any trouble breathing?" is still an emergency while the database is down.
* A turn that cannot be saved is kept in memory too, and written first once the database
  works again: the conversation goes on where it was.
* The problem is logged once at ERROR, by name and without the patient's words, and the health
  endpoint reports it (``components/health.py``).

Configured in ``endpoints.yml`` (``tracker_store``, with ``BoundedSQLTrackerStore``'s keys).
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from typing import Any, TypeVar

import sqlalchemy as sa
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, Event
from rasa.shared.core.trackers import DialogueStateTracker

from components.tracker_store import BoundedSQLTrackerStore, state_as_events
from storage import faults

logger = logging.getLogger(__name__)

T = TypeVar("T")

UNAVAILABLE = {"tracker_store": "unavailable"}
"""The metadata of the mark that tells the fail-safe policy the conversation store failed."""

READABLE = (faults.Problem.READ_ONLY, faults.Problem.FULL, faults.Problem.LOCKED)
"""Problems under which a conversation can still be read, to judge the message with it."""

MAX_REMEMBERED = 10_000
"""Conversations whose state (and unsaved turns, while the database is down) are kept in memory."""


def is_mark(event: Event) -> bool:
    """Whether the event is the mark of a turn the conversation store failed."""
    metadata = event.metadata or {}
    return isinstance(event, ActionExecuted) and UNAVAILABLE.items() <= metadata.items()


def storage_failed(tracker: DialogueStateTracker) -> bool:
    """Whether the latest action is the mark: the fail-safe must answer the latest message."""
    for event in reversed(tracker.events):
        if isinstance(event, ActionExecuted):
            return is_mark(event)
    return False


class FailSafeSQLTrackerStore(BoundedSQLTrackerStore):
    """``BoundedSQLTrackerStore`` that turns a database fault into the fail-safe advice."""

    def __init__(self, domain: Domain | None = None, **kwargs: Any) -> None:
        """Connects like ``BoundedSQLTrackerStore`` and watches the database's health."""
        super().__init__(domain, **kwargs)
        faults.create_missing_tables(self.engine, self.Base.metadata)
        self.health = faults.DatabaseHealth("conversations", self.engine)
        self._unsaved: OrderedDict[str, DialogueStateTracker] = OrderedDict()
        self._states: OrderedDict[str, list[Event]] = OrderedDict()
        self._unstorable: OrderedDict[str, bool] = OrderedDict()
        """Conversations whose latest turn could not be stored for a reason of its own."""

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        """The conversation, marked when the database cannot be used for this turn.

        Never raises: Rasa's ``FailSafeTrackerStore`` would start the conversation anew.
        """
        try:
            return await self._retrieve_turn(sender_id)
        except Exception as error:  # not the database's: this conversation's turn alone
            logger.error("A conversation could not be read (%s)", type(error).__name__)
            return self._marked(sender_id, None, faults.Problem.FAILING)

    async def _retrieve_turn(self, sender_id: str) -> DialogueStateTracker | None:
        if self._unstorable.pop(sender_id, None):  # what is stored is behind: the state in memory
            logger.warning("A conversation's last turn was not stored: the fail-safe answers")
            return self._marked(sender_id, None, faults.Problem.FAILING)
        problem = self.health.current()
        if problem is None and sender_id in self._unsaved:
            problem = await self._write_unsaved(sender_id)
        tracker = self._unsaved.get(sender_id)
        if tracker is None and problem in (None, *READABLE):
            try:
                tracker = await self._read(sender_id)
            except sa.exc.SQLAlchemyError as error:
                problem = self.health.failed(error, "Reading a conversation")
            problem = problem or self.health.current()  # the read found the file gone
        if problem is None:
            self.health.succeeded()
            return tracker
        logger.warning("The conversation store is %s: this turn is not stored", problem)
        return self._marked(sender_id, tracker, problem)

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Stores the turn; keeps it in memory if the database fails; a marked turn is not kept.

        Never raises: Rasa's ``FailSafeTrackerStore`` would keep the turn in its in-memory
        store, where every later turn starts the conversation anew and memory grows for ever.
        An error that is not the database's (a turn SQL cannot hold) is logged, and the
        conversation's state kept in memory answers its next turn with the fail-safe.
        """
        _remember(self._states, tracker.sender_id, state_as_events(tracker))
        if any(is_mark(event) for event in tracker.events):
            return
        try:
            await self._write(tracker)
        except sa.exc.SQLAlchemyError as error:
            problem = self.health.failed(error, "Saving a conversation")
            logger.error("A conversation's turn could not be saved (%s): kept in memory", problem)
            _remember(self._unsaved, tracker.sender_id, tracker)
        except Exception as error:  # not the database's: this conversation alone
            logger.error("A conversation's turn could not be saved (%s)", type(error).__name__)
            _remember(self._unstorable, tracker.sender_id, True)
        else:
            self._unsaved.pop(tracker.sender_id, None)
            self._unstorable.pop(tracker.sender_id, None)
            self.health.succeeded()

    async def _read(self, sender_id: str) -> DialogueStateTracker | None:
        try:
            return await super().retrieve(sender_id)
        except faults.FileChanged as changed:
            self.health.reopened(changed)
            return await super().retrieve(sender_id)

    async def _write(self, tracker: DialogueStateTracker) -> None:
        try:
            await super().save(tracker)
        except faults.FileChanged as changed:
            self.health.reopened(changed)
            await super().save(tracker)

    async def _write_unsaved(self, sender_id: str) -> faults.Problem | None:
        """Writes the turns kept in memory; the problem if the database still fails.

        Not if the conversation went on without them (on another Rasa server sharing the
        database): they are dropped then, as older than what is stored.
        """
        tracker = self._unsaved[sender_id]
        try:
            if self.health.run(lambda: self._stored_since(tracker)):
                logger.warning("Turns kept in memory were dropped: the conversation went on")
            else:
                await self._write(tracker)
        except sa.exc.SQLAlchemyError as error:
            return self.health.failed(error, "Saving a conversation kept in memory")
        del self._unsaved[sender_id]
        return None

    def _stored_since(self, tracker: DialogueStateTracker) -> bool:
        """Whether the conversation has events stored after those the tracker was read with."""
        loaded = self._loaded.get(id(tracker))
        known = None
        if loaded is not None:
            checkpoint = loaded.checkpoint.event_id if loaded.checkpoint is not None else None
            known = loaded.ids[-1] if loaded.ids else checkpoint
        events = self.SQLEvent.__table__
        latest = sa.select(sa.func.max(events.c.id)).where(events.c.sender_id == tracker.sender_id)
        with self.engine.connect() as connection:
            return connection.execute(latest).scalar() != known

    def _marked(
        self, sender_id: str, tracker: DialogueStateTracker | None, problem: faults.Problem
    ) -> DialogueStateTracker | None:
        """The conversation as last known (or a new one), then the mark for the fail-safe.

        As last known: read from the database, or else the state the latest turn left (the
        slots, the question being asked), kept in memory.
        """
        if self.domain is None:
            return None
        known = list(tracker.events) if tracker is not None else self._states.get(sender_id, [])
        mark = ActionExecuted(ACTION_LISTEN_NAME, metadata={**UNAVAILABLE, "problem": problem})
        return DialogueStateTracker.from_events(sender_id, [*known, mark], self.domain.slots)


def _remember(memory: OrderedDict[str, T], sender_id: str, value: T) -> None:
    """Keeps ``value`` for the conversation, the latest :data:`MAX_REMEMBERED` conversations."""
    memory[sender_id] = value
    memory.move_to_end(sender_id)
    while len(memory) > MAX_REMEMBERED:
        memory.popitem(last=False)
