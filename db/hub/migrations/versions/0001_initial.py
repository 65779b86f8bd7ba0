"""Initial hub schema: events, devices, users, tokens, blobs, cases; seeds hub_head.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

GENESIS_HASH = "0" * 64  # the same value as app.log.events.GENESIS_HASH (db must not import app)
HASH = sa.String(length=64)
NAME = sa.String(length=64)


def upgrade() -> None:
    """Create every hub table and the hub's own device (its intake chain)."""
    _create_log_tables()
    _create_account_tables()
    _create_case_tables()
    _seed_hub_head()


def _create_log_tables() -> None:
    op.create_table(
        "hub_head",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("server_seq", sa.BigInteger(), nullable=False),
        sa.Column("global_hash", HASH, nullable=False),
        sa.Column("hub_device_id", NAME, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hub_head")),
    )
    op.create_table(
        "events",
        sa.Column("server_seq", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("event_id", NAME, nullable=False),
        sa.Column("device_id", NAME, nullable=False),
        sa.Column("device_seq", sa.BigInteger(), nullable=False),
        sa.Column("actor", NAME, nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("case_id", NAME, nullable=True),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("seen_head", NAME, nullable=True),
        sa.Column("created_at", sa.String(length=40), nullable=False),
        sa.Column("prev_hash", HASH, nullable=False),
        sa.Column("hash", HASH, nullable=False),
        sa.Column("team", NAME, nullable=False),
        sa.Column("category", NAME, nullable=True),
        sa.Column("clearance", NAME, nullable=True),
        sa.Column("global_prev_hash", HASH, nullable=False),
        sa.Column("global_hash", HASH, nullable=False),
        sa.Column("received_at", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("server_seq", name=op.f("pk_events")),
        sa.UniqueConstraint("device_id", "device_seq", name=op.f("uq_events_device_id_device_seq")),
        sa.UniqueConstraint("event_id", name=op.f("uq_events_event_id")),
    )
    op.create_index(op.f("ix_events_case_id"), "events", ["case_id"])
    op.create_index(op.f("ix_events_team_server_seq"), "events", ["team", "server_seq"])
    op.create_table(
        "devices",
        sa.Column("device_id", NAME, nullable=False),
        sa.Column("owner", NAME, nullable=False),
        sa.Column("last_seq", sa.BigInteger(), nullable=False),
        sa.Column("last_hash", HASH, nullable=False),
        sa.PrimaryKeyConstraint("device_id", name=op.f("pk_devices")),
    )


def _create_account_tables() -> None:
    op.create_table(
        "users",
        sa.Column("username", NAME, nullable=False),
        sa.Column("team", NAME, nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("clearances", sa.Text(), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("disabled", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("username", name=op.f("pk_users")),
    )
    op.create_table(
        "tokens",
        sa.Column("token_sha256", HASH, nullable=False),
        sa.Column("username", NAME, nullable=False),
        sa.Column("expires_at", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["username"], ["users.username"], name=op.f("fk_tokens_username_users")
        ),
        sa.PrimaryKeyConstraint("token_sha256", name=op.f("pk_tokens")),
    )
    op.create_index(op.f("ix_tokens_username"), "tokens", ["username"])


def _create_case_tables() -> None:
    op.create_table(
        "blobs",
        sa.Column("sha256", HASH, nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("sha256", name=op.f("pk_blobs")),
    )
    op.create_table(
        "cases",
        sa.Column("case_id", NAME, nullable=False),
        sa.Column("team", NAME, nullable=False),
        sa.Column("external_id", sa.String(length=255), nullable=False),
        sa.Column("category", NAME, nullable=False),
        sa.Column("clearance", NAME, nullable=True),
        sa.Column("queue", NAME, nullable=False),
        sa.Column("severity", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("ingested_seq", sa.BigInteger(), nullable=False),
        sa.Column("lease_holder", NAME, nullable=True),
        sa.Column("lease_expires_at", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("case_id", name=op.f("pk_cases")),
        sa.UniqueConstraint("team", "external_id", name=op.f("uq_cases_team_external_id")),
    )
    op.create_index(op.f("ix_cases_team_status"), "cases", ["team", "status"])
    op.create_table(
        "case_media",
        sa.Column("case_id", NAME, nullable=False),
        sa.Column("sha256", HASH, nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.case_id"], name=op.f("fk_case_media_case_id_cases")
        ),
        sa.PrimaryKeyConstraint("case_id", "sha256", name=op.f("pk_case_media")),
    )
    op.create_index(op.f("ix_case_media_sha256"), "case_media", ["sha256"])


def _seed_hub_head() -> None:
    # The hub authors intake events from its own device, with its own hash chain.
    device_id = f"hub-{uuid.uuid4().hex}"
    head = sa.table(
        "hub_head",
        sa.column("id", sa.Integer()),
        sa.column("server_seq", sa.BigInteger()),
        sa.column("global_hash", HASH),
        sa.column("hub_device_id", NAME),
    )
    devices = sa.table(
        "devices",
        sa.column("device_id", NAME),
        sa.column("owner", NAME),
        sa.column("last_seq", sa.BigInteger()),
        sa.column("last_hash", HASH),
    )
    op.bulk_insert(
        head, [{"id": 1, "server_seq": 0, "global_hash": GENESIS_HASH, "hub_device_id": device_id}]
    )
    op.bulk_insert(
        devices,
        [{"device_id": device_id, "owner": "@hub", "last_seq": 0, "last_hash": GENESIS_HASH}],
    )


def downgrade() -> None:
    """Drop every hub table."""
    for table in ("case_media", "cases", "blobs", "tokens", "users", "devices", "events"):
        op.drop_table(table)
    op.drop_table("hub_head")
