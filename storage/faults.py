"""When the database fails: what the problem is called, how the servers notice, how they recover.

Plain SQLAlchemy, no Rasa import. Used by the Rasa server's conversation store
(``components/failsafe_tracker_store.py``), the referral store and the staff view (``handover/``).

* :func:`problem_of` names what went wrong (read-only, missing, full, unreachable, locked),
  for a log line and the health endpoint; never with the statement's values
  (:data:`ENGINE_OPTIONS` hides them from SQLAlchemy's error messages).
* :class:`SQLiteFilePool` makes the pool of SQLite connections notice what happens to the
  file under them: deleted (they would go on writing to it), or made read-only (their mapping
  of the ``-shm`` file becomes a bus error that kills the server); the next connection opens
  the file as it now is. :func:`create_missing_tables` gives a new file its tables again.
* :class:`DatabaseHealth` remembers the problem, logs it once at ERROR when it starts (and at
  WARNING when it is over), and reports it to the health endpoint.
"""

from __future__ import annotations

import ctypes
import enum
import logging
import os
import sqlite3
import time
import urllib.parse
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple, TypeVar

import sqlalchemy as sa
from sqlalchemy.schema import CreateIndex, CreateTable

logger = logging.getLogger(__name__)

T = TypeVar("T")

ENGINE_OPTIONS: dict[str, Any] = {"hide_parameters": True}
"""Every engine's options: no SQL values (a patient's words) in error messages."""

SERVER_OPTIONS: dict[str, Any] = {"pool_pre_ping": True}
"""A database server's (PostgreSQL's): a connection it dropped is replaced before it is used.
Not for SQLite: the ping would read the file before :class:`SQLiteFilePool` looks at it."""

POSTGRES_CONNECT_TIMEOUT = 5
"""Seconds to wait for PostgreSQL to accept a connection before calling it unreachable."""

MIN_FREE_BYTES = 1 << 20
"""An SQLite file on a file system with less free space than this is counted as full."""

RETRY_SECONDS = 5.0
"""How long a problem seen by a failed read or write is taken as still there (then tried again)."""


class Problem(enum.StrEnum):
    """What is wrong with the database, as the log and the health endpoint name it."""

    READ_ONLY = "read-only"
    MISSING = "missing"
    FULL = "full"
    UNREACHABLE = "unreachable"
    LOCKED = "locked"
    FAILING = "failing"


_SQLITE_PROBLEMS = {
    sqlite3.SQLITE_READONLY: Problem.READ_ONLY,
    sqlite3.SQLITE_PERM: Problem.READ_ONLY,
    sqlite3.SQLITE_CANTOPEN: Problem.MISSING,
    sqlite3.SQLITE_FULL: Problem.FULL,
    sqlite3.SQLITE_BUSY: Problem.LOCKED,
    sqlite3.SQLITE_LOCKED: Problem.LOCKED,
}
_POSTGRES_PROBLEMS = {
    "25006": Problem.READ_ONLY,  # read_only_sql_transaction
    "3D000": Problem.MISSING,  # invalid_catalog_name: no such database
    "42P01": Problem.MISSING,  # undefined_table
    "53100": Problem.FULL,  # disk_full
    "55P03": Problem.LOCKED,  # lock_not_available
    "57P01": Problem.UNREACHABLE,  # admin_shutdown
}


def problem_of(error: BaseException) -> Problem:
    """The problem an SQLAlchemy (or DB-API) error shows."""
    if isinstance(error, FileChanged):
        return error.problem or Problem.FAILING
    original = getattr(error, "orig", error)
    if isinstance(original, sqlite3.Error):
        code = getattr(original, "sqlite_errorcode", None)
        if code == sqlite3.SQLITE_READONLY_DBMOVED:  # the file was deleted under the connection
            return Problem.MISSING
        if code is not None:
            found = _SQLITE_PROBLEMS.get(code & 0xFF)
            if found is not None:
                return found
        if "no such table" in str(original):
            return Problem.MISSING
        return Problem.FAILING
    pgcode = getattr(original, "pgcode", None)
    if pgcode in _POSTGRES_PROBLEMS:
        return _POSTGRES_PROBLEMS[pgcode]
    if getattr(error, "connection_invalidated", False) or (
        isinstance(error, sa.exc.OperationalError) and pgcode is None
    ):
        return Problem.UNREACHABLE
    return Problem.FAILING


def engine_options(url: str | sa.engine.URL, **options: Any) -> dict[str, Any]:
    """``options`` for ``create_engine`` with :data:`ENGINE_OPTIONS` added.

    For a database server also :data:`SERVER_OPTIONS`, and for PostgreSQL a time limit to
    connect, beside any other ``connect_args``.
    """
    merged = {**options, **ENGINE_OPTIONS}
    backend = sa.engine.make_url(url).get_backend_name()
    if backend != "sqlite":
        merged.update(SERVER_OPTIONS)
    if backend == "postgresql":
        connect_args = options.get("connect_args", {})
        merged["connect_args"] = {"connect_timeout": POSTGRES_CONNECT_TIMEOUT, **connect_args}
    return merged


# --- SQLite: the file under the connections ---------------------------------------------------


class FileState(NamedTuple):
    """Which file a path names, and whether this process may write it (and its -wal, -shm)."""

    device: int
    inode: int
    writable: bool


def file_state(path: str) -> FileState | None:
    """The state of the database file at ``path``; None when there is none."""
    try:
        stat = os.stat(path)
    except FileNotFoundError:
        return None
    companions = [path, f"{path}-wal", f"{path}-shm", os.path.dirname(path) or "."]
    writable = all(os.access(p, os.W_OK) for p in companions if os.path.exists(p))
    return FileState(stat.st_dev, stat.st_ino, writable)


def file_problem(path: str) -> Problem | None:
    """What is wrong with the SQLite file at ``path`` as the file system shows it, if anything.

    A file that is not there is missing: once a program has started, no connection makes it
    again (:func:`existing_file`).
    """
    state = file_state(path)
    folder = os.path.dirname(path) or "."
    if state is None:
        return Problem.MISSING
    if not state.writable:
        return Problem.READ_ONLY
    stat = os.statvfs(folder)
    if stat.f_bavail * stat.f_frsize < MIN_FREE_BYTES:
        return Problem.FULL
    return None


class FileChanged(sa.exc.SQLAlchemyError):
    """The SQLite file changed under the pool's connections: they were put aside."""

    def __init__(self, path: str, problem: Problem | None) -> None:
        self.path = path
        self.problem = problem
        super().__init__(f"the database file changed: {problem or 'a new file is there'}")


def sqlite_path(engine: sa.engine.Engine) -> str | None:
    """The absolute path of an SQLite engine's file (None for another database or memory)."""
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        return None
    return os.path.abspath(database)


class SQLiteFilePool(sa.pool.QueuePool):
    """A pool of SQLite connections that looks at the file before it hands one out.

    A connection keeps using the file it opened: deleted, it goes on writing to a file nobody
    will read again. In write-ahead-log mode it maps the ``-shm`` file into memory, and SQLite
    shares that mapping between all connections of a process to one file; once the files are
    made immutable, the next touch of the mapping is a bus error (SIGBUS) that kills the
    server: a read, a write, even closing the connection (its checkpoint writes the index).

    So when the file was deleted or replaced since the pool's connections were opened, they
    are closed (SQLite does not checkpoint a moved file on close) and the next one opens
    what is at the path now, none while there is none (:func:`existing_file`):
    :class:`FileChanged` (missing). When the file (or its ``-wal``, ``-shm`` or folder) may no
    longer be written, the connections are put aside, unclosed and unused, and none is opened
    until it may be written again (a new one would share their mapping): :class:`FileChanged`
    (read-only).
    """

    def __init__(self, creator: Any, sqlite_file: str | None = None, **options: Any) -> None:
        """A ``QueuePool``, watching ``sqlite_file`` (``create_engine(..., sqlite_file=...)``)."""
        super().__init__(creator, **options)
        self.sqlite_file = sqlite_file
        self._opened_on: FileState | None = None
        self._generation = 0
        self._kept_open: list[Any] = []
        """Connections put aside when the file became read-only: never used, not closed."""

    def recreate(self) -> SQLiteFilePool:
        """The same pool, empty (``engine.dispose``)."""
        pool = super().recreate()
        pool.sqlite_file = self.sqlite_file
        return pool

    def _do_get(self) -> Any:
        if self.sqlite_file is not None:
            self._look_at_file(self.sqlite_file)
        return super()._do_get()

    def _create_connection(self) -> Any:
        record = super()._create_connection()
        record.info["generation"] = self._generation
        if self.sqlite_file is not None:
            self._opened_on = file_state(self.sqlite_file)
        return record

    def _do_return_conn(self, record: Any) -> None:
        if record.info.get("generation", self._generation) == self._generation:
            super()._do_return_conn(record)
        else:  # out while the others were put aside: the same fate
            self._put_aside([record], close=self._opened_on is not None)

    def _look_at_file(self, path: str) -> None:
        now, opened = file_state(path), self._opened_on
        if opened is None:
            if now is not None and not now.writable:
                raise FileChanged(path, Problem.READ_ONLY)
            self._close_kept_open()
            return
        if now == opened:
            return
        moved = now is None or now[:2] != opened[:2]
        self._generation += 1
        self._opened_on = None
        self._put_aside(self._checked_in(), close=moved)
        if now is None:
            raise FileChanged(path, Problem.MISSING)
        raise FileChanged(path, None if moved else Problem.READ_ONLY)

    def _checked_in(self) -> list[Any]:
        records = []
        while not self._pool.empty():
            records.append(self._pool.get(False))
        return records

    def _put_aside(self, records: list[Any], close: bool) -> None:
        for record in records:
            self._dec_overflow()
            if close:
                record.close()
            elif record.dbapi_connection is not None:
                # Never freed: freeing a connection closes it, even when the process exits.
                ctypes.pythonapi.Py_IncRef(ctypes.py_object(record.dbapi_connection))
                self._kept_open.append(record.dbapi_connection)

    def _close_kept_open(self) -> None:
        """Once the file may be written again, the connections put aside can be closed."""
        while self._kept_open:
            self._kept_open.pop().close()


def existing_file(path: str) -> Callable[[], sqlite3.Connection]:
    """``create_engine(creator=...)``: connections to the SQLite file at ``path``, never a new one.

    SQLite makes a missing file when it opens a path; then a database deleted while the servers
    run would come back empty at the next connection (a health check's included), the fault
    hidden and every conversation in it forgotten. Opened with ``mode=rw`` a missing file is
    an error instead (``SQLITE_CANTOPEN``: missing) until the start-up or an operator makes it
    (docs/operations.md). A connection may be used by another thread than the one that opened
    it, one at a time.
    """
    uri = f"file:{urllib.parse.quote(os.path.abspath(path))}?mode=rw"

    def connect() -> sqlite3.Connection:
        return sqlite3.connect(uri, uri=True, check_same_thread=False)

    return connect


def sqlite_pool(engine_url: str | sa.engine.URL) -> dict[str, Any]:
    """``create_engine`` options for a watched pool of connections to an existing SQLite file."""
    path = os.path.abspath(sa.engine.make_url(engine_url).database or "")
    return {"poolclass": SQLiteFilePool, "sqlite_file": path, "creator": existing_file(path)}


def create_missing_tables(
    engine: sa.engine.Engine, metadata: sa.MetaData, then: Sequence[str] = ()
) -> None:
    """Every new connection to the engine's SQLite file creates the tables it lacks.

    A file deleted while the servers run and made again by an operator (or another program's
    start-up) is empty; without this its tables ("no such table: referrals") would only come
    back with a restart. Only a file with none of the tables gets them (an older file's
    tables are its migrations' work), followed by the statements of ``then`` (the mark of
    the migrations those tables are at).
    """
    if sqlite_path(engine) is None:
        return

    def connected(connection: Any, _record: Any) -> None:
        cursor = connection.cursor()
        try:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            existing = {row[0] for row in cursor.fetchall()}
            if not existing.isdisjoint(metadata.tables):
                return
            for table in metadata.sorted_tables:
                for ddl in [CreateTable(table, if_not_exists=True)] + [
                    CreateIndex(index, if_not_exists=True) for index in table.indexes
                ]:
                    cursor.execute(str(ddl.compile(dialect=engine.dialect)))
            for statement in then:
                cursor.execute(statement)
            connection.commit()
        finally:
            cursor.close()

    sa.event.listen(engine, "connect", connected)


# --- The health of one database ---------------------------------------------------------------


class DatabaseHealth:
    """The problem one server has with one database, logged once and reported on request."""

    def __init__(
        self, name: str, engine: sa.engine.Engine, clock: Callable[[], float] = time.monotonic
    ) -> None:
        """``name`` says what the database keeps ("conversations"), for the log."""
        self.name = name
        self.engine = engine
        self.clock = clock
        self.problem: Problem | None = None
        self._seen_at = 0.0
        self._since = 0.0
        _watched[name] = self

    def current(self) -> Problem | None:
        """The problem as it stands, without asking the database.

        For SQLite the file is looked at; a problem a failed read or write showed is taken as
        still there for :data:`RETRY_SECONDS`, then the database is tried again.
        """
        path = sqlite_path(self.engine)
        problem = file_problem(path) if path is not None else None
        if problem is not None:
            self._note(problem)
            return problem
        if path is not None and self.problem in (Problem.READ_ONLY, Problem.FULL, Problem.MISSING):
            self.succeeded()  # the file shows it is over
        if self.problem is not None and self.clock() - self._seen_at < RETRY_SECONDS:
            return self.problem
        return None

    def run(self, operation: Callable[[], T]) -> T:
        """Runs ``operation``, once more if the SQLite file changed under its connection."""
        try:
            return operation()
        except FileChanged as changed:
            self.reopened(changed)
            return operation()

    def reopened(self, changed: FileChanged) -> None:
        """Notes what the SQLite file's change shows (deleted: missing; no write: read-only)."""
        if changed.problem is not None:
            self._note(changed.problem)

    def failed(self, error: BaseException, doing: str) -> Problem:
        """Notes a failed read or write (``doing`` says which); the problem, named."""
        problem = problem_of(error)
        self._note(problem)
        logger.debug("%s in the %s database failed", doing, self.name, exc_info=error)
        return problem

    def succeeded(self) -> None:
        """Notes that the database answered: a problem is over."""
        if self.problem is not None:
            logger.warning(
                "The %s database works again (it was %s for %.0f s)",
                self.name,
                self.problem,
                self.clock() - self._since,
            )
            self.problem = None

    def probe(self) -> Problem | None:
        """Asks the database (``SELECT 1``), for the health endpoint; the problem, if any."""
        problem = self.current()
        if problem is not None:
            return problem
        try:
            self.run(self._select_one)
        except sa.exc.SQLAlchemyError as error:
            return self.failed(error, "A health check")
        self.succeeded()
        return None

    def _select_one(self) -> None:
        with self.engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))

    def _note(self, problem: Problem) -> None:
        now = self.clock()
        if problem != self.problem:
            logger.error(
                "The %s database is %s: patients get the fail-safe advice until it works again",
                self.name,
                problem,
            )
            self._since = now
        self.problem = problem
        self._seen_at = now


_watched: dict[str, DatabaseHealth] = {}


def watched() -> list[DatabaseHealth]:
    """Every database this process keeps a health record of, by what it keeps."""
    return list(_watched.values())
