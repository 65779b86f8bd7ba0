"""Review workflow: SLA and priority on cases, claim/view indexes, queue depth, escalations,
notes, links, perceptual hashes, team settings, richer decisions

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 03:10:00

Existing stores get the new columns with neutral defaults; LocalStore refolds every
projection from the log after an upgrade, which fills them in.
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

OPEN_CONDITION = sa.text("status IN ('new', 'leased', 'escalated', 'conflict')")


def upgrade() -> None:
    # Plain ADD COLUMN and CREATE INDEX, no batch: nothing here needs a table rebuild.
    op.add_column(
        "cases", sa.Column("sla_started_at", sa.String(32), server_default="", nullable=False)
    )
    op.add_column(
        "cases", sa.Column("sla_deadline", sa.String(32), server_default="", nullable=False)
    )
    op.add_column(
        "cases", sa.Column("priority_key", sa.Integer(), server_default="0", nullable=False)
    )
    op.create_index(
        "ix_cases_claim", "cases", ["queue", "status", "severity", "priority_key", "case_no"]
    )
    op.create_index("ix_cases_deadline", "cases", ["queue", "status", "sla_deadline"])
    op.create_index("ix_cases_lease", "cases", ["status", "leased_by", "priority_key"])
    op.create_index("ix_cases_lease_expiry", "cases", ["status", "lease_expires_at"])
    for name, first in (
        ("ix_cases_open_priority", "priority_key"),
        ("ix_cases_open_deadline", "sla_deadline"),
    ):
        op.create_index(
            name,
            "cases",
            [first, "case_no", "queue", "status", "severity", "clearance"],
            sqlite_where=OPEN_CONDITION,
        )
    op.add_column("decisions", sa.Column("severity", sa.Integer(), nullable=True))
    op.add_column(
        "decisions", sa.Column("evidence", sa.Text(), server_default="[]", nullable=False)
    )
    op.add_column("decisions", sa.Column("applied_from", sa.String(36), nullable=True))
    op.add_column("decisions", sa.Column("final", sa.Boolean(), server_default="0", nullable=False))
    _tables()


def _case_fk() -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(["case_id"], ["cases.case_id"], ondelete="CASCADE")


def _tables() -> None:
    op.create_table(
        "queue_depth",
        sa.Column("queue", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("severity", sa.Integer(), nullable=False),
        sa.Column("clearance", sa.String(48), nullable=False),
        sa.Column("cases", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("queue", "status", "severity", "clearance"),
    )
    op.create_table(
        "escalations",
        sa.Column("event_id", sa.String(36), nullable=False),
        sa.Column("case_id", sa.String(36), nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("severity", sa.Integer(), nullable=False),
        sa.Column("from_queue", sa.String(64), nullable=False),
        sa.Column("to_queue", sa.String(64), nullable=False),
        sa.Column("escalated_at", sa.String(32), nullable=False),
        sa.Column("resolution_event_id", sa.String(36), nullable=True),
        sa.Column("resolved_by", sa.String(64), nullable=True),
        sa.Column("resolution_action", sa.String(48), nullable=True),
        sa.Column("resolution_rationale", sa.Text(), nullable=True),
        sa.Column("resolved_at", sa.String(32), nullable=True),
        _case_fk(),
        sa.PrimaryKeyConstraint("event_id"),
    )
    op.create_index("ix_escalations_case_id", "escalations", ["case_id"])
    op.create_index("ix_escalations_actor", "escalations", ["actor"])
    op.create_table(
        "case_notes",
        sa.Column("event_id", sa.String(36), nullable=False),
        sa.Column("case_id", sa.String(36), nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
        _case_fk(),
        sa.PrimaryKeyConstraint("event_id"),
    )
    op.create_index("ix_case_notes_case_id", "case_notes", ["case_id"])
    op.create_table(
        "case_links",
        sa.Column("event_id", sa.String(36), nullable=False),
        sa.Column("case_id", sa.String(36), nullable=False),
        sa.Column("other_case_id", sa.String(36), nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
        _case_fk(),
        sa.PrimaryKeyConstraint("event_id"),
    )
    op.create_index("ix_case_links_case_id", "case_links", ["case_id"])
    op.create_index("ix_case_links_other_case_id", "case_links", ["other_case_id"])
    op.create_table(
        "media_hashes",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("case_id", sa.String(36), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("frame", sa.Integer(), nullable=False),
        sa.Column("phash", sa.Integer(), nullable=False),
        _case_fk(),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_media_hashes_case_id", "media_hashes", ["case_id"])
    op.create_table(
        "team_settings",
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("set_by", sa.String(64), nullable=False),
        sa.Column("set_at", sa.String(32), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )


def downgrade() -> None:
    for table in ("team_settings", "media_hashes", "case_links", "case_notes", "escalations"):
        op.drop_table(table)
    op.drop_table("queue_depth")
    for name in (
        "ix_cases_open_deadline",
        "ix_cases_open_priority",
        "ix_cases_lease_expiry",
        "ix_cases_lease",
        "ix_cases_deadline",
        "ix_cases_claim",
    ):
        op.drop_index(name, table_name="cases")
    with op.batch_alter_table("decisions") as batch:
        for column in ("final", "applied_from", "evidence", "severity"):
            batch.drop_column(column)
    with op.batch_alter_table("cases") as batch:
        for column in ("priority_key", "sla_deadline", "sla_started_at"):
            batch.drop_column(column)
