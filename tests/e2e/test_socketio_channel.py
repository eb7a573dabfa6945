"""The socket.io channel the widget uses, with a plain socket.io client: origins, sessions that
belong to their client, bad input, oversize messages, and one sender's burst.

Against the real servers (tools/servers.py); the run's clinic page address is the one allowed
website origin.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
import requests
import socketio
import yaml

from aftercare import clinic
from tools.servers import Servers, running_bot

pytestmark = pytest.mark.servers

QUIET_SECONDS = 1.5
REPLY_TIMEOUT = 30


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    with running_bot(tmp_path_factory.mktemp("socketio")) as running:
        yield running


class Patient:
    """A socket.io client speaking to Rasa as the widget does, in one session.

    A new patient asks for a new session; ``again`` is the same patient's next connection,
    asking for the session with the id and the token the server gave (as the widget keeps them).
    """

    def __init__(self, servers: Servers, session: dict[str, Any] | None = None) -> None:
        self.servers = servers
        self.asked = dict(session or {})
        self.session: dict[str, Any] = {}
        self.client = socketio.AsyncClient(reconnection=False)
        self.replies: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.client.on("bot_uttered", self.replies.put_nowait)

    @property
    def session_id(self) -> str:
        return str(self.session["session_id"])

    def again(self) -> Patient:
        return Patient(self.servers, self.session)

    async def connect(self, transport: str = "polling", origin: str | None = None) -> None:
        """Connects (as a page on ``origin``, the clinic's by default) and asks for the session."""
        confirmed: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self.client.on("session_confirm", confirmed.set_result)
        await self.client.connect(
            self.servers.bot.url,
            headers={"Origin": origin or self.servers.page_url},
            transports=[transport],
            socketio_path="/socket.io",
        )
        await self.client.emit("session_request", self.asked)
        session = await asyncio.wait_for(confirmed, REPLY_TIMEOUT)
        # Rasa's own channel confirms with the id alone.
        self.session = session if isinstance(session, dict) else {"session_id": session}

    async def say(self, message: Any) -> list[str]:
        """Sends a message and returns the texts of the replies, once the bot goes quiet."""
        await self.client.emit("user_uttered", {"message": message, "session_id": self.session_id})
        texts = [(await asyncio.wait_for(self.replies.get(), REPLY_TIMEOUT)).get("text", "")]
        while True:
            try:
                reply = await asyncio.wait_for(self.replies.get(), QUIET_SECONDS)
            except TimeoutError:
                return texts
            texts.append(reply.get("text", ""))

    def tracker(self) -> dict[str, Any]:
        return self.servers.bot.tracker(self.session_id)


@pytest.fixture
async def patient(servers: Servers) -> AsyncIterator[Patient]:
    connected = Patient(servers)
    await connected.connect()
    yield connected
    await connected.client.disconnect()


async def test_a_page_on_another_site_is_refused(servers: Servers) -> None:
    stranger = Patient(servers)
    with pytest.raises(socketio.exceptions.ConnectionError):
        await stranger.connect(origin="http://evil.example")


def test_cors_lets_only_the_clinic_page_read_the_rest_channel(servers: Servers) -> None:
    url = f"{servers.bot.url}/webhooks/rest/webhook"
    for origin, allowed in [(servers.page_url, True), ("http://evil.example", False)]:
        preflight = requests.options(
            url,
            headers={"Origin": origin, "Access-Control-Request-Method": "POST"},
            timeout=10,
        )
        assert (preflight.headers.get("Access-Control-Allow-Origin") == origin) is allowed


async def test_the_websocket_transport_carries_a_conversation(servers: Servers) -> None:
    patient = Patient(servers)
    await patient.connect(transport="websocket")
    replies = await patient.say("my eye is twitching")
    assert any("Do you have any trouble breathing" in text for text in replies)
    await patient.client.disconnect()


@pytest.mark.parametrize(
    "message",
    ["", "   ", "x" * 100_000, "<script>alert(1)</script><b>hi</b>", 12345, None],
    ids=["empty", "blank", "100 KB", "html", "a number", "null"],
)
async def test_bad_input_gets_an_answer_and_the_next_message_too(
    patient: Patient, message: Any
) -> None:
    assert await patient.say(message)
    replies = await patient.say("can I drink coffee?")
    assert any("coffee" in text or "caffeine" in text for text in replies)


async def test_a_dropped_connection_loses_nothing_and_the_form_goes_on(servers: Servers) -> None:
    first = Patient(servers)
    await first.connect()
    await first.say("my eyelid keeps twitching since my botox")
    replies = await first.say("no")
    assert any("When did you have your Botox" in text for text in replies)
    await first.client.disconnect()

    again = first.again()
    await again.connect()
    assert again.session_id == first.session_id
    replies = await again.say("5 days ago")
    assert replies and not any("When did you have" in text for text in replies), replies
    assert again.tracker()["slots"]["treatment_date"] is not None
    said = [e["text"] for e in again.tracker()["events"] if e["event"] == "user"]
    assert said == ["my eyelid keeps twitching since my botox", "no", "5 days ago"]
    await again.client.disconnect()
    assert requests.get(f"{servers.bot.url}/", timeout=10).ok


async def test_the_first_message_with_the_action_server_down_gets_the_fail_safe(
    servers: Servers,
) -> None:
    servers.stop_actions()  # action_session_start fails too
    try:
        patient = Patient(servers)
        await patient.connect()
        replies = await patient.say("my vision has been blurry since my botox")
        assert "return to the clinic today" in replies[0]
        await patient.client.disconnect()
    finally:
        servers.start_actions()


async def quiet(patient: Patient) -> list[dict[str, Any]]:
    """What ``patient`` received, once nothing has come for a while."""
    await asyncio.sleep(QUIET_SECONDS)
    received = []
    while not patient.replies.empty():
        received.append(patient.replies.get_nowait())
    return received


@pytest.mark.parametrize(
    "token",
    [None, "not the token", "token of another session"],
    ids=["no token", "a wrong token", "another session's token"],
)
async def test_a_conversation_id_alone_does_not_join_the_conversation(
    servers: Servers, token: str | None
) -> None:
    victim = Patient(servers)
    await victim.connect()
    await victim.say("my eyelid keeps twitching since my botox")
    if token == "token of another session":
        other = Patient(servers)
        await other.connect()
        token = other.session["session_token"]
        await other.client.disconnect()
    intruder = Patient(servers, {"session_id": victim.session_id, "session_token": token})
    await intruder.connect()
    assert intruder.session_id != victim.session_id  # a new session of its own

    # The victim's conversation goes on: the intruder sees none of it ...
    assert any("When did you have your Botox" in text for text in await victim.say("no"))
    assert await quiet(intruder) == []
    # ... and writes into its own conversation only.
    assert await intruder.say("my vision is blurry")
    assert await quiet(victim) == []
    said = [e["text"] for e in victim.tracker()["events"] if e["event"] == "user"]
    assert said == ["my eyelid keeps twitching since my botox", "no"]
    said = [e["text"] for e in intruder.tracker()["events"] if e["event"] == "user"]
    assert said == ["my vision is blurry"]
    await victim.client.disconnect()
    await intruder.client.disconnect()


async def test_a_token_ends_when_its_conversation_is_erased(servers: Servers) -> None:
    """Issue 23: a session's token still joined it after "delete my data"."""
    first = Patient(servers)
    await first.connect()
    assert first.session_id.startswith("socketio-")
    await first.say("my eyelid keeps twitching since my botox")
    await first.say("delete my data")
    await first.say("yes")
    await first.client.disconnect()
    again = first.again()  # with the id and the token the widget kept
    await again.connect()
    assert again.session_id != first.session_id
    await again.client.disconnect()


@pytest.mark.parametrize("transport", ["polling", "websocket"])
async def test_an_oversize_message_gets_a_clear_reply_and_the_connection_stays_up(
    servers: Servers, transport: str
) -> None:
    patient = Patient(servers)
    await patient.connect(transport=transport)
    replies = await patient.say("x" * 1_100_000)
    assert len(replies) == 1 and "A sentence or two works best" in replies[0]
    assert patient.client.connected
    replies = await patient.say("can I drink coffee?")
    assert any("coffee" in text or "caffeine" in text for text in replies)
    await patient.client.disconnect()


async def test_a_20000_character_message_is_answered_within_a_second(patient: Patient) -> None:
    letter = ("my eye keeps twitching since the botox and I worry about it. " * 400)[:20_000]
    seconds = []
    for _ in range(3):
        start = time.perf_counter()
        await patient.client.emit("user_uttered", {"message": letter})
        await asyncio.wait_for(patient.replies.get(), REPLY_TIMEOUT)
        seconds.append(time.perf_counter() - start)
        await quiet(patient)
    print(f"a 20,000-character message answered in {', '.join(f'{s:.2f}' for s in seconds)} s")
    assert sorted(seconds)[1] < 1.0


def consents_stored(patient: Patient) -> list[Any]:
    return [
        (event.get("metadata") or {}).get("aftercare_consent")
        for event in patient.tracker()["events"]
        if event["event"] == "user"
    ]


async def test_the_consent_is_stored_once_with_the_servers_time_and_never_forged(
    servers: Servers,
) -> None:
    version = clinic.from_mapping(
        yaml.safe_load(clinic.DEFAULT_PATH.read_text(encoding="utf-8")), servers.env
    ).privacy_notice_version
    forged = {"version": version, "at": "2000-01-01T00:00:00+00:00", "by": "x" * 1000}
    # Another version (an old notice), or a consent in the message's own metadata: nothing.
    for asked in ({"consent": {"version": "0"}}, {"consent": "yes"}, {}):
        stranger = Patient(servers, asked)
        await stranger.connect()
        await stranger.client.emit(
            "user_uttered",
            {"message": "hello", "session_id": "x", "metadata": {"aftercare_consent": forged}},
        )
        await asyncio.wait_for(stranger.replies.get(), REPLY_TIMEOUT)
        await stranger.say("can I drink coffee?")
        assert consents_stored(stranger) == [None, None], asked
        await stranger.client.disconnect()

    before = datetime.now(UTC).replace(microsecond=0)
    agreed = Patient(servers, {"consent": {"version": version, "at": "2000-01-01"}})
    await agreed.connect()
    await agreed.say("hello")
    await agreed.say("can I drink coffee?")
    first, second = consents_stored(agreed)
    assert second is None
    assert set(first) == {"version", "at"} and first["version"] == version
    assert before <= datetime.fromisoformat(first["at"]) <= datetime.now(UTC)
    await agreed.client.disconnect()


async def test_a_closed_websocket_leaves_no_traceback_in_the_log(servers: Servers) -> None:
    rasa_log = servers.workdir / "rasa.log"
    start = rasa_log.stat().st_size
    for _ in range(2):
        leaving = Patient(servers)
        await leaving.connect(transport="websocket")
        assert await leaving.say("hello")
        await leaving.client.disconnect()
    await asyncio.sleep(1)
    with rasa_log.open("rb") as written:
        written.seek(start)
        log = written.read().decode("utf-8", errors="replace")
    assert "Invalid response type" not in log
    assert "Traceback" not in log
