"""Alembic's environment for the staff side's tables (run by :func:`handover.schema.upgrade`).

Only the tables of ``handover.store.metadata`` are Alembic's: Rasa's own tables (``events``)
live in the same database and are left alone.
"""

from __future__ import annotations

from typing import Any

from alembic import context

from handover.store import metadata

OURS = set(metadata.tables)


def include_object(obj: Any, name: str | None, kind: str, reflected: bool, _other: Any) -> bool:
    """Compares and changes only this package's tables (and their columns and indexes)."""
    table = obj if kind == "table" else getattr(obj, "table", None)
    return (name if kind == "table" else getattr(table, "name", None)) in OURS


connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=metadata,
    include_object=include_object,
    render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters by copying a table
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
