"""Incidents: incidents, roles, seeds, linked cases, timeline log, entries, action items

Revision ID: 0009
Revises: 0007
Create Date: 2026-12-05 12:30:00

The projection tables of the incidents feature (app/incidents/models.py), folded from
the `incident.*` events; a store that upgrades folds its log again to fill them.
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "incidents",
        sa.Column("incident_id", sa.String(length=64), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("category", sa.String(length=200), nullable=False),
        sa.Column("regions", sa.Text(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("clearance", sa.String(length=48), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("severity", sa.Integer(), nullable=False),
        sa.Column("severity_key", sa.String(length=128), nullable=False),
        sa.Column("commander", sa.String(length=64), nullable=False),
        sa.Column("declared_by", sa.String(length=64), nullable=False),
        sa.Column("declared_at", sa.String(length=32), nullable=False),
        sa.Column("declared_event", sa.String(length=64), nullable=False),
        sa.Column("from_case", sa.String(length=64), nullable=True),
        sa.Column("terms", sa.Text(), nullable=False),
        sa.Column("terms_key", sa.String(length=128), nullable=False),
        sa.Column("resolved_at", sa.String(length=32), nullable=True),
        sa.Column("resolved_by", sa.String(length=64), nullable=True),
        sa.Column("resolution", sa.Text(), nullable=False),
        sa.Column("went_well", sa.Text(), nullable=False),
        sa.Column("went_badly", sa.Text(), nullable=False),
        sa.Column("pm_summary", sa.Text(), nullable=False),
        sa.Column("pm_key", sa.String(length=128), nullable=False),
        sa.Column("surge_mark", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("incident_id"),
    )
    op.create_table(
        "incident_roles",
        sa.Column("incident_id", sa.String(length=64), nullable=False),
        sa.Column("person", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("area", sa.String(length=16), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("key", sa.String(length=128), nullable=False),
        sa.PrimaryKeyConstraint("incident_id", "person", "role"),
    )
    op.create_index("ix_incident_roles_person", "incident_roles", ["person", "active"])
    op.create_table(
        "incident_seeds",
        sa.Column("incident_id", sa.String(length=64), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("frame", sa.Integer(), nullable=False),
        sa.Column("phash", sa.Integer(), nullable=False),
        sa.Column("source_case", sa.String(length=64), nullable=True),
        sa.Column("added_at", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("incident_id", "sha256", "frame"),
    )
    op.create_table(
        "incident_cases",
        sa.Column("incident_id", sa.String(length=64), nullable=False),
        sa.Column("case_id", sa.String(length=64), nullable=False),
        sa.Column("via", sa.String(length=16), nullable=False),
        sa.Column("distance", sa.Integer(), nullable=True),
        sa.Column("seed", sa.String(length=64), nullable=True),
        sa.Column("term", sa.Text(), nullable=True),
        sa.Column("linked_at", sa.String(length=32), nullable=False),
        sa.Column("event_id", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("incident_id", "case_id"),
    )
    op.create_index("ix_incident_cases_case", "incident_cases", ["case_id"])
    op.create_table(
        "incident_log",
        sa.Column("event_id", sa.String(length=64), nullable=False),
        sa.Column("incident_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("at", sa.String(length=32), nullable=False),
        sa.Column("case_id", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("event_id"),
    )
    op.create_index("ix_incident_log_time", "incident_log", ["incident_id", "at", "event_id"])
    op.create_table(
        "incident_entries",
        sa.Column("event_id", sa.String(length=64), nullable=False),
        sa.Column("incident_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("at", sa.String(length=32), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("pinned", sa.Boolean(), nullable=False),
        sa.Column("pin_key", sa.String(length=128), nullable=False),
        sa.Column("corrected_text", sa.Text(), nullable=True),
        sa.Column("corrected_by", sa.String(length=64), nullable=True),
        sa.Column("correction_key", sa.String(length=128), nullable=False),
        sa.PrimaryKeyConstraint("event_id"),
    )
    op.create_index(
        "ix_incident_entries_incident", "incident_entries", ["incident_id", "kind", "at"]
    )
    op.create_table(
        "incident_actions",
        sa.Column("incident_id", sa.String(length=64), nullable=False),
        sa.Column("item_id", sa.String(length=64), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("owner", sa.String(length=64), nullable=False),
        sa.Column("due", sa.String(length=32), nullable=True),
        sa.Column("done", sa.Boolean(), nullable=False),
        sa.Column("key", sa.String(length=128), nullable=False),
        sa.PrimaryKeyConstraint("incident_id", "item_id"),
    )


def downgrade() -> None:
    op.drop_table("incident_actions")
    op.drop_index("ix_incident_entries_incident", table_name="incident_entries")
    op.drop_table("incident_entries")
    op.drop_index("ix_incident_log_time", table_name="incident_log")
    op.drop_table("incident_log")
    op.drop_index("ix_incident_cases_case", table_name="incident_cases")
    op.drop_table("incident_cases")
    op.drop_table("incident_seeds")
    op.drop_index("ix_incident_roles_person", table_name="incident_roles")
    op.drop_table("incident_roles")
    op.drop_table("incidents")
