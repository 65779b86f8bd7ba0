"""Claim starts on the case projection: cases.claim_starts

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22 10:00:00

When each person took the case since it last left anyone's hands (JSON: actor -> ISO time),
kept by the fold in canonical order. A decision fact's handling time starts there. Before
this the fold read it back from the log in local insertion order, which differs between
workstations that received the same events in another order. The store refolds its
projections after the upgrade, so the column is filled from the log.
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "cases", sa.Column("claim_starts", sa.Text(), nullable=False, server_default="{}")
    )


def downgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_column("claim_starts")
