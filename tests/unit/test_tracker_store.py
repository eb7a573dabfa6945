"""The bounded SQL tracker store (components/tracker_store.py), on a real SQLite file."""

from __future__ import annotations

from pathlib import Path

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, ActiveLoop, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from components.tracker_store import BoundedSQLTrackerStore, checkpoint_length

ROOT = Path(__file__).resolve().parents[2]
MAX_TURNS = 5


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(ROOT / "domain.yml"))


@pytest.fixture
def store(tmp_path: Path, domain: Domain) -> BoundedSQLTrackerStore:
    return BoundedSQLTrackerStore(
        domain, max_turns=MAX_TURNS, dialect="sqlite", db=str(tmp_path / "t.db")
    )


async def converse(store: BoundedSQLTrackerStore, sender: str, turns: int) -> None:
    """Stores a conversation turn by turn, as the Rasa server does: retrieve, add, save."""
    tracker = await store.get_or_create_tracker(sender)
    tracker.update(SessionStarted())
    tracker.update(SlotSet("treatment_date_attempts", 1.0))
    tracker.update(ActionExecuted("action_listen"))
    await store.save(tracker)
    for turn in range(turns):
        tracker = await store.retrieve(sender)
        assert tracker is not None
        tracker.update(UserUttered(f"message {turn}", {"name": "inform", "confidence": 1.0}))
        if turn == 1:
            tracker.update(ActionExecuted("triage_form"))
            tracker.update(ActiveLoop("triage_form"))
            tracker.update(SlotSet("treatment_date", "2026-11-19"))
        tracker.update(SlotSet("symptom_description", f"said {turn}"))
        tracker.update(ActionExecuted("action_listen"))
        await store.save(tracker)


async def test_rasa_gets_a_bounded_window_of_a_long_conversation(
    store: BoundedSQLTrackerStore,
) -> None:
    await converse(store, "long", 60)
    tracker = await store.retrieve("long")
    assert tracker is not None
    user_turns = [e for e in tracker.events if isinstance(e, UserUttered)]
    assert MAX_TURNS <= len(user_turns) <= 2 * MAX_TURNS
    assert user_turns[-1].text == "message 59"


async def test_the_state_before_the_window_is_kept(store: BoundedSQLTrackerStore) -> None:
    await converse(store, "long", 60)
    tracker = await store.retrieve("long")
    assert tracker is not None
    assert checkpoint_length(tracker) > 0
    # The window starts where the checkpoint ends: at a message, nothing in it twice.
    assert isinstance(tracker.events[checkpoint_length(tracker)], UserUttered)
    assert tracker.get_slot("treatment_date") == "2026-11-19"
    assert tracker.get_slot("treatment_date_attempts") == 1.0
    assert tracker.active_loop_name == "triage_form"
    assert tracker.get_slot("symptom_description") == "said 59"


async def test_the_full_history_is_stored_once(store: BoundedSQLTrackerStore) -> None:
    await converse(store, "long", 60)
    full = await store.retrieve_full_tracker("long")
    assert full is not None
    texts = [e.text for e in full.events if isinstance(e, UserUttered)]
    assert texts == [f"message {turn}" for turn in range(60)]
    assert checkpoint_length(full) == 0
    assert not any(e.metadata for e in full.events if isinstance(e, SlotSet))


async def test_a_short_conversation_is_returned_whole(store: BoundedSQLTrackerStore) -> None:
    await converse(store, "short", 3)
    tracker = await store.retrieve("short")
    full = await store.retrieve_full_tracker("short")
    assert tracker is not None and full is not None
    session = [type(e) for e in full.events].index(SessionStarted)
    assert list(tracker.events) == list(full.events)[session:]


async def test_an_unknown_conversation_is_none(store: BoundedSQLTrackerStore) -> None:
    assert await store.retrieve("nobody") is None


def test_max_turns_must_be_positive(tmp_path: Path, domain: Domain) -> None:
    with pytest.raises(ValueError):
        BoundedSQLTrackerStore(domain, max_turns=0, dialect="sqlite", db=str(tmp_path / "x.db"))


async def test_a_tracker_saved_without_a_checkpoint_is_stored_as_is(
    store: BoundedSQLTrackerStore,
) -> None:
    tracker = DialogueStateTracker.from_events(
        "api", [ActionExecuted("action_listen"), UserUttered("hi")]
    )
    await store.save(tracker)
    stored = await store.retrieve_full_tracker("api")
    assert stored is not None and [e.text for e in stored.events if isinstance(e, UserUttered)] == [
        "hi"
    ]


def test_sqlite_uses_a_write_ahead_log(store: BoundedSQLTrackerStore) -> None:
    with store.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"


async def test_a_retrieved_tracker_saved_twice_stores_each_event_once(
    store: BoundedSQLTrackerStore,
) -> None:
    await converse(store, "twice", 12)
    tracker = await store.retrieve("twice")
    assert tracker is not None
    tracker.update(UserUttered("first", {"name": "inform", "confidence": 1.0}))
    await store.save(tracker)
    tracker.update(UserUttered("second", {"name": "inform", "confidence": 1.0}))
    await store.save(tracker)
    full = await store.retrieve_full_tracker("twice")
    assert full is not None
    texts = [e.text for e in full.events if isinstance(e, UserUttered)]
    assert texts == [f"message {turn}" for turn in range(12)] + ["first", "second"]


async def test_rasa_gets_the_latest_session_only(store: BoundedSQLTrackerStore) -> None:
    await converse(store, "returning", 4)
    tracker = await store.retrieve("returning")
    assert tracker is not None
    tracker.update(SessionStarted())
    tracker.update(ActionExecuted("action_listen"))
    tracker.update(UserUttered("back again", {"name": "greet", "confidence": 1.0}))
    await store.save(tracker)
    latest = await store.retrieve("returning")
    assert latest is not None
    assert [type(e) for e in latest.events][:2] == [SessionStarted, ActionExecuted]
    assert [e.text for e in latest.events if isinstance(e, UserUttered)] == ["back again"]


@pytest.mark.parametrize("retrieved", [False, True])
async def test_many_turns_saved_at_once_get_their_checkpoint(
    store: BoundedSQLTrackerStore, retrieved: bool
) -> None:
    # The event the checkpoint follows was not read by `retrieve` (the tracker was not
    # retrieved, as through the HTTP API, or the event is new): its id is read back.
    tracker = await store.get_or_create_tracker("whole")
    tracker.update(SlotSet("treatment_date", "2026-11-19"))
    if retrieved:
        await store.save(tracker)
        tracker = await store.retrieve("whole")
        assert tracker is not None
    for turn in range(2 * MAX_TURNS + 2):
        tracker.update(ActionExecuted("action_listen"))
        tracker.update(UserUttered(f"message {turn}", {"name": "inform", "confidence": 1.0}))
    await store.save(tracker)
    window = await store.retrieve("whole")
    assert window is not None
    assert isinstance(window.events[checkpoint_length(window)], UserUttered)
    texts = [e.text for e in window.events if isinstance(e, UserUttered)]
    assert texts == [f"message {turn}" for turn in range(MAX_TURNS + 2, 2 * MAX_TURNS + 2)]
    assert window.get_slot("treatment_date") == "2026-11-19"
    full = await store.retrieve_full_tracker("whole")
    assert full is not None and len(full.events) == len(tracker.events)
