"""Media blobs by SHA-256: verified on upload, served only by possession and clearance.

- Upload (PUT): analysts and leads; the role, the name and the declared length are
  checked before a byte of the body is read, and the streamed body is capped as it comes.
  Every upload records who proved possession of the bytes (blob_uploads).
- Attach: a new case may name a stored blob only when the person bringing it in uploaded
  its bytes or may already read it (app/hub/cases.py: attachable_blobs); an attachment
  pushed without that right is kept but never serves the blob, until its author uploads
  the bytes.
- Read (GET): only through an entitled attachment to a case the reader may see. A blob
  the hub does not hold and one the reader may not read get the same 404 and body.
- Expiry: a blob no entitled attachment references is deleted once the grace period has
  passed since its last upload (`sweep`; the hub runs it in the background and
  `veil hub blobs sweep` runs it by hand).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, delete, exists, select, update
from sqlalchemy.dialects import postgresql, sqlite

from app.evidence import hub_key
from app.hub.access import Principal
from app.hub.cases import readable_blobs
from app.hub.errors import HubError
from app.hub.log import lock_head
from db.hub.engine import read_transaction, write_transaction
from db.hub.models import Blob, BlobUpload, CaseMedia

MAX_BLOB_BYTES = 64 << 20
DEFAULT_GRACE_SECONDS = 24 * 3600
GRACE_ENV = "VEIL_HUB_BLOB_GRACE"
NO_SUCH_BLOB = "no such blob"
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_SWEEP_BATCH = 500
_DRAIN_BYTES = 16 << 20


def check_sha(sha256: str) -> None:
    """422 unless sha256 is 64 lowercase hex digits."""
    if not _SHA256.match(sha256):
        raise HubError(422, "a blob name is 64 lowercase hex digits (SHA-256)")


def check_upload(user: Principal, sha256: str, declared: int | None) -> None:
    """What an upload must pass before its body is read: role, name, declared length."""
    if not user.may_intake:
        raise HubError(403, f"a {user.role} may not upload media")
    check_sha(sha256)
    if declared is not None and declared > MAX_BLOB_BYTES:
        raise HubError(413, f"a blob holds at most {MAX_BLOB_BYTES} bytes, got {declared}")


async def read_capped(chunks: AsyncIterator[bytes], limit: int = MAX_BLOB_BYTES) -> bytes:
    """A streamed body, refused (413) once more than limit bytes have arrived. Up to
    _DRAIN_BYTES more are read and dropped first, so a client that sends a little too
    much still reads the 413 instead of a reset connection."""
    parts, size = [], 0
    async for chunk in chunks:
        size += len(chunk)
        if size > limit + _DRAIN_BYTES:
            break
        if size <= limit:
            parts.append(chunk)
    if size > limit:
        raise HubError(413, f"a blob holds at most {limit} bytes")
    return b"".join(parts)


def put_blob(engine: Engine, user: Principal, sha256: str, data: bytes, now_ms: int) -> bool:
    """Store data under its SHA-256 and record that user holds it (idempotent); True when
    user had not uploaded it before. Their earlier attachments of it become entitled."""
    check_upload(user, sha256, len(data))
    if hashlib.sha256(data).hexdigest() != sha256:
        raise HubError(422, "the body's SHA-256 does not match the blob name")
    stored = hub_key.seal(hub_key.hub_blob_key(), sha256, data)
    row = {"sha256": sha256, "size": len(data), "data": stored, "created_at": now_ms}
    with write_transaction(engine) as conn:
        insert = _insert(conn)
        # Upsert: touching uploaded_at row-locks the blob, so a concurrent sweep either
        # deletes it first (this insert then stores it anew) or sees the fresh upload.
        blob = insert(Blob).values(**row, uploaded_at=now_ms)
        conn.execute(
            blob.on_conflict_do_update(index_elements=["sha256"], set_={"uploaded_at": now_ms})
        )
        known = conn.scalar(
            select(BlobUpload.uploaded_at).where(
                BlobUpload.sha256 == sha256, BlobUpload.username == user.username
            )
        )
        mine = insert(BlobUpload).values(sha256=sha256, username=user.username, uploaded_at=now_ms)
        conn.execute(
            mine.on_conflict_do_update(
                index_elements=["sha256", "username"], set_={"uploaded_at": now_ms}
            )
        )
        conn.execute(
            update(CaseMedia)
            .where(
                CaseMedia.sha256 == sha256,
                CaseMedia.attached_by == user.username,
                CaseMedia.entitled.is_(False),
            )
            .values(entitled=True)
        )
    return known is None


def get_blob(engine: Engine, user: Principal, sha256: str) -> bytes:
    """The blob's bytes if user may read it (see module docstring); 404 otherwise, the
    same answer whether the hub holds the blob or not."""
    check_sha(sha256)
    with read_transaction(engine) as conn:
        data = None
        if readable_blobs(conn, user, [sha256]):
            data = conn.scalar(select(Blob.data).where(Blob.sha256 == sha256))
    if data is None:
        raise HubError(404, NO_SUCH_BLOB)
    try:
        return hub_key.unseal(hub_key.hub_blob_key(), sha256, bytes(data))
    except hub_key.HubKeyError as exc:
        raise HubError(500, str(exc)) from exc


@dataclass(frozen=True)
class SweepReport:
    """What a sweep removed."""

    blobs: int
    bytes: int

    def summary(self) -> str:
        """One line for people."""
        return f"{self.blobs} unreferenced blob(s) removed, {self.bytes} bytes freed"


def sweep(engine: Engine, now_ms: int, grace_ms: int) -> SweepReport:
    """Delete blobs no entitled attachment references whose last upload is older than
    grace_ms. Runs under the hub_head lock, so no intake or push attaches one meanwhile."""
    cutoff = now_ms - grace_ms
    referenced = exists().where(CaseMedia.sha256 == Blob.sha256, CaseMedia.entitled.is_(True))
    removed, freed = 0, 0
    with write_transaction(engine) as conn:
        lock_head(conn)
        stale = conn.execute(
            select(Blob.sha256, Blob.size).where(Blob.uploaded_at < cutoff, ~referenced)
        ).all()
        sizes = {row.sha256: row.size for row in stale}
        shas = sorted(sizes)
        for start in range(0, len(shas), _SWEEP_BATCH):
            batch = shas[start : start + _SWEEP_BATCH]
            # Checked again row by row: an upload since the select keeps its blob.
            gone = list(
                conn.scalars(
                    delete(Blob)
                    .where(Blob.sha256.in_(batch), Blob.uploaded_at < cutoff, ~referenced)
                    .returning(Blob.sha256)
                )
            )
            if gone:
                conn.execute(delete(BlobUpload).where(BlobUpload.sha256.in_(gone)))
            removed += len(gone)
            freed += sum(sizes[sha] for sha in gone)
    return SweepReport(removed, freed)


def grace_seconds(value: str | None) -> float:
    """The blob grace period from VEIL_HUB_BLOB_GRACE's value (seconds; default a day)."""
    if value is None or not value.strip():
        return float(DEFAULT_GRACE_SECONDS)
    try:
        seconds = float(value)
    except ValueError:
        seconds = -1.0
    if not seconds > 0:
        raise ValueError(f"{GRACE_ENV} must be a number of seconds above 0, got {value!r}")
    return seconds


def _insert(conn: Connection) -> Any:
    """The connection's dialect's INSERT (for ON CONFLICT)."""
    return (postgresql if conn.dialect.name == "postgresql" else sqlite).insert
