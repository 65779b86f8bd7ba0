"""One hash chain per person on a workstation: device.actor

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 12:00:00

The hub binds a device to the one user who pushes from it, so each person who works on a
workstation gets a chain (a device row) of their own. The existing row keeps no actor: it
is the workstation itself, and events written before this revision stay on its chain.
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN and CREATE INDEX: no batch rebuild of the table.
    op.add_column("device", sa.Column("actor", sa.String(length=64), nullable=True))
    op.create_index("ix_device_actor", "device", ["actor"], unique=True)


def downgrade() -> None:
    op.drop_index("ix_device_actor", table_name="device")
    with op.batch_alter_table("device", schema=None) as batch_op:
        batch_op.drop_column("actor")
