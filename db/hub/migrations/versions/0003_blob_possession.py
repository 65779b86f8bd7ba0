"""Media by possession: blob_uploads, case_media.attached_by/entitled, blobs.uploaded_at

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-05 08:00:00

A blob is served only through a case whose attachment was entitled: the person who
brought the case in had uploaded the blob's bytes (blob_uploads) or could already read
it. Existing attachments are filled in from the log: attached_by is the actor of the
case's case.ingested event; per blob, the earliest case is entitled (its media came up
with it) and a later one only when its attacher could see an earlier entitled case of
the blob (same team, clearance held). The earliest attacher is recorded as the uploader.
blobs.uploaded_at (the last upload, from which an unreferenced blob's grace period
counts) starts as created_at.
"""

from __future__ import annotations

import json
from collections import defaultdict

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

HASH = sa.String(length=64)
NAME = sa.String(length=64)


def upgrade() -> None:
    op.create_table(
        "blob_uploads",
        sa.Column("sha256", HASH, nullable=False),
        sa.Column("username", NAME, nullable=False),
        sa.Column("uploaded_at", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("sha256", "username", name=op.f("pk_blob_uploads")),
    )
    with op.batch_alter_table("blobs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("uploaded_at", sa.BigInteger(), nullable=True))
    op.execute("UPDATE blobs SET uploaded_at = created_at")
    with op.batch_alter_table("blobs", schema=None) as batch_op:
        batch_op.alter_column("uploaded_at", existing_type=sa.BigInteger(), nullable=False)
    with op.batch_alter_table("case_media", schema=None) as batch_op:
        batch_op.add_column(sa.Column("attached_by", NAME, nullable=True))
        batch_op.add_column(sa.Column("entitled", sa.Boolean(), nullable=True))
    _fill_entitlement()
    with op.batch_alter_table("case_media", schema=None) as batch_op:
        batch_op.alter_column("entitled", existing_type=sa.Boolean(), nullable=False)


def _fill_entitlement() -> None:
    conn = op.get_bind()
    media = sa.table(
        "case_media",
        sa.column("case_id", NAME),
        sa.column("sha256", HASH),
        sa.column("attached_by", NAME),
        sa.column("entitled", sa.Boolean()),
    )
    cases = sa.table(
        "cases",
        sa.column("case_id", NAME),
        sa.column("team", NAME),
        sa.column("clearance", NAME),
        sa.column("ingested_seq", sa.BigInteger()),
    )
    events = sa.table(
        "events",
        sa.column("case_id", NAME),
        sa.column("kind", sa.String()),
        sa.column("actor", NAME),
    )
    users = sa.table(
        "users", sa.column("username", NAME), sa.column("team", NAME), sa.column("clearances")
    )
    blobs = sa.table("blobs", sa.column("sha256", HASH), sa.column("created_at", sa.BigInteger()))
    uploads = sa.table(
        "blob_uploads",
        sa.column("sha256", HASH),
        sa.column("username", NAME),
        sa.column("uploaded_at", sa.BigInteger()),
    )
    people = {
        r.username: (r.team, set(json.loads(r.clearances or "[]")))
        for r in conn.execute(sa.select(users.c.username, users.c.team, users.c.clearances))
    }
    created = dict(conn.execute(sa.select(blobs.c.sha256, blobs.c.created_at)).all())
    ingest = (
        sa.select(events.c.actor)
        .where(events.c.case_id == media.c.case_id, events.c.kind == "case.ingested")
        .limit(1)
        .scalar_subquery()
    )
    rows = conn.execute(
        sa.select(media.c.case_id, media.c.sha256, cases.c.team, cases.c.clearance, ingest)
        .join(cases, cases.c.case_id == media.c.case_id)
        .order_by(media.c.sha256, cases.c.ingested_seq)
    ).all()
    by_blob: dict[str, list[tuple[str, str, str, str | None, str | None]]] = defaultdict(list)
    for row in rows:
        by_blob[row[1]].append((row[0], row[1], row[2], row[3], row[4]))
    for sha, attachments in by_blob.items():
        readable: list[tuple[str, str | None]] = []  # (team, clearance) of entitled cases
        for n, (case_id, _sha, team, clearance, actor) in enumerate(attachments):
            person = people.get(actor or "")
            may_read = person is not None and any(
                t == person[0] and (not c or c in person[1]) for t, c in readable
            )
            entitled = n == 0 or may_read
            if entitled:
                readable.append((team, clearance))
            if n == 0 and actor and sha in created:
                conn.execute(
                    sa.insert(uploads).values(sha256=sha, username=actor, uploaded_at=created[sha])
                )
            conn.execute(
                sa.update(media)
                .where(media.c.case_id == case_id, media.c.sha256 == sha)
                .values(attached_by=actor, entitled=entitled)
            )


def downgrade() -> None:
    with op.batch_alter_table("case_media", schema=None) as batch_op:
        batch_op.drop_column("entitled")
        batch_op.drop_column("attached_by")
    with op.batch_alter_table("blobs", schema=None) as batch_op:
        batch_op.drop_column("uploaded_at")
    op.drop_table("blob_uploads")
