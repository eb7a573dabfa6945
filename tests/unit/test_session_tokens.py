"""The socket.io session tokens: made and checked with one key, the key from the environment."""

from __future__ import annotations

import stat
import uuid
from pathlib import Path

import pytest

from components import session_tokens
from components.session_tokens import SessionTokens

KEY = "k" * 32


def test_a_token_lets_back_into_its_own_session_only() -> None:
    tokens = SessionTokens(KEY)
    session, other = uuid.uuid4().hex, uuid.uuid4().hex
    token = tokens.issue(session)
    assert tokens.check(session, token)
    assert not tokens.check(other, token)
    assert not tokens.check(session, tokens.issue(other))


@pytest.mark.parametrize("token", [None, "", 42, ["x"], {"t": 1}, "0" * 64, "é" * 64], ids=repr)
def test_anything_else_is_no_token(token: object) -> None:
    assert not SessionTokens(KEY).check(uuid.uuid4().hex, token)


def test_a_token_ends_after_its_lifetime() -> None:
    tokens, session = SessionTokens(KEY), session_tokens.new_conversation_id()
    token = tokens.issue(session, now=1_000_000)
    assert tokens.check(session, token, now=1_000_000 + session_tokens.LIFETIME_SECONDS)
    assert not tokens.check(session, token, now=1_000_001 + session_tokens.LIFETIME_SECONDS)
    end, _, mac = token.partition(".")
    assert not tokens.check(session, f"{int(end) + 3600}.{mac}", now=1_000_000)  # a forged end


@pytest.mark.parametrize(
    ("conversation_id", "socketio"),
    [
        (session_tokens.new_conversation_id(), True),
        ("socketio-anything", True),
        ("anna", False),
        (uuid.uuid4().hex, False),  # an id of the widget from before the namespace
        ("SocketIO-x", False),  # another conversation: ids are case-sensitive
    ],
    # Fixed names: a random id in a test's name differs between pytest-xdist's workers.
    ids=["new-id", "socketio-anything", "anna", "old-widget-id", "SocketIO-x"],
)
def test_socketio_conversations_have_a_namespace_of_their_own(
    conversation_id: str, socketio: bool
) -> None:
    assert session_tokens.is_socketio_conversation(conversation_id) is socketio


def test_another_key_makes_other_tokens() -> None:
    session = uuid.uuid4().hex
    assert not SessionTokens("x" * 32).check(session, SessionTokens(KEY).issue(session))


def test_a_short_key_is_refused() -> None:
    with pytest.raises(ValueError, match="32"):
        SessionTokens("k" * 31)


def test_the_key_from_the_environment_wins(tmp_path: Path) -> None:
    environ = {"AFTERCARE_SESSION_KEY": KEY, "AFTERCARE_SESSION_KEY_FILE": str(tmp_path / "k")}
    session = uuid.uuid4().hex
    assert session_tokens.configured(environ).issue(session) == SessionTokens(KEY).issue(session)
    assert not (tmp_path / "k").exists()


def test_a_key_file_is_made_once_for_this_user_only_and_kept(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "session.key"
    environ = {"AFTERCARE_SESSION_KEY_FILE": str(path)}
    session = uuid.uuid4().hex
    first = session_tokens.configured(environ).issue(session)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(path.read_text().strip()) == 64
    # A restart, or a second server on the same file: the same tokens.
    assert session_tokens.configured(environ).issue(session) == first
    assert list(path.parent.iterdir()) == [path]  # no drafts left behind


def test_a_key_published_first_by_another_server_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "session.key"
    path.write_text(KEY + "\n")
    session_tokens._publish(path, "y" * 64)  # a server that lost the race
    assert path.read_text() == KEY + "\n"
    session = uuid.uuid4().hex
    configured = session_tokens.configured({"AFTERCARE_SESSION_KEY_FILE": str(path)})
    assert configured.issue(session) == SessionTokens(KEY).issue(session)
