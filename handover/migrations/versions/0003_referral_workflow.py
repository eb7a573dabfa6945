"""The referrals' workflow: a status, who it is assigned to, and every change (notes too).

A referral marked handled before this migration is ``closed``.

Revision ID: 0003
Revises: 0002
Created: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """From the revision before to this one."""
    with op.batch_alter_table("referrals") as batch:
        batch.add_column(sa.Column("status", sa.String(16), nullable=False, server_default="new"))
        batch.add_column(sa.Column("assigned_to", sa.String(80), nullable=True))
        batch.create_index("ix_referrals_status", ["status"])
    op.execute("UPDATE referrals SET status = 'closed' WHERE handled_at IS NOT NULL")
    op.create_table(
        "referral_changes",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("referral_id", sa.Integer, nullable=False, index=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("by", sa.String(80), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),  # status, assigned or note
        sa.Column("old_value", sa.Text, nullable=True),
        sa.Column("new_value", sa.Text, nullable=True),
        sa.Column("undone_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("undone_by", sa.String(80), nullable=True),
    )


def downgrade() -> None:
    """Back to the revision before."""
    op.drop_table("referral_changes")
    with op.batch_alter_table("referrals") as batch:
        batch.drop_index("ix_referrals_status")
        batch.drop_column("assigned_to")
        batch.drop_column("status")
