"""Bad settings get one clear line when a program starts, not a traceback at first use.

The checks (aftercare/config.py, storage/database.py) table-driven, then where they are
used: the handover command line and staff view (run as a patient's clinic would run them),
the channels built from credentials.yml, the tracker store, the actions.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from rasa.shared.exceptions import RasaException
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.callback import ActionSaveCallback
from actions.triage import ActionTriage
from aftercare import config
from aftercare.config import ConfigError
from components.rest_channel import RestInput
from components.socketio_channel import SocketIOInput
from components.tracker_store import BoundedSQLTrackerStore
from storage import database
from tests.support.pinned import ROOT
from tests.support.trackers import TrackerFactory
from tests.unit.test_actions import NO_RED_FLAGS, responses
from tools.servers import free_port

GOOD_DAYS = [("", 90), ("90", 90), (" 30 ", 30), ("1", 1), ("+7", 7)]
BAD_DAYS = ["90d", "0", "-1", "1.5", "ninety", "1e3", "٩٠"]


@pytest.mark.parametrize(("value", "days"), GOOD_DAYS)
def test_a_retention_in_whole_days_is_read(value: str, days: int) -> None:
    assert config.retention_days({"AFTERCARE_RETENTION_DAYS": value}) == days


def test_no_retention_set_is_90_days() -> None:
    assert config.retention_days({}) == 90


@pytest.mark.parametrize("value", BAD_DAYS)
def test_a_retention_that_is_not_whole_days_is_refused(value: str) -> None:
    with pytest.raises(ConfigError, match=r"AFTERCARE_RETENTION_DAYS must be a whole number"):
        config.retention_days({"AFTERCARE_RETENTION_DAYS": value})


@pytest.mark.parametrize(
    ("settings", "error"),
    [
        ({"messages_per_minute": 30, "max_characters": 20000, "messages_at_once": 2}, None),
        ({"messages_per_minute": 0, "messages_at_once": 0}, None),  # 0: no limit, no line
        ({"messages_per_minute": "30"}, None),
        ({"user_message_evt": "user_uttered", "session_persistence": True}, None),
        ({"messages_per_minute": -5}, "messages_per_minute"),
        ({"messages_per_minute": 2.5}, "messages_per_minute"),
        ({"messages_per_minute": "thirty"}, "messages_per_minute"),
        ({"messages_per_minute": True}, "messages_per_minute"),
        ({"messages_per_minute": None}, "messages_per_minute"),
        ({"max_characters": 0}, "max_characters"),
        ({"max_characters": "20k"}, "max_characters"),
        ({"messages_at_once": -1}, "messages_at_once"),
        ({"max_sender_length": 0}, "max_sender_length"),
    ],
)
def test_a_channels_limits_are_whole_numbers(settings: dict[str, Any], error: str | None) -> None:
    if error is None:
        config.channel_limits(settings)
    else:
        with pytest.raises(ConfigError, match=rf"^{error} must be a whole number of at least"):
            config.channel_limits(settings)


@pytest.mark.parametrize(
    "url",
    [
        "sqlite:///conversations.db",
        "sqlite:////var/lib/aftercare/conversations.db",
        "postgresql://postgres@127.0.0.1:5432/aftercare",
        "postgresql+psycopg2://user:secret@db.internal/aftercare",
    ],
)
def test_a_database_url_the_project_can_use(url: str) -> None:
    assert database.check_url(url) == url


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("not a url", "is not a database URL"),
        ("", "is not a database URL"),
        ("sqlite:/conversations.db", "is not a database URL"),
        ("postgresql://user:secret@host:port/aftercare", "is not a database URL"),
        ("postgres://user:secret@host/aftercare", "starts with postgres://"),
        ("mysql://user:secret@host/aftercare", "starts with mysql://"),
        ("postgresql+asyncpg://user:secret@host/aftercare", "driver postgresql.asyncpg"),
        ("sqlite://", "names no database"),
        ("postgresql://user:secret@host", "names no database"),
        ("postgresql://user:secret@host:70000/aftercare", "port 70000"),
    ],
)
def test_a_database_url_that_cannot_work_is_refused_without_showing_it(
    url: str, says: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(ConfigError, match=says) as error:
        database.check_url(url)
    assert "secret" not in str(error.value)
    monkeypatch.setenv("AFTERCARE_DATABASE_URL", url)
    if url:  # empty is unset: the default
        with pytest.raises(ConfigError, match="AFTERCARE_DATABASE_URL"):
            database.database_url()


# --- Where the settings are used ---------------------------------------------------------------


def run(module: str, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """``python -m module args`` in the repo, as an operator runs it."""
    return subprocess.run(
        [sys.executable, "-m", module, *args],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("days", ["90d", "0", "-1"])
@pytest.mark.parametrize("command", [["retention"], ["list"]])
def test_the_cli_says_in_one_line_that_the_retention_is_wrong(
    days: str, command: list[str], own_database: str
) -> None:
    done = run("handover", *command, env={"AFTERCARE_RETENTION_DAYS": days})
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "python -m handover: AFTERCARE_RETENTION_DAYS must be a whole number of at least 1, "
        f"not '{days}'"
    ]


@pytest.mark.parametrize("url", ["postgres://u:secret@127.0.0.1/x", "sqlite:/x.db"])
def test_the_cli_and_the_staff_view_say_in_one_line_that_the_database_url_is_wrong(
    url: str,
) -> None:
    env = {"AFTERCARE_DATABASE_URL": url}
    for module, args, status in [("handover", ["list"], 2), ("handover.staff", ["--port", "1"], 1)]:
        done = run(module, *args, env=env)
        assert done.returncode == status, done.stderr
        [line] = done.stderr.strip().splitlines()
        assert "AFTERCARE_DATABASE_URL" in line and "secret" not in line


@pytest.mark.parametrize("channel", [RestInput, SocketIOInput])
@pytest.mark.parametrize(
    "settings",
    [{"messages_per_minute": -1}, {"max_characters": "lots"}, {"messages_at_once": -2}],
)
def test_a_channel_with_a_bad_limit_is_not_built(
    channel: type[RestInput] | type[SocketIOInput], settings: dict[str, Any]
) -> None:
    key = next(iter(settings))
    with pytest.raises(RasaException, match=rf"credentials.yml, components\..*: {key} must be"):
        channel.from_credentials(settings)


def test_a_channel_with_good_limits_is_built() -> None:
    channel = RestInput.from_credentials({"messages_per_minute": 5, "messages_at_once": 0})
    assert channel.rate_limit.sender.per_minute == 5


def test_the_tracker_store_refuses_a_malformed_database_url(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("AFTERCARE_DATABASE_URL", "postgres://u:secret@127.0.0.1/aftercare")
    with pytest.raises(RasaException, match="AFTERCARE_DATABASE_URL starts with postgres://"):
        BoundedSQLTrackerStore(None, dialect="sqlite", db=str(tmp_path / "x.db"))


async def test_the_actions_log_a_bad_database_url_in_one_line_and_go_on(
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    tracker_for: TrackerFactory,
    domain: DomainDict,
) -> None:
    monkeypatch.setenv("AFTERCARE_DATABASE_URL", "postgres://u:secret@127.0.0.1/aftercare")
    slots = {"symptoms": ["blurred_vision"], "symptom_description": "blurry", **NO_RED_FLAGS}
    dispatcher = CollectingDispatcher()
    with caplog.at_level(logging.ERROR):
        await ActionTriage().run(dispatcher, tracker_for(slots=slots, active_loop=None), domain)
        callback = {"callback_name": "Anna", "callback_phone": "+44 20 7946 0958"}
        await ActionSaveCallback().run(
            dispatcher, tracker_for(slots={**callback, "callback_time": "pm"}), domain
        )
    assert responses(dispatcher)[0] == "triage_urgent"  # the patient is still told what to do
    assert responses(dispatcher)[-1] == "callback_unavailable"
    assert [(r.levelname, r.exc_info) for r in caplog.records] == [("ERROR", None)] * 2
    assert all(
        "AFTERCARE_DATABASE_URL starts with postgres://" in r.getMessage() for r in caplog.records
    )


@pytest.mark.parametrize("port", ["abc", "0", "70000", "80.5"])
def test_a_staff_port_that_cannot_work_is_one_line(port: str) -> None:
    """Issue 23: STAFF_PORT=abc was a traceback."""
    env = {"STAFF_PORT": port}
    done = run("handover.staff", env=env)
    assert done.returncode == 1, done.stderr
    [line] = done.stderr.strip().splitlines()
    assert "STAFF_PORT" in line and port in line


@pytest.mark.parametrize("key", ["short", "!" * 44, "AAAA" * 4])
def test_a_staff_session_key_that_cannot_work_is_one_line(key: str, own_database: str) -> None:
    done = run("handover.staff", "--port", str(free_port()), env={"STAFF_SESSION_KEY": key})
    assert done.returncode == 1, done.stderr
    [line] = done.stderr.strip().splitlines()
    assert line.startswith("STAFF_SESSION_KEY must be 32 bytes in base64") and key not in line


def test_an_sqlite_file_in_a_missing_folder_is_one_line(tmp_path: Path) -> None:
    """Issue 23: the Rasa server kept running; the CLI and the staff view say it too."""
    url = f"sqlite:///{tmp_path / 'no' / 'such' / 'conversations.db'}"
    with pytest.raises(ConfigError, match="folder that does not exist"):
        database.check_folder(url)
    assert database.check_folder(f"sqlite:///{tmp_path / 'conversations.db'}")
    assert database.check_folder("postgresql://postgres@127.0.0.1/aftercare")
    env = {"AFTERCARE_DATABASE_URL": url}
    for module, args, status in [("handover", ["list"], 2), ("handover.staff", ["--port", "1"], 1)]:
        done = run(module, *args, env=env)
        assert done.returncode == status, done.stderr
        [line] = done.stderr.strip().splitlines()
        assert "folder that does not exist" in line


def test_the_socketio_channel_refuses_a_short_session_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AFTERCARE_SESSION_KEY", "too short")
    with pytest.raises(RasaException, match="at least 32 characters"):
        SocketIOInput.from_credentials({})


@pytest.mark.parametrize("url", ["clinic:secret@127.0.0.1:5432/aftercare", "sqlite:/x.db"])
def test_a_url_that_is_no_url_is_refused_without_the_parsers_message(url: str) -> None:
    """Issue 23: chained, SQLAlchemy's message (the URL, password and all) reached a traceback."""
    with pytest.raises(ConfigError) as error:
        database.check_url(url)
    assert error.value.__cause__ is None and error.value.__suppress_context__
