"""Events addressed to one person: events.audience

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 11:00:00

A QA verdict is for leads, and for the reviewer whose decision was audited (their
feedback), not for the rest of the team. `audience` names that person; pulls show
a hidden kind to its actor and to its audience. Existing verdicts are filled in from
their payload's `reviewer`.
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("events", sa.Column("audience", sa.String(length=64), nullable=True))
    events = sa.table(
        "events",
        sa.column("server_seq", sa.BigInteger()),
        sa.column("kind", sa.String()),
        sa.column("payload", sa.Text()),
        sa.column("audience", sa.String()),
    )
    conn = op.get_bind()
    rows = conn.execute(
        sa.select(events.c.server_seq, events.c.payload).where(events.c.kind == "qa.verdict")
    ).all()
    for seq, payload in rows:
        reviewer = json.loads(payload).get("reviewer")
        if isinstance(reviewer, str):
            conn.execute(
                sa.update(events).where(events.c.server_seq == seq).values(audience=reviewer)
            )


def downgrade() -> None:
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_column("audience")
