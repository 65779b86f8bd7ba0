"""Quarantined events: pulled events a workstation could not validate or fold

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05 08:00:00

A pulled event that does not match its kind's typed payload, names a kind no installed
feature declares, or makes a fold fail is kept here (the whole event, with the field and
the rule that refused it) instead of in `events`, so it is never folded into a
projection and never stops a sync. A retry moves it into `events` once it folds.
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "quarantined_events",
        sa.Column("event_id", sa.String(length=64), nullable=False),
        sa.Column("device_id", sa.String(length=64), nullable=False),
        sa.Column("device_seq", sa.Integer(), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column("case_id", sa.String(length=64), nullable=True),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("seen_head", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.String(length=64), nullable=False),
        sa.Column("server_seq", sa.Integer(), nullable=True),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.Column("field", sa.String(length=200), nullable=False),
        sa.Column("rule", sa.Text(), nullable=False),
        sa.Column("quarantined_at", sa.String(length=32), nullable=False),
        sa.Column("tried_at", sa.String(length=32), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("tried_with", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("event_id"),
    )
    op.create_index(
        "ix_quarantined_events_case_id", "quarantined_events", ["case_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_quarantined_events_case_id", table_name="quarantined_events")
    op.drop_table("quarantined_events")
