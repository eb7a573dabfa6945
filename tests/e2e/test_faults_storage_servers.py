"""Storage faults on the real servers: SQLite read-only, deleted or full, PostgreSQL cut off.

The servers (marked ``servers``) on SQLite on a small ext4 file system of its own (made
immutable with ``chattr +i``, deleted, filled up), and on PostgreSQL through a proxy that is cut
and restored under load (the machine's own PostgreSQL keeps running). The patient always gets
an answer, the fail-safe advice by severity; the health endpoint reports the problem; everything
recovers once the database is back. The pieces are tested alone in
``tests/unit/test_faults_storage.py``.
"""

from __future__ import annotations

import concurrent.futures
import itertools
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
import sqlalchemy as sa

from handover.store import Handover
from storage import faults
from tests.e2e.test_socketio_channel import Patient
from tests.support.db_proxy import TcpProxy
from tests.support.faults import can_make_immutable, immutable
from tests.support.pinned import ROOT
from tools.cluster import POSTGRES_SERVER
from tools.servers import PYTHON, Bot, Servers, running_bot

# --- The real servers ------------------------------------------------------------------------

TEST_PHONE = "+44 20 7946 0777"
UNAVAILABLE = "can't check that right now"
RED_FLAG = "return to the clinic today"
EMERGENCY = "Call 112 now"
_senders = itertools.count()


def say(bot: Bot, sender: str, message: str, timeout: float = 30) -> list[str]:
    """The bot's text replies to one message: HTTP 200 and at least one."""
    response = requests.post(
        f"{bot.url}/webhooks/rest/webhook",
        json={"sender": sender, "message": message},
        timeout=timeout,
    )
    assert response.status_code == 200, response.text
    replies = [reply["text"] for reply in response.json() if "text" in reply]
    assert replies, f"no reply to {message!r}"
    return replies


def health(servers: Servers) -> tuple[int, dict[str, Any]]:
    response = requests.get(f"{servers.bot.url}/webhooks/health/", timeout=30)
    return response.status_code, response.json()


def rasa_log(servers: Servers) -> str:
    return (servers.workdir / "rasa.log").read_text(errors="replace")


def wait_until(condition: Callable[[], bool], seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.5)


@pytest.fixture(scope="module")
def small_disk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A 32 MB ext4 file system of its own for the SQLite database, so that it can be filled.

    ext4, as the servers' disks are: what an immutable file does to a memory mapping depends on
    the file system (tmpfs lets the writes through).
    """
    image = tmp_path_factory.mktemp("disk") / "disk.img"
    mount = image.parent / "mount"
    mount.mkdir()
    with image.open("wb") as file:
        file.truncate(32 << 20)
    made = subprocess.run(
        f"mkfs.ext4 -q -F -m 0 {image} && mount -o loop {image} {mount}",
        shell=True,
        capture_output=True,
    )
    if made.returncode != 0 or not can_make_immutable(mount):
        pytest.skip(f"cannot mount a small ext4 file system with chattr here: {made.stderr!r}")
    try:
        yield mount
    finally:
        subprocess.run(["chattr", "-R", "-i", str(mount)], capture_output=True)
        subprocess.run(["umount", "-l", str(mount)], check=True)


@pytest.fixture(scope="module")
def sqlite_servers(tmp_path_factory: pytest.TempPathFactory, small_disk: Path) -> Iterator[Servers]:
    from tests.support.servers import clinic_file

    workdir = tmp_path_factory.mktemp("faults-sqlite")
    env = {
        "AFTERCARE_DATABASE_URL": f"sqlite:///{small_disk / 'conversations.db'}",
        "AFTERCARE_CLINIC_CONFIG": str(clinic_file(workdir, TEST_PHONE)),
        "PYTHONFAULTHANDLER": "1",
    }
    with running_bot(workdir, env=env) as running:
        yield running


@pytest.fixture
def sender() -> str:
    return f"faults-{next(_senders)}"


def healthy(servers: Servers) -> bool:
    return health(servers) == (200, {"database": "ok"})


@pytest.mark.servers
def test_sqlite_made_read_only_gives_the_fail_safe_and_recovers(
    sqlite_servers: Servers, small_disk: Path, sender: str
) -> None:
    bot, path = sqlite_servers.bot, small_disk / "conversations.db"
    assert "Do you have any trouble breathing" in say(bot, sender, "my eye is twitching")[-1]
    immutable(path)
    try:
        reply = say(bot, sender, "yes")  # to the emergency question
        assert EMERGENCY in reply[-1]
        assert RED_FLAG in say(bot, f"{sender}-b", "I see double since my botox")[-1]
        reply = say(bot, f"{sender}-c", "can I drink coffee?")[-1]
        assert UNAVAILABLE in reply and TEST_PHONE in reply
        assert health(sqlite_servers) == (503, {"database": "read-only"})
        assert sqlite_servers.rasa is not None and sqlite_servers.rasa.poll() is None
        assert "ERROR    storage.faults  - The conversations database is read-only" in (
            rasa_log(sqlite_servers)
        )
    finally:
        immutable(path, on=False)
    wait_until(lambda: healthy(sqlite_servers))
    # The conversation goes on where it was stored: the emergency question again.
    assert "When did you have your Botox" in say(bot, sender, "no")[-1]


@pytest.mark.servers
async def test_over_socketio_too_the_fail_safe_answers_while_the_database_is_read_only(
    sqlite_servers: Servers, small_disk: Path
) -> None:
    patient = Patient(sqlite_servers)
    await patient.connect()
    try:
        said = await patient.say("my eye is twitching")
        assert "Do you have any trouble breathing" in said[-1]
        immutable(small_disk / "conversations.db")
        try:
            assert any(EMERGENCY in text for text in await patient.say("yes"))
        finally:
            immutable(small_disk / "conversations.db", on=False)
    finally:
        await patient.client.disconnect()
    wait_until(lambda: healthy(sqlite_servers))


@pytest.mark.servers
def test_sqlite_deleted_while_running_stays_a_fault_through_health_checks_until_made_again(
    sqlite_servers: Servers, small_disk: Path, sender: str
) -> None:
    """Issue 23, hole 1: a health check made a new empty file, and the "yes" was lost."""
    bot, path = sqlite_servers.bot, small_disk / "conversations.db"
    first = say(bot, sender, "my eyelid keeps twitching, had the jabs about 10 days ago")
    assert "Do you have any trouble breathing" in first[-1]
    for file in small_disk.glob("conversations.db*"):
        file.unlink()
    for _ in range(3):  # a monitor polling
        assert health(sqlite_servers) == (503, {"database": "missing"})
    assert not path.exists()
    reply = say(bot, sender, "yes")  # to the emergency question asked before the deletion
    assert EMERGENCY in reply[-1]
    assert "ERROR    storage.faults  - The conversations database is missing" in (
        rasa_log(sqlite_servers)
    )
    time.sleep(faults.RETRY_SECONDS + 0.5)
    assert health(sqlite_servers) == (503, {"database": "missing"})
    assert not path.exists()
    # An operator makes it again: any `python -m handover` command does.
    subprocess.run(
        [str(PYTHON), "-m", "handover", "list"],
        env=sqlite_servers.env,
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    wait_until(lambda: healthy(sqlite_servers))
    # A new conversation works in full: the triage, and the referral in the new file.
    later = f"{sender}-later"
    assert RED_FLAG in say(bot, later, "my vision has been blurry since my botox")[0]
    referrals = Handover(sa.create_engine(f"sqlite:///{path}"))
    assert [r.conversation_id for r in referrals.for_conversation(later)] == [later]


@pytest.mark.servers
def test_sqlite_on_a_full_disk_gives_the_fail_safe_and_recovers(
    sqlite_servers: Servers, small_disk: Path, sender: str
) -> None:
    bot = sqlite_servers.bot
    assert "Do you have any trouble breathing" in say(bot, sender, "my eye is twitching")[-1]
    filler = small_disk / "filler"
    subprocess.run(["dd", "if=/dev/zero", f"of={filler}", "bs=1M"], capture_output=True)
    try:
        assert EMERGENCY in say(bot, sender, "yes")[-1]
        assert health(sqlite_servers) == (503, {"database": "full"})
        assert "The conversations database is full" in rasa_log(sqlite_servers)
    finally:
        filler.unlink()
    wait_until(lambda: healthy(sqlite_servers))
    assert "When did you have your Botox" in say(bot, sender, "no")[-1]


@pytest.fixture(scope="module")
def postgres_servers(
    tmp_path_factory: pytest.TempPathFactory, postgres_url: str
) -> Iterator[tuple[Servers, TcpProxy]]:
    from tests.support.servers import clinic_file

    workdir = tmp_path_factory.mktemp("faults-postgres")
    port = sa.engine.make_url(POSTGRES_SERVER).port or 5432
    with TcpProxy("127.0.0.1", port) as proxy:
        env = {
            "AFTERCARE_DATABASE_URL": proxy.url(postgres_url),
            "AFTERCARE_CLINIC_CONFIG": str(clinic_file(workdir, TEST_PHONE)),
        }
        with running_bot(workdir, env=env) as running:
            yield running, proxy


PATIENT_MESSAGES = [
    ("my eye is twitching", "twitch"),
    ("I see double since my botox", RED_FLAG),
    ("since my botox I can't breathe properly", EMERGENCY),
    ("can I drink coffee?", "coffee"),
]


@pytest.mark.servers
def test_postgresql_cut_off_under_load_gives_every_patient_an_answer_then_recovers(
    postgres_servers: tuple[Servers, TcpProxy],
) -> None:
    servers, proxy = postgres_servers
    bot = servers.bot

    def patient(number: int, phase: str) -> list[str]:
        text, _ = PATIENT_MESSAGES[number % len(PATIENT_MESSAGES)]
        return say(bot, f"load-{phase}-{number}", text, timeout=60)

    mid = "load-in-the-middle"
    assert "Do you have any trouble breathing" in say(bot, mid, "my eye is twitching")[-1]
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        before = list(pool.map(lambda n: patient(n, "before"), range(8)))
        proxy.cut()
        during = list(pool.map(lambda n: patient(n, "during"), range(16)))
        answer = say(bot, mid, "yes")  # to the emergency question asked before the cut
        status, body = health(servers)
        proxy.restore()
    assert all(replies for replies in before)
    assert EMERGENCY in answer[-1]
    for number, replies in enumerate(during):
        _, expected = PATIENT_MESSAGES[number % len(PATIENT_MESSAGES)]
        if expected in (RED_FLAG, EMERGENCY):
            assert expected in replies[-1], replies
        else:
            assert UNAVAILABLE in replies[-1] and TEST_PHONE in replies[-1], replies
    assert (status, body) == (503, {"database": "unreachable"})
    assert "The conversations database is unreachable" in rasa_log(servers)
    wait_until(lambda: healthy(servers))
    # Conversations go on, and the action server's referrals are written again.
    assert "Do you have any trouble breathing" in say(bot, "load-before-0", "my eye twitches")[-1]
    after = "load-after-red-flag"
    assert RED_FLAG in say(bot, after, "my vision has been blurry since my botox")[0]
    referrals = Handover(sa.create_engine(servers.env["AFTERCARE_DATABASE_URL"]))
    assert [r.conversation_id for r in referrals.for_conversation(after)] == [after]
