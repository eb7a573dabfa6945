"""The referrals table as it was before migrations (December 2026).

A database made by code from before Alembic has this table already, perhaps in an older
shape: then it is brought to this one, with its rows and their numbers kept:

* without ``callback_declined_at`` (before the patient's "no" was recorded): the column is
  added, empty;
* on SQLite, without ``AUTOINCREMENT`` (before 0.2): the table is rebuilt with it, so that an
  erased referral's number is never given to the next patient.

Revision ID: 0001
Revises:
Created: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _columns() -> list[sa.Column]:
    return [
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, index=True),
        sa.Column("conversation_id", sa.String(255), nullable=False, index=True),
        sa.Column("level", sa.String(16), nullable=False),
        sa.Column("reasons", sa.Text, nullable=False),
        sa.Column("findings", sa.Text, nullable=False),
        sa.Column("days_since_treatment", sa.Integer, nullable=True),
        sa.Column("patient_words", sa.Text, nullable=False),
        sa.Column("summary", sa.Text, nullable=False),
        sa.Column("callback_name", sa.String(80), nullable=True),
        sa.Column("callback_phone", sa.String(20), nullable=True),
        sa.Column("callback_time", sa.String(120), nullable=True),
        sa.Column("callback_confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("handled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("handled_by", sa.String(80), nullable=True),
        sa.Column("callback_declined_at", sa.DateTime(timezone=True), nullable=True),
    ]


def upgrade() -> None:
    """From the revision before to this one."""
    bind = op.get_bind()
    inspector = sa.inspect(bind)
    if not inspector.has_table("referrals"):
        op.create_table("referrals", *_columns(), sqlite_autoincrement=True)
        return
    present = {column["name"] for column in inspector.get_columns("referrals")}
    if "callback_declined_at" not in present:
        op.add_column("referrals", sa.Column("callback_declined_at", sa.DateTime(timezone=True)))
    if bind.dialect.name == "sqlite":
        sql = bind.exec_driver_sql(
            "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'referrals'"
        ).scalar_one()
        if "AUTOINCREMENT" not in sql.upper():
            names = ", ".join(column.name for column in _columns())
            op.rename_table("referrals", "old_referrals")
            for index in inspector.get_indexes("old_referrals"):
                op.drop_index(index["name"])
            op.create_table("referrals", *_columns(), sqlite_autoincrement=True)
            op.execute(f"INSERT INTO referrals ({names}) SELECT {names} FROM old_referrals")
            op.drop_table("old_referrals")


def downgrade() -> None:
    """Back to the revision before."""
    op.drop_table("referrals")
