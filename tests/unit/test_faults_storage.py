"""Storage faults are loud and safe: the database read-only, deleted, full, locked or unreachable.

The patient always gets an answer, the fail-safe advice by severity; the log names the
problem at ERROR; the health endpoint reports it; everything recovers by itself once the
database is back. The pieces first (``storage/faults.py``, ``components/failsafe_tracker_store.py``,
the fail-safe policy, the staff view). The real servers under the same faults are in
``tests/e2e/test_faults_storage_servers.py``.
"""

from __future__ import annotations

import itertools
import json
import logging
import shutil
import sqlite3
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from aiohttp.test_utils import TestClient, TestServer
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SessionStarted, SlotSet
from rasa.shared.core.trackers import DialogueStateTracker

from components.failsafe_policy import ActionServerFailSafe
from components.failsafe_tracker_store import FailSafeSQLTrackerStore, is_mark, storage_failed
from components.log_privacy import PatientTextFilter
from handover import staff
from handover.store import Handover, engine_for
from storage import database, faults
from storage.faults import Problem
from tests.support.db_proxy import TcpProxy
from tests.support.faults import can_make_immutable
from tests.support.pinned import ROOT
from tests.support.staff import sign_in_client, staff_account
from tests.support.stores import refer
from tests.unit.test_failsafe_policy import predicted, said
from tools.cluster import POSTGRES_SERVER
from tools.servers import PYTHON, free_port


@pytest.fixture(scope="module")
def rasa_domain() -> Domain:
    return Domain.load(str(ROOT / "domain.yml"))


@pytest.fixture
def no_retry_wait(monkeypatch: pytest.MonkeyPatch) -> None:
    """A problem a failed read or write showed is tried again at once."""
    monkeypatch.setattr(faults, "RETRY_SECONDS", 0.0)


# --- Naming the problem (storage/faults.py) ------------------------------------------------


def sqlite_engine(path: Path, **options: Any) -> sa.engine.Engine:
    engine = sa.create_engine(f"sqlite:///{path}", **options)
    sa.event.listen(engine, "connect", database.sqlite_pragmas)
    return engine


def with_a_table(path: Path) -> None:
    with sqlite_engine(path).begin() as connection:
        connection.execute(sa.text("CREATE TABLE IF NOT EXISTS notes (words TEXT)"))


def write_read_only(tmp_path: Path) -> None:
    with_a_table(tmp_path / "ro.db")
    engine = sa.create_engine(f"sqlite:///file:{tmp_path / 'ro.db'}?mode=ro&uri=true")
    with engine.begin() as connection:
        connection.execute(sa.text("INSERT INTO notes VALUES ('x')"))


def write_full(tmp_path: Path) -> None:
    with_a_table(tmp_path / "full.db")
    with sqlite_engine(tmp_path / "full.db").begin() as connection:
        connection.execute(sa.text("PRAGMA max_page_count = 3"))
        connection.execute(sa.text("INSERT INTO notes VALUES (:w)"), {"w": "x" * 100_000})


def open_missing(tmp_path: Path) -> None:
    sqlite_engine(tmp_path / "no" / "such" / "folder.db").connect()


def read_no_table(tmp_path: Path) -> None:
    with sqlite_engine(tmp_path / "empty.db").connect() as connection:
        connection.execute(sa.text("SELECT * FROM referrals"))


def write_locked(tmp_path: Path) -> None:
    with_a_table(tmp_path / "locked.db")
    holder = sqlite3.connect(tmp_path / "locked.db", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        engine = sa.create_engine(f"sqlite:///{tmp_path / 'locked.db'}?timeout=0")
        with engine.begin() as connection:
            connection.execute(sa.text("INSERT INTO notes VALUES ('x')"))
    finally:
        holder.close()


def connect_unreachable(_tmp_path: Path) -> None:
    url = f"postgresql://postgres@127.0.0.1:{free_port()}/aftercare"
    sa.create_engine(url, **faults.engine_options(url)).connect()


@pytest.mark.parametrize(
    ("fault", "problem"),
    [
        (write_read_only, Problem.READ_ONLY),
        (write_full, Problem.FULL),
        (open_missing, Problem.MISSING),
        (read_no_table, Problem.MISSING),
        (write_locked, Problem.LOCKED),
        (connect_unreachable, Problem.UNREACHABLE),
    ],
)
def test_each_fault_is_named(
    tmp_path: Path, fault: Callable[[Path], None], problem: Problem
) -> None:
    with pytest.raises(sa.exc.SQLAlchemyError) as raised:
        fault(tmp_path)
    assert faults.problem_of(raised.value) is problem


def test_the_engines_error_messages_hold_no_values(tmp_path: Path) -> None:
    statement = sa.text("INSERT INTO nowhere VALUES (:words)")
    url = f"sqlite:///{tmp_path / 'x.db'}"
    messages = []
    for options in ({}, faults.engine_options(url)):
        engine = sa.create_engine(url, **options)
        with pytest.raises(sa.exc.OperationalError) as raised, engine.begin() as connection:
            connection.execute(statement, {"words": "my name is Zebrafinch"})
        messages.append(str(raised.value))
    assert "Zebrafinch" in messages[0]  # SQLAlchemy's own default
    assert "Zebrafinch" not in messages[1]


# --- The SQLite file under the pool (storage/faults.py) ------------------------------------

notes = sa.MetaData()
sa.Table("notes", notes, sa.Column("words", sa.Text))


def watched_engine(path: Path) -> sa.engine.Engine:
    """A pooled engine as the conversation store has: watched pool, pragmas, tables.

    The file is made first, as the store's start-up does: the pool never makes one.
    """
    sqlite3.connect(path).close()
    url = f"sqlite:///{path}"
    engine = sqlite_engine(path, **faults.engine_options(url, **faults.sqlite_pool(url)))
    faults.create_missing_tables(engine, notes)
    return engine


def count_notes(engine: sa.engine.Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(sa.text("SELECT count(*) FROM notes")).scalar_one())


def test_a_deleted_file_stays_missing_until_it_is_made_again_then_gets_its_tables(
    tmp_path: Path,
) -> None:
    path = tmp_path / "conversations.db"
    engine = watched_engine(path)
    with engine.begin() as connection:
        connection.execute(sa.text("INSERT INTO notes VALUES ('before')"))
    for file in tmp_path.glob("conversations.db*"):
        file.unlink()
    health = faults.DatabaseHealth("test", engine)
    with pytest.raises(faults.FileChanged) as changed:
        count_notes(engine)
    assert changed.value.problem is Problem.MISSING
    for _ in range(3):  # neither a use nor a health check makes the file again
        with pytest.raises(sa.exc.OperationalError) as raised:
            health.run(lambda: count_notes(engine))
        assert faults.problem_of(raised.value) is Problem.MISSING
        assert health.probe() is Problem.MISSING
        assert not path.exists()
    sqlite3.connect(path).close()  # an operator (or the start-up) makes it again
    assert health.run(lambda: count_notes(engine)) == 0  # with its table
    assert health.probe() is None


@pytest.mark.parametrize("deleted_before", ["a health check", "a read"])
def test_a_health_check_never_makes_the_database(tmp_path: Path, deleted_before: str) -> None:
    path = tmp_path / "conversations.db"
    engine = watched_engine(path)
    count_notes(engine)
    health = faults.DatabaseHealth("test", engine)
    path.unlink()
    if deleted_before == "a read":
        with pytest.raises(sa.exc.SQLAlchemyError):
            health.run(lambda: count_notes(engine))
    assert health.probe() is Problem.MISSING
    assert not path.exists()


IMMUTABLE_SCRIPT = """
import sqlite3, subprocess, sys
from pathlib import Path
import sqlalchemy as sa
sys.path.insert(0, {root!r})
from storage import database, faults
path = Path({path!r})
sqlite3.connect(path).close()  # as the start-up makes it: the pool never makes a file
url = f"sqlite:///{{path}}"
pool = faults.sqlite_pool(url) if {watched} else {{"poolclass": sa.pool.QueuePool}}
engine = sa.create_engine(url, **pool)
sa.event.listen(engine, "connect", database.sqlite_pragmas)
def count_notes(engine):
    with engine.connect() as connection:
        return connection.execute(sa.text("SELECT count(*) FROM notes")).scalar_one()
with engine.begin() as connection:
    connection.execute(sa.text("CREATE TABLE notes (words TEXT)"))
    connection.execute(sa.text("INSERT INTO notes VALUES ('x')"))
files = [str(p) for p in path.parent.glob(path.name + "*")]
subprocess.run(["chattr", "+i", *files], check=True)
try:
    count_notes(engine)
except faults.FileChanged as changed:
    print(changed.problem, flush=True)
try:
    count_notes(engine)
except faults.FileChanged as changed:
    print(changed.problem, flush=True)
subprocess.run(["chattr", "-i", *files], check=True)
with engine.begin() as connection:
    connection.execute(sa.text("INSERT INTO notes VALUES ('y')"))
print(count_notes(engine), flush=True)
"""


@pytest.mark.parametrize("watched", [True, False])
def test_a_file_made_immutable_is_not_touched_again_until_it_may_be_written(
    tmp_path: Path, watched: bool
) -> None:
    if not can_make_immutable(tmp_path):
        pytest.skip("chattr +i is not available here (needs root and a file system that has it)")
    path = tmp_path / "conversations.db"
    script = IMMUTABLE_SCRIPT.format(root=str(ROOT), path=str(path), watched=watched)
    run = subprocess.run(
        [str(PYTHON), "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=60
    )
    subprocess.run(["chattr", "-i", *map(str, tmp_path.glob("conversations.db*"))])
    if watched:
        assert run.returncode == 0, run.stderr
        assert run.stdout.split() == ["read-only", "read-only", "2"]
    elif run.returncode == 0:
        pytest.skip("this file system lets a mapping of an immutable file be written (tmpfs)")
    else:  # an SQLite connection left as it was dies with a bus error: what the pool prevents
        assert run.returncode == -7, (run.returncode, run.stdout, run.stderr)


# --- The conversation store (components/failsafe_tracker_store.py) ---------------------------------


def first_turn(sender: str, domain: Domain) -> DialogueStateTracker:
    """A conversation waiting for the answer to the emergency question."""
    return DialogueStateTracker.from_events(
        sender,
        [
            SessionStarted(),
            ActionExecuted("action_listen"),
            said("my eye is twitching"),
            ActionExecuted("triage_form"),
            SlotSet("requested_slot", "screen_emergency"),
            ActionExecuted("action_listen"),
        ],
        domain.slots,
    )


@pytest.fixture
def proxy() -> Iterator[TcpProxy]:
    host, port = "127.0.0.1", sa.engine.make_url(POSTGRES_SERVER).port or 5432
    with TcpProxy(host, port) as running:
        yield running


@pytest.fixture
def store_behind_proxy(
    postgres_url: str, proxy: TcpProxy, rasa_domain: Domain, monkeypatch: pytest.MonkeyPatch
) -> FailSafeSQLTrackerStore:
    monkeypatch.setenv("AFTERCARE_DATABASE_URL", proxy.url(postgres_url))
    return FailSafeSQLTrackerStore(rasa_domain, max_turns=1)


def user_texts(store: FailSafeSQLTrackerStore, sender: str) -> list[str]:
    with store.engine.connect() as connection:
        rows = connection.execute(
            sa.text("SELECT data FROM events WHERE sender_id = :s AND type_name = 'user'"),
            {"s": sender},
        )
        return [json.loads(row.data)["text"] for row in rows]


async def test_an_unreachable_database_gives_a_marked_turn_with_the_state_last_known(
    store_behind_proxy: FailSafeSQLTrackerStore,
    proxy: TcpProxy,
    rasa_domain: Domain,
    no_retry_wait: None,
) -> None:
    store = store_behind_proxy
    await store.save(first_turn("unreachable-1", rasa_domain))
    proxy.cut()
    tracker = await store.retrieve("unreachable-1")
    assert tracker is not None and storage_failed(tracker)
    assert tracker.get_slot("requested_slot") == "screen_emergency"  # from memory
    assert store.health.problem is Problem.UNREACHABLE
    tracker.update(said("yes", "affirm"))
    await store.save(tracker)  # a marked turn is not kept
    proxy.restore()
    again = await store.retrieve("unreachable-1")
    assert again is not None and not storage_failed(again)
    assert store.health.problem is None
    assert user_texts(store, "unreachable-1") == ["my eye is twitching"]


async def test_a_turn_that_cannot_be_saved_is_kept_and_written_once_the_database_is_back(
    store_behind_proxy: FailSafeSQLTrackerStore,
    proxy: TcpProxy,
    rasa_domain: Domain,
    no_retry_wait: None,
) -> None:
    store = store_behind_proxy
    await store.save(first_turn("kept-1", rasa_domain))
    tracker = await store.retrieve("kept-1")
    assert tracker is not None and not storage_failed(tracker)
    tracker.update(said("no", "deny"))
    tracker.update(ActionExecuted("triage_form"))
    tracker.update(SlotSet("requested_slot", "treatment_date"))
    tracker.update(ActionExecuted("action_listen"))
    proxy.cut()
    await store.save(tracker)  # fails: kept in memory
    during = await store.retrieve("kept-1")
    assert during is not None and storage_failed(during)
    assert during.get_slot("requested_slot") == "treatment_date"
    proxy.restore()
    after = await store.retrieve("kept-1")
    assert after is not None and not storage_failed(after)
    assert after.get_slot("requested_slot") == "treatment_date"
    assert user_texts(store, "kept-1") == ["my eye is twitching", "no"]


async def test_a_kept_turn_is_dropped_if_another_server_went_on_with_the_conversation(
    store_behind_proxy: FailSafeSQLTrackerStore,
    proxy: TcpProxy,
    postgres_url: str,
    rasa_domain: Domain,
    no_retry_wait: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    store = store_behind_proxy
    await store.save(first_turn("moved-on-1", rasa_domain))
    tracker = await store.retrieve("moved-on-1")
    assert tracker is not None
    tracker.update(said("no", "deny"))
    proxy.cut()
    await store.save(tracker)  # kept in memory by this server
    monkeypatch.setenv("AFTERCARE_DATABASE_URL", postgres_url)
    other = FailSafeSQLTrackerStore(rasa_domain, max_turns=1)  # a second server, still connected
    elsewhere = await other.retrieve("moved-on-1")
    assert elsewhere is not None
    elsewhere.update(said("yes", "affirm"))
    await other.save(elsewhere)
    proxy.restore()
    assert not storage_failed(await store.retrieve("moved-on-1") or elsewhere)
    assert user_texts(store, "moved-on-1") == ["my eye is twitching", "yes"]


async def test_a_locked_database_keeps_the_turn_and_the_conversation_goes_on(
    tmp_path: Path, rasa_domain: Domain, monkeypatch: pytest.MonkeyPatch, no_retry_wait: None
) -> None:
    path = tmp_path / "conversations.db"
    monkeypatch.setenv("AFTERCARE_DATABASE_URL", f"sqlite:///{path}")
    monkeypatch.setattr(database, "sqlite_pragmas", quick_pragmas)
    store = FailSafeSQLTrackerStore(rasa_domain, max_turns=1)
    await store.save(first_turn("locked-1", rasa_domain))
    tracker = await store.retrieve("locked-1")
    assert tracker is not None
    tracker.update(said("no", "deny"))
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    await store.save(tracker)
    assert store.health.problem is Problem.LOCKED
    holder.execute("ROLLBACK")
    holder.close()
    after = await store.retrieve("locked-1")
    assert after is not None and not storage_failed(after)
    assert user_texts(store, "locked-1") == ["my eye is twitching", "no"]


def quick_pragmas(connection: Any, _record: Any) -> None:
    """The project's SQLite set-up, without the 5 s wait for a lock (for a quick test)."""
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=0")
    cursor.close()


def test_the_mark_is_recognised_only_as_the_latest_action(rasa_domain: Domain) -> None:
    mark = ActionExecuted("action_listen", metadata={"tracker_store": "unavailable"})
    tracker = DialogueStateTracker.from_events("p", [mark, said("hello", "greet")])
    assert is_mark(mark) and storage_failed(tracker)
    tracker.update(ActionExecuted("utter_unavailable"))
    assert not storage_failed(tracker)


# --- The fail-safe answer to a marked turn (components/failsafe_policy.py) ---------------------------


@pytest.fixture
def failsafe_policy(tmp_path: Path) -> ActionServerFailSafe:
    return ActionServerFailSafe.create(
        ActionServerFailSafe.get_default_config(),
        LocalModelStorage(tmp_path),
        Resource("failsafe"),
        ExecutionContext(GraphSchema({}), "test"),
    )


@pytest.mark.parametrize(
    ("slots", "message", "intent", "expected"),
    [
        ({}, "I can't breathe properly since my botox", "report_symptom", "_emergency"),
        ({}, "my vision has been blurry since my botox", "report_symptom", "_red_flag"),
        ({}, "can I drink coffee?", "faq", ""),
        ({"requested_slot": "screen_emergency"}, "yes", "affirm", "_emergency"),
        ({"requested_slot": "screen_vision"}, "yes", "affirm", "_red_flag"),
        ({"requested_slot": "screen_vision"}, "no", "deny", ""),
    ],
)
def test_a_turn_the_store_failed_gets_the_fail_safe_by_severity(
    failsafe_policy: ActionServerFailSafe,
    rasa_domain: Domain,
    slots: dict[str, Any],
    message: str,
    intent: str,
    expected: str,
) -> None:
    mark = ActionExecuted("action_listen", metadata={"tracker_store": "unavailable"})
    events = [SlotSet(name, value) for name, value in slots.items()]
    tracker = DialogueStateTracker.from_events(
        "p", [*events, mark, said(message, intent)], rasa_domain.slots
    )
    response = f"utter_unavailable{expected}"
    assert predicted(failsafe_policy, tracker, rasa_domain) == response
    tracker.update(ActionExecuted(response))
    assert not storage_failed(tracker)
    assert predicted(failsafe_policy, tracker, rasa_domain) == "action_listen"


# --- Logs (components/log_privacy.py) --------------------------------------------------------


@pytest.mark.parametrize(
    "message",
    [
        "/x/io.py:100: UserWarning: Failed to parse arguments in line '/report_symptom my name "
        "is Zebrafinch'. Expected the intent to be one of [...] but found report_symptom my "
        "name is Zebrafinch.Continuing with given line as user text.\n  More info at ...",
        '{"user_text": "/{Zebrafinch}", "event": "message.parsing.failed", "level": "warning"}',
    ],
)
def test_rasas_warnings_about_a_typed_command_lose_the_patients_words(message: str) -> None:
    record = logging.LogRecord("py.warnings", logging.WARNING, "", 0, message, (), None)
    assert PatientTextFilter().filter(record)
    assert "Zebrafinch" not in record.getMessage()
    assert "could not read a message starting with '/'" in record.getMessage()


# --- Erasing on a full disk (python -m handover erase) ---------------------------------------


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    """A 4 MB file system of its own (tmpfs), to be filled."""
    mount = tmp_path / "tiny"
    mount.mkdir()
    made = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mount)], capture_output=True
    )
    if made.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here: {made.stderr!r}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=True)


def fill(path: Path, keep_free: int) -> sqlite3.Connection:
    """The Rasa server's connection, having written 110 KB rows until ``keep_free`` bytes are left.

    The conversation store stops writing with less than 1 MB free (faults.MIN_FREE_BYTES).
    """
    server = sqlite3.connect(path, isolation_level=None)
    server.execute("PRAGMA journal_mode=WAL")
    server.execute("PRAGMA secure_delete=ON")
    server.execute(
        "CREATE TABLE IF NOT EXISTS events (id INTEGER PRIMARY KEY, sender_id TEXT, data TEXT)"
    )
    for number in itertools.count():
        free = shutil.disk_usage(path.parent).free
        if free < keep_free + 200_000:
            break
        try:
            server.execute(
                "INSERT INTO events (sender_id, data) VALUES (?, ?)",
                (f"filler-{number % 3}", "Zebrafinch " * 10_000),
            )
        except sqlite3.OperationalError as error:
            assert "full" in str(error)
            break
    return server


def erase(path: Path, conversation_id: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(PYTHON), "-m", "handover", "erase", conversation_id],
        env={"AFTERCARE_DATABASE_URL": f"sqlite:///{path}", "PATH": "/usr/bin:/bin"},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_erasure_works_on_a_disk_the_conversation_store_found_full(tiny_disk: Path) -> None:
    """Issue 23, hole 3: with the disk full, `python -m handover erase` failed, "disk is full"."""
    path = tiny_disk / "conversations.db"
    refer(Handover(engine_for(f"sqlite:///{path}")), "filler-0")
    server = fill(path, keep_free=faults.MIN_FREE_BYTES // 2)
    assert faults.file_problem(str(path)) is Problem.FULL
    run = erase(path, "filler-0")
    assert run.returncode == 0, run.stderr
    assert "Deleted" in run.stdout and "Traceback" not in run.stderr
    left = server.execute("SELECT count(*) FROM events WHERE sender_id = 'filler-0'").fetchone()
    assert left == (0,)
    assert server.execute("SELECT count(*) FROM referrals").fetchone() == (0,)
    server.close()


def test_erasure_on_a_disk_with_no_byte_left_fails_in_one_line(tiny_disk: Path) -> None:
    path = tiny_disk / "conversations.db"
    refer(Handover(engine_for(f"sqlite:///{path}")), "filler-0")
    server = fill(path, keep_free=0)
    subprocess.run(["dd", "if=/dev/zero", f"of={tiny_disk / 'filler'}", "bs=4k"], check=False)
    run = erase(path, "filler-0")
    if run.returncode == 0:  # the log had room enough left in its last block
        assert "Deleted" in run.stdout
    else:
        assert run.returncode == 1 and "Traceback" not in run.stderr
        assert run.stderr.splitlines()[-1] == (
            "python -m handover: conversation filler-0 was not erased: the database is full"
        )
    server.close()


# --- The staff view (handover/staff.py) ------------------------------------------------------


async def test_the_staff_view_answers_503_while_the_database_is_down_then_recovers(
    postgres_url: str, proxy: TcpProxy
) -> None:
    store = Handover(engine_for(proxy.url(postgres_url)))
    refer(store, "staff-503")
    staff_account(store, "Nurse Joy")
    async with TestClient(TestServer(staff.create_app(store))) as client:
        assert (await sign_in_client(client)).status == 303
        proxy.cut()
        for path in ("/", "/referrals.csv", "/referrals/1", "/login"):
            response = await client.get(path)
            assert response.status == 503
            assert "The database is unreachable" in await response.text()
        proxy.restore()
        response = await client.get("/")
        assert response.status == 200 and "Referrals (" in await response.text()


async def test_the_staff_view_and_the_referrals_survive_a_deleted_database(
    tmp_path: Path,
) -> None:
    path = tmp_path / "referrals.db"
    store = Handover(engine_for(f"sqlite:///{path}"))
    refer(store, "before-deletion")
    staff_account(store, "Nurse Joy")
    async with TestClient(TestServer(staff.create_app(store))) as client:
        assert (await sign_in_client(client)).status == 303
        for file in tmp_path.glob("referrals.db*"):
            file.unlink()
        response = await client.get("/")  # missing, and not made again
        assert response.status == 503 and "The database is missing" in await response.text()
        assert not path.exists()
        sqlite3.connect(path).close()  # an operator makes it again
        # The accounts went with the file: the view answers, and asks for a first lead.
        response = await client.get("/")
        assert response.status == 200 and response.url.path == "/login"
        assert "There is no staff account yet" in await response.text()
    assert refer(store, "after-deletion") >= 1  # no "no such table: referrals"


# --- Rasa's in-memory fallback is never reached (issue 23, hole 4) -------------------------


async def test_a_turn_sql_cannot_hold_takes_the_fail_safe_not_rasas_memory(
    tmp_path: Path, rasa_domain: Domain, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A sender id with a lone surrogate: Rasa's FailSafeTrackerStore fell back to memory."""
    from rasa.core.tracker_store import FailSafeTrackerStore

    monkeypatch.setenv("AFTERCARE_DATABASE_URL", f"sqlite:///{tmp_path / 'conversations.db'}")
    store = FailSafeSQLTrackerStore(rasa_domain, max_turns=1)
    wrapped = FailSafeTrackerStore(store)  # as Rasa wraps every tracker store
    sender = "x\ud800"
    tracker = await wrapped.retrieve(sender)
    assert tracker is not None and storage_failed(tracker)  # read: this turn's fail-safe
    await wrapped.save(first_turn(sender, rasa_domain))  # cannot be written: never raises
    again = await wrapped.retrieve(sender)
    assert again is not None and storage_failed(again)
    assert again.get_slot("requested_slot") == "screen_emergency"  # the question being answered
    assert wrapped._fallback_tracker_store is None  # Rasa's in-memory store never made
    assert store.health.problem is None  # one conversation's fault is not the database's
    await wrapped.save(first_turn("healthy-1", rasa_domain))  # the others are stored
    healthy = await wrapped.retrieve("healthy-1")
    assert healthy is not None and not storage_failed(healthy)
