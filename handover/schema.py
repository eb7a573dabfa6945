"""The staff side's tables change only through Alembic migrations (``handover/migrations/``).

:func:`upgrade` runs, on every start, the migrations a database lacks: a new database gets
every table, a database made by earlier code is brought to today's tables with its rows. Two
programs starting at once (two action servers and the staff view) take turns: a PostgreSQL
advisory lock, or a lock file beside the SQLite file. ``handover/store.py`` holds the tables
as the code uses them; ``tests/unit/test_migrations.py`` checks that the migrations make exactly
those.

``python -m handover.schema`` says which migration the configured database is at, and
upgrades it; ``python -m handover.schema new "what changes"`` writes the skeleton of the next
migration into ``handover/migrations/versions/``, to be filled in by hand beside the tables
of ``handover/store.py``.
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import logging
from collections.abc import Iterator
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.script import Script, ScriptDirectory

logger = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
VERSION_TABLE = "alembic_version"
ADVISORY_LOCK = 0x41465443  # "AFTC": one number every process of this project agrees on


def config() -> Config:
    """Alembic's configuration, without an ``alembic.ini``: the migrations' folder."""
    settings = Config()
    settings.set_main_option("script_location", str(MIGRATIONS))
    return settings


@functools.cache
def head() -> str:
    """The newest migration's revision."""
    revision = ScriptDirectory.from_config(config()).get_current_head()
    assert revision is not None, "handover/migrations/versions/ holds no migration"
    return revision


def current(engine: sa.engine.Engine) -> str | None:
    """The database's revision (None before its first migration)."""
    with engine.connect() as connection:
        if not sa.inspect(connection).has_table(VERSION_TABLE):
            return None
        return connection.execute(sa.text(f"SELECT version_num FROM {VERSION_TABLE}")).scalar()


def upgrade(engine: sa.engine.Engine, revision: str = "head") -> None:
    """Runs the migrations the database lacks, up to ``revision``, one process at a time."""
    if revision == "head" and current(engine) == head():
        return
    with _one_at_a_time(engine), engine.begin() as connection:
        settings = config()
        settings.attributes["connection"] = connection
        command.upgrade(settings, revision)
    logger.info("The database's tables are at migration %s", current(engine))


def stamp_statements() -> list[str]:
    """SQL that marks a database whose tables were all just made as at :func:`head`."""
    return [
        f"CREATE TABLE IF NOT EXISTS {VERSION_TABLE} "
        "(version_num VARCHAR(32) NOT NULL PRIMARY KEY)",
        f"DELETE FROM {VERSION_TABLE}",
        f"INSERT INTO {VERSION_TABLE} (version_num) VALUES ('{head()}')",
    ]


@contextlib.contextmanager
def _one_at_a_time(engine: sa.engine.Engine) -> Iterator[None]:
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            connection.execute(sa.select(sa.func.pg_advisory_lock(ADVISORY_LOCK)))
            try:
                yield
            finally:
                connection.execute(sa.select(sa.func.pg_advisory_unlock(ADVISORY_LOCK)))
        return
    path = engine.url.database
    if engine.dialect.name != "sqlite" or not path or path == ":memory:":
        yield
        return
    with open(f"{path}-migrations.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def main(argv: list[str] | None = None) -> int:
    """``python -m handover.schema [new MESSAGE]``."""
    import argparse

    from handover.store import Handover

    parser = argparse.ArgumentParser(
        prog="python -m handover.schema", description="The staff side's table migrations."
    )
    parser.add_argument("new", nargs="?", choices=["new"], help="write a new migration")
    parser.add_argument("message", nargs="?", help="what the new migration changes")
    args = parser.parse_args(argv)
    if args.new:
        if not args.message:
            parser.error("say what the new migration changes")
        number = f"{int(head()) + 1:04d}"
        slug = "_".join(args.message.lower().split())[:40]
        script = command.revision(config(), message=args.message, rev_id=number)
        assert isinstance(script, Script)
        path = Path(script.path)
        path = path.rename(path.with_name(f"{number}_{slug}.py"))
        print(f"Wrote {path.relative_to(MIGRATIONS.parent.parent)}")
        return 0
    engine = Handover.configured().engine  # upgrades on first use
    print(f"The database is at migration {current(engine)} (newest: {head()})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
