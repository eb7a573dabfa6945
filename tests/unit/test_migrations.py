"""The schema's migrations (handover/migrations/), on SQLite and on the real PostgreSQL.

* From nothing, the migrations make exactly the tables ``handover/store.py`` uses.
* A database made by the code before migrations (``tests/unit/fixtures/``), or by older code
  still, is brought to today's tables with its rows and their numbers.
* Two programs starting at once both end with the same, migrated database.
"""

from __future__ import annotations

import contextlib
import re
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from handover import schema
from handover.store import Handover, engine_for, metadata
from tests.support.pinned import NOW, ROOT
from tests.support.stores import refer
from tools.cluster import POSTGRES_SERVER, throwaway_postgres

FIXTURES = ROOT / "tests" / "unit" / "fixtures"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)])
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database of either kind."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrations.db'}"
        return
    with throwaway_postgres(POSTGRES_SERVER, "aftercare_migrations") as url:
        yield url


@contextlib.contextmanager
def plain_engine(url: str) -> Iterator[sa.engine.Engine]:
    engine = sa.create_engine(url, future=True)
    try:
        yield engine
    finally:
        engine.dispose()


def differences(engine: sa.engine.Engine) -> list[object]:
    """What Alembic would still change to make the database match ``handover/store.py``."""
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={"include_object": _ours, "compare_type": True},
        )
        return list(compare_metadata(context, metadata))


def _ours(obj: object, name: str | None, kind: str, _reflected: bool, _other: object) -> bool:
    table = obj if kind == "table" else getattr(obj, "table", None)
    return (name if kind == "table" else getattr(table, "name", None)) in metadata.tables


def make_old_database(
    engine: sa.engine.Engine, *, without_column: str = "", without: str = ""
) -> None:
    """The referrals table as the code before migrations made it, with two referrals.

    ``without_column`` and ``without`` take a column or a word out: the table as older code
    made it.
    """
    sql = (FIXTURES / f"referrals-before-migrations.{engine.dialect.name}.sql").read_text()
    with engine.begin() as connection:
        for statement in sql.split(";"):
            lines = [line for line in statement.splitlines() if not line.startswith("--")]
            text = "\n".join(lines).strip()
            if not text:
                continue
            if without_column:
                text = re.sub(rf"\n\s*{without_column} [^\n]*", "", text)
                text = re.sub(r",\s*\)$", "\n)", text)
            if without:
                text = text.replace(without, "")
            connection.exec_driver_sql(text)
        for name, handled in (("anna", None), ("bob", NOW)):
            connection.execute(
                sa.text(
                    "INSERT INTO referrals (created_at, conversation_id, level, reasons, "
                    "findings, patient_words, summary, handled_at, handled_by) VALUES "
                    "(:at, :name, 'urgent', '[]', '', 'my eye droops', 'URGENT', :handled, "
                    ":by)"
                ),
                {"at": NOW, "name": name, "handled": handled, "by": "Nurse" if handled else None},
            )


def test_the_migrations_make_the_tables_the_code_uses(empty_url: str) -> None:
    with plain_engine(empty_url) as engine:
        assert schema.current(engine) is None
        schema.upgrade(engine)
        assert schema.current(engine) == schema.head()
        assert differences(engine) == []


def test_a_new_sqlite_file_is_made_from_the_tables_and_marked_migrated(tmp_path: Path) -> None:
    engine = engine_for(f"sqlite:///{tmp_path / 'new.db'}")
    assert schema.current(engine) == schema.head()
    assert differences(engine) == []


def test_the_migrations_go_down_to_nothing_and_up_again(empty_url: str) -> None:
    with plain_engine(empty_url) as engine:
        schema.upgrade(engine)
        with engine.begin() as connection:
            settings = schema.config()
            settings.attributes["connection"] = connection
            from alembic import command

            command.downgrade(settings, "base")
        assert not set(metadata.tables) & set(sa.inspect(engine).get_table_names())
        schema.upgrade(engine)
        assert differences(engine) == []


def test_a_database_made_before_migrations_keeps_its_referrals(empty_url: str) -> None:
    with plain_engine(empty_url) as engine:
        make_old_database(engine)
    store = Handover(engine_for(empty_url))
    try:
        assert schema.current(store.engine) == schema.head()
        assert differences(store.engine) == []
        [anna] = store.for_conversation("anna")
        [bob] = store.for_conversation("bob")
        assert (anna.status, bob.status) == ("new", "closed")
        assert bob.handled_by == "Nurse" and anna.patient_words == "my eye droops"
        store.erase_referrals("bob")
        assert refer(store, "carol") > bob.id  # a number is never given twice
    finally:
        store.engine.dispose()


def test_an_older_table_without_the_declined_column_gets_it(empty_url: str) -> None:
    with plain_engine(empty_url) as engine:
        make_old_database(engine, without_column="callback_declined_at")
    store = Handover(engine_for(empty_url))
    try:
        [anna] = store.for_conversation("anna")
        assert anna.callback_status == "offered"
        assert store.decline_callback("anna", now=NOW) == anna.id
        assert store.for_conversation("anna")[0].callback_status == "declined"
        assert differences(store.engine) == []
    finally:
        store.engine.dispose()


def test_an_old_sqlite_table_is_rebuilt_to_never_give_a_number_twice(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    with plain_engine(url) as engine:
        make_old_database(engine, without=" AUTOINCREMENT")
    store = Handover(engine_for(url))
    [bob] = store.for_conversation("bob")
    store.erase_referrals("bob")
    assert refer(store, "carol") > bob.id
    with store.engine.connect() as connection:
        sql = connection.exec_driver_sql("SELECT sql FROM sqlite_master WHERE name = 'referrals'")
        assert "AUTOINCREMENT" in sql.scalar_one()
        indexes = {row[1] for row in connection.exec_driver_sql("PRAGMA index_list('referrals')")}
    assert {"ix_referrals_created_at", "ix_referrals_conversation_id"} <= indexes
    assert differences(store.engine) == []


def test_two_programs_starting_at_once_migrate_once(empty_url: str) -> None:
    with plain_engine(empty_url) as engine:
        make_old_database(engine)
    errors: list[BaseException] = []

    def start() -> None:
        try:
            with plain_engine(empty_url) as engine:
                schema.upgrade(engine)
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=start) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    with plain_engine(empty_url) as engine:
        assert schema.current(engine) == schema.head()
        assert differences(engine) == []
