"""Who was addressed in which subject: an index on events (audience, category)

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05 17:00:00

An incident's headline events (declared, severity changed, resolved) reach a moderator
only once an event of that incident was addressed to them (a role): a pull looks up the
subjects (kept in `category` for events naming no case) of the events addressed to the
caller. The index keeps that lookup a seek whatever the size of the log. Events of
incidents pushed before this revision have no subject, so their headline reaches
moderators no more (analysts and leads still receive it).
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(op.f("ix_events_audience_category"), "events", ["audience", "category"])


def downgrade() -> None:
    op.drop_index(op.f("ix_events_audience_category"), table_name="events")
