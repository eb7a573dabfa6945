"""Faults, abuse and privacy with the real servers: a "no" keeps nothing; bad settings stop.

Conversations over REST on an SQLite file and on PostgreSQL; what is kept is read straight
from the database with SQL (``events``, ``tracker_checkpoints``, ``referrals``) and, on SQLite,
from the raw bytes of its files (the database, ``-wal`` and ``-shm``). Then the servers
started with a setting that cannot work: they stop at once, with one clear line.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from aftercare.privacy import REDACTED
from handover.store import Handover
from tests.support.faults import pause_actions, resume_actions
from tests.support.servers import servers_on_database
from tests.support.stores import everything_stored
from tools.servers import Bot, Servers

pytestmark = pytest.mark.servers

RED_FLAG = "my vision is blurry since my botox"
NOTHING_KEPT = "haven't kept any contact details"
_senders = itertools.count()


@dataclass(frozen=True)
class Person:
    """Contact details planted in a conversation, and the strings that betray them."""

    name: str
    phone: str  # as typed: 020 7946 0xxx

    @property
    def planted(self) -> tuple[str, ...]:
        last = self.phone[-4:]
        # the name, the number as typed and read back (+44 20 7946 0xxx), and as stored
        return (self.name.split()[0], self.name.split()[1], f"7946 {last}", f"7946{last}")


QUENTIN = Person("Quentin Marsh", "020 7946 0321")
OTTOLINE = Person("Ottoline Prewett", "020 7946 0456")


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def servers(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Servers]:
    with servers_on_database(request, tmp_path_factory, "privacy") as running:
        yield running


@pytest.fixture
def bot(servers: Servers) -> Bot:
    return servers.bot


@pytest.fixture
def handover(servers: Servers) -> Iterator[Handover]:
    engine = sa.create_engine(servers.env["AFTERCARE_DATABASE_URL"])
    yield Handover(engine)
    engine.dispose()


@pytest.fixture
def sender() -> str:
    return f"privacy-{next(_senders)}"


def talk(bot: Bot, sender: str, *messages: str) -> list[str]:
    said: list[str] = []
    for message in messages:
        replies = [r["text"] for r in bot.say(sender, message) if "text" in r]
        assert replies, f"no reply to {message!r}"
        said += replies
    return said


def stored(handover: Handover, sender: str) -> str:
    """All the database holds of the conversation: events, checkpoint, referrals."""
    return everything_stored(handover.engine, sender)


def found(text: str, person: Person) -> list[str]:
    return [value for value in person.planted if value in text]


def nowhere(bot: Bot, handover: Handover, sender: str, person: Person) -> None:
    """The person's details are in no table, no line of the staff view, no API answer."""
    assert found(stored(handover, sender), person) == []
    transcript = " ".join(line.text for line in handover.transcript(sender))
    assert found(transcript, person) == []
    assert found(str(bot.tracker(sender)), person) == []
    for referral in handover.for_conversation(sender):
        assert referral.callback_name is None and referral.callback_phone is None


GIVEN = ["yes", QUENTIN.name, QUENTIN.phone, "after 4pm"]


@pytest.mark.parametrize(
    ("given", "refusal"),
    [
        pytest.param(GIVEN, "no", id="read-back refused"),
        pytest.param(GIVEN, "never mind", id="read-back stopped"),
        pytest.param(GIVEN[:3], "stop", id="stop half way"),
        pytest.param(GIVEN[:2], "cancel", id="cancel half way"),
        pytest.param(GIVEN[:3], "never mind", id="never mind half way"),
        pytest.param(GIVEN[:3], "no", id="no half way"),
    ],
)
def test_a_no_keeps_nothing_of_the_contact_details(
    bot: Bot, handover: Handover, sender: str, given: list[str], refusal: str
) -> None:
    talk(bot, sender, RED_FLAG, *given)
    assert found(stored(handover, sender), QUENTIN)  # they were stored
    said = talk(bot, sender, refusal)
    assert NOTHING_KEPT in said[-1]
    nowhere(bot, handover, sender, QUENTIN)
    patient = [line.text for line in handover.transcript(sender) if line.speaker == "patient"]
    assert patient == [RED_FLAG, "yes", *[REDACTED] * len(given)]
    # The conversation goes on, and the referral is still there for the clinic.
    assert any("coffee" in text for text in talk(bot, sender, "can I drink coffee?"))
    [referral] = handover.for_conversation(sender)
    assert referral.patient_words == RED_FLAG


def test_what_the_patient_confirmed_is_kept_when_a_later_callback_is_refused(
    bot: Bot, handover: Handover, sender: str
) -> None:
    talk(bot, sender, RED_FLAG, *GIVEN, "yes")
    talk(bot, sender, "my eyelid droops so I can't open my eye fully")
    said = talk(bot, sender, "yes", OTTOLINE.name, OTTOLINE.phone, "any time", "no")
    assert NOTHING_KEPT in said[-1]
    first, second = handover.for_conversation(sender)
    assert (first.callback_name, first.callback_phone) == (QUENTIN.name, "+442079460321")
    assert second.callback_name is None
    kept = stored(handover, sender)
    assert found(kept, QUENTIN) == list(QUENTIN.planted)
    assert found(kept, OTTOLINE) == []
    transcript = " ".join(line.text for line in handover.transcript(sender))
    assert QUENTIN.name in transcript and "Ottoline" not in transcript


def test_a_callback_left_half_way_is_forgotten_when_the_patient_comes_back(
    bot: Bot, handover: Handover, sender: str
) -> None:
    talk(bot, sender, RED_FLAG, *GIVEN[:3])
    # A new session, as after an hour away (Rasa's session_start command starts one now).
    bot.say(sender, "/session_start")
    assert "Hello" in talk(bot, sender, "hello")[0]
    nowhere(bot, handover, sender, QUENTIN)


def test_a_callback_left_half_way_is_forgotten_by_the_retention_command(
    bot: Bot, handover: Handover, sender: str
) -> None:
    talk(bot, sender, RED_FLAG, *GIVEN[:3])
    now = datetime.now(UTC)
    handover.forget_unconfirmed_contact(now, hours=24)
    assert found(stored(handover, sender), QUENTIN)  # the patient may still be typing
    handover.forget_unconfirmed_contact(now + timedelta(hours=25), hours=24)
    nowhere(bot, handover, sender, QUENTIN)


# --- Whatever failed in between (issue 23, hole 5) ------------------------------------------

UNAVAILABLE = "can't check that right now"


def frozen(servers: Servers, sender: str, message: str) -> list[str]:
    """``message`` said while the action server is frozen (SIGSTOP): the fail-safe answers."""
    pause_actions(servers)
    try:
        said = talk(servers.bot, sender, message)
    finally:
        resume_actions(servers)
    assert UNAVAILABLE in said[-1]
    return said


def test_a_no_after_a_no_the_frozen_action_server_missed_keeps_nothing(
    servers: Servers, bot: Bot, handover: Handover, sender: str
) -> None:
    """The span rewritten ended at the failed discard: a checkpoint after it kept the details."""
    talk(bot, sender, RED_FLAG, *GIVEN)  # at the read-back
    frozen(servers, sender, "no")
    said = talk(bot, sender, "no")
    assert NOTHING_KEPT in said[-1]
    nowhere(bot, handover, sender, QUENTIN)


def test_a_no_the_frozen_action_server_missed_is_forgotten_by_the_retention_command(
    servers: Servers, bot: Bot, handover: Handover, sender: str
) -> None:
    talk(bot, sender, RED_FLAG, *GIVEN)
    frozen(servers, sender, "no")
    talk(bot, sender, "thanks", "can I drink coffee?")  # and the patient leaves
    handover.forget_unconfirmed_contact(datetime.now(UTC) + timedelta(hours=25), hours=24)
    nowhere(bot, handover, sender, QUENTIN)


def test_a_restart_in_the_middle_of_the_callback_keeps_nothing(
    bot: Bot, handover: Handover, sender: str
) -> None:
    talk(bot, sender, RED_FLAG, *GIVEN[:3])
    talk(bot, sender, "/restart")
    nowhere(bot, handover, sender, QUENTIN)
    assert "Hello" in talk(bot, sender, "hello")[0]  # and the conversation goes on


def test_a_nul_character_in_the_patients_words_still_writes_the_referral(
    bot: Bot, handover: Handover, sender: str
) -> None:
    said = talk(bot, sender, "my vision is blurry\x00 since my botox")
    assert "call you back" in said[-1]
    [referral] = handover.for_conversation(sender)
    assert referral.patient_words == RED_FLAG


# --- On SQLite, no copy left in the files ------------------------------------------------


def files_holding(servers: Servers, person: Person) -> dict[str, list[str]]:
    """Which of the SQLite database's files hold which of the person's details."""
    database = Path(sa.engine.make_url(servers.env["AFTERCARE_DATABASE_URL"]).database or "")
    holding = {}
    for path in sorted(database.parent.glob(database.name + "*")):
        data = path.read_bytes()
        hits = [value for value in person.planted if value.encode() in data]
        if hits:
            holding[path.name] = hits
    return holding


@pytest.fixture
def sqlite_servers(servers: Servers) -> Servers:
    if not servers.env["AFTERCARE_DATABASE_URL"].startswith("sqlite"):
        pytest.skip("the files of an SQLite database")
    return servers


def test_a_refused_callback_leaves_no_copy_in_the_sqlite_files(
    sqlite_servers: Servers, sender: str
) -> None:
    person = Person("Philippa Thorncastle", "020 7946 0777")
    talk(sqlite_servers.bot, sender, RED_FLAG, "yes", person.name, person.phone, "any time")
    assert files_holding(sqlite_servers, person)
    talk(sqlite_servers.bot, sender, "no")
    assert files_holding(sqlite_servers, person) == {}


def test_delete_my_data_leaves_no_copy_in_the_sqlite_files(
    sqlite_servers: Servers, sender: str
) -> None:
    person = Person("Barnaby Quillfeather", "020 7946 0888")
    bot = sqlite_servers.bot
    talk(bot, sender, RED_FLAG, "yes", person.name, person.phone, "any time", "yes")
    assert files_holding(sqlite_servers, person)
    talk(bot, sender, "delete my data")
    assert "deleted" in talk(bot, sender, "yes")[-1]
    assert files_holding(sqlite_servers, person) == {}


# --- Settings that cannot work stop the Rasa server at start ---------------------------------


def failed_start(servers: Servers) -> str:
    """Starts the Rasa server, which must exit; its log."""
    try:
        with pytest.raises(RuntimeError, match="exited"):
            servers.start_rasa()
    finally:
        servers.stop_rasa()
    return (servers.workdir / "rasa.log").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("channel", "setting", "says"),
    [
        (
            "components.rest_channel.RestInput",
            {"messages_per_minute": -5},
            "credentials.yml, components.rest_channel.RestInput: messages_per_minute must be "
            "a whole number of at least 0, not -5",
        ),
        (
            "components.socketio_channel.SocketIOInput",
            {"max_characters": "20k"},
            "credentials.yml, components.socketio_channel.SocketIOInput: max_characters must "
            "be a whole number of at least 1, not '20k'",
        ),
    ],
)
def test_a_bad_channel_limit_stops_the_server_at_start_in_one_line(
    tmp_path: Path, channel: str, setting: dict[str, object], says: str
) -> None:
    log = failed_start(Servers(tmp_path, channels={channel: setting}))
    assert says in log
    assert "Traceback" not in log


@pytest.mark.parametrize(
    ("url", "says"),
    [
        (
            "postgres://clinic:secret@127.0.0.1:5432/aftercare",
            "AFTERCARE_DATABASE_URL starts with postgres://; it must start with postgresql:// "
            "or sqlite:///",
        ),
        (  # issue 23: Rasa's traceback printed this one, password and all
            "clinic:secret@127.0.0.1:5432/aftercare",
            "AFTERCARE_DATABASE_URL is not a database URL",
        ),
        (  # issue 23: Rasa kept running, every patient on the fail-safe
            "sqlite:////no/such/folder/conversations.db",
            "AFTERCARE_DATABASE_URL names an SQLite file in a folder that does not exist",
        ),
    ],
)
def test_a_database_url_that_cannot_work_stops_the_server_at_start(
    tmp_path: Path, url: str, says: str
) -> None:
    log = failed_start(Servers(tmp_path, env={"AFTERCARE_DATABASE_URL": url}))
    assert says in log
    assert "secret" not in log


def test_a_short_session_key_stops_the_server_at_start_in_one_line(tmp_path: Path) -> None:
    """Issue 23: a 56-line traceback."""
    log = failed_start(Servers(tmp_path, env={"AFTERCARE_SESSION_KEY": "too short"}))
    assert "the session key must have at least 32 characters" in log
    assert "Traceback" not in log
