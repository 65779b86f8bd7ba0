"""Lead tools: decision facts, QA audits, gold sets, exposure per reviewer-day; event indexes

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 10:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def _case_fk() -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(["case_id"], ["cases.case_id"], ondelete="CASCADE")


def upgrade() -> None:
    _decision_facts()
    _qa_audits()
    _gold()
    _exposure()
    # The audit trail filters by person and by date. Plain CREATE INDEX, not a batch: a
    # batch rebuild of `events` would drop its append-only triggers.
    op.create_index("ix_events_actor", "events", ["actor"], unique=False)
    op.create_index("ix_events_created_at", "events", ["created_at"], unique=False)


def _decision_facts() -> None:
    op.create_table(
        "decision_facts",
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("reviewer", sa.String(length=64), nullable=False),
        sa.Column("queue", sa.String(length=64), nullable=False),
        sa.Column("policy", sa.String(length=48), nullable=False),
        sa.Column("action", sa.String(length=48), nullable=False),
        sa.Column("severity", sa.Integer(), nullable=False),
        sa.Column("claimed_ts", sa.Float(), nullable=False),
        sa.Column("decided_ts", sa.Float(), nullable=False),
        sa.Column("deadline_ts", sa.Float(), nullable=True),
        sa.Column("escalated", sa.Boolean(), nullable=False),
        sa.Column("resolves_escalation", sa.Boolean(), nullable=False),
        sa.Column("unfiltered_seconds", sa.Float(), nullable=False),
        sa.Column("reveals", sa.Integer(), nullable=False),
        sa.Column("retracted", sa.Boolean(), nullable=False),
        _case_fk(),
        sa.PrimaryKeyConstraint("event_id"),
    )
    with op.batch_alter_table("decision_facts", schema=None) as batch_op:
        batch_op.create_index("ix_decision_facts_decided", ["decided_ts"], unique=False)
        batch_op.create_index(batch_op.f("ix_decision_facts_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_decision_facts_reviewer"), ["reviewer"], unique=False)
        batch_op.create_index(
            "ix_decision_facts_ops",
            [
                "reviewer",
                "queue",
                "decided_ts",
                "claimed_ts",
                "deadline_ts",
                "escalated",
                "retracted",
                "policy",
            ],
            unique=False,
        )


def _qa_audits() -> None:
    op.create_table(
        "qa_audits",
        sa.Column("decision_event_id", sa.String(length=36), nullable=False),
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("reviewer", sa.String(length=64), nullable=False),
        sa.Column("queue", sa.String(length=64), nullable=False),
        sa.Column("policy", sa.String(length=48), nullable=False),
        sa.Column("original_action", sa.String(length=48), nullable=False),
        sa.Column("reason", sa.String(length=32), nullable=False),
        sa.Column("assigned_at", sa.String(length=32), nullable=False),
        sa.Column("auditor", sa.String(length=64), nullable=True),
        sa.Column("blind_policy", sa.String(length=48), nullable=True),
        sa.Column("blind_action", sa.String(length=48), nullable=True),
        sa.Column("blind_at", sa.String(length=32), nullable=True),
        sa.Column("verdict", sa.String(length=16), nullable=True),
        sa.Column("corrected_policy", sa.String(length=48), nullable=True),
        sa.Column("corrected_action", sa.String(length=48), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("verdict_at", sa.String(length=32), nullable=True),
        _case_fk(),
        sa.PrimaryKeyConstraint("decision_event_id"),
    )
    with op.batch_alter_table("qa_audits", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_qa_audits_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_qa_audits_reviewer"), ["reviewer"], unique=False)
        batch_op.create_index(batch_op.f("ix_qa_audits_verdict_at"), ["verdict_at"], unique=False)


def _gold() -> None:
    op.create_table(
        "gold_cases",
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("policy", sa.String(length=48), nullable=False),
        sa.Column("expected_action", sa.String(length=48), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("marked_by", sa.String(length=64), nullable=False),
        sa.Column("marked_at", sa.String(length=32), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        _case_fk(),
        sa.PrimaryKeyConstraint("case_id"),
    )
    op.create_table(
        "gold_copies",
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("gold_case_id", sa.String(length=36), nullable=False),
        sa.Column("queue", sa.String(length=64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("inserted_at", sa.String(length=32), nullable=False),
        _case_fk(),
        sa.PrimaryKeyConstraint("case_id"),
    )
    with op.batch_alter_table("gold_copies", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_gold_copies_gold_case_id"), ["gold_case_id"], unique=False
        )


def _exposure() -> None:
    op.create_table(
        "exposure_case_days",
        sa.Column("reviewer", sa.String(length=64), nullable=False),
        sa.Column("day", sa.String(length=10), nullable=False),
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("category", sa.String(length=48), nullable=False),
        sa.Column("items", sa.Text(), nullable=False),
        sa.Column("items_viewed", sa.Integer(), nullable=False),
        sa.Column("unfiltered_seconds", sa.Float(), nullable=False),
        sa.Column("decisions", sa.Integer(), nullable=False),
        _case_fk(),
        sa.PrimaryKeyConstraint("reviewer", "day", "case_id"),
    )
    with op.batch_alter_table("exposure_case_days", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_exposure_case_days_case_id"), ["case_id"], unique=False
        )
        batch_op.create_index(
            "ix_exposure_day",
            ["day", "reviewer", "category", "items_viewed", "unfiltered_seconds"],
            unique=False,
        )


def downgrade() -> None:
    op.drop_index("ix_events_created_at", table_name="events")
    op.drop_index("ix_events_actor", table_name="events")
    for table in ("exposure_case_days", "gold_copies", "gold_cases", "qa_audits"):
        op.drop_table(table)
    op.drop_table("decision_facts")
