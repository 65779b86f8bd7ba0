"""Media blobs by SHA-256: verified on upload, served only to who may see a case using it."""

from __future__ import annotations

import hashlib
import re

from sqlalchemy import Engine, select

from app.hub.access import Principal
from app.hub.cases import visible_cases
from app.hub.errors import HubError
from db.hub.engine import insert_ignoring_conflicts, read_transaction, write_transaction
from db.hub.models import Blob, Case, CaseMedia

MAX_BLOB_BYTES = 64 << 20
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


def check_sha(sha256: str) -> None:
    """422 unless sha256 is 64 lowercase hex digits."""
    if not _SHA256.match(sha256):
        raise HubError(422, "a blob name is 64 lowercase hex digits (SHA-256)")


def put_blob(engine: Engine, user: Principal, sha256: str, data: bytes, now_ms: int) -> bool:
    """Store data under its SHA-256 (idempotent); True when it was new."""
    if not user.may_intake:
        raise HubError(403, f"a {user.role} may not upload media")
    check_sha(sha256)
    if len(data) > MAX_BLOB_BYTES:
        raise HubError(413, f"a blob holds at most {MAX_BLOB_BYTES} bytes")
    if hashlib.sha256(data).hexdigest() != sha256:
        raise HubError(422, "the body's SHA-256 does not match the blob name")
    row = {"sha256": sha256, "size": len(data), "data": data, "created_at": now_ms}
    with write_transaction(engine) as conn:
        statement = insert_ignoring_conflicts(Blob, conn, "sha256").values(row)
        # RETURNING, not rowcount: psycopg reports -1 for INSERT ... ON CONFLICT here.
        stored = conn.scalar(statement.returning(Blob.sha256))
    return stored is not None


def get_blob(engine: Engine, user: Principal, sha256: str) -> bytes:
    """The blob's bytes if user may see a case that references it; 404 otherwise."""
    check_sha(sha256)
    allowed = (
        select(CaseMedia.sha256)
        .join(Case, Case.case_id == CaseMedia.case_id)
        .where(CaseMedia.sha256 == sha256, visible_cases(user))
        .limit(1)
    )
    with read_transaction(engine) as conn:
        data = None
        if conn.scalar(allowed) is not None:
            data = conn.scalar(select(Blob.data).where(Blob.sha256 == sha256))
    if data is None:
        raise HubError(404, "no such blob")
    return data
