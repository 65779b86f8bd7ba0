"""Coordinated networks: imported posts and accounts, investigations and their verdicts

Revision ID: 0010
Revises: 0007
Create Date: 2026-12-05 12:30:00

Posts and accounts of an investigation are imported data (`veil network import`); the
other tables are projections of the network events (saved investigations, pins, notes,
cluster verdicts, edges rejected as coincidence).
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "network_accounts",
        sa.Column("investigation", sa.String(length=64), nullable=False),
        sa.Column("account_id", sa.String(length=200), nullable=False),
        sa.Column("handle", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.String(length=40), nullable=True),
        sa.Column("signals", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("investigation", "account_id"),
    )
    op.create_table(
        "network_posts",
        sa.Column("investigation", sa.String(length=64), nullable=False),
        sa.Column("post_no", sa.Integer(), nullable=False),
        sa.Column("post_id", sa.String(length=200), nullable=False),
        sa.Column("account_id", sa.String(length=200), nullable=False),
        sa.Column("posted_at", sa.String(length=40), nullable=False),
        sa.Column("posted_ts", sa.Float(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("links", sa.Text(), nullable=False),
        sa.Column("media_ref", sa.String(length=64), nullable=True),
        sa.Column("media_phash", sa.BigInteger(), nullable=True),
        sa.Column("reply_to", sa.String(length=200), nullable=True),
        sa.PrimaryKeyConstraint("investigation", "post_no"),
    )
    op.create_index(
        "ux_network_posts_post_id", "network_posts", ["investigation", "post_id"], unique=True
    )
    op.create_table(
        "network_investigations",
        sa.Column("investigation", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("parameters", sa.Text(), nullable=False),
        sa.Column("clearance", sa.String(length=64), nullable=True),
        sa.Column("saved_by", sa.String(length=64), nullable=False),
        sa.Column("saved_at", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("investigation"),
    )
    op.create_table(
        "network_pins",
        sa.Column("investigation", sa.String(length=64), nullable=False),
        sa.Column("target", sa.String(length=16), nullable=False),
        sa.Column("target_id", sa.String(length=200), nullable=False),
        sa.Column("pinned_by", sa.String(length=64), nullable=False),
        sa.Column("pinned_at", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("investigation", "target", "target_id"),
    )
    op.create_table(
        "network_notes",
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("investigation", sa.String(length=64), nullable=False),
        sa.Column("target", sa.String(length=16), nullable=False),
        sa.Column("target_id", sa.String(length=200), nullable=False),
        sa.Column("author", sa.String(length=64), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("written_at", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("event_id"),
    )
    op.create_index(
        "ix_network_notes_investigation", "network_notes", ["investigation"], unique=False
    )
    op.create_table(
        "network_verdicts",
        sa.Column("investigation", sa.String(length=64), nullable=False),
        sa.Column("cluster", sa.String(length=64), nullable=False),
        sa.Column("verdict", sa.String(length=24), nullable=False),
        sa.Column("rationale", sa.Text(), nullable=False),
        sa.Column("accounts", sa.Text(), nullable=False),
        sa.Column("judged_by", sa.String(length=64), nullable=False),
        sa.Column("judged_at", sa.String(length=32), nullable=False),
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.PrimaryKeyConstraint("investigation", "cluster"),
    )
    op.create_table(
        "network_rejected_edges",
        sa.Column("investigation", sa.String(length=64), nullable=False),
        sa.Column("account_a", sa.String(length=200), nullable=False),
        sa.Column("account_b", sa.String(length=200), nullable=False),
        sa.Column("rationale", sa.Text(), nullable=False),
        sa.Column("rejected_by", sa.String(length=64), nullable=False),
        sa.Column("rejected_at", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("investigation", "account_a", "account_b"),
    )
    op.create_table(
        "network_case_accounts",
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("account_id", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("case_id"),
    )
    op.create_index(
        "ix_network_case_accounts_account_id",
        "network_case_accounts",
        ["account_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_network_case_accounts_account_id", table_name="network_case_accounts")
    op.drop_table("network_case_accounts")
    op.drop_table("network_rejected_edges")
    op.drop_table("network_verdicts")
    op.drop_index("ix_network_notes_investigation", table_name="network_notes")
    op.drop_table("network_notes")
    op.drop_table("network_pins")
    op.drop_table("network_investigations")
    op.drop_index("ux_network_posts_post_id", table_name="network_posts")
    op.drop_table("network_posts")
    op.drop_table("network_accounts")
