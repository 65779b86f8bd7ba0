"""Who was addressed in which subject: an index on events (audience, category)

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05 17:00:00

An incident's headline events (declared, severity changed, resolved) reach a moderator
only once an event of that incident was addressed to them (a role): a pull looks up the
subjects (kept in `category` for events naming no case) of the events addressed to the
caller. The index keeps that lookup a seek whatever the size of the log. Incident
events already stored (kind `incident.*`, naming no case) get their subject here from
their payload's `incident_id`.
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(op.f("ix_events_audience_category"), "events", ["audience", "category"])
    events = sa.table(
        "events",
        sa.column("server_seq", sa.BigInteger()),
        sa.column("kind", sa.String()),
        sa.column("case_id", sa.String()),
        sa.column("payload", sa.Text()),
        sa.column("category", sa.String()),
    )
    conn = op.get_bind()
    rows = conn.execute(
        sa.select(events.c.server_seq, events.c.payload).where(
            events.c.kind.like("incident.%"), events.c.case_id.is_(None)
        )
    ).all()
    for seq, payload in rows:
        incident = json.loads(payload).get("incident_id")
        if isinstance(incident, str) and incident:
            conn.execute(
                sa.update(events).where(events.c.server_seq == seq).values(category=incident)
            )


def downgrade() -> None:
    op.drop_index(op.f("ix_events_audience_category"), table_name="events")
