"""Hub tables: the global event log, devices, users, tokens, blobs and cases.

Times are integers (milliseconds since the Unix epoch, UTC) so SQLite and PostgreSQL
compare them identically; the API turns them into ISO 8601 strings.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

ID = String(64)
HASH = String(64)
NAME = String(64)


# Named constraints, so migrations and both engines agree on every name.
NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class HubBase(DeclarativeBase):
    """Declarative base of the hub schema; its metadata is the migrations' target."""

    metadata = MetaData(naming_convention=NAMING)


class HubHead(HubBase):
    """The single row every ingest locks: last server_seq, global chain head, hub device."""

    __tablename__ = "hub_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    server_seq: Mapped[int] = mapped_column(BigInteger)
    global_hash: Mapped[str] = mapped_column(HASH)
    hub_device_id: Mapped[str] = mapped_column(ID)


class Event(HubBase):
    """One event in server_seq order, with the hub's global chain and access columns."""

    __tablename__ = "events"
    __table_args__ = (
        UniqueConstraint("device_id", "device_seq"),
        Index(None, "team", "server_seq"),
        # Who was addressed in which subject (a moderator named in an incident's role).
        Index(None, "audience", "category"),
    )

    server_seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    event_id: Mapped[str] = mapped_column(ID, unique=True)
    device_id: Mapped[str] = mapped_column(ID)
    device_seq: Mapped[int] = mapped_column(BigInteger)
    actor: Mapped[str] = mapped_column(NAME)
    kind: Mapped[str] = mapped_column(String(40))
    case_id: Mapped[str | None] = mapped_column(ID, index=True)
    payload: Mapped[str] = mapped_column(Text)
    seen_head: Mapped[str | None] = mapped_column(ID)
    created_at: Mapped[str] = mapped_column(String(40))
    prev_hash: Mapped[str] = mapped_column(HASH)
    hash: Mapped[str] = mapped_column(HASH)
    team: Mapped[str] = mapped_column(NAME)
    # A case event: its case's category. An event naming no case: its kind's subject
    # (an incident's events: the incident id), for MEMBERS kinds (app/hub/pull.py).
    category: Mapped[str | None] = mapped_column(NAME)
    clearance: Mapped[str | None] = mapped_column(NAME)
    # The one person besides leads and the actor who receives an event of a hidden kind
    # (the audited reviewer of a qa.verdict); see app/hub/access.py.
    audience: Mapped[str | None] = mapped_column(NAME)
    global_prev_hash: Mapped[str] = mapped_column(HASH)
    global_hash: Mapped[str] = mapped_column(HASH)
    received_at: Mapped[int] = mapped_column(BigInteger)


class Device(HubBase):
    """A device's chain head as the hub knows it; owner is the only user who may push."""

    __tablename__ = "devices"

    device_id: Mapped[str] = mapped_column(ID, primary_key=True)
    owner: Mapped[str] = mapped_column(NAME)
    last_seq: Mapped[int] = mapped_column(BigInteger)
    last_hash: Mapped[str] = mapped_column(HASH)


class User(HubBase):
    """A person who may log in; clearances is a canonical JSON list of strings."""

    __tablename__ = "users"

    username: Mapped[str] = mapped_column(NAME, primary_key=True)
    team: Mapped[str] = mapped_column(NAME)
    role: Mapped[str] = mapped_column(String(16))
    clearances: Mapped[str] = mapped_column(Text)
    password_hash: Mapped[str] = mapped_column(String(255))
    disabled: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[int] = mapped_column(BigInteger)


class Token(HubBase):
    """A bearer token, stored only as its SHA-256 so a database leak grants nothing."""

    __tablename__ = "tokens"

    token_sha256: Mapped[str] = mapped_column(HASH, primary_key=True)
    username: Mapped[str] = mapped_column(NAME, ForeignKey("users.username"), index=True)
    expires_at: Mapped[int] = mapped_column(BigInteger)


class Blob(HubBase):
    """Media bytes by SHA-256, kept in the database so hub processes stay stateless."""

    __tablename__ = "blobs"

    sha256: Mapped[str] = mapped_column(HASH, primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[int] = mapped_column(BigInteger)
    # The last time anyone uploaded these bytes: an unreferenced blob expires after the
    # grace period counted from here (app/hub/blobs.py).
    uploaded_at: Mapped[int] = mapped_column(BigInteger)


class Case(HubBase):
    """A case as ingested, for access checks, leases and intake de-duplication."""

    __tablename__ = "cases"
    __table_args__ = (
        UniqueConstraint("team", "external_id"),
        Index(None, "team", "status"),
    )

    case_id: Mapped[str] = mapped_column(ID, primary_key=True)
    team: Mapped[str] = mapped_column(NAME)
    external_id: Mapped[str] = mapped_column(String(255))
    category: Mapped[str] = mapped_column(NAME)
    clearance: Mapped[str | None] = mapped_column(NAME)
    queue: Mapped[str] = mapped_column(NAME)
    severity: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))
    ingested_seq: Mapped[int] = mapped_column(BigInteger)
    lease_holder: Mapped[str | None] = mapped_column(NAME)
    lease_expires_at: Mapped[int | None] = mapped_column(BigInteger)


class CaseMedia(HubBase):
    """Which blob a case references, so a blob is served only to who may see the case."""

    __tablename__ = "case_media"

    case_id: Mapped[str] = mapped_column(ID, ForeignKey("cases.case_id"), primary_key=True)
    sha256: Mapped[str] = mapped_column(HASH, primary_key=True, index=True)
    # Who brought the case in, and whether they were entitled to attach this blob (they
    # uploaded its bytes or could already read it): only entitled attachments serve it.
    attached_by: Mapped[str | None] = mapped_column(NAME)
    entitled: Mapped[bool] = mapped_column(Boolean)


class BlobUpload(HubBase):
    """Who proved possession of a blob by uploading its bytes (and when, last)."""

    __tablename__ = "blob_uploads"

    sha256: Mapped[str] = mapped_column(HASH, primary_key=True)
    username: Mapped[str] = mapped_column(NAME, primary_key=True)
    uploaded_at: Mapped[int] = mapped_column(BigInteger)


class TeamSetting(HubBase):
    """A team setting in force (the latest `team.setting` event's value for the key), as
    JSON: the lease caps are read from here on every lease request."""

    __tablename__ = "team_settings"

    team: Mapped[str] = mapped_column(NAME, primary_key=True)
    key: Mapped[str] = mapped_column(NAME, primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    set_by: Mapped[str] = mapped_column(NAME)
    server_seq: Mapped[int] = mapped_column(BigInteger)


class LoginThrottle(HubBase):
    """Failed sign-ins per account ("user:NAME") or per client address ("addr:IP") in the
    current window, and the lockout they led to (locks: lockouts in a row, for backoff)."""

    __tablename__ = "login_throttle"

    key: Mapped[str] = mapped_column(String(128), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer)
    window_start: Mapped[int] = mapped_column(BigInteger)
    locked_until: Mapped[int | None] = mapped_column(BigInteger)
    locks: Mapped[int] = mapped_column(Integer)
