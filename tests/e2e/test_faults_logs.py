"""No patient text in any log, the error paths included, with the real servers.

Both servers run at their default log level (INFO, the same as ``-v``). The tests plant a made-up
name, a phone number and a sentence in conversations that go wrong in the ways that used to
log them, then read every log:

* a typed command Rasa cannot read ("/report_symptom my name is ..."): Rasa's warnings quoted it;
* a custom action that raises (``tests/support/faulty_actions.py``, a test-only fault switch): rasa-sdk
  logged the error and sent the whole conversation back, which the Rasa server logged;
* the database failing while a turn with the name and phone is saved (a write lock held by the
  test for longer than the servers wait): SQLAlchemy's error messages carried the values.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.faulty_actions import FAULT_PREFIX
from tools.servers import Bot, Servers, running_bot

pytestmark = pytest.mark.servers

NAME = "Quokka Zebrafinch"
PHONE = "020 7946 0321"
SENTENCE = "my vision went blurry after the street party on Zebrafinch Lane"
PLANTED = ("Zebrafinch", "Quokka", "7946 0321", "79460321", "street party")
"""Parts of what the patients typed; none may appear in a log."""


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    workdir = tmp_path_factory.mktemp("faults-logs")
    with running_bot(workdir, actions_package="tests.support.faulty_actions") as running:
        yield running


@pytest.fixture(scope="module")
def servers_by_rasa(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    """The Rasa server started with Rasa's own `rasa run --logging-config-file logging.yml`."""
    workdir = tmp_path_factory.mktemp("faults-logs-rasa")
    with running_bot(workdir, launcher="rasa") as running:
        yield running


def say(bot: Bot, sender: str, message: str) -> list[str]:
    """The bot's text replies to one message; there must be at least one."""
    replies = [reply["text"] for reply in bot.say(sender, message, timeout=60) if "text" in reply]
    assert replies, f"no reply to {message!r}"
    return replies


def logs(servers: Servers) -> dict[str, str]:
    return {path.name: path.read_text(errors="replace") for path in servers.workdir.glob("*.log")}


def leaks(servers: Servers) -> dict[str, list[str]]:
    """Each log's lines that hold something a patient typed."""
    found: dict[str, list[str]] = {}
    for name, text in logs(servers).items():
        lines = [line for line in text.splitlines() if any(p in line for p in PLANTED)]
        if lines:
            found[name] = lines
    return found


COMMANDS = [
    "/report_symptom my name is Quokka Zebrafinch",
    '/report_symptom{"symptom": "Zebrafinch"}',
    "/report_symptom@high Zebrafinch",
    "/{Zebrafinch}",
    "/Zebrafinch Lane",
]


@pytest.mark.parametrize("command", COMMANDS)
def test_a_typed_command_gets_an_answer_and_is_not_logged(servers: Servers, command: str) -> None:
    say(servers.bot, "typed-command", command)
    assert leaks(servers) == {}


def test_a_typed_command_is_not_logged_whatever_started_the_server(
    servers_by_rasa: Servers,
) -> None:
    """Issue 23: under `rasa run` the message reached the log word for word."""
    for command in COMMANDS:
        say(servers_by_rasa.bot, "typed-command", command)
    assert leaks(servers_by_rasa) == {}


def test_an_action_that_fails_gets_the_fail_safe_and_is_logged_without_the_patients_words(
    servers: Servers,
) -> None:
    replies = say(servers.bot, f"{FAULT_PREFIX}1", SENTENCE)
    assert "return to the clinic today" in replies[-1]
    assert leaks(servers) == {}
    actions_log = logs(servers)["actions.log"]
    assert "ERROR" in actions_log and "action_triage" in actions_log and "ValueError" in actions_log


class WriteLock:
    """Holds SQLite's write lock on a database, as a stuck process would, until released."""

    def __init__(self, path: Path) -> None:
        self.connection = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self.connection.execute("BEGIN IMMEDIATE")

    def release(self) -> None:
        self.connection.execute("ROLLBACK")
        self.connection.close()


def test_a_database_failure_while_contact_details_are_saved_is_logged_without_them(
    servers: Servers,
) -> None:
    bot, sender = servers.bot, "locked-1"
    assert "return to the clinic today" in say(bot, sender, SENTENCE)[0]
    for message in ("yes", NAME, PHONE, "after 4pm"):
        say(bot, sender, message)
    lock = WriteLock(servers.workdir / "conversations.db")
    try:
        # Both servers wait 5 s for the lock, then give up: the callback and the turn fail.
        replies = say(bot, sender, "yes")
    finally:
        lock.release()
    assert "call" in replies[-1]
    assert leaks(servers) == {}
    # Both failures are logged, by name.
    assert "Could not store a callback request" in logs(servers)["actions.log"]
    assert "The conversations database is locked" in logs(servers)["rasa.log"]
