"""A "no" means nothing kept: contact details never confirmed leave the database.

The rules (aftercare/privacy.py) on events, then the tracker store and the retention command
on an SQLite file and on PostgreSQL, read back with plain SQL; on SQLite also the raw bytes of
the database's files.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActiveLoop,
    BotUttered,
    Event,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from aftercare import privacy
from aftercare.privacy import CALLBACK_SLOTS, REDACTED, Span
from components.tracker_store import BoundedSQLTrackerStore
from handover.store import Handover
from storage import database
from tests.support.pinned import ROOT
from tests.support.stores import everything_stored, refer

# --- Which events hold unconfirmed details ---------------------------------------------------


def ev(kind: str, name: str | None = None) -> dict[str, Any]:
    return {"event": kind, "name": name}


FORM_ON = ev("active_loop", "callback_form")
DISCARD = ev("action", "action_discard_callback")
SAVE = ev("action", "action_save_callback")
BOT = ev("bot")
FAIL_SAFE = ev("action", "utter_unavailable")


@pytest.mark.parametrize(
    ("events", "spans"),
    [
        pytest.param(
            [ev("user"), FORM_ON, ev("slot", "callback_name"), ev("user"), ev("bot"), DISCARD, BOT],
            [Span(1, 5)],
            id="refused",
        ),
        pytest.param([FORM_ON, ev("user"), ev("user"), SAVE, ev("user")], [], id="confirmed"),
        pytest.param(
            [FORM_ON, ev("user"), ev("session_started"), ev("user")],
            [Span(0, 2)],
            id="left for a new session",
        ),
        pytest.param([FORM_ON, ev("user"), ev("restart")], [Span(0, 2)], id="restarted"),
        pytest.param([FORM_ON, ev("user")], [Span(0, 1, open=True)], id="still going on"),
        pytest.param(
            [FORM_ON, ev("user"), ev("user"), ev("action", "action_triage"), ev("user")],
            [Span(0, 3)],
            id="a sign stopped the form",
        ),
        pytest.param([ev("user"), DISCARD], [], id="offer declined, no form"),
        pytest.param(
            [FORM_ON, SAVE, ev("user"), FORM_ON, ev("user"), DISCARD, BOT],
            [Span(3, 5)],
            id="confirmed, then another refused",
        ),
        pytest.param(
            [FORM_ON, ev("active_loop"), ev("user"), FORM_ON, DISCARD, BOT],
            [Span(0, 4)],
            id="delete my data called off, then the form again",
        ),
        # Issue 23, hole 5: an action that failed (the action server frozen) ends nothing.
        pytest.param(
            [FORM_ON, ev("user"), DISCARD, FAIL_SAFE, BOT, ev("user"), DISCARD, BOT],
            [Span(0, 6)],
            id="a discard that failed, then one that ran",
        ),
        pytest.param(
            [FORM_ON, ev("user"), DISCARD, FAIL_SAFE, BOT],
            [Span(0, 4, open=True)],
            id="a discard that failed, then left",
        ),
        pytest.param(
            [FORM_ON, ev("user"), SAVE, FAIL_SAFE, BOT, ev("user"), DISCARD, BOT],
            [Span(0, 6)],
            id="a confirmation that failed, then a no",
        ),
        pytest.param([FORM_ON, ev("user"), DISCARD], [Span(0, 2, open=True)], id="the last event"),
    ],
)
def test_the_spans_of_unconfirmed_details(events: list[dict[str, Any]], spans: list[Span]) -> None:
    assert privacy.unconfirmed(events) == spans


READ_BACK_EVENT = {
    "event": "bot",
    "text": "Let me read that back: Quentin Marsh, on +44 20 7946 0321, after 4pm.",
    "metadata": {"utter_action": "utter_confirm_callback"},
}


@pytest.mark.parametrize(
    ("event", "redacted"),
    [
        (
            {"event": "slot", "name": "callback_phone", "value": "+44 20 7946 0321"},
            {"event": "slot", "name": "callback_phone", "value": None},
        ),
        ({"event": "slot", "name": "callback_name", "value": None}, None),
        ({"event": "slot", "name": "symptom_description", "value": "blurry"}, None),
        (
            {
                "event": "user",
                "text": "Quentin Marsh",
                "parse_data": {"text": "Quentin Marsh", "entities": [{"value": "x"}], "intent": {}},
            },
            {
                "event": "user",
                "text": REDACTED,
                "parse_data": {"text": REDACTED, "entities": [], "intent": {}},
            },
        ),
        ({"event": "user", "text": REDACTED, "parse_data": {"text": REDACTED}}, None),
        (  # a red flag typed instead of a name: the clinic must see it
            {
                "event": "user",
                "text": "I can't breathe",
                "parse_data": {"entities": [{"entity": "symptom", "value": "breathing"}]},
            },
            None,
        ),
        (READ_BACK_EVENT, {**READ_BACK_EVENT, "text": REDACTED}),
        (
            {"event": "bot", "text": "What name?", "metadata": {"utter_action": "utter_ask_x"}},
            None,
        ),
        ({"event": "action", "name": "callback_form"}, None),
    ],
)
def test_what_is_rewritten(event: dict[str, Any], redacted: dict[str, Any] | None) -> None:
    assert privacy.redact(event) == redacted


# --- In the database, as the servers store it ------------------------------------------------

NAME = "Quentin Marsh"
TYPED_PHONE = "020 7946 0321"
PHONE = "+44 20 7946 0321"
PLANTED = ("Quentin", "7946 0321", "79460321")
OTHER_NAME = "Ottoline Prewett"
OTHER_PHONE = "020 7946 0456"
NOW = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)

Turn = list[Event]


def user(text: str, intent: str = "inform") -> UserUttered:
    return UserUttered(text, {"name": intent, "confidence": 1.0})


def utter(text: str, response: str) -> BotUttered:
    return BotUttered(text, metadata={"utter_action": response})


def referral_turn() -> Turn:
    return [
        user("my vision is blurry since my botox", "report_symptom"),
        ActionExecuted("action_triage"),
        utter("Please return to the clinic today.", "triage_urgent"),
        SlotSet("callback_offered", True),
        ActionExecuted("action_listen"),
    ]


def accept_turn() -> Turn:
    return [
        user("yes", "affirm"),
        ActionExecuted("callback_form"),
        ActiveLoop("callback_form"),
        SlotSet("requested_slot", "callback_name"),
        utter("What name should the clinic ask for?", "utter_ask_callback_name"),
        ActionExecuted("action_listen"),
    ]


def answer_turn(slot: str, typed: str, kept: str, next_slot: str) -> Turn:
    return [
        user(typed, "non_english"),
        SlotSet(slot, typed),
        ActionExecuted("callback_form"),
        SlotSet(slot, kept),
        SlotSet("requested_slot", next_slot),
        utter("Next question?", f"utter_ask_{next_slot}"),
        ActionExecuted("action_listen"),
    ]


def read_back_turn(name: str, phone: str) -> Turn:
    return [
        user("after 4pm", "report_symptom"),
        SlotSet("callback_time", "after 4pm"),
        ActionExecuted("callback_form"),
        SlotSet("callback_time", "after 4pm"),
        SlotSet("requested_slot", None),
        ActiveLoop(None),
        ActionExecuted("utter_confirm_callback"),
        utter(f"Let me read that back: {name}, on {phone}, after 4pm.", "utter_confirm_callback"),
        ActionExecuted("action_listen"),
    ]


def cleared() -> list[Event]:
    return [*(SlotSet(slot, None) for slot in CALLBACK_SLOTS), SlotSet("callback_offered", False)]


def refuse_turn() -> Turn:
    return [
        user("no", "deny"),
        ActionExecuted("action_discard_callback"),
        utter("No problem, I haven't kept any contact details.", "callback_discarded"),
        *cleared(),
        SlotSet(database.FORGET_SLOT, True),
        ActionExecuted("action_listen"),
    ]


def stop_turn() -> Turn:
    return [
        user("never mind", "stop"),
        ActionExecuted("action_deactivate_loop"),
        ActiveLoop(None),
        SlotSet("requested_slot", None),
        ActionExecuted("action_discard_callback"),
        utter("No problem, I haven't kept any contact details.", "callback_discarded"),
        *cleared(),
        SlotSet(database.FORGET_SLOT, True),
        ActionExecuted("action_listen"),
    ]


def confirm_turn() -> Turn:
    return [
        user("yes", "affirm"),
        ActionExecuted("action_save_callback"),
        utter("Done: the clinic has your details.", "callback_saved"),
        *cleared(),
        ActionExecuted("action_listen"),
    ]


def callback(name: str = NAME, phone: str = TYPED_PHONE, shown: str = PHONE) -> list[Turn]:
    """A referral, "yes" to the callback, a name, a number, a time, and the read-back."""
    return [
        accept_turn(),
        answer_turn("callback_name", name, name, "callback_phone"),
        answer_turn("callback_phone", phone, shown, "callback_time"),
        read_back_turn(name, shown),
    ]


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(ROOT / "domain.yml"))


@pytest.fixture
def tracker_store(store: Handover, database_url: str, domain: Domain) -> BoundedSQLTrackerStore:
    # max_turns 1 as in endpoints.yml: the checkpoint moves at almost every turn.
    return BoundedSQLTrackerStore(
        domain, max_turns=1, **database.tracker_store_arguments(database_url)
    )


Talk = Callable[..., Any]


@pytest.fixture
def talk(tracker_store: BoundedSQLTrackerStore, domain: Domain) -> Talk:
    """Stores turns of a conversation as the Rasa server does: retrieve, add the turn, save."""

    async def run(sender: str, *turns: Turn) -> None:
        for turn in turns:
            tracker = await tracker_store.retrieve(sender)
            if tracker is None:
                tracker = DialogueStateTracker.from_events(sender, [], domain.slots)
                turn = [SessionStarted(), ActionExecuted("action_listen"), *turn]
            for event in turn:
                event.timestamp = time.time()  # in order, as the server stamps them
                tracker.update(event)
            await tracker_store.save(tracker)

    return run


def stored(store: Handover, sender: str) -> str:
    """All the database holds of a conversation: its events, checkpoint and referrals."""
    return everything_stored(store.engine, sender)


def checkpoint_of(store: Handover, sender: str) -> str:
    with store.engine.connect() as connection:
        return str(
            connection.execute(
                sa.text("SELECT state FROM tracker_checkpoints WHERE sender_id = :s"),
                {"s": sender},
            ).scalar()
        )


def holds(text: str, *planted: str) -> list[str]:
    return [value for value in planted if value in text]


@pytest.mark.parametrize(
    ("given", "ending"),
    [
        pytest.param(4, refuse_turn, id="read-back refused"),
        pytest.param(3, stop_turn, id="stopped before the time"),
        pytest.param(2, stop_turn, id="stopped after the name"),
    ],
)
async def test_a_no_leaves_no_contact_details_in_the_database(
    talk: Talk,
    store: Handover,
    tracker_store: BoundedSQLTrackerStore,
    given: int,
    ending: Callable[[], Turn],
) -> None:
    refer(store, "anna")
    await talk("anna", referral_turn(), *callback()[:given])
    assert holds(stored(store, "anna"), NAME)  # the details were there
    if given == 4:
        assert NAME in checkpoint_of(store, "anna")  # in the checkpoint's state too
    await talk("anna", ending())
    assert holds(stored(store, "anna"), *PLANTED) == []
    lines = store.transcript("anna")
    assert [line.text for line in lines if line.speaker == "patient"][-given - 1 :] == [
        "yes",
        *[REDACTED] * given,
    ]
    assert lines[0].text == "my vision is blurry since my botox"
    [referral] = store.for_conversation("anna")
    assert referral.callback_phone is None and referral.patient_words
    # The conversation goes on from where it was.
    tracker = await tracker_store.retrieve("anna")
    assert tracker is not None and tracker.active_loop_name is None
    assert all(tracker.get_slot(slot) is None for slot in CALLBACK_SLOTS)
    full = await tracker_store.retrieve_full_tracker("anna")  # Rasa's own reading
    assert full is not None and REDACTED in [e.text for e in full.events if e.type_name == "user"]


async def test_what_the_patient_confirmed_is_kept_when_a_later_callback_is_refused(
    talk: Talk, store: Handover
) -> None:
    refer(store, "anna")
    await talk("anna", referral_turn(), *callback(), confirm_turn())
    store.save_callback("anna", name=NAME, phone="+442079460321", time="after 4pm", now=NOW)
    refer(store, "anna")
    other = callback(OTHER_NAME, OTHER_PHONE, "+44 20 7946 0456")
    await talk("anna", referral_turn(), *other, refuse_turn())
    kept = stored(store, "anna")
    assert holds(kept, NAME, TYPED_PHONE, PHONE, "+442079460321") == [
        NAME,
        TYPED_PHONE,
        PHONE,
        "+442079460321",
    ]
    assert holds(kept, "Ottoline", "7946 0456", "79460456") == []
    first, second = store.for_conversation("anna")
    assert first.callback_name == NAME and second.callback_name is None


async def test_a_new_session_forgets_a_callback_left_half_way(talk: Talk, store: Handover) -> None:
    await talk("anna", referral_turn(), *callback()[:3])
    new_session = [
        SessionStarted(),
        SlotSet(database.FORGET_SLOT, True),  # action_session_start saw the form left open
        ActionExecuted("action_listen"),
        user("hello again", "greet"),
    ]
    await talk("anna", new_session)
    assert holds(stored(store, "anna"), *PLANTED) == []
    assert "hello again" in stored(store, "anna")


async def test_the_retention_command_forgets_a_form_left_open_only_after_a_while(
    talk: Talk, store: Handover
) -> None:
    await talk("anna", referral_turn(), *callback()[:3])
    await talk("bob", referral_turn(), *callback(OTHER_NAME, OTHER_PHONE, "+44 20 7946 0456"))
    now = datetime.now(UTC)
    assert store.forget_unconfirmed_contact(now, hours=24) == 0  # they may still be typing
    assert holds(stored(store, "anna"), NAME) == [NAME]
    assert store.forget_unconfirmed_contact(now + timedelta(hours=25), hours=24) == 2
    assert holds(stored(store, "anna"), *PLANTED) == []
    assert holds(stored(store, "bob"), "Ottoline", "7946 0456") == []
    assert store.forget_unconfirmed_contact(now + timedelta(hours=25), hours=24) == 0


# --- No copy left in SQLite's files ----------------------------------------------------------


def files_holding(database_file: Path, *planted: str) -> dict[str, list[str]]:
    """Which of the database's files hold which of the planted strings, byte for byte."""
    found = {}
    for path in sorted(database_file.parent.glob(database_file.name + "*")):
        data = path.read_bytes()
        hits = [value for value in planted if value.encode() in data]
        if hits:
            found[path.name] = hits
    return found


@pytest.fixture
def sqlite_file(database_url: str) -> Path:
    if not database_url.startswith("sqlite"):
        pytest.skip("the files of an SQLite database")
    return Path(sa.engine.make_url(database_url).database or "")


async def test_a_refused_callback_leaves_no_copy_in_the_sqlite_files(
    talk: Talk, store: Handover, sqlite_file: Path
) -> None:
    refer(store, "anna")
    await talk("anna", referral_turn(), *callback())
    assert files_holding(sqlite_file, *PLANTED)  # in the -wal file, at least
    await talk("anna", refuse_turn())
    assert files_holding(sqlite_file, *PLANTED) == {}


async def test_delete_my_data_leaves_no_copy_in_the_sqlite_files(
    talk: Talk, store: Handover, sqlite_file: Path
) -> None:
    refer(store, "anna")
    await talk("anna", referral_turn(), *callback(), confirm_turn())
    store.save_callback("anna", name=NAME, phone="+442079460321", time="after 4pm", now=NOW)
    await talk("bob", referral_turn())
    assert files_holding(sqlite_file, *PLANTED)
    store.erase_referrals("anna")  # what action_delete_my_data does, then the tracker store:
    await talk("anna", [user("yes", "affirm"), SlotSet(database.ERASE_SLOT, True)])
    assert files_holding(sqlite_file, *PLANTED) == {}
    assert files_holding(sqlite_file, "my vision is blurry")  # bob's conversation is still there


def test_sqlite_overwrites_what_it_deletes_even_where_that_is_not_its_default(
    tmp_path: Path,
) -> None:
    # Debian builds SQLite with secure_delete on; other builds leave deleted rows in free space.
    connection = sqlite3.connect(tmp_path / "x.db")
    connection.execute("PRAGMA secure_delete=OFF")
    database.sqlite_pragmas(connection, None)
    assert connection.execute("PRAGMA secure_delete").fetchone() == (1,)
    connection.close()
