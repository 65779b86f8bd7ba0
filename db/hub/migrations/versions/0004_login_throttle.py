"""Sign-in throttling and team settings on the hub: login_throttle, team_settings

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-05 08:10:00

login_throttle counts failed sign-ins per account and per client address and holds
their lockouts. team_settings keeps the settings in force per team (the latest
`team.setting` event per key), so a lease request reads the team's lease caps without
scanning the event log; it is filled here from the team.setting events already stored.
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "login_throttle",
        sa.Column("key", sa.String(length=128), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("window_start", sa.BigInteger(), nullable=False),
        sa.Column("locked_until", sa.BigInteger(), nullable=True),
        sa.Column("locks", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_login_throttle")),
    )
    settings = op.create_table(
        "team_settings",
        sa.Column("team", sa.String(length=64), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("set_by", sa.String(length=64), nullable=False),
        sa.Column("server_seq", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("team", "key", name=op.f("pk_team_settings")),
    )
    events = sa.table(
        "events",
        sa.column("server_seq", sa.BigInteger()),
        sa.column("kind", sa.String()),
        sa.column("payload", sa.Text()),
        sa.column("actor", sa.String()),
        sa.column("team", sa.String()),
    )
    conn = op.get_bind()
    latest: dict[tuple[str, str], dict[str, object]] = {}
    query = (
        sa.select(events.c.server_seq, events.c.payload, events.c.actor, events.c.team)
        .where(events.c.kind == "team.setting")
        .order_by(events.c.server_seq)
    )
    for seq, payload, actor, team in conn.execute(query):
        values = json.loads(payload).get("settings")
        if not isinstance(values, dict):
            continue
        for key, value in values.items():
            if isinstance(key, str) and len(key) <= 64:
                latest[(team, key)] = {
                    "team": team,
                    "key": key,
                    "value": json.dumps(value),
                    "set_by": actor,
                    "server_seq": seq,
                }
    if latest:
        op.bulk_insert(settings, list(latest.values()))


def downgrade() -> None:
    op.drop_table("team_settings")
    op.drop_table("login_throttle")
